"""The only write path for consent, safeguarding overrides and sharing decisions.

Withdrawing (or refusing) consent to share has an effect straight away: partners whose access to
the family rested on that consent (a school or health practitioner on the team around the family,
a school's safeguarding lead for a pupil) have their involvement suspended, unless a manager has
recorded a safeguarding override. New consent, or an override, gives the access back. The
council's own early help staff do not rest on consent (their lawful basis is public task)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from earlyhelp.accounts.models import Membership, Organisation, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import InvolvementReason
from earlyhelp.people.models import Family, Involvement, Person

from .codes import ConsentDecision, ConsentScope, SharingOutcome
from .models import ConsentRecord, SafeguardingOverride, SharingDecision

#: Reasons for access that rest on the family's consent to share.
RESTING_ON_CONSENT = (InvolvementReason.TEAM_AROUND_FAMILY, InvolvementReason.SCHOOL)
SUSPENDED_FOR_CONSENT = "Consent to share withdrawn or refused"


def _save(obj: Any, reason: str) -> None:
    obj.full_clean()
    # The history's reason column holds 100 characters; the full text is kept on the record.
    obj._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"
    obj.save()


def is_manager(user: User) -> bool:
    """A council team manager: the people who may override consent or approve sharing without
    it. A partner agency's manager may not override the family's decision about their agency."""
    return Membership.objects.filter(
        Membership.current_q(),
        user=user,
        role=Role.TEAM_MANAGER,
        organisation__kind=OrganisationKind.COUNCIL,
    ).exists()


def _holder_organisations(involvement: Involvement) -> list[Organisation]:
    if involvement.organisation is not None:
        return [involvement.organisation]
    if involvement.team is not None:
        return [involvement.team.organisation]
    memberships = Membership.objects.filter(Membership.current_q(), user=involvement.user)
    return [m.organisation for m in memberships.select_related("organisation")]


def _covers(
    organisations: Iterable[Organisation], target_org: Organisation | None, target_kind: str
) -> bool:
    """Whether a consent (or override) about `target_org` / `target_kind` (neither: every
    partner) applies to a holder from `organisations`. Council holders are never partners."""
    for organisation in organisations:
        if organisation.kind == OrganisationKind.COUNCIL:
            continue
        if target_org is not None and organisation.pk == target_org.pk:
            return True
        if target_kind and organisation.kind == target_kind:
            return True
        if target_org is None and not target_kind:
            return True
    return False


def _partner_involvements(family: Family) -> list[Involvement]:
    members = family.members.values("person_id")
    return list(
        Involvement.objects.filter(ended_at__isnull=True, reason__in=RESTING_ON_CONSENT)
        .filter(Q(family=family) | Q(person__in=members))
        .select_related("organisation", "team__organisation")
    )


def _overridden(family: Family, organisations: list[Organisation]) -> bool:
    overrides = SafeguardingOverride.objects.filter(family=family, ended_at__isnull=True)
    return any(
        _covers(organisations, o.share_with_organisation, o.share_with_kind)
        for o in overrides.select_related("share_with_organisation")
    )


def _sharing_withheld(family: Family, organisations: list[Organisation]) -> bool:
    """Whether the current consent position withholds sharing from these organisations."""
    records = ConsentRecord.objects.filter(family=family, scope=ConsentScope.SHARE).select_related(
        "share_with_organisation"
    )
    latest: dict[tuple, ConsentRecord] = {}
    for record in records:  # newest first
        latest.setdefault(record.question, record)
    return any(
        r.decision != ConsentDecision.GIVEN
        and _covers(organisations, r.share_with_organisation, r.share_with_kind)
        for r in latest.values()
    )


def apply_consent_to_access(*, actor: User | None, family: Family) -> None:
    """Suspend or resume every partner's consent-based access to `family` so it matches the
    current consent position and overrides. Idempotent."""
    for involvement in _partner_involvements(family):
        organisations = _holder_organisations(involvement)
        withheld = _sharing_withheld(family, organisations) and not _overridden(
            family, organisations
        )
        if withheld and involvement.suspended_at is None:
            people_services.suspend_involvement(
                actor=actor, involvement=involvement, reason=SUSPENDED_FOR_CONSENT
            )
        elif not withheld and involvement.suspended_reason == SUSPENDED_FOR_CONSENT:
            people_services.resume_involvement(
                actor=actor, involvement=involvement, reason="Consent to share allows it again"
            )


@transaction.atomic
def record_consent(
    *,
    actor: User,
    family: Family,
    scope: str,
    decision: str,
    given_by: str,
    given_by_name: str,
    method: str,
    decided_on: date,
    person: Person | None = None,
    share_with_organisation: Organisation | None = None,
    share_with_kind: str = "",
    review_on: date | None = None,
    notes: str = "",
) -> ConsentRecord:
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The date of the decision must be today or earlier"})
    if review_on and review_on <= decided_on:
        raise ValidationError({"review_on": "The review date must be after the decision"})
    record = ConsentRecord(
        family=family,
        person=person,
        scope=scope,
        decision=decision,
        given_by=given_by,
        given_by_name=given_by_name,
        method=method,
        decided_on=decided_on,
        share_with_organisation=share_with_organisation if scope == ConsentScope.SHARE else None,
        share_with_kind=share_with_kind if scope == ConsentScope.SHARE else "",
        review_on=review_on,
        notes=notes,
        recorded_by=actor,
    )
    _save(record, f"Consent {record.get_decision_display().lower()}")
    if scope == ConsentScope.SHARE:
        apply_consent_to_access(actor=actor, family=family)
    return record


@transaction.atomic
def record_override(
    *,
    actor: User,
    family: Family,
    reason: str,
    share_with_organisation: Organisation | None = None,
    share_with_kind: str = "",
) -> SafeguardingOverride:
    if not is_manager(actor):
        raise ValidationError("Only a team manager can record a safeguarding override")
    override = SafeguardingOverride(
        family=family,
        reason=reason,
        approved_by=actor,
        share_with_organisation=share_with_organisation,
        share_with_kind=share_with_kind,
    )
    _save(override, f"Safeguarding override: {reason[:200]}")
    apply_consent_to_access(actor=actor, family=family)
    return override


@transaction.atomic
def end_override(
    *, actor: User, override: SafeguardingOverride, reason: str
) -> SafeguardingOverride:
    if not is_manager(actor):
        raise ValidationError("Only a team manager can end a safeguarding override")
    override.ended_at = timezone.now()
    override.end_reason = reason
    _save(override, f"Override ended: {reason[:200]}")
    apply_consent_to_access(actor=actor, family=override.family)
    return override


@transaction.atomic
def record_sharing_decision(
    *,
    actor: User,
    family: Family,
    information: str,
    shared_with_organisation: Organisation,
    purpose: str,
    lawful_basis: str,
    with_consent: bool,
    outcome: str,
    rationale: str,
    family_told: bool,
    decided_on: date,
    shared_with_name: str = "",
    without_consent_reason: str = "",
    approved_by: User | None = None,
    family_not_told_reason: str = "",
    person: Person | None = None,
) -> SharingDecision:
    errors: dict[str, str] = {}
    if outcome == SharingOutcome.SHARED and not with_consent:
        if not without_consent_reason.strip():
            errors["without_consent_reason"] = "Enter why information was shared without consent"
        if approved_by is None or not is_manager(approved_by):
            errors["approved_by"] = "Select the manager who approved sharing without consent"
    if outcome == SharingOutcome.SHARED and not family_told and not family_not_told_reason.strip():
        errors["family_not_told_reason"] = "Enter why the family was not told"
    if errors:
        raise ValidationError(errors)
    decision = SharingDecision(
        family=family,
        person=person,
        information=information,
        shared_with_organisation=shared_with_organisation,
        shared_with_name=shared_with_name,
        purpose=purpose,
        lawful_basis=lawful_basis,
        with_consent=with_consent,
        without_consent_reason=without_consent_reason,
        approved_by=approved_by,
        outcome=outcome,
        rationale=rationale,
        family_told=family_told,
        family_not_told_reason=family_not_told_reason,
        decided_on=decided_on,
        recorded_by=actor,
    )
    _save(decision, f"Sharing decision: {decision.get_outcome_display().lower()}")
    return decision
