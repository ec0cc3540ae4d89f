"""Synthetic, labelled person data for the people matching and import benchmarks (issue 3).

Standalone: imports nothing from ``earlyhelp``. Every output is deterministic given ``--seed``.

    .venv/bin/python benchmarks/people_synth.py population --people 300000 --seed 1 \\
        --output var/bench/people-300k.csv
    .venv/bin/python benchmarks/people_synth.py queries --population var/bench/people-300k.csv \\
        --count 2000 --seed 2 --output var/bench/queries-300k.csv
    .venv/bin/python benchmarks/people_synth.py import-file --rows 100000 --bad-fraction 0.01 \\
        --seed 3 --output var/bench/import-100k.csv

The population and import files use the import format in ``docs/people-import-format.md``.
The queries file adds ``true_source_id`` (blank for a new person), ``hard_negative_source_id``
(a twin's sibling) and ``error_kinds`` (``;``-separated). The import file gets a sidecar
``<name>.expected.csv`` listing each deliberately bad row and why.
"""

# Synthetic data, not security: seeded random.Random is the point.
# ruff: noqa: S311

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

IMPORT_COLUMNS = [
    "source_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "nhs_number",
    "upn",
]
QUERY_COLUMNS = [*IMPORT_COLUMNS, "true_source_id", "hard_negative_source_id", "error_kinds"]
EXPECTED_COLUMNS = ["row_number", "source_id", "reason"]

# Ages are worked out against a fixed date so that output does not change from day to day.
REFERENCE_DATE = date(2026, 1, 1)

Row = dict[str, str]

# --------------------------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------------------------


def nhs_check_digit(nine: str) -> int | None:
    """The modulus-11 check digit for the first nine digits, or None (remainder gives 10)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: str) -> bool:
    if len(value) != 10 or not value.isdigit():
        return False
    return nhs_check_digit(value[:9]) == int(value[9])


def random_nhs_number(rng: random.Random) -> str:
    while True:
        nine = str(rng.randrange(400_000_000, 800_000_000))
        check = nhs_check_digit(nine)
        if check is not None:
            return f"{nine}{check}"


UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # index = (weighted sum) mod 23
# Position 13 of a temporary UPN may be a letter; its value is its index in this table (DfE).
UPN_POSITION13_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(body: str) -> str:
    """The check letter for characters 2-13 of a UPN (``body`` is those 12 characters)."""
    total = 0
    for weight, char in enumerate(body, start=2):
        value = UPN_POSITION13_LETTERS.index(char) if char.isalpha() else int(char)
        total += value * weight
    return UPN_CHECK_LETTERS[total % 23]


def is_valid_upn(value: str) -> bool:
    if len(value) != 13 or not value[1:12].isdigit():
        return False
    last = value[12]
    if not (last.isdigit() or last in UPN_POSITION13_LETTERS):
        return False
    return value[0] == upn_check_letter(value[1:])


# Local authority codes (three digits) for the UPN's characters 2-4.
LA_CODES = [
    "201", "202", "204", "206", "208", "302", "316", "330", "331", "335",
    "340", "350", "352", "373", "380", "383", "390", "801", "810", "850",
    "855", "860", "873", "878", "881", "886", "919", "925", "926", "936",
]  # fmt: skip


def random_upn(rng: random.Random, birth_year: int) -> str:
    la = rng.choice(LA_CODES)
    establishment = f"{rng.randrange(1000, 8000):04d}"
    year_allocated = f"{(birth_year + rng.choice((4, 4, 4, 5, 6))) % 100:02d}"
    serial = f"{rng.randrange(0, 1000):03d}"
    if rng.random() < 0.02:  # a temporary UPN: letter in position 13
        serial = serial[:2] + rng.choice(UPN_POSITION13_LETTERS)
    body = la + establishment + year_allocated + serial
    return upn_check_letter(body) + body


# Real outward codes from around England; inward codes are random ("9AA" format).
OUTWARD_CODES = [
    "B1", "B15", "B23", "B44", "B70", "BA1", "BB1", "BD3", "BD7", "BH8",
    "BL1", "BN2", "BN21", "BR1", "BS5", "BS16", "CB1", "CB4", "CM1", "CO4",
    "CR0", "CT1", "CV1", "CV6", "DA1", "DE1", "DE23", "DH1", "DL1", "DN1",
    "DN15", "DY1", "E1", "E17", "EN1", "EX1", "EX4", "GL1", "GU1", "HA0",
    "HD1", "HG1", "HP1", "HU3", "HU9", "IP1", "IP4", "L4", "L8", "LA1",
    "LE1", "LE4", "LN1", "LS6", "LS9", "LU1", "M8", "M14", "M40", "ME7",
    "MK6", "N1", "N15", "NE4", "NE6", "NG7", "NN1", "NR1", "NR3", "NW10",
    "OL1", "OX4", "PE1", "PL1", "PO1", "PR1", "RG1", "RM1", "S2", "S5",
    "SE15", "SE18", "SK1", "SL1", "SN1", "SO14", "SR1", "SS1", "ST1", "ST4",
    "SW2", "SW11", "TF1", "TN1", "TQ1", "TS1", "TS3", "W12", "WA1", "WF1",
    "WN1", "WS1", "WV1", "YO1", "YO10",
]  # fmt: skip
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # never C, I, K, M, O or V

UK_POSTCODE_RE = re.compile(
    r"^(GIR 0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRVWXY]) "
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def random_postcode(rng: random.Random) -> str:
    outward = rng.choice(OUTWARD_CODES)
    return f"{outward} {rng.randrange(10)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

# Formal name -> common nicknames (used in both directions).
NICKNAMES: dict[str, list[str]] = {
    "William": ["Bill", "Will", "Billy", "Liam"],
    "Elizabeth": ["Beth", "Liz", "Lizzie", "Betty", "Eliza"],
    "Robert": ["Bob", "Rob", "Bobby", "Robbie"],
    "Richard": ["Rick", "Dick", "Richie"],
    "Margaret": ["Maggie", "Peggy", "Meg"],
    "Katherine": ["Kate", "Katie", "Kathy", "Kat"],
    "Catherine": ["Cath", "Cathy", "Kate"],
    "James": ["Jim", "Jimmy", "Jamie"],
    "Thomas": ["Tom", "Tommy"],
    "Michael": ["Mike", "Mick", "Mikey"],
    "Christopher": ["Chris", "Kit"],
    "Christine": ["Chris", "Chrissie"],
    "Daniel": ["Dan", "Danny"],
    "David": ["Dave", "Davey"],
    "Edward": ["Ed", "Eddie", "Ted", "Ned"],
    "Alexander": ["Alex", "Sandy", "Xander"],
    "Alexandra": ["Alex", "Lexi", "Sandra"],
    "Anthony": ["Tony", "Ant"],
    "Andrew": ["Andy", "Drew"],
    "Benjamin": ["Ben", "Benny"],
    "Charles": ["Charlie", "Chas", "Chuck"],
    "Charlotte": ["Charlie", "Lottie"],
    "Jennifer": ["Jen", "Jenny"],
    "Joseph": ["Joe", "Joey"],
    "Joshua": ["Josh"],
    "Matthew": ["Matt", "Matty"],
    "Nicholas": ["Nick", "Nicky"],
    "Nicola": ["Nicky", "Nikki"],
    "Patricia": ["Pat", "Patsy", "Trish"],
    "Peter": ["Pete"],
    "Rebecca": ["Becky", "Becca"],
    "Samuel": ["Sam", "Sammy"],
    "Samantha": ["Sam", "Sammy"],
    "Stephen": ["Steve", "Stevie"],
    "Steven": ["Steve", "Stevie"],
    "Susan": ["Sue", "Susie"],
    "Victoria": ["Vicky", "Tori"],
    "Jonathan": ["Jon", "Jonny"],
    "Frederick": ["Fred", "Freddie"],
    "Gregory": ["Greg"],
    "Henry": ["Harry", "Hal"],
    "Harold": ["Harry"],
    "Jacqueline": ["Jackie"],
    "Deborah": ["Debbie", "Deb"],
    "Kimberley": ["Kim"],
    "Abigail": ["Abbie", "Abby"],
    "Isabella": ["Bella", "Izzy"],
    "Isabel": ["Izzy", "Bel"],
    "Gemma": ["Gem"],
    "Oliver": ["Ollie"],
    "Timothy": ["Tim", "Timmy"],
    "Philip": ["Phil"],
    "Phillip": ["Phil"],
    "Gareth": ["Gaz"],
    "Terence": ["Terry"],
    "Lawrence": ["Larry", "Laurie"],
    "Amanda": ["Mandy"],
    "Josephine": ["Jo", "Josie"],
    "Joanne": ["Jo"],
    "Daniella": ["Dani"],
    "Kenneth": ["Ken", "Kenny"],
    "Raymond": ["Ray"],
    "Ronald": ["Ron", "Ronnie"],
    "Leonard": ["Len", "Lenny"],
    "Jacob": ["Jake"],
    "Zachary": ["Zach", "Zak"],
    "Theodore": ["Theo", "Ted"],
    "Eleanor": ["Ellie", "Nell"],
    "Florence": ["Flo", "Florrie"],
    "Olivia": ["Liv", "Livvy"],
    "Sophia": ["Sophie"],
    "Natasha": ["Tasha"],
    "Jessica": ["Jess", "Jessie"],
    "Emily": ["Em", "Emmy"],
    "Dorothy": ["Dot", "Dottie"],
    "Kathleen": ["Kath", "Kathy"],
    "Gillian": ["Gill", "Jill"],
    "Suzanne": ["Sue", "Suzy"],
}


def _build_aliases() -> dict[str, tuple[str, ...]]:
    aliases: dict[str, set[str]] = {}
    for formal, nicks in NICKNAMES.items():
        for nick in nicks:
            aliases.setdefault(formal, set()).add(nick)
            aliases.setdefault(nick, set()).add(formal)
    return {name: tuple(sorted(others)) for name, others in aliases.items()}


NAME_ALIASES: dict[str, tuple[str, ...]] = _build_aliases()

_KEYBOARD_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _build_adjacent() -> dict[str, str]:
    adjacent: dict[str, set[str]] = {}
    for r, row in enumerate(_KEYBOARD_ROWS):
        for c, char in enumerate(row):
            near = adjacent.setdefault(char, set())
            for dr in (-1, 0, 1):
                rr = r + dr
                if not 0 <= rr < len(_KEYBOARD_ROWS):
                    continue
                for dc in (-1, 0, 1):
                    cc = c + dc
                    if (dr, dc) != (0, 0) and 0 <= cc < len(_KEYBOARD_ROWS[rr]):
                        near.add(_KEYBOARD_ROWS[rr][cc])
    return {char: "".join(sorted(near)) for char, near in adjacent.items()}


KEYBOARD_ADJACENT: dict[str, str] = _build_adjacent()
_LOWER = "abcdefghijklmnopqrstuvwxyz"


def _same_case(template: str, char: str) -> str:
    return char.upper() if template.isupper() else char


def _substitute_for(char: str, rng: random.Random) -> str:
    lower = char.lower()
    if lower in KEYBOARD_ADJACENT and rng.random() < 0.8:
        choice = rng.choice(KEYBOARD_ADJACENT[lower])
    else:
        choice = rng.choice(_LOWER.replace(lower, ""))
    return _same_case(char, choice)


def typo(name: str, rng: random.Random) -> str:
    """One insertion, deletion, substitution or adjacent transposition (never a no-op).

    Keyboard-adjacent substitutions and insertions are preferred; the result is always at
    (optimal string alignment) edit distance 1 from ``name``.
    """
    if not name:
        return rng.choice(_LOWER)
    kinds = ["substitution", "insertion"]
    if len(name) >= 2:
        kinds.append("deletion")
    # Not the first two letters: swapping them would also swap their case ("mSith").
    transpositions = [i for i in range(1, len(name) - 1) if name[i] != name[i + 1]]
    if transpositions:
        kinds.append("transposition")
    kind = rng.choice(kinds)
    if kind == "substitution":
        i = rng.randrange(len(name))
        return name[:i] + _substitute_for(name[i], rng) + name[i + 1 :]
    if kind == "insertion":
        i = rng.randrange(1, len(name) + 1)
        neighbour = name[i - 1].lower()
        if neighbour not in _LOWER:
            extra = rng.choice(_LOWER)
        elif rng.random() < 0.5:  # a doubled letter: Philip -> Phillip
            extra = neighbour
        else:
            extra = _substitute_for(neighbour, rng)
        return name[:i] + extra + name[i:]
    if kind == "deletion":
        i = rng.randrange(1, len(name))  # keep the initial: people rarely drop it
        return name[:i] + name[i + 1 :]
    i = rng.choice(transpositions)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


# --------------------------------------------------------------------------------------------
# Name pools: sampled once from Faker (weighted as Faker weights them), then drawn from with a
# seeded random.Random, which is far faster than calling Faker per row.
# --------------------------------------------------------------------------------------------

_NAME_OK = re.compile(r"^[A-Za-z][A-Za-z' -]*[A-Za-z]$")
# Mostly English names, with Irish, South Asian and American names mixed in.
_LOCALE_WEIGHTS = [("en_GB", 0.7), ("en_IE", 0.1), ("en_IN", 0.1), ("en_US", 0.1)]


@dataclass(frozen=True)
class NamePools:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]


_POOL_CACHE: dict[tuple[int, int], NamePools] = {}


def name_pools(seed: int, size: int = 4000) -> NamePools:
    key = (seed, size)
    if key in _POOL_CACHE:
        return _POOL_CACHE[key]
    from faker import Faker

    pools: dict[str, list[str]] = {"male": [], "female": [], "family": []}
    for locale, weight in _LOCALE_WEIGHTS:
        fake = Faker(locale)
        fake.seed_instance(seed)
        count = round(size * weight)
        for kind, method in (
            ("male", fake.first_name_male),
            ("female", fake.first_name_female),
            ("family", fake.last_name),
        ):
            drawn = 0
            while drawn < count:
                value = method().strip()
                if _NAME_OK.match(value):
                    pools[kind].append(value)
                    drawn += 1
    result = NamePools(
        male=tuple(pools["male"]), female=tuple(pools["female"]), family=tuple(pools["family"])
    )
    _POOL_CACHE[key] = result
    return result


# --------------------------------------------------------------------------------------------
# Population
# --------------------------------------------------------------------------------------------


def _dob_for_age(rng: random.Random, age: int, as_of: date) -> date:
    latest = as_of - timedelta(days=365 * age + rng.randrange(0, 365))
    return latest


class _PersonMaker:
    def __init__(self, seed: int, as_of: date, pools: NamePools | None = None):
        self.rng = random.Random(seed)
        self.pools = pools or name_pools(seed)
        self.as_of = as_of
        # Identifiers already given out: NHS numbers and UPNs are unique (a real register never
        # issues one twice, and the importer rejects a repeat), so a draw that repeats is redrawn.
        self.nhs_used: set[str] = set()
        self.upn_used: set[str] = set()

    def nhs_number(self) -> str:
        while (value := random_nhs_number(self.rng)) in self.nhs_used:
            pass
        self.nhs_used.add(value)
        return value

    def upn(self, birth_year: int) -> str:
        while (value := random_upn(self.rng, birth_year)) in self.upn_used:
            pass
        self.upn_used.add(value)
        return value

    def surname(self) -> str:
        rng = self.rng
        if rng.random() < 0.10:
            first, second = rng.choice(self.pools.family), rng.choice(self.pools.family)
            while second == first:
                second = rng.choice(self.pools.family)
            return f"{first}-{second}"
        return rng.choice(self.pools.family)

    def sex(self) -> str:
        roll = self.rng.random()
        return "U" if roll < 0.005 else ("M" if roll < 0.5025 else "F")

    def given(self, sex: str) -> str:
        rng = self.rng
        if sex == "M" or (sex == "U" and rng.random() < 0.5):
            return rng.choice(self.pools.male)
        return rng.choice(self.pools.female)

    def person(self, source_id: str, family: str, dob: date, postcode: str, sex: str) -> Row:
        rng = self.rng
        age = (self.as_of - dob).days // 365
        nhs = self.nhs_number() if rng.random() < 0.92 else ""
        upn = self.upn(dob.year) if 4 <= age <= 18 and rng.random() < 0.9 else ""
        return {
            "source_id": source_id,
            "given_name": self.given(sex),
            "family_name": family,
            "date_of_birth": dob.isoformat(),
            "sex": sex,
            "postcode": postcode if rng.random() < 0.97 else "",
            "nhs_number": nhs,
            "upn": upn,
        }

    def household(self, next_id: Iterator[str]) -> list[Row]:
        """One household of 1-6 people: adult(s) and usually children, sharing a postcode."""
        rng = self.rng
        size = rng.choices((1, 2, 3, 4, 5, 6), weights=(22, 26, 22, 18, 8, 4))[0]
        postcode = random_postcode(rng)
        surname = self.surname()
        rows: list[Row] = []
        adults = 1 if size == 1 or rng.random() < 0.35 else 2
        parent_age = rng.randrange(19, 61)
        for a in range(adults):
            age = parent_age if a == 0 else max(18, min(60, parent_age + rng.randrange(-6, 7)))
            # A partner keeps their own surname about a quarter of the time.
            family = surname if a == 0 or rng.random() < 0.75 else self.surname()
            sex = self.sex()
            rows.append(
                self.person(
                    next(next_id), family, _dob_for_age(rng, age, self.as_of), postcode, sex
                )
            )
        oldest_child = min(parent_age - 16, 25)
        while len(rows) < size:
            if oldest_child < 0:
                age = rng.randrange(18, 61)  # a lodger or other adult relative
                family = self.surname()
            else:
                age = rng.randrange(0, oldest_child + 1)
                # Step-families: some children carry a different surname.
                family = surname if rng.random() < 0.88 else self.surname()
            dob = _dob_for_age(rng, age, self.as_of)
            if age < 18 and len(rows) <= size - 2 and rng.random() < 0.015:
                # Twins (about 1.5% of children are one of a pair): same surname, date of birth
                # and postcode; different given names and NHS numbers.
                first = self.person(next(next_id), family, dob, postcode, self.sex())
                first["postcode"] = postcode
                second = self.person(next(next_id), family, dob, postcode, self.sex())
                second["postcode"] = postcode
                while second["given_name"] == first["given_name"]:
                    second["given_name"] = self.given(second["sex"])
                rows.extend((first, second))
                continue
            rows.append(self.person(next(next_id), family, dob, postcode, self.sex()))
        return rows


def _ids(prefix: str, width: int = 7) -> Iterator[str]:
    n = 0
    while True:
        n += 1
        yield f"{prefix}{n:0{width}d}"


def generate_population(n: int, seed: int, as_of: date = REFERENCE_DATE) -> Iterator[Row]:
    """``n`` people in the import format, in households, deterministic given ``seed``."""
    maker = _PersonMaker(seed, as_of)
    next_id = _ids("P")
    produced = 0
    while produced < n:
        for row in maker.household(next_id):
            if produced >= n:
                return
            produced += 1
            yield row


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------

ERROR_KINDS = (
    "nickname",
    "typo",
    "swapped_day_month",
    "dob_digit",
    "changed_surname",
    "double_barrel_part",
    "moved_house",
    "missing_nhs",
    "missing_postcode",
)
_EXCLUSIVE = [
    {"changed_surname", "double_barrel_part"},
    {"swapped_day_month", "dob_digit"},
    {"moved_house", "missing_postcode"},
]
# How often each error kind is picked, where it applies.
ERROR_WEIGHTS = {
    "nickname": 25,
    "typo": 20,
    "swapped_day_month": 8,
    "dob_digit": 8,
    "changed_surname": 8,
    "double_barrel_part": 40,
    "moved_house": 15,
    "missing_nhs": 15,
    "missing_postcode": 9,
}


@dataclass(frozen=True)
class QueryMix:
    """Proportions of each query type; errors get whatever is left."""

    exact: float = 0.20
    new_person: float = 0.10
    twin: float = 0.05
    two_errors: float = 0.35  # of the error queries, the share with two kinds combined


@dataclass(frozen=True)
class Query:
    row: Row
    true_source_id: str | None
    error_kinds: tuple[str, ...]
    hard_negative_source_id: str | None = None


def _applicable(row: Row, kind: str) -> bool:
    if kind == "nickname":
        return row["given_name"] in NAME_ALIASES
    if kind == "swapped_day_month":
        _, month, day = (int(p) for p in row["date_of_birth"].split("-"))
        return day <= 12 and day != month
    if kind == "double_barrel_part":
        return "-" in row["family_name"]
    if kind == "missing_nhs":
        return bool(row["nhs_number"])
    if kind in ("missing_postcode", "moved_house"):
        return bool(row["postcode"])
    return True


def _dob_digit(value: str, rng: random.Random, as_of: date) -> str:
    year, month, day = (int(p) for p in value.split("-"))
    for _ in range(50):
        if rng.random() < 0.5:
            digits = list(f"{year:04d}")
            i = rng.choice((2, 3))
            digits[i] = rng.choice([c for c in "0123456789" if c != digits[i]])
            y, d = int("".join(digits)), day
        else:
            digits = list(f"{day:02d}")
            i = rng.choice((0, 1))
            digits[i] = rng.choice([c for c in "0123456789" if c != digits[i]])
            y, d = year, int("".join(digits))
        try:
            candidate = date(y, month, d)
        except ValueError:
            continue
        if candidate <= as_of:
            return candidate.isoformat()
    # Fall back to the units digit of the day moving by one (always a valid date).
    d = day + 1 if day % 10 != 9 and day < 28 else day - 1
    return date(year, month, d).isoformat()


def apply_error(row: Row, kind: str, rng: random.Random, pools: NamePools, as_of: date) -> None:
    """Apply one error kind to ``row`` in place."""
    if kind == "nickname":
        row["given_name"] = rng.choice(NAME_ALIASES[row["given_name"]])
    elif kind == "typo":
        field = "family_name" if rng.random() < 0.5 else "given_name"
        row[field] = typo(row[field], rng)
    elif kind == "swapped_day_month":
        year, month, day = row["date_of_birth"].split("-")
        row["date_of_birth"] = f"{year}-{day}-{month}"
    elif kind == "dob_digit":
        row["date_of_birth"] = _dob_digit(row["date_of_birth"], rng, as_of)
    elif kind == "changed_surname":
        new = rng.choice(pools.family)
        while new == row["family_name"]:
            new = rng.choice(pools.family)
        row["family_name"] = new
    elif kind == "double_barrel_part":
        row["family_name"] = rng.choice(row["family_name"].split("-"))
    elif kind == "moved_house":
        new = random_postcode(rng)
        while new == row["postcode"]:
            new = random_postcode(rng)
        row["postcode"] = new
    elif kind == "missing_nhs":
        row["nhs_number"] = ""
    elif kind == "missing_postcode":
        row["postcode"] = ""
    else:  # pragma: no cover
        raise ValueError(kind)


def _choose_kinds(row: Row, count: int, rng: random.Random) -> list[str]:
    chosen: list[str] = []
    options = [k for k in ERROR_KINDS if _applicable(row, k)]
    while len(chosen) < count and options:
        kind = rng.choices(options, weights=[ERROR_WEIGHTS[k] for k in options])[0]
        chosen.append(kind)
        blocked = {kind}
        for group in _EXCLUSIVE:
            if kind in group:
                blocked |= group
        options = [k for k in options if k not in blocked]
    # Name errors first (a typo on top of a nickname goes on the family name).
    return sorted(chosen, key=ERROR_KINDS.index)


def _apply_kinds(
    row: Row, kinds: Sequence[str], rng: random.Random, pools: NamePools, as_of: date
) -> None:
    for kind in kinds:
        if kind == "typo" and "nickname" in kinds:
            row["family_name"] = typo(row["family_name"], rng)
        elif kind == "typo" and ("changed_surname" in kinds or "double_barrel_part" in kinds):
            row["given_name"] = typo(row["given_name"], rng)
        else:
            apply_error(row, kind, rng, pools, as_of)


def generate_queries(
    population_rows: Iterable[Row],
    k: int,
    seed: int,
    mix: QueryMix | None = None,
    as_of: date = REFERENCE_DATE,
) -> Iterator[tuple[Row, str | None, tuple[str, ...]]]:
    """``k`` labelled queries: ``(query_row, true_source_id or None, error_kinds)``.

    Use :func:`generate_labelled_queries` to get the twin's sibling (the hard negative) too.
    """
    for q in generate_labelled_queries(population_rows, k, seed, mix, as_of):
        yield q.row, q.true_source_id, q.error_kinds


def generate_labelled_queries(
    population_rows: Iterable[Row],
    k: int,
    seed: int,
    mix: QueryMix | None = None,
    as_of: date = REFERENCE_DATE,
) -> Iterator[Query]:
    mix = mix or QueryMix()
    rng = random.Random(seed)
    n_new = round(k * mix.new_person)
    n_twin_wanted = round(k * mix.twin)
    n_sampled = k - n_new  # existing people, twins included

    # One pass: a reservoir sample of people, every NHS number (so new people are new), and
    # twin pairs (same family name, date of birth and postcode; the first seen is the sibling).
    reservoir: list[Row] = []
    twins: list[tuple[Row, str]] = []
    first_by_key: dict[str, str] = {}
    nhs_seen: set[str] = set()
    upn_seen: set[str] = set()
    for seen, row in enumerate(population_rows, start=1):
        if row["nhs_number"]:
            nhs_seen.add(row["nhs_number"])
        if row["upn"]:
            upn_seen.add(row["upn"])
        key = f"{row['family_name']}|{row['date_of_birth']}|{row['postcode']}"
        if row["postcode"]:
            sibling = first_by_key.setdefault(key, row["source_id"])
            if sibling != row["source_id"]:
                twins.append((dict(row), sibling))
        if len(reservoir) < n_sampled:
            reservoir.append(dict(row))
        else:
            j = rng.randrange(seen)
            if j < n_sampled:
                reservoir[j] = dict(row)
    if not reservoir:
        raise ValueError("population is empty")
    del first_by_key

    pools = name_pools(seed)
    twin_picks = rng.sample(twins, min(n_twin_wanted, len(twins)))
    twin_ids = {t[0]["source_id"] for t in twin_picks}
    others = [r for r in reservoir if r["source_id"] not in twin_ids]
    rng.shuffle(others)
    n_exact = min(round(k * mix.exact), len(others))

    queries: list[Query] = []
    for twin_row, sibling_id in twin_picks:
        row = dict(twin_row)
        kinds = ["twin"]
        if rng.random() < 0.5:
            extra = rng.choice(
                [kd for kd in ("missing_nhs", "moved_house") if _applicable(row, kd)] or ["typo"]
            )
            apply_error(row, extra, rng, pools, as_of)
            kinds.append(extra)
        queries.append(Query(row, twin_row["source_id"], tuple(kinds), sibling_id))
    for i, base in enumerate(others[: k - n_new - len(twin_picks)]):
        row = dict(base)
        if i < n_exact:
            queries.append(Query(row, base["source_id"], ("exact",)))
            continue
        count = 2 if rng.random() < mix.two_errors else 1
        kinds = _choose_kinds(row, count, rng)
        _apply_kinds(row, kinds, rng, pools, as_of)
        queries.append(Query(row, base["source_id"], tuple(kinds)))

    maker = _PersonMaker(seed + 7919, as_of, pools)
    maker.nhs_used = nhs_seen  # new people never reuse an identifier of the population
    maker.upn_used = upn_seen
    while len(queries) < k:
        dob = _dob_for_age(maker.rng, maker.rng.randrange(0, 61), as_of)
        person = maker.person("", maker.surname(), dob, random_postcode(maker.rng), maker.sex())
        queries.append(Query(person, None, ("new_person",)))

    rng.shuffle(queries)
    for number, q in enumerate(queries, start=1):
        q.row["source_id"] = f"Q{number:06d}"
        yield q


# --------------------------------------------------------------------------------------------
# Import file with labelled bad rows
# --------------------------------------------------------------------------------------------

BAD_KINDS = (
    "bad_date",
    "future_date",
    "bad_nhs_check_digit",
    "unknown_sex",
    "invalid_postcode",
    "missing_family_name",
)


def _break_row(row: Row, kind: str, rng: random.Random) -> None:
    if kind == "bad_date":
        year, month, day = row["date_of_birth"].split("-")
        row["date_of_birth"] = rng.choice(
            (
                f"{day}/{month}/{year}",
                f"{year}-{month}-32",
                f"{year}-13-{day}",
                f"{year}-02-30",
                "unknown",
            )
        )
    elif kind == "future_date":
        _, month, day = row["date_of_birth"].split("-")
        future_year = rng.randrange(2090, 2130)
        row["date_of_birth"] = f"{future_year}-{month}-{min(int(day), 28):02d}"
    elif kind == "bad_nhs_check_digit":
        nine = str(rng.randrange(400_000_000, 800_000_000))
        good = nhs_check_digit(nine)
        wrong = rng.choice([d for d in range(10) if d != good])
        row["nhs_number"] = f"{nine}{wrong}"
    elif kind == "unknown_sex":
        row["sex"] = rng.choice(("X", "2", "Male", "?"))
    elif kind == "invalid_postcode":
        outward = rng.choice(OUTWARD_CODES)
        row["postcode"] = rng.choice(
            (
                f"{outward} {rng.randrange(10)}",
                f"{outward} AB{rng.randrange(10)}",
                "QQ1 1AA",
                "12345",
                f"{outward}-9ZZ9",
            )
        )
    elif kind == "missing_family_name":
        row["family_name"] = ""
    else:  # pragma: no cover
        raise ValueError(kind)


def generate_import_file(
    rows: int, bad_fraction: float, seed: int, as_of: date = REFERENCE_DATE
) -> Iterator[tuple[Row, str | None]]:
    """``(row, bad_kind or None)`` for an import file with ``round(rows * bad_fraction)`` bad rows."""
    rng = random.Random(seed ^ 0x5EED)
    n_bad = round(rows * bad_fraction)
    bad_at = dict(
        zip(
            sorted(rng.sample(range(rows), n_bad)),
            (rng.choice(BAD_KINDS) for _ in range(n_bad)),
            strict=True,
        )
    )
    for index, row in enumerate(generate_population(rows, seed, as_of)):
        kind = bad_at.get(index)
        if kind is not None:
            _break_row(row, kind, rng)
        yield row, kind


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def read_rows(path: Path) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield {column: row.get(column) or "" for column in IMPORT_COLUMNS}


def _writer(path: Path, columns: list[str]) -> tuple[TextIO, Any]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("w", newline="", encoding="utf-8")
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(columns)
    return handle, writer


def cmd_population(args: argparse.Namespace) -> str:
    handle, writer = _writer(args.output, IMPORT_COLUMNS)
    with handle:
        count = 0
        for row in generate_population(args.people, args.seed):
            writer.writerow([row[c] for c in IMPORT_COLUMNS])
            count += 1
    return f"wrote {count:,} people to {args.output}"


def cmd_queries(args: argparse.Namespace) -> str:
    handle, writer = _writer(args.output, QUERY_COLUMNS)
    mix = QueryMix(exact=args.exact, new_person=args.new_person, twin=args.twin)
    tally: dict[str, int] = {}
    count = 0
    with handle:
        for q in generate_labelled_queries(read_rows(args.population), args.count, args.seed, mix):
            writer.writerow(
                [q.row[c] for c in IMPORT_COLUMNS]
                + [q.true_source_id or "", q.hard_negative_source_id or "", ";".join(q.error_kinds)]
            )
            count += 1
            for kind in q.error_kinds:
                tally[kind] = tally.get(kind, 0) + 1
    summary = ", ".join(f"{kind} {n}" for kind, n in sorted(tally.items()))
    return f"wrote {count:,} queries to {args.output} ({summary})"


def expected_path(output: Path) -> Path:
    return output.with_name(output.stem + ".expected.csv")


def cmd_import_file(args: argparse.Namespace) -> str:
    handle, writer = _writer(args.output, IMPORT_COLUMNS)
    sidecar = expected_path(args.output)
    bad_handle, bad_writer = _writer(sidecar, EXPECTED_COLUMNS)
    bad = 0
    with handle, bad_handle:
        for number, (row, kind) in enumerate(
            generate_import_file(args.rows, args.bad_fraction, args.seed), start=1
        ):
            writer.writerow([row[c] for c in IMPORT_COLUMNS])
            if kind is not None:
                bad_writer.writerow([number, row["source_id"], kind])
                bad += 1
    return f"wrote {args.rows:,} rows to {args.output} ({bad:,} bad, listed in {sidecar})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("population", help="a population CSV in the import format")
    p.add_argument("--people", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--output", type=Path, required=True)
    p.set_defaults(func=cmd_population)

    q = sub.add_parser("queries", help="labelled queries drawn from a population CSV")
    q.add_argument("--population", type=Path, required=True)
    q.add_argument("--count", type=int, required=True)
    q.add_argument("--seed", type=int, default=2)
    q.add_argument("--output", type=Path, required=True)
    q.add_argument("--exact", type=float, default=QueryMix.exact, help="share with no error")
    q.add_argument(
        "--new-person", type=float, default=QueryMix.new_person, help="share not in the population"
    )
    q.add_argument("--twin", type=float, default=QueryMix.twin, help="share that are twins")
    q.set_defaults(func=cmd_queries)

    i = sub.add_parser("import-file", help="an import CSV with labelled bad rows")
    i.add_argument("--rows", type=int, required=True)
    i.add_argument("--bad-fraction", type=float, default=0.01)
    i.add_argument("--seed", type=int, default=3)
    i.add_argument("--output", type=Path, required=True)
    i.set_defaults(func=cmd_import_file)

    args = parser.parse_args(argv)
    start = time.perf_counter()
    message = args.func(args)
    print(f"{message} in {time.perf_counter() - start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
