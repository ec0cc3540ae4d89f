"""What the page benchmarks (`front_door.py`, `episodes.py`) share: the settings they run with,
a fresh PostgreSQL database, the timing of a page, and the seed timed one seeder at a time.

Import it before Django is set up: `prepare(prefix)` sets the environment the scripts run in
(the development settings, real two-factor, DEBUG off, a temporary var folder)."""

import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(prefix: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("EARLYHELP_VAR_DIR", tempfile.mkdtemp(prefix=prefix))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["EARLYHELP_DEMO_TWO_FACTOR_CODE"] = ""
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def run_on_server(url: str, sql: str) -> None:
    """Run `sql` on the server of `url`, connected to its `postgres` database."""
    import psycopg

    server, _name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?")[0]


def timed(fn: Callable[..., object], repeat: int) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds of `repeat` calls of `fn`."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def seed(scale: str) -> None:
    """`earlyhelp seed`, one seeder at a time so each is timed (one transaction, as the command)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from earlyhelp.core.seeding import SeedContext, make_faker, seeders

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - start:.1f} s")
    out = io.StringIO()

    class Lines:
        def write(self, message: str) -> None:
            out.write(message.rstrip("\n") + "\n")

    context = SeedContext(scale=scale, faker=make_faker(), stdout=Lines())
    total = time.perf_counter()
    with transaction.atomic():
        for seeder in seeders():
            start = time.perf_counter()
            seeder.run(context)
            print(f"seed {scale} {seeder.name}: {time.perf_counter() - start:.1f} s")
    print(f"seed {scale} (every seeder): {time.perf_counter() - total:.1f} s")
    if connection.vendor == "postgresql":
        # As autovacuum would soon after a load this size: without statistics the planner
        # guesses (and guesses badly) on tables that were empty when it last looked.
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"ANALYZE: {time.perf_counter() - start:.1f} s")
    for line in out.getvalue().splitlines():
        if line.strip():
            print(f"  {line.strip()}")
