"""The only write path for meetings: scheduling one and recording it as held.

Recording a meeting updates the plan's actions through plans.services, re-scores the assessment
areas of a review through assessments.services (so distance travelled shows over time), sets
the next review date and adds the meeting to the family's chronology, in one transaction."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from earlyhelp.accounts.models import User
from earlyhelp.assessments import services as assessment_services
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.episodes.models import ChronologyKind, Episode, EpisodeStatus
from earlyhelp.episodes.services import add_chronology_entry
from earlyhelp.people.models import Person
from earlyhelp.plans import services as plan_services
from earlyhelp.plans.models import PlanAction

from .codes import Attendance, InviteeKind, MeetingKind
from .models import Invitee, Meeting


def meeting_label(kind: str) -> str:
    """The council's own name for a team around the family meeting ("meeting_name")."""
    if kind == MeetingKind.TEAM_AROUND_THE_FAMILY:
        return f"{CouncilConfiguration.current().meeting_name} meeting"
    return str(MeetingKind(kind).label)


@transaction.atomic
def schedule_meeting(
    *,
    actor: User,
    episode: Episode,
    kind: str,
    starts_at: datetime,
    location: str = "",
    practitioners: list[User] | None = None,
    family_members: list[Person] | None = None,
    agencies: list[str] | None = None,
    family_not_invited_reason: str = "",
    family_told: bool | None = None,
) -> Meeting:
    if episode.status != EpisodeStatus.OPEN:
        raise ValidationError("Meetings can only be arranged for an open episode.")
    if kind == MeetingKind.PROFESSIONAL:
        if not family_not_invited_reason.strip():
            raise ValidationError(
                {"family_not_invited_reason": "Enter why the family is not invited"}
            )
        if family_told is None:
            raise ValidationError({"family_told": "Select whether the family was told"})
        family_members = []
    else:
        family_not_invited_reason, family_told = "", None
    meeting = Meeting(
        episode=episode,
        family=episode.family,
        kind=kind,
        starts_at=starts_at,
        location=location,
        family_not_invited_reason=family_not_invited_reason,
        family_told=family_told,
        scheduled_by=actor,
    )
    meeting.full_clean()
    meeting._change_reason = "Meeting arranged"  # type: ignore[attr-defined]
    meeting.save()
    rows = [
        Invitee(meeting=meeting, kind=InviteeKind.PRACTITIONER, user=user, name=str(user))
        for user in practitioners or []
    ]
    rows += [
        Invitee(meeting=meeting, kind=InviteeKind.FAMILY_MEMBER, person=p, name=p.full_name)
        for p in family_members or []
    ]
    rows += [
        Invitee(meeting=meeting, kind=InviteeKind.AGENCY, name=name.strip()[:200])
        for name in agencies or []
        if name.strip()
    ]
    Invitee.objects.bulk_create(rows)
    return meeting


@dataclass
class ActionProgress:
    action: PlanAction
    status: str
    note: str = ""


def default_next_review(held_on: date) -> date:
    return held_on + timedelta(weeks=CouncilConfiguration.current().review_interval_weeks)


@transaction.atomic
def record_meeting(
    *,
    actor: User,
    meeting: Meeting,
    attendance: dict[int, str],
    minutes: str,
    decisions: str = "",
    action_updates: list[ActionProgress] | None = None,
    scores: dict[str, int] | None = None,
    next_review_on: date | None = None,
) -> Meeting:
    """Record the meeting as held (or correct the record of one already held)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    first_time = meeting.held_at is None
    invitees = {invitee.pk: invitee for invitee in meeting.invitees.all()}
    for pk, value in attendance.items():
        if pk not in invitees or value not in Attendance.values:
            raise ValidationError("Attendance names someone who was not invited.")
        invitees[pk].attendance = value
    Invitee.objects.bulk_update(invitees.values(), ["attendance"])
    held_on = timezone.localtime(meeting.starts_at).date()
    if meeting.held_at is None:
        meeting.held_at = timezone.now()
    meeting.minutes = minutes
    meeting.decisions = decisions
    meeting.recorded_by = actor
    if meeting.kind == MeetingKind.REVIEW:
        meeting.next_review_on = next_review_on or default_next_review(held_on)
    meeting.full_clean()
    meeting._change_reason = "Meeting recorded"  # type: ignore[attr-defined]
    meeting.save()
    label = meeting_label(meeting.kind)
    when = date_format(held_on, "j F Y")
    for update in action_updates or []:
        if update.action.status != update.status or update.note.strip():
            plan_services.record_progress(
                actor=actor,
                action=update.action,
                status=update.status,
                note=update.note,
                source=f"{label} on {when}",
            )
    if meeting.kind == MeetingKind.REVIEW and scores:
        assessment_services.record_area_scores(
            actor=actor, episode=meeting.episode, scores=scores, source=meeting, scored_on=held_on
        )
    if first_time:
        came = sum(1 for i in invitees.values() if i.attendance == Attendance.ATTENDED)
        summary = f"{label} held on {when}: {came} attended"
        if meeting.kind == MeetingKind.REVIEW and meeting.next_review_on:
            summary += f"; next review by {date_format(meeting.next_review_on, 'j F Y')}"
        add_chronology_entry(
            family=meeting.family,
            episode=meeting.episode,
            kind=ChronologyKind.MEETING,
            summary=summary,
            occurred_at=meeting.starts_at,
            detail=decisions,
            source=meeting,
            actor=actor,
        )
    return meeting


def next_review_due(episode: Episode) -> date | None:
    """When the episode's next review is due: as set by the latest review held; before any
    review, the review interval after the first team around the family meeting held; None
    when neither has happened."""
    review = (
        Meeting.objects.filter(episode=episode, kind=MeetingKind.REVIEW, held_at__isnull=False)
        .order_by("-starts_at", "-pk")
        .first()
    )
    if review is not None and review.next_review_on is not None:
        return review.next_review_on
    first = (
        Meeting.objects.filter(
            episode=episode,
            kind=MeetingKind.TEAM_AROUND_THE_FAMILY,
            held_at__isnull=False,
        )
        .order_by("starts_at", "pk")
        .first()
    )
    if first is None:
        return None
    return default_next_review(timezone.localtime(first.starts_at).date())


@dataclass
class AreaTravel:
    key: str
    label: str
    scores: list[tuple[date, int]]

    @property
    def change(self) -> int | None:
        if len(self.scores) < 2:
            return None
        return self.scores[-1][1] - self.scores[0][1]


def distance_travelled(episode: Episode) -> list[AreaTravel]:
    """Each assessed area with its scores over time, oldest first."""
    travelled = assessment_services.distance_travelled(episode)
    return [
        AreaTravel(key, label, travelled.get(key, []))
        for key, label, _latest in assessment_services.current_areas(episode)
    ]
