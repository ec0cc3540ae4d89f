"""Meetings through the API, read only, with the same rules as the pages (`meetings.access`:
whoever may see an allocated episode; anyone else gets a 404). Every read is written to the
access log."""

from datetime import date, datetime

from django.db.models import Count
from django.http import Http404, HttpRequest
from ninja import P, PathEx, Router, Schema
from pydantic import Field

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.models import AccessAction
from earlyhelp.episodes.api import EpisodeId, NamedOut, user_ref
from earlyhelp.people.api import MAX_ID
from earlyhelp.plans.access import working_episodes

from . import services
from .access import meeting_or_404
from .codes import Attendance, InviteeKind, MeetingKind
from .models import Meeting

episode_router = Router(tags=["Meetings"])
router = Router(tags=["Meetings"])

MeetingId = PathEx[int, P(ge=1, le=MAX_ID)]


# --- Out ----------------------------------------------------------------------------------------


class MeetingSummaryOut(Schema):
    id: int
    episode_id: int
    kind: MeetingKind
    kind_label: str = Field(description="The council's own name for the kind of meeting.")
    starts_at: datetime
    location: str
    held: bool
    held_at: datetime | None
    invitees: int = Field(description="How many were invited.")
    next_review_on: date | None = Field(description="Reviews: when the next review is due.")


class MeetingsOut(Schema):
    next_review_due: date | None = Field(
        description="When the episode's next review is due (none before its first meeting)."
    )
    meetings: list[MeetingSummaryOut] = Field(description="Newest first.")


class InviteeOut(Schema):
    kind: InviteeKind
    name: str
    user_id: int | None
    person_id: int | None
    attendance: Attendance
    attendance_label: str


class MeetingOut(MeetingSummaryOut):
    family_invited: bool
    family_not_invited_reason: str = Field(description="Professional meetings: why.")
    family_told: bool | None = Field(description="Professional meetings: was the family told.")
    invited: list[InviteeOut]
    minutes: str
    decisions: str
    scheduled_by: NamedOut | None
    recorded_by: NamedOut | None


# --- Helpers ------------------------------------------------------------------------------------


def _caller(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _summary_fields(meeting: Meeting, invitees: int, label: str) -> dict[str, object]:
    return {
        "id": meeting.pk,
        "episode_id": meeting.episode_id,
        "kind": MeetingKind(meeting.kind),
        "kind_label": label,
        "starts_at": meeting.starts_at,
        "location": meeting.location,
        "held": meeting.held,
        "held_at": meeting.held_at,
        "invitees": invitees,
        "next_review_on": meeting.next_review_on,
    }


# --- Operations ---------------------------------------------------------------------------------


@episode_router.get(
    "/{episode_id}/meetings",
    response=MeetingsOut,
    summary="An episode's meetings",
    description="Team around the family meetings, reviews, professional and family network "
    "meetings, newest first, and when the next review is due.",
)
def episode_meetings(request: HttpRequest, episode_id: EpisodeId) -> MeetingsOut:
    episode = (
        working_episodes(_caller(request)).filter(pk=episode_id).select_related("family").first()
    )
    if episode is None:
        raise Http404("No such record, or you do not have a reason to see it.")
    rows = (
        Meeting.objects.filter(episode=episode)
        .annotate(invited=Count("invitees"))
        .order_by("-starts_at", "-pk")
    )
    labels = {kind: services.meeting_label(kind) for kind in MeetingKind.values}
    out = MeetingsOut(
        next_review_due=services.next_review_due(episode),
        meetings=[
            MeetingSummaryOut(
                **_summary_fields(m, m.invited, labels[m.kind])  # type: ignore[arg-type]
            )
            for m in rows
        ],
    )
    record_access(
        request,
        AccessAction.API_READ,
        object_type="meetings",
        object_id=episode.pk,
        description=f"Meetings (API): {episode.family}"[:255],
        family_id=episode.family_id,
    )
    return out


@router.get(
    "/{meeting_id}",
    response=MeetingOut,
    summary="A meeting",
    description="Its kind and date, who was invited and who came, the minutes, the decisions "
    "and (for a review) the next review date.",
)
def get_meeting(request: HttpRequest, meeting_id: MeetingId) -> MeetingOut:
    meeting = meeting_or_404(_caller(request), meeting_id)
    invitees = list(meeting.invitees.order_by("kind", "name", "pk"))
    scheduled_by = meeting.scheduled_by
    recorded_by = meeting.recorded_by
    out = MeetingOut(
        **_summary_fields(meeting, len(invitees), services.meeting_label(meeting.kind)),  # type: ignore[arg-type]
        family_invited=meeting.family_invited,
        family_not_invited_reason=meeting.family_not_invited_reason,
        family_told=meeting.family_told,
        invited=[
            InviteeOut(
                kind=InviteeKind(invitee.kind),
                name=invitee.name,
                user_id=invitee.user_id,
                person_id=invitee.person_id,
                attendance=Attendance(invitee.attendance),
                attendance_label=invitee.get_attendance_display(),
            )
            for invitee in invitees
        ],
        minutes=meeting.minutes,
        decisions=meeting.decisions,
        scheduled_by=user_ref(scheduled_by),
        recorded_by=user_ref(recorded_by),
    )
    record_object_access(request, meeting, AccessAction.API_READ)
    return out
