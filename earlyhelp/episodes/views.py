"""Allocation pages: the queue of episodes waiting for a team and a lead practitioner, each
team's waiting list, and allocating one episode. Council team managers only; others get a 404."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from earlyhelp.accounts.models import Team, User
from earlyhelp.core.audit import record_object_access
from earlyhelp.core.calendar import calendar_for_council
from earlyhelp.core.forms import posted

from . import services
from .access import allocates, episodes
from .forms import AllocationForm, TeamForm, allocatable_teams
from .models import Episode, EpisodeStatus

PAGE_SIZE = 25


def _allocator(request: HttpRequest) -> User:
    if not allocates(request.user):
        raise Http404("No such page")
    user = request.user
    assert isinstance(user, User)
    return user


@dataclass
class WaitingRow:
    episode: Episode
    waited_working_days: int


@dataclass
class TeamLoad:
    team: Team
    awaiting: int
    open: int


def _team_loads() -> list[TeamLoad]:
    """Per team: families on its waiting list (a team but no lead practitioner yet) and open
    episodes. One query."""
    counts: dict[int, tuple[int, int]] = {
        row["allocated_team"]: (row["awaiting"], row["open"])
        for row in Episode.objects.filter(allocated_team__isnull=False)
        .values("allocated_team")
        .annotate(
            awaiting=Count("pk", filter=Q(status=EpisodeStatus.AWAITING_ALLOCATION)),
            open=Count("pk", filter=Q(status=EpisodeStatus.OPEN)),
        )
    }
    return [TeamLoad(team, *counts.get(team.pk, (0, 0))) for team in allocatable_teams()]


@require_http_methods(["GET"])
def allocation_queue(request: HttpRequest) -> HttpResponse:
    user = _allocator(request)
    waiting = episodes.visible_to(user).filter(status=EpisodeStatus.AWAITING_ALLOCATION)
    team_filter = request.GET.get("team", "")
    if team_filter == "none":
        waiting = waiting.filter(allocated_team__isnull=True)
    elif team_filter.isdigit():
        waiting = waiting.filter(allocated_team_id=int(team_filter))
    else:
        team_filter = ""
    paginator = Paginator(
        waiting.select_related("family", "allocated_team", "source_contact").order_by(
            "opened_at", "pk"
        ),
        PAGE_SIZE,
    )
    page = paginator.get_page(request.GET.get("page"))
    calendar = calendar_for_council()
    today = timezone.localdate()
    rows = [
        WaitingRow(
            episode,
            calendar.working_days_between(timezone.localtime(episode.opened_at).date(), today),
        )
        for episode in page.object_list
    ]
    return render(
        request,
        "episodes/allocation_queue.html",
        {
            "rows": rows,
            "page": page,
            "paginator": paginator,
            "team_filter": team_filter,
            "loads": _team_loads(),
        },
    )


@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _allocator(request)
    episode = episodes.get_or_404(user, pk=pk, status=EpisodeStatus.AWAITING_ALLOCATION)
    chosen = request.POST.get("team") or request.GET.get("team") or ""
    if not chosen and episode.allocated_team_id and "change" not in request.GET:
        chosen = str(episode.allocated_team_id)
    # Bound once the team question was answered (or left unanswered) on this page.
    answered = bool(chosen) or request.method == "POST" or "step" in request.GET
    team_form = TeamForm({"team": chosen} if answered else None)
    team = team_form.cleaned_data["team"] if team_form.is_bound and team_form.is_valid() else None
    form = None
    if team is not None:
        form = AllocationForm(posted(request), members=services.team_members(team))
        if request.method == "POST" and form.is_valid():
            try:
                services.allocate(
                    actor=user,
                    episode=episode,
                    team=team,
                    lead_practitioner=form.lead(),
                    note=form.cleaned_data.get("note", ""),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                lead = form.lead()
                if lead is not None:
                    messages.success(
                        request,
                        f"{episode.family} allocated to {team}, with {lead.full_name} as lead "
                        "practitioner.",
                    )
                else:
                    messages.success(request, f"{episode.family} is on {team}'s waiting list.")
                return redirect("episodes:allocation_queue")
    record_object_access(request, episode)
    calendar = calendar_for_council()
    return render(
        request,
        "episodes/allocate.html",
        {
            "episode": episode,
            "team_form": team_form if team is None else None,
            "team": team,
            "form": form,
            "waited": calendar.working_days_between(
                timezone.localtime(episode.opened_at).date(), timezone.localdate()
            ),
            "members": [
                m.person
                for m in episode.family.members.filter(left_on__isnull=True).select_related(
                    "person"
                )
            ],
        },
    )
