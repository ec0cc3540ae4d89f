"""Meeting pages: the family's meetings (list, arrange one), one meeting (record attendance,
minutes, decisions, action updates and a review's scores) and distance travelled. Every page
starts from the episodes policy and is recorded in the access log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.assessments import services as assessment_services
from earlyhelp.core.audit import record_object_access
from earlyhelp.core.forms import posted
from earlyhelp.plans import services as plan_services
from earlyhelp.plans.access import family_episode, may_change
from earlyhelp.plans.views import family_members_for, practitioners_for

from . import services
from .access import meeting_or_404
from .codes import MeetingKind
from .forms import RecordMeetingForm, ScheduleForm
from .models import Meeting


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_http_methods(["GET", "POST"])
def family_meetings(request: HttpRequest, family_pk: int) -> HttpResponse:
    episode = family_episode(request.user, family_pk)
    can_change = may_change(request.user, episode)
    if request.method == "POST" and not can_change:
        raise Http404("No such page")
    form = ScheduleForm(
        posted(request),
        practitioners=practitioners_for(episode),
        family_members=family_members_for(episode),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.schedule_meeting(
                actor=_user(request),
                episode=episode,
                kind=data["kind"],
                starts_at=form.starts_at(),
                location=data["location"],
                practitioners=list(data["practitioners"]),
                family_members=list(data["family_members"]),
                agencies=form.agency_names(),
                family_not_invited_reason=data["family_not_invited_reason"],
                family_told=form.family_told_value(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{services.meeting_label(meeting.kind)} arranged.")
            return redirect("meetings:meeting", meeting.pk)
    record_object_access(request, episode)
    meetings = list(Meeting.objects.filter(episode=episode).prefetch_related("invitees"))
    return render(
        request,
        "meetings/family_meetings.html",
        {
            "episode": episode,
            "family": episode.family,
            "meetings": [(m, services.meeting_label(m.kind)) for m in meetings],
            "next_review": services.next_review_due(episode),
            "form": form,
            "can_change": can_change,
        },
    )


@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_or_404(request.user, pk)
    episode = found.episode
    can_change = may_change(request.user, episode)
    if request.method == "POST" and not can_change:
        raise Http404("No such page")
    is_review = found.kind == MeetingKind.REVIEW
    invitees = list(found.invitees.select_related("user", "person"))
    actions = plan_services.open_actions(episode)
    areas = assessment_services.current_areas(episode) if is_review else []
    initial: dict[str, object] = {"minutes": found.minutes, "decisions": found.decisions}
    if found.held:
        initial |= {f"attendance_{i.pk}": i.attendance for i in invitees}
    initial |= {f"status_{a.pk}": a.status for a in actions}
    if found.next_review_on:
        initial["next_review_on"] = found.next_review_on
    form = RecordMeetingForm(
        posted(request),
        initial=initial,
        invitees=invitees,
        actions=actions,
        areas=areas,
        is_review=is_review,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_meeting(
                actor=_user(request),
                meeting=found,
                attendance=form.attendance(),
                minutes=data["minutes"],
                decisions=data["decisions"],
                action_updates=[
                    services.ActionProgress(a, data[f"status_{a.pk}"], data[f"note_{a.pk}"])
                    for a in actions
                ],
                scores=form.scores(),
                next_review_on=data.get("next_review_on"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{services.meeting_label(found.kind)} recorded.")
            return redirect("meetings:meeting", found.pk)
    record_object_access(request, found)
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": found,
            "label": services.meeting_label(found.kind),
            "family": found.family,
            "invitees": invitees,
            "form": form,
            "groups": form.field_groups(),
            "can_change": can_change,
            "is_review": is_review,
            "travelled": services.distance_travelled(episode) if is_review else [],
        },
    )


@require_http_methods(["GET"])
def distance_travelled(request: HttpRequest, family_pk: int) -> HttpResponse:
    episode = family_episode(request.user, family_pk)
    record_object_access(request, episode)
    return render(
        request,
        "meetings/distance_travelled.html",
        {
            "episode": episode,
            "family": episode.family,
            "travelled": services.distance_travelled(episode),
            "next_review": services.next_review_due(episode),
        },
    )
