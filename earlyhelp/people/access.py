"""Who may see a person's or a family's record: need to know, from one predicate.

A user sees a record only while they hold an active `Involvement` with it, personally, through a
team they are a current member of, or (for designated safeguarding leads) through their school.
A person is also seen through any family they belong to or belonged to. Auditors see records for
audit purposes. Everyone else gets a 404.

Restricted people are the exception to team-wide reasons: only an involvement held by the user
personally (lead practitioner, a manager's grant, break-glass) or the auditor role shows them.

Search is wider on purpose: any practitioner may learn that a child is known to early help, and
who to call, without opening the record (see `known_summary`), so work is never started twice.
"""

from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from earlyhelp.accounts.models import Membership
from earlyhelp.accounts.roles import Role
from earlyhelp.core.access import AccessPolicy, Action

from .codes import InvolvementReason
from .matching import POSSIBLE_MATCH, Match, PersonRecord, score
from .models import Address, Family, Involvement, Person
from .search import find_candidates

#: Reasons that let a user change a record, not only read it.
_WRITING_REASONS = frozenset(InvolvementReason.values) - {InvolvementReason.BREAK_GLASS}
#: Reasons held personally that show a confidential address (the people who must know it).
_CONFIDENTIAL_ADDRESS_REASONS = (
    InvolvementReason.LEAD_PRACTITIONER,
    InvolvementReason.GRANTED,
    InvolvementReason.BREAK_GLASS,
)
#: Team-held reasons whose team managers may see a confidential address.
_MANAGED_REASONS = (InvolvementReason.ALLOCATED_TEAM, InvolvementReason.FRONT_DOOR)
#: Roles that may record people and families at all (others search and read only).
RECORDING_ROLES = (
    Role.PRACTITIONER,
    Role.FRONT_DOOR_SCREENER,
    Role.TEAM_MANAGER,
    Role.DESIGNATED_SAFEGUARDING_LEAD,
)


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _current_memberships(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(Membership.current_q(), user=user)


def active_involvements() -> QuerySet[Involvement]:
    now = timezone.now()
    return Involvement.objects.filter(ended_at__isnull=True, suspended_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def involvements_of(user: Any, *, personal_only: bool = False) -> QuerySet[Involvement]:
    """Active involvements that give `user` a reason: their own, their teams', their school's."""
    active = active_involvements()
    if not _authenticated(user):
        return active.none()
    held = Q(user=user)
    if not personal_only:
        memberships = _current_memberships(user)
        teams = list(memberships.exclude(team=None).values_list("team_id", flat=True))
        schools = list(
            memberships.filter(role=Role.DESIGNATED_SAFEGUARDING_LEAD).values_list(
                "organisation_id", flat=True
            )
        )
        if teams:
            held |= Q(team_id__in=teams)
        if schools:
            held |= Q(organisation_id__in=schools)
    # A restricted family is seen only through a reason held personally, never a team's or a
    # school's (the same rule as for restricted people).
    return active.filter(held).exclude(Q(family__is_restricted=True) & ~Q(user=user))


def _is_auditor(user: Any) -> bool:
    return _authenticated(user) and user.is_auditor


def _person_reason(involvements: QuerySet[Involvement]) -> Q:
    return Q(Exists(involvements.filter(person=OuterRef("pk")))) | Q(
        Exists(involvements.filter(family__members__person=OuterRef("pk")))
    )


class PersonAccess(AccessPolicy[Person]):
    model = Person
    actions_for_visible = frozenset({Action.VIEW, Action.CHANGE})

    def visible_to(self, user: Any) -> QuerySet[Person]:
        people = Person.objects.filter(merged_into__isnull=True)
        if not _authenticated(user):
            return people.none()
        if _is_auditor(user):
            return people
        broad = _person_reason(involvements_of(user))
        personal = _person_reason(involvements_of(user, personal_only=True))
        return people.filter(Q(is_restricted=False) & broad | Q(is_restricted=True) & personal)

    def can(self, user: Any, action: str, obj: Person) -> bool:
        if action == Action.VIEW:
            return super().can(user, action, obj)
        if action != Action.CHANGE or not _authenticated(user) or obj.merged_into_id:
            return False
        writing = involvements_of(user, personal_only=obj.is_restricted).filter(
            reason__in=_WRITING_REASONS
        )
        return Person.objects.filter(_person_reason(writing), pk=obj.pk).exists()

    def searchable_by(self, user: Any) -> QuerySet[Person]:
        """People a search may name to `user`: everyone who is not restricted, plus the
        restricted people they may see. A restricted person never appears otherwise."""
        people = Person.objects.filter(merged_into__isnull=True)
        if not _authenticated(user):
            return people.none()
        if _is_auditor(user):
            return people
        personal = _person_reason(involvements_of(user, personal_only=True))
        return people.filter(Q(is_restricted=False) | personal)


class FamilyAccess(AccessPolicy[Family]):
    model = Family
    actions_for_visible = frozenset({Action.VIEW, Action.CHANGE})

    def visible_to(self, user: Any) -> QuerySet[Family]:
        if not _authenticated(user):
            return Family.objects.none()
        if _is_auditor(user):
            return Family.objects.all()
        return Family.objects.filter(Exists(involvements_of(user).filter(family=OuterRef("pk"))))

    def can(self, user: Any, action: str, obj: Family) -> bool:
        if action == Action.VIEW:
            return super().can(user, action, obj)
        if action != Action.CHANGE:
            return False
        return involvements_of(user).filter(family=obj, reason__in=_WRITING_REASONS).exists()


people = PersonAccess()
families = FamilyAccess()


def can_record_people(user: Any) -> bool:
    return (
        _authenticated(user)
        and _current_memberships(user).filter(role__in=RECORDING_ROLES).exists()
    )


def can_see_confidential_address(user: Any, person: Person) -> bool:
    """The named roles: the auditor, whoever holds a personal lead practitioner / granted /
    break-glass reason, and managers of a team allocated to (or screening) the person's family."""
    if not _authenticated(user):
        return False
    if _is_auditor(user):
        return True
    personal = involvements_of(user, personal_only=True).filter(
        reason__in=_CONFIDENTIAL_ADDRESS_REASONS
    )
    if Person.objects.filter(_person_reason(personal), pk=person.pk).exists():
        return True
    managed_teams = list(
        _current_memberships(user)
        .filter(role=Role.TEAM_MANAGER)
        .exclude(team=None)
        .values_list("team_id", flat=True)
    )
    if not managed_teams:
        return False
    managed = active_involvements().filter(team_id__in=managed_teams, reason__in=_MANAGED_REASONS)
    return Person.objects.filter(_person_reason(managed), pk=person.pk).exists()


def addresses_for(user: Any, person: Person) -> list[Address]:
    """The person's addresses as `user` may see them: a confidential address they may not see
    is replaced by a stand-in that says there is one, and nothing else."""
    addresses = list(person.addresses.order_by("-is_current", "-from_date", "-pk"))
    if any(a.is_confidential for a in addresses) and not can_see_confidential_address(user, person):
        addresses = [a if not a.is_confidential else _withheld(a) for a in addresses]
    return addresses


def _withheld(address: Address) -> Address:
    return Address(
        pk=address.pk,
        person_id=address.person_id,
        line_1="",
        postcode="",
        is_current=address.is_current,
        is_confidential=True,
        from_date=None,
        to_date=None,
    )


@dataclass(frozen=True)
class KnownSummary:
    """The minimum any practitioner needs to avoid starting again, without opening the record."""

    known: bool
    lead_practitioner: str = ""
    team: str = ""
    phone: str = ""
    recorded_by: str = ""

    def __str__(self) -> str:
        if not self.known:
            text = "Not currently known to early help"
            if self.recorded_by:
                text += f"; recorded by {self.recorded_by}"
                if self.phone:
                    text += f", {self.phone}"
            return text
        parts = [p for p in (self.lead_practitioner, self.team, self.phone) if p]
        return "Known to early help" + (": " + ", ".join(parts) if parts else "")


_KNOWN_REASONS = (
    InvolvementReason.LEAD_PRACTITIONER,
    InvolvementReason.ALLOCATED_TEAM,
    InvolvementReason.TEAM_AROUND_FAMILY,
)


def known_summaries(person_ids: list[int]) -> dict[int, KnownSummary]:
    """For each person, whether early help is involved now and who to call (or, if nobody is
    yet, who recorded them: so two practitioners never start the same work twice). One query."""
    if not person_ids:
        return {}
    rows = (
        active_involvements()
        .filter(reason__in=(*_KNOWN_REASONS, InvolvementReason.RECORDED_BY))
        .filter(Q(person_id__in=person_ids) | Q(family__members__person_id__in=person_ids))
        .values(
            "reason",
            "person_id",
            "family__members__person_id",
            "user__full_name",
            "user__phone",
            "team__name",
            "team__organisation__phone",
        )
    )
    found: dict[int, dict[str, str]] = {}
    wanted = set(person_ids)
    for row in rows:
        for pid in {row["person_id"], row["family__members__person_id"]} & wanted:
            entry = found.setdefault(pid, {})
            reason = row["reason"]
            if reason in _KNOWN_REASONS:
                entry["known"] = "yes"
            if reason == InvolvementReason.LEAD_PRACTITIONER and row["user__full_name"]:
                entry["lead"] = row["user__full_name"]
                entry["phone"] = row["user__phone"] or entry.get("phone", "")
            elif reason == InvolvementReason.ALLOCATED_TEAM and row["team__name"]:
                entry["team"] = row["team__name"]
                entry.setdefault("phone", row["team__organisation__phone"] or "")
            elif reason == InvolvementReason.RECORDED_BY and row["user__full_name"]:
                entry["recorder"] = row["user__full_name"]
                entry["recorder_phone"] = row["user__phone"] or ""
    summaries = {pid: KnownSummary(known=False) for pid in person_ids}
    for pid, entry in found.items():
        if entry.get("known"):
            summaries[pid] = KnownSummary(
                known=True,
                lead_practitioner=entry.get("lead", ""),
                team=entry.get("team", ""),
                phone=entry.get("phone", ""),
            )
        else:
            summaries[pid] = KnownSummary(
                known=False,
                recorded_by=entry.get("recorder", ""),
                phone=entry.get("recorder_phone", ""),
            )
    return summaries


def search_people(user: Any, query: PersonRecord, *, limit: int = 10) -> list[tuple[Person, Match]]:
    """Candidates `user` may learn about, best first. A postcode typed into a search must never
    confirm (or rule out) where someone with a confidential address lives: such people are scored
    as if no postcode were recorded, and shown only if the rest of the evidence still matches."""
    found = find_candidates(query, people=people.searchable_by(user), limit=2 * limit)
    if query.postcode and found:
        confidential = set(
            Address.objects.filter(
                person_id__in=[p.pk for p, _ in found], is_current=True, is_confidential=True
            ).values_list("person_id", flat=True)
        )
        rescored = []
        for person, match in found:
            if person.pk in confidential and not can_see_confidential_address(user, person):
                match = score(query, replace(person.as_record(), postcode=""))
                if match.score < POSSIBLE_MATCH:
                    continue
            rescored.append((person, match))
        found = sorted(rescored, key=lambda pair: (-pair[1].score, pair[0].pk))
    return found[:limit]
