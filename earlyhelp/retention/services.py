"""The only write path for retention: the periodic review job, keeping a family for longer,
legal holds, and anonymising a family's records.

Which families are due is worked out in the database, in one query over all families (the
youngest child's date of birth and the latest activity are correlated aggregates, compared with
thresholds computed here), so the job costs the same handful of queries for 100 families or
100,000.

"Last activity" is, until early help episodes exist, the latest change to the family's records:
the family, its memberships, its involvements (which record when each one ended), its consent
records and sharing decisions, and its members' person records. When episodes arrive, the
latest episode closure date replaces it (see docs/retention.md)."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from earlyhelp.accounts.models import User
from earlyhelp.consent.models import ConsentRecord, SafeguardingOverride, SharingDecision
from earlyhelp.core.audit import append_access_event
from earlyhelp.core.models import AccessAction
from earlyhelp.people.codes import FamilyRole
from earlyhelp.people.models import (
    Address,
    Family,
    FamilyMember,
    Involvement,
    Person,
    PersonMerge,
    Relationship,
)

from .models import (
    ErasureRecord,
    LegalHold,
    RetentionReview,
    RetentionRule,
    ReviewStatus,
    RuleKind,
)

ANONYMISED_NAME = "Anonymised"
ANONYMISED_FAMILY = "Anonymised family"
#: What replaces required free text that may have held personal data.
REMOVED = "[removed when the family's records were anonymised]"
REMOVED_REASON = "[reason removed when anonymised]"
#: New reviews are written in batches of this many rows.
BATCH_SIZE = 2000
CLOSED = (ReviewStatus.ANONYMISED, ReviewStatus.ERASED)
#: The columns `with_retention_facts` adds (named through this tuple: they are annotations).
FACTS: tuple[str, ...] = ("youngest_child_dob", "last_activity")


# --- Dates ----------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """`day` moved by `years` (negative: back). 29 February becomes 1 March going forward (the
    legal birthday in England in a non-leap year) and 28 February going back."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1) if years > 0 else date(year, 2, 28)
    return day.replace(year=year)


def _to_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


# --- Which families are due -----------------------------------------------------------------


def active_rule() -> RetentionRule | None:
    return RetentionRule.objects.filter(is_active=True).first()


def _latest(queryset: QuerySet, family_field: str, value: str) -> Subquery:
    """The latest `value` among `queryset`'s rows for the outer family, as a subquery."""
    return Subquery(
        queryset.filter(**{family_field: OuterRef("pk")})
        .order_by()
        .values(family_field)
        .annotate(latest=Max(value))
        .values("latest")[:1]
    )


def with_retention_facts(families: QuerySet[Family]) -> QuerySet[Family]:
    """Annotate `youngest_child_dob` and `last_activity` (a datetime) on each family."""
    children = FamilyMember.objects.filter(role=FamilyRole.CHILD).annotate(
        dob=Coalesce("person__date_of_birth", "person__expected_date_of_birth")
    )
    activity = [
        _latest(Family.history.model.objects.all(), "id", "history_date"),
        _latest(FamilyMember.history.model.objects.all(), "family_id", "history_date"),
        _latest(Involvement.history.model.objects.all(), "family_id", "history_date"),
        _latest(ConsentRecord.history.model.objects.all(), "family_id", "history_date"),
        _latest(SharingDecision.history.model.objects.all(), "family_id", "history_date"),
        _latest(FamilyMember.objects.all(), "family_id", "person__updated_at"),
    ]
    # SQLite's MAX(a, b) is NULL if any argument is: every subquery falls back to created_at.
    return families.annotate(
        youngest_child_dob=_latest(children, "family_id", "dob"),
        last_activity=Greatest(
            F("created_at"), *(Coalesce(latest, F("created_at")) for latest in activity)
        ),
    )


def family_facts(family: Family) -> tuple[date | None, datetime]:
    """(youngest child's date of birth, last activity) of one family."""
    youngest, last_activity = (
        with_retention_facts(Family.objects.filter(pk=family.pk)).values_list(*FACTS).get()
    )
    return youngest, last_activity


def due_on(rule: RetentionRule, youngest_child_dob: date | None, last_activity: Any) -> date:
    """The date a family becomes due under `rule`."""
    if rule.kind == RuleKind.YOUNGEST_CHILD_AGE and youngest_child_dob is not None:
        return add_years(youngest_child_dob, rule.age)
    return add_years(_to_date(last_activity), rule.years)


def why_due(rule: RetentionRule, youngest_child_dob: date | None) -> str:
    if rule.kind == RuleKind.YOUNGEST_CHILD_AGE and youngest_child_dob is not None:
        return f"The youngest child is {rule.age} or older"
    if rule.kind == RuleKind.YOUNGEST_CHILD_AGE:
        return f"No child's date of birth is known; no activity for {rule.years} years"
    return f"No activity for {rule.years} years"


def _held() -> Exists:
    return Exists(LegalHold.objects.filter(family=OuterRef("pk"), lifted_on__isnull=True))


def due_families(rule: RetentionRule, today: date | None = None) -> QuerySet[Family]:
    """Families due for review under `rule` on `today`: one query, whatever the number."""
    today = today or timezone.localdate()
    activity_before = add_years(today, -rule.years)
    # last_activity is a datetime: due when it was before the start of the day after the cut-off.
    activity_cutoff = timezone.make_aware(
        datetime.combine(activity_before + timedelta(days=1), datetime.min.time())
    )
    if rule.kind == RuleKind.YOUNGEST_CHILD_AGE:
        due = Q(youngest_child_dob__lte=add_years(today, -rule.age)) | Q(
            youngest_child_dob__isnull=True, last_activity__lt=activity_cutoff
        )
    else:
        due = Q(last_activity__lt=activity_cutoff)
    kept = RetentionReview.objects.filter(
        family=OuterRef("pk"), status=ReviewStatus.KEPT, next_review_on__gt=today
    )
    closed = RetentionReview.objects.filter(family=OuterRef("pk"), status__in=CLOSED)
    return (
        with_retention_facts(Family.objects.all())
        .filter(due)
        .exclude(_held())
        .exclude(Exists(kept))
        .exclude(Exists(closed))
    )


@dataclass
class JobResult:
    due: int = 0
    opened: int = 0
    no_longer_due: int = 0


@transaction.atomic
def run_retention_review(today: date | None = None) -> JobResult:
    """Open a review for each family newly due; close open reviews of families no longer due
    (a legal hold placed, the rule changed). Idempotent: running it twice changes nothing."""
    today = today or timezone.localdate()
    rule = active_rule()
    result = JobResult()
    if rule is None:
        return result
    due = due_families(rule, today)
    rows = list(due.values_list("pk", *FACTS))
    result.due = len(rows)
    already = set(
        RetentionReview.objects.filter(status=ReviewStatus.DUE).values_list("family_id", flat=True)
    )
    new = [
        RetentionReview(
            family_id=pk,
            rule=rule,
            due_since=due_on(rule, youngest, last_activity),
            why=why_due(rule, youngest),
        )
        for pk, youngest, last_activity in rows
        if pk not in already
    ]
    RetentionReview.objects.bulk_create(new, batch_size=BATCH_SIZE)
    result.opened = len(new)
    result.no_longer_due = (
        RetentionReview.objects.filter(status=ReviewStatus.DUE)
        .exclude(family_id__in=due.values("pk"))
        .update(
            status=ReviewStatus.NO_LONGER_DUE,
            decided_at=timezone.now(),
            decision_reason="No longer due when the retention job ran",
        )
    )
    return result


def open_review(family: Family) -> RetentionReview | None:
    return RetentionReview.objects.filter(family=family, status=ReviewStatus.DUE).first()


def current_hold(family: Family) -> LegalHold | None:
    return (
        LegalHold.objects.filter(family=family, lifted_on__isnull=True)
        .select_related("placed_by")
        .first()
    )


# --- Decisions ------------------------------------------------------------------------------


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason"})
    return reason


def _close(review: RetentionReview, actor: User, status: str, reason: str) -> None:
    review.status = status
    review.decided_at = timezone.now()
    review.decided_by = actor
    review.decision_reason = reason
    review.save()


@transaction.atomic
def keep_family(*, actor: User, family: Family, years: int, reason: str) -> RetentionReview:
    """Keep a due family's records for `years` more years: not due again before then."""
    reason = _require_reason(reason)
    if years < 1:
        raise ValidationError({"years": "Enter a number of years, 1 or more"})
    review = open_review(family)
    if review is None:
        raise ValidationError("This family is not due for review")
    review.next_review_on = add_years(timezone.localdate(), years)
    _close(review, actor, ReviewStatus.KEPT, reason)
    return review


@transaction.atomic
def place_legal_hold(*, actor: User, family: Family, reason: str) -> LegalHold:
    reason = _require_reason(reason)
    Family.objects.select_for_update().filter(pk=family.pk).first()
    if current_hold(family) is not None:
        raise ValidationError("This family is already under a legal hold")
    hold = LegalHold(family=family, reason=reason, placed_by=actor)
    hold._change_reason = "Legal hold placed"  # type: ignore[attr-defined]
    hold.save()
    review = open_review(family)
    if review is not None:
        _close(review, actor, ReviewStatus.NO_LONGER_DUE, f"Legal hold placed: {reason}")
    return hold


@transaction.atomic
def lift_legal_hold(*, actor: User, family: Family, reason: str) -> LegalHold:
    reason = _require_reason(reason)
    hold = current_hold(family)
    if hold is None:
        raise ValidationError("This family is not under a legal hold")
    hold.lifted_on = timezone.now()
    hold.lifted_by = actor
    hold.lift_reason = reason
    hold._change_reason = "Legal hold lifted"  # type: ignore[attr-defined]
    hold.save()
    return hold


# --- Anonymising ----------------------------------------------------------------------------


@dataclass
class Scope:
    """Who anonymising a family would change, and who it would leave alone."""

    people: set[int] = field(default_factory=set)
    left_alone: set[int] = field(default_factory=set)


def anonymisation_scope(family: Family) -> Scope:
    """Members of the family, and records merged into them, except people who are also in a
    family that is neither due for review nor already anonymised: their record is still needed."""
    members = set(FamilyMember.objects.filter(family=family).values_list("person_id", flat=True))
    finished = RetentionReview.objects.filter(status__in=(ReviewStatus.DUE, *CLOSED)).values(
        "family_id"
    )
    still_needed = set(
        FamilyMember.objects.filter(person_id__in=members)
        .exclude(family=family)
        .exclude(family_id__in=finished)
        .values_list("person_id", flat=True)
    )
    people = members - still_needed
    # Records merged into these people hold the same person's data.
    frontier = set(people)
    while frontier:
        frontier = (
            set(Person.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True))
            - people
        )
        people |= frontier
    return Scope(people=people, left_alone=still_needed)


def _anonymise_person(person: Person, actor: User, reason: str) -> None:
    person.given_name = ANONYMISED_NAME
    person.family_name = ""
    person.other_names = ""
    # 1 January of the year keeps age-band statistics without the exact date.
    for name in ("date_of_birth", "expected_date_of_birth", "date_of_death"):
        value = getattr(person, name)
        if value is not None:
            setattr(person, name, date(value.year, 1, 1))
    for name in (
        "nhs_number",
        "upn",
        "council_person_id",
        "source_id",
        "phone",
        "email",
        "gender",
        "religion",
        "first_language",
        "postcode",
    ):
        setattr(person, name, "")
    # Kept: sex, ethnicity, disabilities (equality statistics) and postcode_district (area).
    person._change_reason = reason  # type: ignore[attr-defined]
    person._history_user = actor  # type: ignore[attr-defined]
    person.save()


@transaction.atomic
def anonymise_family(*, actor: User, family: Family, reason: str) -> ErasureRecord:
    """Anonymise a due family's records, keeping what statistics need. See docs/retention.md."""
    reason = _require_reason(reason)
    family = Family.objects.select_for_update().get(pk=family.pk)
    if current_hold(family) is not None:
        raise ValidationError("This family is under a legal hold: lift the hold first")
    review = open_review(family)
    if review is None:
        raise ValidationError("This family is not due for review")
    scope = anonymisation_scope(family)
    ids = scope.people
    history_reason = reason if len(reason) <= 100 else reason[:99] + "…"
    removed = 0

    addresses = Address.objects.filter(person_id__in=ids)
    address_ids = list(addresses.values_list("pk", flat=True))
    addresses_deleted = len(address_ids)
    addresses.delete()  # writes "-" history rows with the address: purged next
    removed += Address.history.model.objects.filter(
        Q(id__in=address_ids) | Q(person_id__in=ids)
    ).delete()[0]
    removed += Person.history.model.objects.filter(id__in=ids).delete()[0]
    removed += Family.history.model.objects.filter(id=family.pk).delete()[0]
    for person in Person.objects.filter(pk__in=ids):
        _anonymise_person(person, actor, history_reason)
    family.name = ANONYMISED_FAMILY
    family._change_reason = history_reason  # type: ignore[attr-defined]
    family._history_user = actor  # type: ignore[attr-defined]
    family.save()

    cleared = _clear_free_text(family, ids)

    record = ErasureRecord.objects.create(
        family_id=family.pk,
        people_anonymised=len(ids),
        people_left_alone=len(scope.left_alone),
        left_alone_ids=sorted(scope.left_alone),
        addresses_deleted=addresses_deleted,
        history_rows_removed=removed,
        records_cleared=cleared,
        reason=reason,
        erased_by=actor,
    )
    _close(review, actor, ReviewStatus.ANONYMISED, reason)
    append_access_event(
        actor=actor,
        actor_label=actor.email,
        action=AccessAction.VIEW,
        object_type="retention_erasure",
        object_id=str(record.pk),
        description=f"Anonymised family {family.pk}: {len(ids)} people",
        person_id=None,
        family_id=family.pk,
        reason=reason,
        request_id="",
        path="",
    )
    return record


def _clear(model: Any, where: Q, **values: Any) -> int:
    """Clear free text on the rows and on every history row of them. History reasons go too:
    services write free text into them (an override's or a merge's reason, a break-glass note)."""
    ids = list(model.objects.filter(where).values_list("pk", flat=True))
    if not ids:
        return 0
    if values:
        model.objects.filter(pk__in=ids).update(**values)
    model.history.model.objects.filter(id__in=ids).exclude(history_change_reason=None).update(
        history_change_reason=REMOVED_REASON
    )
    model.history.model.objects.filter(id__in=ids).update(**values)
    return len(ids)


def _clear_free_text(family: Family, ids: set[int]) -> int:
    """Consent, sharing, override, involvement and merge rows stay (dates, outcomes, lawful
    basis and who had access count for statistics and audit); their free text goes."""
    cleared = _clear(
        ConsentRecord, Q(family=family) | Q(person_id__in=ids), given_by_name=REMOVED, notes=""
    )
    cleared += _clear(
        SharingDecision,
        Q(family=family) | Q(person_id__in=ids),
        information=REMOVED,
        shared_with_name="",
        purpose=REMOVED,
        rationale=REMOVED,
        without_consent_reason="",
        family_not_told_reason="",
    )
    cleared += _clear(SafeguardingOverride, Q(family=family), reason=REMOVED, end_reason="")
    cleared += _clear(
        Involvement, Q(family=family) | Q(person_id__in=ids), note="", suspended_reason=""
    )
    cleared += _clear(
        PersonMerge, Q(kept_id__in=ids) | Q(merged_id__in=ids), reason=REMOVED, undo_reason=""
    )
    # No free text of their own, but merges write their reason into these rows' history.
    _clear(FamilyMember, Q(family=family) | Q(person_id__in=ids))
    _clear(Relationship, Q(person_id__in=ids) | Q(related_person_id__in=ids))
    return cleared
