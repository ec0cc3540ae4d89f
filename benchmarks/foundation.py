"""Foundation benchmark: the working-day calendar, and page times on a large council's seed.

    .venv/bin/python benchmarks/foundation.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/earlyhelp_bench .venv/bin/python benchmarks/foundation.py

The database named by DATABASE_URL is created fresh (PostgreSQL: dropped first if it exists).
"""

import io
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("EARLYHELP_VAR_DIR", tempfile.mkdtemp(prefix="earlyhelp-bench-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ["EARLYHELP_DEMO_TWO_FACTOR_CODE"] = ""
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def fresh_postgres(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        fresh_postgres(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from earlyhelp.accounts.models import Organisation, User
    from earlyhelp.accounts.tests.factories import sign_in
    from earlyhelp.core.calendar import WorkingCalendar

    print(f"database: {connection.vendor}")
    calendar = WorkingCalendar()
    start = datetime(2026, 11, 20, 15, 30, tzinfo=ZoneInfo("Europe/London"))
    n = 20000
    t0 = time.perf_counter()
    for i in range(n):
        calendar.add_working_hours(start + timedelta(minutes=i), 24)
    per_add = (time.perf_counter() - t0) / n * 1e6
    t0 = time.perf_counter()
    for i in range(n):
        calendar.working_hours_between(start, start + timedelta(hours=i % 500))
    per_between = (time.perf_counter() - t0) / n * 1e6
    print(f"calendar add_working_hours(24h): {per_add:.1f} µs per call")
    print(f"calendar working_hours_between (up to 3 weeks): {per_between:.1f} µs per call")

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed", scale="large", stdout=io.StringIO())
    print(
        f"migrate + seed --scale large: {time.perf_counter() - t0:.1f} s "
        f"({User.objects.count()} users, {Organisation.objects.count()} organisations)"
    )

    admin = User.objects.get(email="admin@demo.kingsbridge.example")
    auditor = User.objects.get(email="auditor@demo.kingsbridge.example")
    council = Organisation.objects.get(name="Kingsbridge Borough Council")
    pages = [
        (admin, reverse("core:home")),
        (admin, reverse("accounts:account")),
        (admin, reverse("accounts:manage_organisations")),
        (admin, reverse("accounts:manage_organisation", args=[council.pk])),
        (auditor, reverse("core:audit_people")),
        (auditor, reverse("core:audit_user_trail", args=[admin.pk])),
    ]
    clients: dict[int, Client] = {}
    print(f"{'page':<44}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
    for user, url in pages:
        client = clients.get(user.pk) or sign_in(Client(), user)
        clients[user.pk] = client
        client.get(url)  # warm
        count = [0]

        def counter(execute, sql, params, many, context, count=count):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        median, p95 = timed(lambda c=client, u=url: c.get(u), 30)
        print(f"{url:<44}{median:>10.1f}{p95:>9.1f}{count[0]:>9}")


if __name__ == "__main__":
    main()
