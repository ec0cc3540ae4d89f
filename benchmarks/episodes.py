"""Episodes benchmark: my caseload, the team caseload (with filters and sorts) and the family
record (summary, episode and chronology pages) with a large council's data, as the people who
use them: the practitioner leading the most open episodes, a manager of the team with the most
open episodes, and the lead practitioner of the family with the longest history.

    .venv/bin/python benchmarks/episodes.py                       # SQLite in a temporary folder
    .venv/bin/python benchmarks/episodes.py --scale demo          # the same pages, demo data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/earlyhelp_bench_ep \\
        .venv/bin/python benchmarks/episodes.py
    # an already seeded database, used as it is (never created, seeded or dropped):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/earlyhelp_large \\
        .venv/bin/python benchmarks/episodes.py --reuse
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/episodes.py --reuse

Prints the data's size, then for each page the median and 95th percentile of the server time
(Django's test client in process: no network, no web server) over `--requests` requests after one
warm-up, and the number of database queries one request makes; then the query counts of the
caseload and family pages for people and families with short and long histories. Run it at both
scales: the query counts must not grow with the data.

Without `--reuse` the database is made fresh: a SQLite file in a temporary folder, or the
PostgreSQL database named by DATABASE_URL (dropped first if it exists, analysed after the seed as
autovacuum would do soon after, and dropped at the end unless `--keep-database`). With `--reuse`
migrations not yet applied are applied first, and the pages still write what they always write
(access-log rows, the benchmark users' two-factor devices).
"""

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page_harness import database_name, prepare, run_on_server, seed, timed

prepare("earlyhelp-bench-ep-")


def sizes() -> str:
    """How much there is: episodes (open), chronology entries, case notes and so on."""
    from django.apps import apps
    from django.db.models import Count

    from earlyhelp.episodes.models import Episode, EpisodeStatus

    by_status = dict(
        Episode.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    parts = [
        f"episodes {sum(by_status.values())} ("
        + ", ".join(f"{status} {n}" for status, n in sorted(by_status.items()))
        + f"; live {by_status.get(EpisodeStatus.OPEN, 0) + by_status.get('stepped_up', 0)})"
    ]
    for label, name in (
        ("children in scope", "episodes.EpisodeChild"),
        ("level changes", "episodes.LevelChange"),
        ("team around the family members", "episodes.TeamAroundFamilyMember"),
        ("chronology entries", "episodes.ChronologyEntry"),
        ("case notes", "episodes.CaseNote"),
        ("follow-up tasks", "episodes.FollowUpTask"),
        ("assessments", "assessments.Assessment"),
        ("plans", "plans.FamilyPlan"),
        ("meetings", "meetings.Meeting"),
        ("families", "people.Family"),
        ("involvements", "people.Involvement"),
        ("contacts", "frontdoor.Contact"),
    ):
        try:
            model = apps.get_model(name)
        except LookupError:
            continue
        parts.append(f"{label} {model.objects.count()}")
    return ", ".join(parts)


LIVE = ("open", "stepped_up")


def busiest_lead(team: Any = None) -> tuple[Any, int]:
    """The practitioner leading the most live (open or stepped-up) episodes (of `team`)."""
    from django.db.models import Count

    from earlyhelp.accounts.models import User
    from earlyhelp.episodes.models import Episode

    live = Episode.objects.filter(status__in=LIVE, lead_practitioner__isnull=False)
    if team is not None:
        live = live.filter(allocated_team=team)
    row = (
        live.values("lead_practitioner_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_practitioner_id")
        .first()
    )
    assert row is not None, "no live episode has a lead practitioner"
    return User.objects.get(pk=row["lead_practitioner_id"]), row["n"]


def leads_by_caseload() -> list[tuple[int, Any]]:
    """(live episodes led, the practitioner) for a spread of caseload sizes."""
    from django.db.models import Count

    from earlyhelp.accounts.models import User
    from earlyhelp.episodes.models import Episode

    per_size: dict[int, int] = {}
    for row in (
        Episode.objects.filter(status__in=LIVE, lead_practitioner__isnull=False)
        .values("lead_practitioner_id")
        .annotate(n=Count("pk"))
        .order_by("n", "lead_practitioner_id")
    ):
        per_size.setdefault(row["n"], row["lead_practitioner_id"])
    sizes_ = sorted(per_size)
    wanted = sorted({sizes_[0], sizes_[len(sizes_) // 2], sizes_[-1]})
    return [(n, User.objects.get(pk=per_size[n])) for n in wanted]


def biggest_team_manager() -> tuple[Any, Any, int]:
    """A current manager of the council team with the most live episodes."""
    from django.db.models import Count

    from earlyhelp.accounts.models import Membership, Team, User
    from earlyhelp.accounts.roles import Role
    from earlyhelp.episodes.models import Episode

    managed = Membership.objects.filter(Membership.current_q(), role=Role.TEAM_MANAGER).exclude(
        team=None
    )
    row = (
        Episode.objects.filter(status__in=LIVE, allocated_team_id__in=managed.values("team_id"))
        .values("allocated_team_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "allocated_team_id")
        .first()
    )
    assert row is not None, "no live episode in a team with a manager"
    team = Team.objects.get(pk=row["allocated_team_id"])
    manager_id = managed.filter(team=team).order_by("user_id").values_list("user_id", flat=True)[0]
    return User.objects.get(pk=manager_id), team, row["n"]


def families_by_history() -> list[tuple[int, int, Any]]:
    """(chronology entries, family pk, its lead practitioner) for families with a live episode
    led by someone with an account: the longest history, and a spread of shorter ones. Without
    any chronology (the front door's seed alone) the history is the family's episode count."""
    from django.db.models import Count

    from earlyhelp.accounts.models import User
    from earlyhelp.episodes.models import ChronologyEntry, Episode

    live = {
        family_id: lead_id
        for family_id, lead_id in Episode.objects.filter(
            status__in=LIVE, lead_practitioner__isnull=False
        ).values_list("family_id", "lead_practitioner_id")
    }
    model: Any = ChronologyEntry if ChronologyEntry.objects.exists() else Episode
    counted = model.objects.values("family_id").annotate(n=Count("pk")).order_by("n", "family_id")
    per_size: dict[int, int] = {}
    for row in counted:
        if row["family_id"] in live:
            per_size.setdefault(row["n"], row["family_id"])
    if not per_size:
        return []
    sizes_ = sorted(per_size)
    wanted = sorted({sizes_[0], sizes_[len(sizes_) // 4], sizes_[len(sizes_) // 2], sizes_[-1]})
    return [(n, per_size[n], User.objects.get(pk=live[per_size[n]])) for n in wanted]


def queries(client, url_path: str) -> int:
    """How many database queries one request for `url_path` makes."""
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        response = client.get(url_path)
    assert response.status_code == 200, (url_path, response.status_code)
    return count[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("large", "demo"), default="large")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the database DATABASE_URL names as it is: already migrated and seeded",
    )
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith("postgres")
    if args.reuse and not url:
        parser.error("--reuse needs DATABASE_URL (postgres://... or sqlite:////path)")
    if postgres and not args.reuse:
        run_on_server(url, f'DROP DATABASE IF EXISTS "{database_name(url)}"')
        run_on_server(url, f'CREATE DATABASE "{database_name(url)}"')
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from earlyhelp.accounts.tests.factories import sign_in

    try:
        print(f"database: {connection.vendor}, scale: {args.scale}, reuse: {args.reuse}")
        if args.reuse:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)  # the code may have moved on since the seed
        else:
            seed(args.scale)
        print(sizes())
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        lead, led = busiest_lead()
        manager, team, team_live = biggest_team_manager()
        team_lead, team_led = busiest_lead(team)
        histories = families_by_history()
        print(f"busiest lead: {lead.email} ({led} live episodes)")
        print(f"manager: {manager.email} of {team.name} ({team_live} live episodes)")
        clients: dict[int, Client] = {}

        def client_for(user: Any) -> Client:
            if user.pk not in clients:
                clients[user.pk] = sign_in(Client(), user)
            return clients[user.pk]

        team_url = reverse("episodes:team_caseload")
        pages: list[tuple[str, Any, str]] = [
            (f"my caseload ({led} led)", lead, reverse("episodes:my_caseload")),
            ("team caseload (default: not closed, opened)", manager, team_url),
            ("team caseload, open, by family A-Z", manager, f"{team_url}?status=open&sort=family"),
            (
                f"team caseload, one lead ({team_led}), by status desc",
                manager,
                f"{team_url}?lead={team_lead.pk}&sort=status&order=desc",
            ),
            (
                "team caseload, closed, by lead, page 3",
                manager,
                f"{team_url}?status=closed&sort=lead&page=3",
            ),
        ]
        if histories:
            n, family_pk, family_lead = histories[-1]
            pages += [
                (
                    f"family summary ({n} history)",
                    family_lead,
                    reverse("people:family", args=[family_pk]),
                ),
                (
                    f"family episode ({n} history)",
                    family_lead,
                    reverse("episodes:family_episode", args=[family_pk]),
                ),
                (
                    f"chronology ({n} entries)",
                    family_lead,
                    reverse("episodes:chronology", args=[family_pk]),
                ),
                (
                    "chronology, significant only",
                    family_lead,
                    reverse("episodes:chronology", args=[family_pk]) + "?significant=1",
                ),
            ]
        print(f"{'page':<48}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
        for label, user, url_path in pages:
            client = client_for(user)
            response = client.get(url_path)  # warm
            assert response.status_code == 200, (url_path, response.status_code)
            count = queries(client, url_path)
            median, p95 = timed(lambda c=client, u=url_path: c.get(u), args.requests)
            print(f"{label:<48}{median:>10.1f}{p95:>9.1f}{count:>9}")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        counts = [
            f"{n}: {queries(client_for(user), reverse('episodes:my_caseload'))}"
            for n, user in leads_by_caseload()
        ]
        print("my caseload queries by live episodes led: " + ", ".join(counts))
        for name, label in (
            ("people:family", "family summary"),
            ("episodes:family_episode", "family episode"),
            ("episodes:chronology", "chronology"),
        ):
            counts = [
                f"{n}: {queries(client_for(user), reverse(name, args=[pk]))}"
                for n, pk, user in histories
            ]
            print(f"{label} queries by the family's history: " + ", ".join(counts))
    finally:
        if postgres and not args.reuse and not args.keep_database:
            connection.close()
            run_on_server(url, f'DROP DATABASE IF EXISTS "{database_name(url)}"')
            print(f"dropped {database_name(url)}")


if __name__ == "__main__":
    main()
