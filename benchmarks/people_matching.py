"""People matching benchmark (issue 3): lookup latency and match quality on synthetic people.

    .venv/bin/python benchmarks/people_matching.py --people 300000            # SQLite, temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/earlyhelp_bench_match \\
        .venv/bin/python benchmarks/people_matching.py --people 1000000

Generates a population and labelled queries with `people_synth.py` (in a temporary folder), loads
the population into a fresh database in bulk (matching keys set as `seed.py` does; no history rows,
addresses or families: only what matching reads), then runs `search.find_candidates(query, limit=5)`
for every query, timing each lookup. The database named by DATABASE_URL is created fresh
(PostgreSQL: dropped first if it exists). Splink is not compared here.
"""

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("EARLYHELP_VAR_DIR", tempfile.mkdtemp(prefix="earlyhelp-bench-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ["EARLYHELP_DEMO_TWO_FACTOR_CODE"] = ""
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import people_synth  # noqa: E402
from foundation import fresh_postgres  # noqa: E402

BATCH = 5000
THRESHOLDS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(len(ordered) * p) - 1))]


def load_population(path: Path) -> tuple[int, float]:
    from django.db import connection, transaction

    from earlyhelp.people.models import Person

    start = time.perf_counter()
    count = 0
    batch: list[Person] = []
    seen_nhs: set[str] = set()
    seen_upn: set[str] = set()
    duplicates = {"nhs_number": 0, "upn": 0}

    def flush() -> None:
        Person.objects.bulk_create(batch, batch_size=BATCH)
        batch.clear()

    with transaction.atomic():
        for row in people_synth.read_rows(path):
            # The generator draws identifiers at random, so a few collide at this size; the
            # database keeps them unique, so a repeat is loaded without it (and counted).
            for column, seen in (("nhs_number", seen_nhs), ("upn", seen_upn)):
                if row[column] in seen:
                    row[column] = ""
                    duplicates[column] += 1
                elif row[column]:
                    seen.add(row[column])
            person = Person(
                source_id=row["source_id"],
                given_name=row["given_name"],
                family_name=row["family_name"],
                date_of_birth=parse_date(row["date_of_birth"]),
                sex=row["sex"] or "U",
                nhs_number=row["nhs_number"],
                upn=row["upn"],
            )
            person.refresh_matching_keys()
            person.set_current_postcode(row["postcode"])
            batch.append(person)
            count += 1
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_person")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if any(duplicates.values()):
        print(
            f"blanked repeated identifiers from the generator: {duplicates['nhs_number']} NHS "
            f"numbers, {duplicates['upn']} UPNs"
        )
    return count, time.perf_counter() - start


def query_record(row: dict[str, str]):
    from earlyhelp.people.matching import PersonRecord

    return PersonRecord(
        given_name=row["given_name"],
        family_name=row["family_name"],
        date_of_birth=parse_date(row["date_of_birth"]),
        sex=row["sex"],
        postcode=row["postcode"],
        nhs_number=row["nhs_number"],
        upn=row["upn"],
        # The query's own source_id (Q000001...) is the query's id, not the person's: left out.
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep-identifiers-only",
        action="store_true",
        help="skip the second pass with NHS number and UPN removed from the queries",
    )
    parser.add_argument("--show-misses", type=int, default=10, help="recall misses to list")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="earlyhelp-match-"))
    population, queries_csv = workdir / "population.csv", workdir / "queries.csv"
    t0 = time.perf_counter()
    people_synth.main(
        [
            "population",
            "--people",
            str(args.people),
            "--seed",
            str(args.seed),
            "--output",
            str(population),
        ]
    )
    people_synth.main(
        [
            "queries",
            "--population",
            str(population),
            "--count",
            str(args.queries),
            "--seed",
            str(args.seed + 1),
            "--output",
            str(queries_csv),
        ]
    )
    print(f"generated in {time.perf_counter() - t0:.1f} s ({workdir})")

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        fresh_postgres(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; migrate {time.perf_counter() - t0:.1f} s")
    loaded, seconds = load_population(population)
    print(
        f"loaded {loaded:,} people in {seconds:.1f} s ({loaded / seconds:,.0f} rows/s, "
        "bulk insert with matching keys, indexes built during load, no history)"
    )

    with queries_csv.open(newline="", encoding="utf-8") as handle:
        queries = list(csv.DictReader(handle))

    measure(queries, loaded, args.show_misses, "all query fields")
    if not args.keep_identifiers_only:
        # Most queries carry a correct NHS number, which the identifier lookup finds whatever the
        # other errors: the same queries again without NHS number and UPN test names, date of
        # birth and postcode alone (the blocking keys and the score).
        bare = [{**row, "nhs_number": "", "upn": ""} for row in queries]
        measure(bare, loaded, args.show_misses, "NHS number and UPN removed from every query")


def measure(queries: list[dict[str, str]], loaded: int, show_misses: int, label: str) -> None:
    from django.db import connection

    from earlyhelp.people.matching import POSSIBLE_MATCH, PROBABLE_MATCH
    from earlyhelp.people.search import find_candidates

    query_count = [0]

    def counter(execute, sql, params, many, context):
        query_count[0] += 1
        return execute(sql, params, many, context)

    for row in queries[:20]:  # warm caches
        find_candidates(query_record(row), limit=5)

    latencies: list[float] = []
    counts: list[int] = []
    results: list[tuple[dict[str, str], list[tuple[str, float]]]] = []  # (row, [(id, score)])
    with connection.execute_wrapper(counter):
        for row in queries:
            record = query_record(row)
            query_count[0] = 0
            start = time.perf_counter()
            candidates = find_candidates(record, limit=5)
            latencies.append((time.perf_counter() - start) * 1000)
            counts.append(query_count[0])
            results.append((row, [(p.source_id, m.score) for p, m in candidates]))

    print(
        f"\n=== {label}: {len(queries):,} lookups against {loaded:,} people ({connection.vendor})"
    )
    print(
        f"latency ms: median {statistics.median(latencies):.1f}, "
        f"p95 {percentile(latencies, 0.95):.1f}, p99 {percentile(latencies, 0.99):.1f}, "
        f"max {max(latencies):.1f}; SQL queries per lookup: "
        f"median {statistics.median(counts):.0f}, max {max(counts)}"
    )

    # Recall@5, overall and by error kind.
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    hits = total = 0
    for row, found in results:
        true_id = row["true_source_id"]
        if not true_id:
            continue
        hit = true_id in {sid for sid, _ in found}
        hits += hit
        total += 1
        for kind in row["error_kinds"].split(";"):
            by_kind[kind][0] += hit
            by_kind[kind][1] += 1
    print(f"\nrecall@5: {hits / total:.4f} ({hits}/{total}; target >= 0.98)")
    for kind, (h, n) in sorted(by_kind.items()):
        print(f"  {kind:<22}{h / n:.4f}  ({h}/{n})")

    misses = [
        (row, found)
        for row, found in results
        if row["true_source_id"] and row["true_source_id"] not in {sid for sid, _ in found}
    ]
    for row, found in misses[:show_misses]:
        top = f"{found[0][0]} {found[0][1]:.2f}" if found else "none"
        print(
            f"  miss [{row['error_kinds']}] {row['given_name']} {row['family_name']} "
            f"{row['date_of_birth']} {row['postcode'] or '-'} nhs={row['nhs_number'] or '-'} "
            f"true={row['true_source_id']}; top {top}; {len(found)} candidates"
        )

    # Precision at PROBABLE_MATCH (top candidate), false probables, twins.
    probable = correct = 0
    wrong_probable_kinds: dict[str, int] = defaultdict(int)
    for row, found in results:
        if found and found[0][1] >= PROBABLE_MATCH:
            probable += 1
            if found[0][0] == row["true_source_id"]:
                correct += 1
            else:
                for kind in row["error_kinds"].split(";"):
                    wrong_probable_kinds[kind] += 1
    print(
        f"\nprecision of top-1 at PROBABLE_MATCH >= {PROBABLE_MATCH}: "
        f"{correct / probable if probable else float('nan'):.4f} ({correct}/{probable}; "
        "target >= 0.95)"
    )
    if wrong_probable_kinds:
        print(
            "  wrong probables by query kind: "
            + ", ".join(f"{k} {n}" for k, n in sorted(wrong_probable_kinds.items()))
        )
    new = [found for row, found in results if not row["true_source_id"]]
    new_probable = sum(1 for found in new if found and found[0][1] >= PROBABLE_MATCH)
    new_possible = sum(1 for found in new if found and found[0][1] >= POSSIBLE_MATCH)
    print(
        f"new-person queries: false probable {new_probable / len(new):.4f} "
        f"({new_probable}/{len(new)}), top >= POSSIBLE_MATCH {new_possible / len(new):.4f}"
    )
    twins = [(row, found) for row, found in results if row["hard_negative_source_id"]]
    sibling_probable = sum(
        1
        for row, found in twins
        if any(sid == row["hard_negative_source_id"] and s >= PROBABLE_MATCH for sid, s in found)
    )
    twin_top_wrong = sum(
        1 for row, found in twins if found and found[0][0] == row["hard_negative_source_id"]
    )
    print(
        f"twin queries: sibling scored >= PROBABLE_MATCH {sibling_probable / len(twins):.4f} "
        f"({sibling_probable}/{len(twins)}); sibling ranked first {twin_top_wrong}/{len(twins)}"
    )

    # Threshold table for top-1.
    print(f"\n{'top-1 score >=':<16}{'accepted':>9}{'precision':>11}{'recall':>9}")
    for cut in THRESHOLDS:
        accepted = [(row, found) for row, found in results if found and found[0][1] >= cut]
        right = sum(1 for row, found in accepted if found[0][0] == row["true_source_id"])
        precision = right / len(accepted) if accepted else float("nan")
        print(f"{cut:<16.2f}{len(accepted):>9}{precision:>11.4f}{right / total:>9.4f}")


if __name__ == "__main__":
    main()
