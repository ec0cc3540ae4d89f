"""People import benchmark: rows per second for `earlyhelp import people` on a fresh database.

    .venv/bin/python benchmarks/people_import.py              # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/earlyhelp_bench_import \\
        .venv/bin/python benchmarks/people_import.py

Generates a 100,000-row file with 1% bad rows (benchmarks/people_synth.py import-file, seed 3)
unless --file is given, imports it into a fresh database (PostgreSQL: the database named by
DATABASE_URL is dropped and created), checks the rejected rows against the file's
.expected.csv sidecar when there is one, then imports it again to time the re-run (everything
already imported).
"""

import argparse
import csv
import io
import os
import sys
import tempfile
import time
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--file", type=Path, help="an import file (default: generate one)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad-fraction", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args()

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
    result = import_people(path, batch_size=args.batch_size)
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
    )
    print(f"{engine}: re-run {again.summary()}")
    print(f"{engine}: people held {Person.objects.count():,}")


if __name__ == "__main__":
    main()
