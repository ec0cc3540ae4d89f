"""Caseloads: the signed-in practitioner's own (as lead practitioner or on the team around the
family) with their follow-up tasks, and a team manager's team caseload with filters and a
server-side sort. Query counts do not grow with the number of episodes."""

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from earlyhelp.accounts.models import Team, User
from earlyhelp.core.audit import record_access
from earlyhelp.core.models import AccessAction

from .access import allocates, episodes, managed_team_ids
from .models import Episode, EpisodeChild, EpisodeStatus, FollowUpTask, TeamAroundFamilyMember

PAGE_SIZE = 25
NOT_CLOSED = [value for value in EpisodeStatus.values if value != EpisodeStatus.CLOSED]
SORTS = {
    "family": "family__name",
    "opened": "opened_at",
    "lead": "lead_practitioner__full_name",
    "status": "status",
}


def _with_rows(queryset: QuerySet, user: User | None = None) -> QuerySet:
    prefetch: list[Any] = [
        Prefetch(
            "children",
            queryset=EpisodeChild.objects.select_related("person", "level").order_by(
                "person__date_of_birth", "pk"
            ),
        )
    ]
    if user is not None:
        prefetch.append(
            Prefetch(
                "taf_members",
                queryset=TeamAroundFamilyMember.objects.filter(user=user, left_on__isnull=True),
                to_attr="my_taf",
            )
        )
    return queryset.select_related(
        "family", "lead_practitioner", "allocated_team"
    ).prefetch_related(*prefetch)


@require_http_methods(["GET"])
def my_caseload(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    # The episodes they lead or are on the team around the family for, found first from their
    # own rows (indexes episode_lead_status and taf_member_user_left) in one query; then only
    # those few go through the access rule, rather than every live episode in the council.
    candidates = (
        Episode.objects.filter(lead_practitioner=user, status__in=NOT_CLOSED)
        .order_by()
        .values_list("pk", flat=True)
        .union(
            TeamAroundFamilyMember.objects.filter(user=user, left_on__isnull=True)
            .order_by()
            .values_list("episode_id", flat=True)
        )
    )
    mine = (
        episodes.visible_to(user)
        .filter(pk__in=list(candidates), status__in=NOT_CLOSED)
        .order_by("opened_at", "pk")
    )
    rows = list(_with_rows(mine, user)[:200])
    tasks = list(
        FollowUpTask.objects.filter(assigned_to=user, done_at__isnull=True)
        .select_related("episode__family")
        .order_by("due", "pk")[:100]
    )
    record_access(
        request,
        AccessAction.VIEW,
        object_type="caseload",
        object_id=user.pk,
        description=f"My caseload: {len(rows)} families",
    )
    return render(
        request,
        "episodes/my_caseload.html",
        {"rows": rows, "tasks": tasks, "today": timezone.localdate()},
    )


@require_http_methods(["GET"])
def team_caseload(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not allocates(user):
        raise Http404("No such page")
    assert isinstance(user, User)
    team_ids = managed_team_ids(user)
    teams = list(Team.objects.filter(pk__in=team_ids).order_by("name"))
    found = episodes.visible_to(user).filter(allocated_team_id__in=team_ids)
    status = request.GET.get("status", "")
    if status in EpisodeStatus.values:
        found = found.filter(status=status)
    else:
        status = ""
        found = found.filter(status__in=NOT_CLOSED)  # an IN the (team, status) index can use
    team = request.GET.get("team", "")
    if team.isdigit() and int(team) in team_ids:
        found = found.filter(allocated_team_id=int(team))
    else:
        team = ""
    lead = request.GET.get("lead", "")
    if lead == "none":
        found = found.filter(lead_practitioner__isnull=True)
    elif lead.isdigit():
        found = found.filter(lead_practitioner_id=int(lead))
    else:
        lead = ""
    sort = request.GET.get("sort", "opened")
    if sort not in SORTS:
        sort = "opened"
    order = "desc" if request.GET.get("order") == "desc" else "asc"
    field = SORTS[sort]
    found = found.order_by(f"-{field}" if order == "desc" else field, "pk")
    paginator, page = _page(found, request.GET.get("page"))
    # Everyone who has led one of the teams' episodes: one probe of the (lead, team) index per
    # user, rather than DISTINCT over every episode the teams ever had.
    leads = list(
        User.objects.filter(
            Exists(
                Episode.objects.filter(
                    lead_practitioner=OuterRef("pk"), allocated_team_id__in=team_ids
                )
            )
        ).order_by("full_name", "pk")
    )
    record_access(
        request,
        AccessAction.VIEW,
        object_type="caseload",
        object_id=",".join(str(t) for t in team_ids)[:64],
        description=f"Team caseload: {paginator.count} families",
    )
    filters = {"status": status, "team": team, "lead": lead}
    columns = [
        (key, label, _sort_link(filters, key, sort, order), _aria_sort(key, sort, order))
        for key, label in (
            ("family", "Family"),
            ("lead", "Lead practitioner"),
            ("status", "Status"),
            ("opened", "Opened"),
        )
    ]
    return render(
        request,
        "episodes/team_caseload.html",
        {
            "page": page,
            "paginator": paginator,
            "teams": teams,
            "leads": leads,
            "statuses": EpisodeStatus.choices,
            "filters": filters,
            "columns": columns,
            "sort": sort,
            "order": order,
            "page_query": urlencode(
                {**{k: v for k, v in filters.items() if v}, "sort": sort, "order": order}
            )
            + "&",
        },
    )


def _page(found: QuerySet[Episode], requested: str | None) -> tuple[Paginator[Any], Page[Any]]:
    """The requested page (the last if past it, the first if not a number) of `found`, sorted.
    One query finds the page's keys and the total (a window count), so the access rule and the
    filters are worked out once and the sort is over keys alone (narrow enough to stay in memory
    over a big team's six years of closed episodes); a second fetches those 25 rows with
    everything they show."""
    try:
        number = max(1, int(requested or 1))
    except ValueError:
        number = 1
    counted = found.annotate(found_total=Window(Count("pk"))).values_list("pk", "found_total")
    keys = list(counted[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    total = keys[0][1] if keys else (found.count() if number > 1 else 0)
    paginator: Paginator[Any] = Paginator(range(total), PAGE_SIZE)
    page = paginator.get_page(number)
    if not keys and total:  # past the last page: show the last one instead
        keys = list(counted[page.start_index() - 1 : page.end_index()])
    ids = [key for key, _total in keys]
    rows = {episode.pk: episode for episode in _with_rows(Episode.objects.filter(pk__in=ids))}
    page.object_list = [rows[key] for key in ids]
    return paginator, page


def _sort_link(filters: dict[str, str], key: str, sort: str, order: str) -> str:
    next_order = "desc" if key == sort and order == "asc" else "asc"
    params = {k: v for k, v in filters.items() if v}
    params.update({"sort": key, "order": next_order})
    return "?" + urlencode(params)


def _aria_sort(key: str, sort: str, order: str) -> str:
    if key != sort:
        return "none"
    return "descending" if order == "desc" else "ascending"
