"""The synthetic people generator (benchmarks/people_synth.py): valid identifiers, honest labels.

No database: the generator is standalone. The checkers here are written independently of the
generator's own so that a shared mistake cannot pass unnoticed.
"""

import csv
import random
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# benchmarks/ holds scripts, not a package: import the generator the way the script runs.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import people_synth as ps

POSTCODE = re.compile(
    r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}$"  # the usual shape; no C I K M O V inward
)
SEX = {"M", "F", "U"}


def nhs_ok(value: str) -> bool:
    if not re.fullmatch(r"\d{10}", value):
        return False
    remainder = sum(int(value[i]) * (10 - i) for i in range(9)) % 11
    check = (11 - remainder) % 11
    return check != 10 and check == int(value[9])


def upn_ok(value: str) -> bool:
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", value):
        return False
    total = 0
    for position in range(2, 14):  # 1-based positions 2..13, weights 2..13
        char = value[position - 1]
        total += position * (letters.index(char) if char.isalpha() else int(char))
    return value[0] == letters[total % 23]


def osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@pytest.fixture(scope="module")
def population() -> list[dict[str, str]]:
    return list(ps.generate_population(5000, seed=11))


@pytest.fixture(scope="module")
def queries(population) -> list[ps.Query]:
    return list(ps.generate_labelled_queries(population, 1500, seed=12))


def test_independent_checkers_agree_with_known_values():
    assert nhs_ok("9434765919")  # the NHS's published example
    assert not nhs_ok("9434765918")
    assert upn_ok("A" + "0" * 12)  # weighted sum 0 -> first letter
    assert not upn_ok("B" + "0" * 12)


def test_population_is_deterministic_and_sized():
    first = list(ps.generate_population(700, seed=5))
    assert first == list(ps.generate_population(700, seed=5))
    assert first != list(ps.generate_population(700, seed=6))
    assert len(first) == 700
    assert len({r["source_id"] for r in first}) == 700


def test_queries_and_import_file_are_deterministic(population):
    def run_queries() -> list:
        return list(ps.generate_queries(population, 200, seed=3))

    def run_import() -> list:
        return list(ps.generate_import_file(500, 0.05, seed=4))

    assert run_queries() == run_queries()
    assert run_import() == run_import()


def test_population_fields_are_valid(population):
    for row in population:
        assert list(row) == ps.IMPORT_COLUMNS
        assert row["given_name"] and row["family_name"]
        assert row["sex"] in SEX
        dob = date.fromisoformat(row["date_of_birth"])
        assert dob <= ps.REFERENCE_DATE
        assert (ps.REFERENCE_DATE - dob).days < 61 * 366
        assert not row["nhs_number"] or nhs_ok(row["nhs_number"])
        assert not row["upn"] or upn_ok(row["upn"])
        assert not row["postcode"] or POSTCODE.match(row["postcode"])
        assert not row["postcode"] or ps.UK_POSTCODE_RE.match(row["postcode"])


def test_population_looks_realistic(population):
    n = len(population)
    assert sum(bool(r["nhs_number"]) for r in population) / n > 0.85
    assert 0.05 < sum("-" in r["family_name"] for r in population) / n < 0.16
    school_age = [
        r
        for r in population
        if 4 <= (ps.REFERENCE_DATE - date.fromisoformat(r["date_of_birth"])).days // 365 <= 18
    ]
    assert sum(bool(r["upn"]) for r in school_age) / len(school_age) > 0.8
    # Households: people share postcodes.
    postcodes = [r["postcode"] for r in population if r["postcode"]]
    assert len(set(postcodes)) < 0.6 * len(postcodes)


def twin_pairs(rows):
    by_key: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for r in rows:
        by_key.setdefault((r["family_name"], r["date_of_birth"], r["postcode"]), []).append(r)
    return [group for group in by_key.values() if len(group) == 2]


def test_twins_share_surname_dob_postcode_but_not_given_name_or_nhs():
    rows = list(ps.generate_population(20000, seed=2))
    pairs = twin_pairs(rows)
    assert pairs
    for a, b in pairs:
        assert a["given_name"] != b["given_name"]
        assert a["source_id"] != b["source_id"]
        if a["nhs_number"] and b["nhs_number"]:
            assert a["nhs_number"] != b["nhs_number"]
    children = [r for r in rows if int(r["date_of_birth"][:4]) >= 2008]
    twin_share = 2 * len(pairs) / len(children)
    assert 0.005 < twin_share < 0.04


def test_query_mix_and_ids(population, queries):
    assert len(queries) == 1500
    assert [q.row["source_id"] for q in queries] == [f"Q{i:06d}" for i in range(1, 1501)]
    kinds = [q.error_kinds for q in queries]
    assert 250 < sum(k == ("exact",) for k in kinds) < 350
    assert sum(k == ("new_person",) for k in kinds) == 150
    assert 0 < sum("twin" in k for k in kinds) <= 75
    errors = [k for k in kinds if k[0] not in ("exact", "new_person", "twin")]
    assert all(1 <= len(k) <= 2 for k in errors)
    assert set(ps.ERROR_KINDS) == {kind for k in errors for kind in k}


def test_new_people_are_not_in_the_population(population, queries):
    nhs = {r["nhs_number"] for r in population if r["nhs_number"]}
    for q in queries:
        if q.true_source_id is None:
            assert q.error_kinds == ("new_person",)
            assert not q.row["nhs_number"] or q.row["nhs_number"] not in nhs


def test_twin_queries_name_the_sibling_as_hard_negative(population, queries):
    by_id = {r["source_id"]: r for r in population}
    twin_queries = [q for q in queries if "twin" in q.error_kinds]
    assert twin_queries
    for q in twin_queries:
        truth, sibling = by_id[q.true_source_id], by_id[q.hard_negative_source_id]
        assert truth["source_id"] != sibling["source_id"]
        assert truth["family_name"] == sibling["family_name"]
        assert truth["date_of_birth"] == sibling["date_of_birth"]
        assert truth["postcode"] == sibling["postcode"]
        assert truth["given_name"] != sibling["given_name"]
        assert q.row["given_name"] == truth["given_name"]


def test_each_error_kind_changes_what_it_says(population, queries):
    by_id = {r["source_id"]: r for r in population}
    seen: set[str] = set()
    for q in queries:
        if q.true_source_id is None or "twin" in q.error_kinds:
            continue
        truth, got = by_id[q.true_source_id], q.row
        kinds = set(q.error_kinds)
        seen |= kinds
        if kinds == {"exact"}:
            assert {k: v for k, v in got.items() if k != "source_id"} == {
                k: v for k, v in truth.items() if k != "source_id"
            }
            continue
        name_changed = bool(kinds & {"nickname", "typo"})
        surname_changed = bool(kinds & {"typo", "changed_surname", "double_barrel_part"})
        if "nickname" in kinds:
            assert got["given_name"] in ps.NAME_ALIASES[truth["given_name"]]
            assert truth["given_name"] in ps.NAME_ALIASES[got["given_name"]]
        if "typo" in kinds:
            changed = [
                f
                for f in ("given_name", "family_name")
                if got[f] != truth[f] and osa_distance(got[f], truth[f]) == 1
            ]
            assert changed, (truth, got)
        if not name_changed:
            assert got["given_name"] == truth["given_name"]
        if not surname_changed:
            assert got["family_name"] == truth["family_name"]
        if "changed_surname" in kinds and "typo" not in kinds:
            assert got["family_name"] != truth["family_name"]
        if "double_barrel_part" in kinds:
            assert got["family_name"] in truth["family_name"].split("-")
        if "swapped_day_month" in kinds:
            y, m, d = truth["date_of_birth"].split("-")
            assert got["date_of_birth"] == f"{y}-{d}-{m}"
            assert int(d) <= 12 and d != m
        elif "dob_digit" in kinds:
            a, b = got["date_of_birth"], truth["date_of_birth"]
            assert sum(x != y for x, y in zip(a, b, strict=True)) == 1
            assert date.fromisoformat(a) <= ps.REFERENCE_DATE
        else:
            assert got["date_of_birth"] == truth["date_of_birth"]
        if "moved_house" in kinds:
            assert truth["postcode"] and got["postcode"] != truth["postcode"]
            assert POSTCODE.match(got["postcode"])
        elif "missing_postcode" in kinds:
            assert truth["postcode"] and got["postcode"] == ""
        else:
            assert got["postcode"] == truth["postcode"]
        if "missing_nhs" in kinds:
            assert truth["nhs_number"] and got["nhs_number"] == ""
        else:
            assert got["nhs_number"] == truth["nhs_number"]
        assert got["upn"] == truth["upn"] and got["sex"] == truth["sex"]
    assert set(ps.ERROR_KINDS) <= seen


def test_nickname_table_is_big_and_two_way():
    assert len(ps.NICKNAMES) >= 40
    assert "Bill" in ps.NAME_ALIASES["William"] and "William" in ps.NAME_ALIASES["Bill"]
    assert "Beth" in ps.NAME_ALIASES["Elizabeth"] and "Elizabeth" in ps.NAME_ALIASES["Beth"]


@settings(max_examples=300)
@given(name=st.text(min_size=1, max_size=30), seed=st.integers(0, 2**32))
def test_typo_is_always_one_edit(name, seed):
    result = ps.typo(name, random.Random(seed))
    assert result != name
    assert osa_distance(name, result) == 1


@given(
    name=st.sampled_from(["Smith", "Okonkwo", "Ellie", "O'Neill", "Jones-Patel"]),
    seed=st.integers(0, 2**32),
)
def test_typo_keeps_names_looking_like_names(name, seed):
    result = ps.typo(name, random.Random(seed))
    assert result[0].isupper()  # the initial may be mistyped, but stays a capital
    assert result[1:].lower() == result[1:] or "-" in name or "'" in name
    assert len(result) in (len(name) - 1, len(name), len(name) + 1)


@given(seed=st.integers(0, 2**32))
def test_random_identifiers_are_valid(seed):
    rng = random.Random(seed)
    assert nhs_ok(ps.random_nhs_number(rng))
    assert upn_ok(ps.random_upn(rng, rng.randrange(2005, 2023)))
    assert POSTCODE.match(ps.random_postcode(rng))


def test_import_file_bad_rows_are_exactly_those_in_the_sidecar(tmp_path: Path, capsys):
    output = tmp_path / "import.csv"
    assert (
        ps.main(
            [
                "import-file",
                "--rows",
                "3000",
                "--bad-fraction",
                "0.02",
                "--seed",
                "3",
                "--output",
                str(output),
            ]
        )
        == 0
    )
    assert "3,000 rows" in capsys.readouterr().out
    with output.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    with ps.expected_path(output).open(newline="") as handle:
        expected = {int(r["row_number"]): r for r in csv.DictReader(handle)}
    assert len(rows) == 3000 and len(expected) == 60
    assert {r["reason"] for r in expected.values()} <= set(ps.BAD_KINDS)
    problems = {}
    for number, row in enumerate(rows, start=1):
        reasons = validate(row)
        if reasons:
            problems[number] = reasons
    assert set(problems) == set(expected)
    for number, entry in expected.items():
        assert entry["source_id"] == rows[number - 1]["source_id"]
        assert problems[number] == [entry["reason"]]


def validate(row: dict[str, str]) -> list[str]:
    """The import rules from docs/people-import-format.md, independently."""
    reasons = []
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date_of_birth"]):
            raise ValueError
        if date.fromisoformat(row["date_of_birth"]) > date.today():
            reasons.append("future_date")
    except ValueError:
        reasons.append("bad_date")
    if row["nhs_number"] and not nhs_ok(row["nhs_number"]):
        reasons.append("bad_nhs_check_digit")
    if row["sex"] not in SEX:
        reasons.append("unknown_sex")
    if row["postcode"] and not ps.UK_POSTCODE_RE.match(row["postcode"]):
        reasons.append("invalid_postcode")
    if not row["family_name"]:
        reasons.append("missing_family_name")
    if row["upn"] and not upn_ok(row["upn"]):
        reasons.append("bad_upn")
    return reasons


def test_cli_population_and_queries_round_trip(tmp_path: Path, capsys):
    people = tmp_path / "people.csv"
    queries = tmp_path / "queries.csv"
    ps.main(["population", "--people", "2000", "--seed", "1", "--output", str(people)])
    ps.main(
        [
            "queries",
            "--population",
            str(people),
            "--count",
            "300",
            "--seed",
            "2",
            "--output",
            str(queries),
        ]
    )
    out = capsys.readouterr().out
    assert "2,000 people" in out and "300 queries" in out
    with people.open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ps.IMPORT_COLUMNS
        ids = {r["source_id"] for r in reader}
    with queries.open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ps.QUERY_COLUMNS
        rows = list(reader)
    assert len(rows) == 300
    for r in rows:
        assert not r["true_source_id"] or r["true_source_id"] in ids
        assert not r["hard_negative_source_id"] or r["hard_negative_source_id"] in ids
        assert r["error_kinds"]
    # The CLI reads back exactly what the generator produced in memory.
    in_memory = list(ps.generate_queries(ps.generate_population(2000, 1), 300, 2))
    assert [r["given_name"] for r in rows] == [q[0]["given_name"] for q in in_memory]


def test_identifiers_are_unique_across_a_large_population():
    # 60,000 people draw about 55,000 NHS numbers from some 360 million: without redrawing,
    # about four would repeat (the birthday problem), and the importer would reject them.
    rows = list(ps.generate_population(60_000, seed=3))
    nhs = [r["nhs_number"] for r in rows if r["nhs_number"]]
    upns = [r["upn"] for r in rows if r["upn"]]
    assert len(nhs) > 50_000 and len(upns) > 10_000
    assert len(set(nhs)) == len(nhs)
    assert len(set(upns)) == len(upns)
    assert all(nhs_ok(value) for value in nhs[:2000])
    assert all(upn_ok(value) for value in upns[:2000])


def test_redrawn_identifiers_stay_unique_when_the_space_is_small(monkeypatch):
    # Force repeats: a generator that can only produce a handful of NHS numbers and UPNs.
    nhs_choices = ["9434765919", "4010232137", "4505577104", "4505577104", "9434765919"]
    upn_choices = ["A000000000000", "A000000000000", "C000000000009"]

    def few_nhs(rng):
        return rng.choice(nhs_choices)

    def few_upns(rng, birth_year):
        return rng.choice(upn_choices)

    monkeypatch.setattr(ps, "random_nhs_number", few_nhs)
    monkeypatch.setattr(ps, "random_upn", few_upns)
    maker = ps._PersonMaker(1, ps.REFERENCE_DATE)
    assert sorted(maker.nhs_number() for _ in range(3)) == sorted(set(nhs_choices))
    assert len({maker.upn(2015) for _ in range(2)}) == 2


def test_new_people_in_queries_reuse_no_identifier(population, queries):
    nhs = {r["nhs_number"] for r in population if r["nhs_number"]}
    upns = {r["upn"] for r in population if r["upn"]}
    new = [q.row for q in queries if q.true_source_id is None]
    assert new
    assert not {r["nhs_number"] for r in new if r["nhs_number"]} & nhs
    assert not {r["upn"] for r in new if r["upn"]} & upns
    drawn = [r["nhs_number"] for r in new if r["nhs_number"]]
    assert len(drawn) == len(set(drawn))


def test_import_file_has_no_repeated_identifiers():
    rows = [row for row, kind in ps.generate_import_file(20_000, 0.01, seed=3) if kind is None]
    for column in ("nhs_number", "upn"):
        values = [r[column] for r in rows if r[column]]
        assert len(values) == len(set(values))
