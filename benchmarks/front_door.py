"""Front door benchmark: the large council's seed (600,000 contacts over 6 years, DOMAIN.md section
7), then the front-door queue (with a few filters) and contact pages as a signed-in screener.

    .venv/bin/python benchmarks/front_door.py                      # SQLite in a temporary folder
    .venv/bin/python benchmarks/front_door.py --scale demo         # the same pages, demo data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/earlyhelp_bench_fd \\
        .venv/bin/python benchmarks/front_door.py

Prints how long each seeder took, then for each page the median and 95th percentile of the server
time (Django's test client in process: no network, no web server) over `--requests` requests
after one warm-up, and the number of database queries one request makes. Run it at both scales:
the query counts must be the same (they must not grow with the data).

The PostgreSQL database named by DATABASE_URL is created fresh (dropped first if it exists),
analysed after the seed (as autovacuum would do soon after), and dropped at the end unless
`--keep-database`.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page_harness import database_name, prepare, run_on_server, seed, timed

prepare("earlyhelp-bench-fd-")


def contact_pages() -> list[tuple[str, int]]:
    """Contacts whose children have the longest histories: the open contact whose people have the
    most earlier contacts, and the latest contact of the child with the most contacts of all."""
    from django.db.models import Count

    from earlyhelp.frontdoor.models import Contact, ContactSubject
    from earlyhelp.frontdoor.services import OPEN_STATUSES

    counts = {
        row["person_id"]: row["n"]
        for row in ContactSubject.objects.filter(
            person_id__in=ContactSubject.objects.filter(contact__status__in=OPEN_STATUSES).values(
                "person_id"
            )
        )
        .values("person_id")
        .annotate(n=Count("pk"))
    }
    open_best = max(
        Contact.objects.filter(status__in=OPEN_STATUSES).prefetch_related("subjects"),
        key=lambda c: sum(counts.get(s.person_id, 0) for s in c.subjects.all()),
    )
    open_history = sum(counts.get(s.person_id, 0) for s in open_best.subjects.all())
    busiest = (
        ContactSubject.objects.filter(is_child=True)
        .values("person_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "person_id")
        .first()
    )
    assert busiest is not None
    latest = (
        Contact.objects.filter(subjects__person_id=busiest["person_id"])
        .order_by("-received_at")
        .first()
    )
    assert latest is not None
    return [
        (f"contact (open; its people have {open_history} contacts)", open_best.pk),
        (f"contact (a child with {busiest['n']} contacts)", latest.pk),
    ]


def contacts_by_history() -> list[tuple[int, int]]:
    """(how many contacts a child has, the latest of them) for a spread of history lengths, to
    show the contact page's query count does not grow with a child's history. (It does depend on
    how many people the contact names: the page has a panel for each.)"""
    from django.db.models import Count

    from earlyhelp.frontdoor.models import Contact, ContactSubject

    per_child: dict[int, int] = {}
    for row in (
        ContactSubject.objects.filter(is_child=True)
        .values("person_id")
        .annotate(n=Count("pk"))
        .order_by("n", "person_id")
    ):
        per_child.setdefault(row["n"], row["person_id"])
    wanted = sorted({n for n in (1, 2, 5, 10, 20, max(per_child)) if n in per_child})
    found = []
    for n in wanted:
        latest = (
            Contact.objects.filter(subjects__person_id=per_child[n])
            .order_by("-received_at")
            .values_list("pk", flat=True)
            .first()
        )
        if latest is not None:
            found.append((n, latest))
    return found


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
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith("postgres")
    if postgres:
        run_on_server(url, f'DROP DATABASE IF EXISTS "{database_name(url)}"')
        run_on_server(url, f'CREATE DATABASE "{database_name(url)}"')
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from earlyhelp.accounts.models import User
    from earlyhelp.accounts.tests.factories import sign_in
    from earlyhelp.frontdoor.models import Contact
    from earlyhelp.frontdoor.services import OPEN_STATUSES

    try:
        print(f"database: {connection.vendor}, scale: {args.scale}")
        seed(args.scale)
        print(
            f"contacts: {Contact.objects.count()}, "
            f"open: {Contact.objects.filter(status__in=OPEN_STATUSES).count()}"
        )
        screener = User.objects.get(email="screener@demo.kingsbridge.example")
        client = sign_in(Client(), screener)
        queue = reverse("frontdoor:queue")
        pages = [
            ("queue (default: time left)", queue),
            ("queue, red only", f"{queue}?rag=red"),
            ("queue, amber+green overdue", f"{queue}?rag=amber&rag=green&overdue=on"),
            ("queue, unclaimed, by receipt", f"{queue}?claimed=nobody&sort=received"),
            ("queue, being screened, page 2", f"{queue}?status=screening&sort=-received&page=2"),
        ]
        pages += [(label, reverse("frontdoor:contact", args=[pk])) for label, pk in contact_pages()]
        print(f"{'page':<48}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
        for label, url_path in pages:
            response = client.get(url_path)  # warm
            assert response.status_code == 200, (url_path, response.status_code)
            count = queries(client, url_path)
            median, p95 = timed(lambda u=url_path: client.get(u), args.requests)
            print(f"{label:<48}{median:>10.1f}{p95:>9.1f}{count:>9}")
        counts = []
        for n, pk in contacts_by_history():
            url_path = reverse("frontdoor:contact", args=[pk])
            contact = Contact.objects.get(pk=pk)
            people = contact.subjects.count()
            counts.append(f"{n} ({contact.status}, {people} people): {queries(client, url_path)}")
        print("contact page queries by the child's number of contacts: " + ", ".join(counts))
    finally:
        if postgres and not args.keep_database:
            connection.close()
            run_on_server(url, f'DROP DATABASE IF EXISTS "{database_name(url)}"')
            print(f"dropped {database_name(url)}")


if __name__ == "__main__":
    main()
