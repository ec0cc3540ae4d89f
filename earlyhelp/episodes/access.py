"""Who may see an episode: the lead practitioner, members of the allocated team (and their
managers), council team managers for episodes waiting for allocation (the allocation queue), and
auditors. Everyone else: 404."""

from typing import Any

from django.db.models import Q, QuerySet

from earlyhelp.accounts.models import Membership
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.core.access import AccessPolicy, Action
from earlyhelp.people.access import families
from earlyhelp.people.models import Family

from .models import Episode, EpisodeStatus


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def allocates(user: Any) -> bool:
    """A council team manager: may see the allocation queue and allocate."""
    return _authenticated(user) and (
        Membership.objects.filter(
            Membership.current_q(),
            user=user,
            role=Role.TEAM_MANAGER,
            organisation__kind=OrganisationKind.COUNCIL,
        ).exists()
    )


def _restricted_families() -> QuerySet[Family, Any]:
    """As a NOT IN subquery: the planner keeps the team's index scan (a join on the family
    table for `is_restricted` made every caseload read all families: 68 against 32 ms for a
    busy team on the large council's data)."""
    return Family.objects.filter(is_restricted=True).values("pk")


class EpisodeAccess(AccessPolicy[Episode]):
    model = Episode
    actions_for_visible = frozenset({Action.VIEW})

    def visible_to(self, user: Any) -> QuerySet[Episode]:
        if not _authenticated(user):
            return Episode.objects.none()
        if user.is_auditor:
            return Episode.objects.all()
        teams = list(
            Membership.objects.filter(Membership.current_q(), user=user)
            .exclude(team=None)
            .values_list("team_id", flat=True)
        )
        # Anyone with a reason to see the family (people.access: lead practitioner, allocated
        # team, team around the family while consent allows...) sees its episodes too.
        # A restricted family is seen only through a reason held personally (its lead
        # practitioner, a place on the team around the family), never through a team's.
        reason = (
            Q(lead_practitioner=user)
            | (Q(allocated_team_id__in=teams) & ~Q(family_id__in=_restricted_families()))
            | Q(family__in=families.visible_to(user))
        )
        if allocates(user):
            reason |= Q(status=EpisodeStatus.AWAITING_ALLOCATION)
        return Episode.objects.filter(reason)


episodes = EpisodeAccess()


def _current_team_ids(user: Any, *, role: str | None = None) -> list[int]:
    memberships = Membership.objects.filter(Membership.current_q(), user=user).exclude(team=None)
    if role is not None:
        memberships = memberships.filter(role=role)
    return list(memberships.values_list("team_id", flat=True))


def works_on(user: Any, episode: Episode) -> bool:
    """The council people doing the work: the lead practitioner and current members of the
    allocated team (its managers among them). They manage the episode: its lead, team around
    the family, levels, step up and down, closure."""
    if not _authenticated(user) or user.is_auditor:
        return False
    if episode.lead_practitioner_id == user.pk:
        return True
    if episode.family.is_restricted:
        return False  # a restricted family: only reasons held personally
    return episode.allocated_team_id is not None and episode.allocated_team_id in (
        _current_team_ids(user)
    )


def manages(user: Any, episode: Episode | None) -> bool:
    """A current team manager of the episode's allocated team: writes supervision notes."""
    return (
        _authenticated(user)
        and episode is not None
        and not episode.family.is_restricted
        and episode.allocated_team_id is not None
        and episode.allocated_team_id in _current_team_ids(user, role=Role.TEAM_MANAGER)
    )


def managed_team_ids(user: Any) -> list[int]:
    """Teams `user` manages now (the team caseload)."""
    if not _authenticated(user):
        return []
    return _current_team_ids(user, role=Role.TEAM_MANAGER)


def reads_supervision(user: Any, episode: Episode | None) -> bool:
    """Supervision notes are for the council people doing the work and the auditor, not for
    partners on the team around the family."""
    if not _authenticated(user):
        return False
    if user.is_auditor:
        return True
    return episode is not None and works_on(user, episode)
