"""The needs-attention lists: the signed-in practitioner's own (families they lead, and their
own plan actions on families where they are on the team around the family, with their unread
reminders), and a council team manager's list for every family of their teams. Thin views: the
drift is worked out in `drift.py`; both pages are recorded in the access log."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_access
from earlyhelp.core.models import AccessAction, CouncilConfiguration
from earlyhelp.episodes.access import allocates, episodes, managed_team_ids
from earlyhelp.episodes.models import Episode, FollowUpTask

from . import services
from .drift import EpisodeAttention, merged, needs_attention, overdue_follow_ups
from .models import Reminder

#: Families per page of the team list (worked out for all, most overdue first, then paged).
PAGE_SIZE = 50
#: Unread reminders shown at most (the oldest beyond this wait for the next mark-as-read).
REMINDERS_SHOWN = 50

SORTS = {
    "overdue": "Most overdue first",
    "family": "Family name",
    "lead": "Lead practitioner",
}


def _unread_reminders(user: User) -> list[Reminder]:
    """The latest unread reminder about each thing (the same thing is reminded every day)."""
    latest: dict[str, Reminder] = {}
    for reminder in (
        # Only about families the user may still see (a lead who handed over, a manager whose
        # team changed, a family made restricted: old reminders stop showing at once).
        Reminder.objects.filter(user=user, read_at__isnull=True)
        .filter(Q(episode__isnull=True) | Q(episode__in=episodes.visible_to(user)))
        .select_related("episode__family")
        .order_by("-for_date", "pk")[: REMINDERS_SHOWN * 5]
    ):
        latest.setdefault(reminder.key, reminder)
    return list(latest.values())[:REMINDERS_SHOWN]


def _mark_read(request: HttpRequest, user: User) -> HttpResponse:
    choice = request.POST.get("reminder", "")
    if choice == "all":
        done = services.mark_read(user=user)
    elif choice.isdigit():
        done = services.mark_read(user=user, reminder_ids=[int(choice)])
    else:
        messages.info(request, "Choose a reminder to mark as read.")
        return HttpResponseRedirect(reverse("attention:mine"))
    if done:
        messages.success(
            request,
            "Reminder marked as read." if choice != "all" else ("All reminders marked as read."),
        )
    return HttpResponseRedirect(reverse("attention:mine") + "#reminders")


@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        return _mark_read(request, user)
    today = timezone.localdate()
    config = CouncilConfiguration.current()
    visible = episodes.visible_to(user)
    led = needs_attention(visible.filter(lead_practitioner=user), today, config=config)
    follow_ups = overdue_follow_ups(
        FollowUpTask.objects.filter(assigned_to=user, episode__in=visible.values("pk")),
        today,
        config=config,
    )
    around = needs_attention(
        visible.filter(taf_members__user=user, taf_members__left_on__isnull=True)
        .exclude(lead_practitioner=user)
        .distinct(),
        today,
        config=config,
        actions_of=user.pk,
    )
    reminders = _unread_reminders(user)
    lead_rows = merged(led, follow_ups)
    record_access(
        request,
        AccessAction.VIEW,
        object_type="needs_attention",
        object_id=user.pk,
        description=f"My needs-attention list: {len(lead_rows) + len(around)} families",
    )
    return render(
        request,
        "attention/mine.html",
        {
            "lead_rows": lead_rows,
            "around_rows": around,
            "reminders": reminders,
            "today": today,
            "count": sum(len(row.items) for row in lead_rows + around),
            "manages_teams": allocates(user),
        },
    )


def _sorted(rows: list[EpisodeAttention], sort: str) -> list[EpisodeAttention]:
    if sort == "family":
        return sorted(rows, key=lambda row: (row.episode.family.name.lower(), row.episode.pk))
    if sort == "lead":
        return sorted(rows, key=lambda row: (_lead(row.episode).lower(), *row.sort_key()))
    return rows


def _lead(episode: Episode) -> str:
    return episode.lead_name or "Nobody yet"


@require_http_methods(["GET"])
def team(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not allocates(user):
        raise Http404("No such page")
    assert isinstance(user, User)
    today = timezone.localdate()
    config = CouncilConfiguration.current()
    team_ids = managed_team_ids(user)
    found = episodes.visible_to(user).filter(allocated_team_id__in=team_ids)
    leads = list(
        User.objects.filter(
            pk__in=found.filter(status__in=("open", "stepped_up")).values("lead_practitioner")
        ).order_by("full_name", "pk")
    )
    lead = request.GET.get("lead", "")
    tasks = FollowUpTask.objects.filter(episode__in=found.values("pk"), assigned_to__isnull=True)
    if lead.isdigit():
        found = found.filter(lead_practitioner_id=int(lead))
        tasks = tasks.none()
    elif lead == "none":
        found = found.filter(Q(lead_practitioner__isnull=True))
    else:
        lead = ""
    sort = request.GET.get("sort", "overdue")
    if sort not in SORTS:
        sort = "overdue"
    rows = _sorted(
        merged(
            needs_attention(found, today, config=config),
            overdue_follow_ups(tasks, today, config=config),
        ),
        sort,
    )
    record_access(
        request,
        AccessAction.VIEW,
        object_type="needs_attention",
        object_id=",".join(str(t) for t in team_ids)[:64],
        description=f"Team needs-attention list: {len(rows)} families",
    )
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    groups: list[tuple[str, list[EpisodeAttention]]] = []
    if sort == "lead":
        for row in page.object_list:
            name = _lead(row.episode)
            if not groups or groups[-1][0] != name:
                groups.append((name, []))
            groups[-1][1].append(row)
    return render(
        request,
        "attention/team.html",
        {
            "rows": rows,
            "page": page,
            "paginator": paginator,
            "page_query": urlencode({k: v for k, v in (("lead", lead), ("sort", sort)) if v}) + "&",
            "groups": groups,
            "leads": leads,
            "lead": lead,
            "sort": sort,
            "sorts": SORTS.items(),
            "today": today,
            "count": sum(len(row.items) for row in rows),
            "filtered": bool(lead),
            "clear_url": reverse("attention:team") + "?" + urlencode({"sort": sort}),
        },
    )
