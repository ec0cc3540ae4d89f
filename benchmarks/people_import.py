"""People import benchmark: rows per second for `earlyhelp import people` on a fresh database.

    .venv/bin/python benchmarks/people_import.py              # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/earlyhelp_bench_import \\
        .venv/bin/python benchmarks/people_import.py

Generates a 100,000-row file with 1% bad rows (benchmarks/people_synth.py import-file, seed 3)
unless --file is given, imports it into a fresh database (PostgreSQL: the database named by
DATABASE_URL is dropped and created), checks the rejected rows against the file's
.expected.csv sidecar when there is one, then imports it again to time the re-run (everything
already imported). Then, unless --no-kill, empties the people tables and proves the kill
guarantee: the import runs in a subprocess that gets `kill -9` once it reports half the file
read; the database is checked (whole people only, each with its history row), the import run
again, and every valid row must be there exactly once.

--writer bulk writes through earlyhelp/people/bulk.py directly (what the import does once
services.insert_imported_people delegates to it); --writer services (the default) goes through
whatever services.insert_imported_people does today.
"""

import argparse
import csv
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
VAR = tempfile.mkdtemp(prefix="earlyhelp-bench-import-")
os.environ.setdefault("EARLYHELP_VAR_DIR", VAR)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ.setdefault("DEBUG", "0")


def fresh_postgres(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def use_writer(writer: str) -> str:
    from earlyhelp.people import bulk, services

    if writer == "bulk":
        services.insert_imported_people = bulk.insert_people_rows  # type: ignore[assignment]
        return "bulk.insert_people_rows"
    return "services.insert_imported_people"


def child_import(path: Path, batch_size: int, writer: str) -> None:
    """The subprocess that gets killed: imports `path`, printing each committed batch."""
    import django

    django.setup()
    from earlyhelp.people.importer import import_people

    use_writer(writer)
    import_people(
        path, batch_size=batch_size, progress=lambda r: print(f"read {r.read}", flush=True)
    )
    print("finished", flush=True)


def kill_half_way(path: Path, rows: int, batch_size: int, writer: str, engine: str) -> None:
    from django.db import connection

    from earlyhelp.people.importer import import_people
    from earlyhelp.people.models import Person

    with connection.cursor() as cursor:  # empty the people tables (nothing else refers to them)
        cursor.execute(f"DELETE FROM {Person.history.model._meta.db_table}")  # noqa: S608
        cursor.execute(f"DELETE FROM {Person._meta.db_table}")  # noqa: S608
    command = [sys.executable, __file__, "--child", str(path), "--batch-size", str(batch_size)]
    command += ["--writer", writer]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603 - ourselves
    assert child.stdout is not None
    start = time.perf_counter()
    read = 0
    for line in child.stdout:
        if line.startswith("read "):
            read = int(line.split()[1])
            if read >= rows // 2:
                break
    child.send_signal(signal.SIGKILL)
    child.wait()
    seconds = time.perf_counter() - start
    people = Person.objects.count()
    distinct = Person.objects.values("source_id").distinct().count()
    history = Person.history.count()
    print(
        f"{engine}: kill -9 after {seconds:.1f}s ({read:,} rows reported read, exit code "
        f"{child.returncode}): {people:,} people, {distinct:,} distinct source_ids, "
        f"{history:,} history rows"
    )
    again = import_people(path, batch_size=batch_size)
    people = Person.objects.count()
    distinct = Person.objects.values("source_id").distinct().count()
    print(f"{engine}: re-run after the kill: {again.summary()}")
    once = people == distinct == Person.history.count() == again.imported + again.already_imported
    print(
        f"{engine}: after the re-run {people:,} people, {distinct:,} distinct source_ids, "
        f"{Person.history.count():,} history rows: "
        + ("each person exactly once" if once else "MISMATCH")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--file", type=Path, help="an import file (default: generate one)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad-fraction", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--writer", choices=["services", "bulk"], default="services")
    parser.add_argument("--no-kill", action="store_true", help="skip the kill -9 check")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(args.child, args.batch_size, args.writer)
        return

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        fresh_postgres(url)
        engine = "PostgreSQL"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{VAR}/bench.sqlite3"
        engine = "SQLite"

    import people_synth

    path = args.file
    if path is None:
        path = Path(VAR) / f"import-{args.rows}.csv"
        start = time.perf_counter()
        people_synth.main(
            [
                "import-file",
                "--rows",
                str(args.rows),
                "--bad-fraction",
                str(args.bad_fraction),
                "--seed",
                "3",
                "--output",
                str(path),
            ]
        )
        print(f"generated {path} in {time.perf_counter() - start:.1f}s")

    import django

    django.setup()
    from django.core.management import call_command

    from earlyhelp.people.importer import import_people
    from earlyhelp.people.models import Person

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    writer = use_writer(args.writer)
    print(f"{engine}: writing through {writer}, batches of {args.batch_size:,}")
    load = os.getloadavg()[0]
    cpu = time.process_time()
    result = import_people(path, batch_size=args.batch_size)
    cpu = time.process_time() - cpu
    again = import_people(path, batch_size=args.batch_size)

    expected = people_synth.expected_path(path)
    check = ""
    if expected.exists():
        with expected.open(newline="", encoding="utf-8") as handle:
            want = {row["row_number"] for row in csv.DictReader(handle)}
        assert result.report_path is not None
        with result.report_path.open(newline="", encoding="utf-8") as handle:
            got = {row["row_number"] for row in csv.DictReader(handle)}
        check = (
            "; rejected rows match the expected list"
            if got == want
            else (f"; MISMATCH: {len(got - want)} unexpected, {len(want - got)} missed")
        )
    print(f"{engine}: {result.summary()}{check}")
    print(
        f"{engine}: import {result.read:,} rows in {result.seconds:.1f}s = {result.rows_per_second:,.0f} rows/second"
        f" (this process used {cpu:.1f}s of CPU; load average {load:.1f} when it started)"
    )
    print(f"{engine}: re-run {again.summary()}")
    print(
        f"{engine}: people held {Person.objects.count():,}, history rows {Person.history.count():,}"
    )
    columns = Counter(reason.split(" ")[0] for _, _, reason in result.rejections)
    print(f"{engine}: rejected by column: {dict(sorted(columns.items()))}")
    if not args.no_kill:
        kill_half_way(path, result.read, args.batch_size, args.writer, engine)


if __name__ == "__main__":
    main()
