"""Our person matching side by side with Splink 5 (DuckDB) on the same labelled data (issue 3).

    .venv/bin/python benchmarks/people_splink.py --people 100000 --queries 1000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/earlyhelp_splink_bench \\
        .venv/bin/python benchmarks/people_splink.py --people 100000 --queries 1000

One command runs everything. Splink is not a dependency of the project: on first use this script
creates `benchmarks/.venv-splink` (git-ignored) with the project's `uv` and installs Splink and
DuckDB there, then runs its own Splink half in that interpreter (`--splink-worker`).

Data: `people_synth.py` makes a population, the evaluation queries (with true ids) and, with
another seed, training queries for Splink's unsupervised training (its labels are not used).
Ours: the population is loaded as `people_matching.py` loads it and every query goes through
`search.find_candidates(query, limit=5)`. Splink: a `link_only` model (names with term-frequency
adjustments, date of birth, postcode, sex, NHS number, UPN) is trained on population x training
queries: the prior by deterministic rules, u by random sampling, m by expectation maximisation
blocked on date of birth and on both names. Each evaluation query is then one online lookup with
`linker.inference.predict_between(population, query)` (Splink 5's incremental linkage, which
replaces `find_matches_to_new_records`), timed from registering the one-row table to reading
the scored pairs back.

Both systems are scored the same way: a lookup "accepts" its top candidate when the score (ours:
`matching.score`; Splink: `match_probability`) is at least the threshold. Precision = accepted and
right / accepted; recall = accepted and right / queries with a true record; F1 of the two. New-person
queries that accept anyone count against precision. Twice: with all query fields, then with NHS
number and UPN removed from every query.
"""

# The subprocesses run this repository's own uv and interpreters with fixed arguments.
# ruff: noqa: S603

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPLINK_VENV = ROOT / "benchmarks" / ".venv-splink"
SPLINK_PACKAGES = ["splink==5.0.0", "duckdb==2.0.0"]
THRESHOLDS = [0.5, 0.7, 0.8, 0.9, 0.95, 0.99]
RECOMMENDED = 0.9  # ours: matching.PROBABLE_MATCH; Splink: the usual match_probability cut

Lookup = tuple[float, list[tuple[str, float]]]  # (milliseconds, [(source_id, score)] best first)


# --------------------------------------------------------------------------------------------
# Splink half: runs inside benchmarks/.venv-splink (no Django, no project imports)
# --------------------------------------------------------------------------------------------


def _clean_name(value: str) -> str | None:
    text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    text = "".join(c if c.isalpha() else " " for c in text.lower().replace("'", ""))
    return " ".join(text.split()) or None


def _clean_postcode(value: str) -> str | None:
    compact = "".join((value or "").upper().split())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else None


def _clean_dob(value: str) -> str | None:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


def splink_columns(rows: list[dict[str, str]], id_column: str) -> dict[str, list[Any]]:
    """Splink's input as columns, standardised as Splink asks (lower-case names, nulls)."""
    columns: dict[str, list[Any]] = {
        k: []
        for k in ("unique_id", "first_name", "surname", "dob", "postcode", "sex", "nhs", "upn")
    }
    for row in rows:
        columns["unique_id"].append(row[id_column])
        columns["first_name"].append(_clean_name(row["given_name"]))
        columns["surname"].append(_clean_name(row["family_name"]))
        columns["dob"].append(_clean_dob(row["date_of_birth"]))
        columns["postcode"].append(_clean_postcode(row["postcode"]))
        columns["sex"].append(row["sex"] if row["sex"] in ("M", "F") else None)
        columns["nhs"].append(row["nhs_number"] or None)
        columns["upn"].append(row["upn"] or None)
    return columns


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def splink_worker(workdir: Path) -> None:
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    population = _read(workdir / "population.csv")
    training = _read(workdir / "training.csv")
    passes = json.loads((workdir / "passes.json").read_text())

    db_api = DuckDBAPI()
    pop_sdf = db_api.register(
        splink_columns(population, "source_id"), dataset_display_name="population"
    )
    train_sdf = db_api.register(
        splink_columns(training, "source_id"), dataset_display_name="training"
    )
    year = "substr(dob, 1, 4)"
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nhs"),
            cl.ExactMatch("upn"),
        ],
        # Comparable to ours: date of birth, surname or first name within the birth year,
        # both names, postcode, identifiers.
        blocking_rules_to_generate_predictions=[
            block_on("dob"),
            block_on("surname", year),
            block_on("first_name", year),
            block_on("first_name", "surname"),
            block_on("postcode"),
            block_on("nhs"),
            block_on("upn"),
        ],
    )
    started = time.perf_counter()
    linker = Linker([pop_sdf, train_sdf], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("nhs")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.table_management.compute_tf_table("first_name")
    linker.table_management.compute_tf_table("surname")
    training_seconds = time.perf_counter() - started
    print(f"Splink trained in {training_seconds:.1f} s", flush=True)

    def lookup(row: dict[str, str], name: str) -> Lookup:
        record = splink_columns([row], "source_id")
        start = time.perf_counter()
        query_sdf = db_api.register(record, dataset_display_name=name)
        predictions = linker.inference.predict_between(pop_sdf, query_sdf, warning_mode="never")
        pairs = predictions.as_record_list()
        elapsed = (time.perf_counter() - start) * 1000
        predictions.drop_table_from_database_and_remove_from_cache()
        query_sdf.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        best: dict[str, float] = {}
        for pair in pairs:
            left, right = str(pair["unique_id_l"]), str(pair["unique_id_r"])
            other = left if right == row["source_id"] else right
            best[other] = max(best.get(other, 0.0), float(pair["match_probability"]))
        return elapsed, sorted(best.items(), key=lambda item: (-item[1], item[0]))[:5]

    out: dict[str, Any] = {"training_seconds": training_seconds, "passes": {}}
    for label, path in passes.items():
        rows = _read(Path(path))
        for i, row in enumerate(rows[:10]):  # warm up: the first lookups build and plan SQL
            lookup(row, f"warm_{label}_{i}")
        lookups: list[Lookup] = []
        for i, row in enumerate(rows):
            lookups.append(lookup(row, f"query_{label}_{i}"))
            if (i + 1) % 100 == 0:
                print(f"Splink, {label}: {i + 1}/{len(rows)} lookups", flush=True)
        out["passes"][label] = lookups
    (workdir / "splink.json").write_text(json.dumps(out))


# --------------------------------------------------------------------------------------------
# Driver: runs in the project's venv
# --------------------------------------------------------------------------------------------


def ensure_splink_venv() -> Path:
    python = SPLINK_VENV / "bin" / "python"
    check = [str(python), "-c", "import splink, duckdb; print(splink.__version__)"]
    if (
        python.exists()
        and subprocess.run(check, capture_output=True, text=True).stdout.strip()
        == (SPLINK_PACKAGES[0].split("==")[1])
    ):
        return python
    uv = ROOT / ".venv" / "bin" / "uv"
    print(f"creating {SPLINK_VENV.relative_to(ROOT)} with {', '.join(SPLINK_PACKAGES)}")
    subprocess.run([str(uv), "venv", "--python", sys.executable, str(SPLINK_VENV)], check=True)
    subprocess.run(
        [str(uv), "pip", "install", "--python", str(python), *SPLINK_PACKAGES], check=True
    )
    return python


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(len(ordered) * p) - 1))]


def quality(
    rows: list[dict[str, str]], lookups: list[Lookup], threshold: float
) -> dict[str, float]:
    accepted = right = 0
    with_true = sum(1 for row in rows if row["true_source_id"])
    for row, (_, top) in zip(rows, lookups, strict=True):
        if top and top[0][1] >= threshold:
            accepted += 1
            right += top[0][0] == row["true_source_id"]
    precision = right / accepted if accepted else float("nan")
    recall = right / with_true
    f1 = 2 * precision * recall / (precision + recall) if accepted and right else 0.0
    return {"accepted": accepted, "precision": precision, "recall": recall, "f1": f1}


def summary(rows: list[dict[str, str]], lookups: list[Lookup]) -> dict[str, float]:
    latencies = [ms for ms, _ in lookups]
    with_true = [(row, top) for row, (_, top) in zip(rows, lookups, strict=True)]
    hits = sum(1 for row, top in with_true if row["true_source_id"] in {sid for sid, _ in top})
    total = sum(1 for row in rows if row["true_source_id"])
    new = [(row, top) for row, top in with_true if not row["true_source_id"]]
    twins = [(row, top) for row, top in with_true if row["hard_negative_source_id"]]
    return {
        "median_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 0.95),
        "recall_at_5": hits / total,
        "new_false": sum(1 for _, top in new if top and top[0][1] >= RECOMMENDED),
        "new_total": len(new),
        "twin_wrong": sum(
            1
            for row, top in twins
            if any(sid == row["hard_negative_source_id"] and s >= RECOMMENDED for sid, s in top)
        ),
        "twin_total": len(twins),
    }


def report(label: str, rows: list[dict[str, str]], ours: list[Lookup], theirs: list[Lookup]):
    print(f"\n=== {label}: {len(rows):,} lookups")
    s_ours, s_theirs = summary(rows, ours), summary(rows, theirs)
    q_ours, q_theirs = quality(rows, ours, RECOMMENDED), quality(rows, theirs, RECOMMENDED)
    print(f"{'':<40}{'ours':>12}{'Splink 5':>12}")
    lines = [
        ("lookup median ms", f"{s_ours['median_ms']:.1f}", f"{s_theirs['median_ms']:.1f}"),
        ("lookup p95 ms", f"{s_ours['p95_ms']:.1f}", f"{s_theirs['p95_ms']:.1f}"),
        ("recall@5", f"{s_ours['recall_at_5']:.4f}", f"{s_theirs['recall_at_5']:.4f}"),
    ]
    lines += [
        (
            f"precision at {RECOMMENDED}",
            f"{q_ours['precision']:.4f}",
            f"{q_theirs['precision']:.4f}",
        ),
        (f"recall at {RECOMMENDED}", f"{q_ours['recall']:.4f}", f"{q_theirs['recall']:.4f}"),
        (f"F1 at {RECOMMENDED}", f"{q_ours['f1']:.4f}", f"{q_theirs['f1']:.4f}"),
    ]
    lines += [
        (
            f"new people accepted at {RECOMMENDED}",
            f"{s_ours['new_false']}/{s_ours['new_total']}",
            f"{s_theirs['new_false']}/{s_theirs['new_total']}",
        ),
        (
            f"twin's sibling >= {RECOMMENDED}",
            f"{s_ours['twin_wrong']}/{s_ours['twin_total']}",
            f"{s_theirs['twin_wrong']}/{s_theirs['twin_total']}",
        ),
    ]
    for name, ours_text, theirs_text in lines:
        print(f"{name:<40}{ours_text:>12}{theirs_text:>12}")
    print(f"speed-up (median): {s_theirs['median_ms'] / s_ours['median_ms']:.0f}x")
    print(f"\n{'threshold':<10}{'ours P / R / F1':>26}{'Splink P / R / F1':>28}")
    best = {"ours": (0.0, 0.0), "splink": (0.0, 0.0)}
    for cut in THRESHOLDS:
        a, b = quality(rows, ours, cut), quality(rows, theirs, cut)
        best["ours"] = max(best["ours"], (a["f1"], cut))
        best["splink"] = max(best["splink"], (b["f1"], cut))
        print(
            f"{cut:<10.2f}{a['precision']:>10.4f}{a['recall']:>8.4f}{a['f1']:>8.4f}"
            f"{b['precision']:>12.4f}{b['recall']:>8.4f}{b['f1']:>8.4f}"
        )
    print(
        f"best F1 over these thresholds: ours {best['ours'][0]:.4f} at {best['ours'][1]}, "
        f"Splink {best['splink'][0]:.4f} at {best['splink'][1]}"
    )


def run_ours(rows: list[dict[str, str]]) -> list[Lookup]:
    from people_matching import query_record

    from earlyhelp.people.search import find_candidates

    for row in rows[:20]:  # warm caches, as people_matching.py does
        find_candidates(query_record(row), limit=5)
    lookups: list[Lookup] = []
    for row in rows:
        record = query_record(row)
        start = time.perf_counter()
        candidates = find_candidates(record, limit=5)
        elapsed = (time.perf_counter() - start) * 1000
        lookups.append((elapsed, [(p.source_id, m.score) for p, m in candidates]))
    return lookups


def generate(args: argparse.Namespace, workdir: Path) -> None:
    import people_synth

    population = workdir / "population.csv"
    people_synth.main(
        [
            *("population", "--people", str(args.people), "--seed", str(args.seed)),
            *("--output", str(population)),
        ]
    )
    for name, count, seed in (
        ("queries.csv", args.queries, args.seed + 1),
        ("training.csv", args.training_queries, args.seed + 100),
    ):
        people_synth.main(
            [
                *("queries", "--population", str(population), "--count", str(count)),
                *("--seed", str(seed), "--output", str(workdir / name)),
            ]
        )


def drop_postgres(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    print(f"dropped database {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--training-queries", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-database", action="store_true", help="PostgreSQL: do not drop")
    parser.add_argument("--splink-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.splink_worker:
        splink_worker(args.splink_worker)
        return

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import people_matching  # sets up the Django environment variables, as its benchmark runs
    from foundation import fresh_postgres

    splink_python = ensure_splink_venv()
    workdir = Path(tempfile.mkdtemp(prefix="earlyhelp-splink-"))
    t0 = time.perf_counter()
    generate(args, workdir)
    print(f"generated in {time.perf_counter() - t0:.1f} s ({workdir})")
    rows = _read(workdir / "queries.csv")
    bare_rows = [{**row, "nhs_number": "", "upn": ""} for row in rows]
    bare = workdir / "queries-bare.csv"
    with bare.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(bare_rows)
    passes = {"all": str(workdir / "queries.csv"), "bare": str(bare)}
    (workdir / "passes.json").write_text(json.dumps(passes))

    # Splink first (its own process and interpreter), then ours; never both at once.
    t0 = time.perf_counter()
    subprocess.run(
        [str(splink_python), __file__, "--splink-worker", str(workdir)], check=True, cwd=ROOT
    )
    splink = json.loads((workdir / "splink.json").read_text())
    print(
        f"Splink: trained in {splink['training_seconds']:.1f} s; whole Splink run "
        f"{time.perf_counter() - t0:.1f} s"
    )

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        fresh_postgres(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    loaded, seconds = people_matching.load_population(workdir / "population.csv")
    print(f"ours: {connection.vendor}; loaded {loaded:,} people in {seconds:.1f} s")
    ours = {"all": run_ours(rows), "bare": run_ours(bare_rows)}
    vendor = connection.vendor
    if url.startswith("postgres") and not args.keep_database:
        drop_postgres(url)

    print(
        f"\n{args.people:,} people, {len(rows):,} queries; ours on {vendor}, Splink 5.0.0 on "
        "DuckDB in memory; threshold 0.9 for both (ours: PROBABLE_MATCH)"
    )
    report("all query fields", rows, ours["all"], splink["passes"]["all"])
    report(
        "NHS number and UPN removed from every query",
        bare_rows,
        ours["bare"],
        splink["passes"]["bare"],
    )


if __name__ == "__main__":
    main()
