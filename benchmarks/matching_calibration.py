"""Where the person matcher's scores fall, by error kind (issue 3): a calibration aid, no database.

    .venv/bin/python benchmarks/matching_calibration.py --people 50000 --queries 2000
    .venv/bin/python benchmarks/matching_calibration.py --bare-only --show 10

Generates a population and labelled queries with `people_synth.py` in memory, builds an in-memory
index of the same blocking keys `search.py` looks up (no cap), and scores every query with
`matching.score` against its true record and against every other blocked candidate. Prints, per
error kind, the distribution of the true record's score and of the strongest non-match's score
(for twins, the sibling's), and how many of each reach PROBABLE_MATCH and POSSIBLE_MATCH. Run
twice: with all query fields, then with NHS number and UPN removed (names, date of birth and
postcode alone), as `people_matching.py` and `people_splink.py` do. `--show N` lists the N lowest
true matches and the N highest non-matches with their reasons, to see which rule to look at.
"""

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import people_synth  # noqa: E402

from earlyhelp.people.identifiers import normalise_postcode, postcode_district  # noqa: E402
from earlyhelp.people.matching import (  # noqa: E402
    POSSIBLE_MATCH,
    PROBABLE_MATCH,
    Match,
    PersonRecord,
    blocking_keys,
    family_name_key,
    given_name_key,
    score,
)

Key = tuple[str, ...]


def record(row: dict[str, str], *, identifiers: bool = True) -> PersonRecord:
    try:
        dob = date.fromisoformat(row["date_of_birth"]) if row["date_of_birth"] else None
    except ValueError:
        dob = None
    return PersonRecord(
        given_name=row["given_name"],
        family_name=row["family_name"],
        date_of_birth=dob,
        sex=row["sex"] if row["sex"] in ("M", "F") else "",
        postcode=normalise_postcode(row["postcode"]) or "",
        nhs_number=row["nhs_number"] if identifiers else "",
        upn=row["upn"] if identifiers else "",
    )


def stored_keys(person: PersonRecord) -> Iterable[Key]:
    """The keys a stored person answers to: what `search._blocking_q` asks of its columns."""
    surname, given = family_name_key(person.family_name), given_name_key(person.given_name)
    dob, postcode = person.date_of_birth, person.postcode
    if dob:
        yield ("dob", dob.isoformat())
        yield ("name_year", surname, str(dob.year))
        yield ("given_year", given, str(dob.year))
    yield ("names", surname, given)
    yield ("surname", surname)
    if postcode:
        yield ("postcode", postcode)
        yield ("name_district", surname, postcode_district(postcode))


@dataclass
class Outcome:
    kinds: tuple[str, ...]
    query: PersonRecord
    true: tuple[PersonRecord, Match] | None  # None: a new person, or not blocked
    rival: tuple[PersonRecord, Match] | None  # strongest non-match (a twin's sibling for twins)
    blocked: bool


class Index:
    def __init__(self, people: list[tuple[str, PersonRecord]]):
        self.people = people
        self.by_key: dict[Key, list[int]] = defaultdict(list)
        self.by_nhs: dict[str, int] = {}
        self.by_upn: dict[str, int] = {}
        self.by_id: dict[str, int] = {}
        for i, (source_id, person) in enumerate(people):
            self.by_id[source_id] = i
            for key in stored_keys(person):
                self.by_key[key].append(i)
            if person.nhs_number:
                self.by_nhs.setdefault(person.nhs_number, i)
            if person.upn:
                self.by_upn.setdefault(person.upn, i)

    def candidates(self, query: PersonRecord) -> set[int]:
        found: set[int] = set()
        for key in blocking_keys(query):
            found.update(self.by_key.get(key, ()))
        if query.nhs_number and query.nhs_number in self.by_nhs:
            found.add(self.by_nhs[query.nhs_number])
        if query.upn and query.upn in self.by_upn:
            found.add(self.by_upn[query.upn])
        return found


def evaluate(index: Index, queries: list[people_synth.Query], identifiers: bool) -> list[Outcome]:
    outcomes = []
    for q in queries:
        query = record(q.row, identifiers=identifiers)
        found = index.candidates(query)
        true_i = index.by_id.get(q.true_source_id or "")
        sibling_i = index.by_id.get(q.hard_negative_source_id or "")
        true = rival = None
        for i in found:
            person = index.people[i][1]
            match = score(query, person)
            if i == true_i:
                true = (person, match)
            elif sibling_i is not None:
                if i == sibling_i:
                    rival = (person, match)
            elif rival is None or match.score > rival[1].score:
                rival = (person, match)
        if true_i is not None and true is None:  # not blocked: score it anyway, to see why
            true = (index.people[true_i][1], score(query, index.people[true_i][1]))
        blocked = true_i is None or true_i in found
        outcomes.append(Outcome(q.error_kinds, query, true, rival, blocked))
    return outcomes


def _quantiles(values: list[float]) -> str:
    if not values:
        return f"{'-':>6}{'-':>6}{'-':>6}{'-':>6}"
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return f"{ordered[0]:6.2f}{at(0.1):6.2f}{statistics.median(ordered):6.2f}{ordered[-1]:6.2f}"


def report(outcomes: list[Outcome], label: str, show: int) -> None:
    print(f"\n=== {label}: {len(outcomes):,} queries")
    print(
        f"{'error kind':<20}{'n':>5} | true record: {'min':>4}{'p10':>6}{'med':>6}{'max':>6}"
        f"{'>=prob':>8}{'>=poss':>8} | strongest non-match: {'min':>4}{'p10':>6}{'med':>6}"
        f"{'max':>6}{'>=prob':>8}"
    )
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        for kind in o.kinds:
            by_kind[kind].append(o)
        by_kind["(all)"].append(o)
        if len(o.kinds) == 1:
            by_kind[f"{o.kinds[0]} alone"].append(o)
    for kind in sorted(by_kind, key=lambda k: (k == "(all)", k.replace(" alone", "~"))):
        group = by_kind[kind]
        trues = [o.true[1].score for o in group if o.true]
        rivals = [o.rival[1].score for o in group if o.rival]
        print(
            f"{kind:<20}{len(group):>5} | {'':>13}{_quantiles(trues)}"
            f"{sum(s >= PROBABLE_MATCH for s in trues):>8}"
            f"{sum(s >= POSSIBLE_MATCH for s in trues):>8} | {'':>21}{_quantiles(rivals)}"
            f"{sum(s >= PROBABLE_MATCH for s in rivals):>8}"
        )
    unblocked = sum(not o.blocked for o in outcomes)
    print(f"true record not found by any blocking key: {unblocked}")

    # Top-1 acceptance at PROBABLE_MATCH, as the benchmarks count it (no cap, no ranking ties).
    accepted = right = with_true = 0
    for o in outcomes:
        best_true = o.true[1].score if o.true and o.blocked else -1.0
        best_rival = o.rival[1].score if o.rival else -1.0
        with_true += o.true is not None
        top = max(best_true, best_rival)
        if top >= PROBABLE_MATCH:
            accepted += 1
            right += best_true >= best_rival
    precision = right / accepted if accepted else float("nan")
    recall = right / with_true if with_true else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if accepted else float("nan")
    print(
        f"top-1 at {PROBABLE_MATCH}: accepted {accepted}, precision {precision:.4f}, "
        f"recall {recall:.4f}, F1 {f1:.4f}"
    )
    if show:
        lows = sorted((o for o in outcomes if o.true), key=lambda o: o.true[1].score)  # type: ignore[index]
        print(f"\nlowest {show} true matches:")
        for o in lows[:show]:
            _print_pair(o, o.true)  # type: ignore[arg-type]
        highs = sorted((o for o in outcomes if o.rival), key=lambda o: -o.rival[1].score)  # type: ignore[index]
        print(f"\nhighest {show} non-matches:")
        for o in highs[:show]:
            _print_pair(o, o.rival)  # type: ignore[arg-type]


def _describe(p: PersonRecord) -> str:
    dob = p.date_of_birth.isoformat() if p.date_of_birth else "-"
    return f"{p.given_name} {p.family_name} {dob} {p.sex or '-'} {p.postcode or '-'}"


def _print_pair(o: Outcome, pair: tuple[PersonRecord, Match]) -> None:
    person, match = pair
    print(
        f"  {match.score:.3f} [{';'.join(o.kinds)}] {_describe(o.query)}  vs  {_describe(person)}"
        f"\n        {'; '.join(match.reasons)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1, help="population seed; queries use seed+1")
    parser.add_argument("--bare-only", action="store_true", help="only the pass without NHS/UPN")
    parser.add_argument("--show", type=int, default=0, help="list the N worst of each side")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    rows = list(people_synth.generate_population(args.people, args.seed))
    queries = list(people_synth.generate_labelled_queries(rows, args.queries, args.seed + 1))
    index = Index([(row["source_id"], record(row)) for row in rows])
    print(
        f"{len(rows):,} people, {len(queries):,} queries (seeds {args.seed}, {args.seed + 1}), "
        f"generated and indexed in {time.perf_counter() - start:.1f} s; "
        f"PROBABLE_MATCH {PROBABLE_MATCH}, POSSIBLE_MATCH {POSSIBLE_MATCH}"
    )
    passes = [(False, "NHS number and UPN removed from every query")]
    if not args.bare_only:
        passes.insert(0, (True, "all query fields"))
    for identifiers, label in passes:
        start = time.perf_counter()
        outcomes = evaluate(index, queries, identifiers)
        report(outcomes, label, args.show)
        print(f"scored in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
