"""The only write path for episodes: opening one from a front-door decision, and allocating it
to a team and a lead practitioner.

Allocation is the moment the people who will do the work get a reason to see the family: the
team's and the lead practitioner's involvements start in the same transaction."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from earlyhelp.accounts.models import Membership, Team, User
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import InvolvementReason
from earlyhelp.people.models import Family

from .models import ChronologyEntry, Episode, EpisodeStatus


def _reason(obj: Any, reason: str) -> None:
    obj._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"


@transaction.atomic
def open_episode(
    *,
    actor: User | None,
    family: Family,
    source_contact: Any = None,
    opened_at: datetime | None = None,
) -> Episode:
    """Open the family's early help episode, waiting for allocation. A family already waiting
    or already open keeps its episode: work is never started twice."""
    current = (
        Episode.objects.select_for_update()
        .filter(family=family)
        .exclude(status=EpisodeStatus.CLOSED)
        .order_by("opened_at", "pk")
        .first()
    )
    if current is not None:
        return current
    episode = Episode(
        family=family,
        status=EpisodeStatus.AWAITING_ALLOCATION,
        source_contact=source_contact,
        opened_at=opened_at or timezone.now(),
    )
    episode.full_clean()
    _reason(episode, "Opened by the front door's decision")
    episode.save()
    return episode


def team_members(team: Team) -> list[User]:
    """Current members of `team`, who may be its episodes' lead practitioners."""
    return list(
        User.objects.filter(
            memberships__in=Membership.objects.filter(Membership.current_q(), team=team)
        )
        .distinct()
        .order_by("full_name", "pk")
    )


@transaction.atomic
def allocate(
    *,
    actor: User,
    episode: Episode,
    team: Team,
    lead_practitioner: User | None,
    note: str = "",
) -> Episode:
    """Give the episode a team and, when known, a lead practitioner.

    With a lead practitioner the episode is open; without one it waits on the team's own
    waiting list (still "waiting for allocation", now with a team). Either way the team, and the
    lead practitioner personally, can see the family from now on."""
    if episode.status == EpisodeStatus.CLOSED:
        raise ValidationError("A closed episode cannot be allocated.")
    if lead_practitioner is not None and lead_practitioner.pk not in {
        u.pk for u in team_members(team)
    }:
        raise ValidationError(
            {"lead_practitioner": f"{lead_practitioner} is not a current member of {team}."}
        )
    now = timezone.now()
    episode.allocated_team = team
    episode.allocated_by = actor
    episode.allocated_at = now
    episode.allocation_note = note
    if lead_practitioner is not None:
        episode.lead_practitioner = lead_practitioner
        episode.status = EpisodeStatus.OPEN
    episode.full_clean()
    _reason(episode, note or f"Allocated to {team}")
    episode.save()
    people_services.start_involvement(
        actor=actor,
        reason=InvolvementReason.ALLOCATED_TEAM,
        family=episode.family,
        team=team,
        note=f"Episode allocated to {team}",
    )
    if lead_practitioner is not None:
        people_services.start_involvement(
            actor=actor,
            reason=InvolvementReason.LEAD_PRACTITIONER,
            family=episode.family,
            user=lead_practitioner,
            note=f"Lead practitioner for {episode.family}",
        )
    return episode


@transaction.atomic
def add_chronology_entry(
    *,
    family: Family,
    kind: str,
    summary: str,
    occurred_at: datetime | None = None,
    episode: Episode | None = None,
    detail: str = "",
    significant: bool = True,
    source: Any = None,
    actor: User | None = None,
) -> ChronologyEntry:
    """Add an event to the family's chronology. `source` is the record it came from (its model
    name and id are kept, so the chronology can link to it)."""
    entry = ChronologyEntry(
        family=family,
        episode=episode,
        kind=kind,
        summary=summary[:500],
        detail=detail,
        significant=significant,
        occurred_at=occurred_at or timezone.now(),
        source_type=source._meta.model_name if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
        recorded_by=actor,
    )
    entry.full_clean()
    _reason(entry, f"Chronology: {entry.get_kind_display()}")
    entry.save()
    return entry
