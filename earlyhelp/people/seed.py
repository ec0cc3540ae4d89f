"""Demo families for the fictional council of Kingsbridge. Never real people: names come from
Faker, NHS numbers and UPNs are generated with valid check digits but random digits.

Demo scale goes through the services, as a user would. Large scale (a large council: about
300,000 people in 100,000 households, DOMAIN.md section 7) goes through the bulk writer
(earlyhelp/people/bulk.py), with a history row and a reason for every row, because it is the same
data a hundred thousand times over."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from earlyhelp.core.seeding import SeedContext

from . import bulk, matching, services
from .codes import Ethnicity, FamilyRole, RelationshipKind, Sex
from .identifiers import nhs_check_digit, normalise_postcode, upn_check_letter
from .models import Address, Family, FamilyMember, Person, Relationship

DEMO_FAMILIES = 40
LARGE_FAMILIES = 100_000  # a large council's households (about 300,000 people)
SEED_REASON = "Demo data"
KNOWN_DUPLICATE_NHS_NUMBER = "9434765919"  # William Fairweather, recorded twice
TODAY = date(2026, 11, 24)  # fixed so seeds are reproducible


def fake_nhs_number(rng: random.Random) -> str:
    while True:
        first_nine = f"{rng.randrange(400_000_000, 1_000_000_000):09d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


def fake_upn(rng: random.Random, birth_year: int) -> str:
    entry_year = (birth_year + 4) % 100  # starts reception at four
    body = (
        f"{rng.randrange(800, 940):03d}{rng.randrange(2000, 5000):04d}"
        f"{entry_year:02d}{rng.randrange(1000):03d}"
    )
    return upn_check_letter(body) + body


def _birthday(rng: random.Random, age_from: int, age_to: int) -> date:
    return TODAY - timedelta(days=rng.randrange(age_from * 365, age_to * 365 + 1))


@dataclass
class Household:
    surname: str
    street: str
    town: str
    postcode: str
    parents: list[dict[str, Any]] = field(default_factory=list)
    children: list[dict[str, Any]] = field(default_factory=list)


class _Unique:
    """Draws identifiers until one is unused, so the unique constraints always hold."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def take(self, draw: Any, *args: Any) -> str:
        while (value := draw(self.rng, *args)) in self.used:
            pass
        self.used.add(value)
        return value


def _household(faker: Any, rng: random.Random, ids: _Unique, *, twins: bool) -> Household:
    household = Household(
        surname=faker.last_name(),
        street=faker.street_address(),
        town=faker.city(),
        postcode=faker.postcode(),
    )
    for sex in rng.sample([Sex.FEMALE, Sex.MALE], k=rng.choice([1, 2])):
        household.parents.append(
            {
                "given_name": faker.first_name_female()
                if sex == Sex.FEMALE
                else faker.first_name_male(),
                "family_name": household.surname,
                "date_of_birth": _birthday(rng, 22, 48),
                "sex": sex,
                "ethnicity": rng.choice(Ethnicity.values[:16]),
                "first_language": "English",
                "nhs_number": ids.take(fake_nhs_number),
                "phone": f"07700 900{rng.randrange(1000):03d}",
            }
        )
    birthdays = [_birthday(rng, 0, 17) for _ in range(rng.randint(1, 4))]
    if twins:
        birthdays = [birthdays[0], birthdays[0]]
    for birthday in birthdays:
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        given = faker.first_name_female() if sex == Sex.FEMALE else faker.first_name_male()
        while any(child["given_name"] == given for child in household.children):
            given = faker.first_name_female() if sex == Sex.FEMALE else faker.first_name_male()
        school_age = (TODAY - birthday).days >= 5 * 365
        household.children.append(
            {
                "given_name": given,
                "family_name": household.surname,
                "date_of_birth": birthday,
                "sex": sex,
                "nhs_number": ids.take(fake_nhs_number),
                "upn": ids.take(fake_upn, birthday.year) if school_age else "",
            }
        )
    return household


def _parent_kind(parent: Person) -> str:
    return RelationshipKind.MOTHER if parent.sex == Sex.FEMALE else RelationshipKind.FATHER


def _write_with_services(household: Household) -> list[Person]:
    family = services.create_family(
        actor=None, name=f"{household.surname} family", reason=SEED_REASON
    )
    people = []
    for role, rows in (
        (FamilyRole.PARENT, household.parents),
        (FamilyRole.CHILD, household.children),
    ):
        for row in rows:
            person = services.create_person(actor=None, reason=SEED_REASON, **row)
            services.add_address(
                actor=None,
                person=person,
                line_1=household.street,
                town=household.town,
                postcode=household.postcode,
                reason=SEED_REASON,
            )
            services.add_family_member(
                actor=None, family=family, person=person, role=role, reason=SEED_REASON
            )
            people.append(person)
    parents, children = people[: len(household.parents)], people[len(household.parents) :]
    for child in children:
        for parent in parents:
            services.add_relationship(
                actor=None,
                person=child,
                related_person=parent,
                kind=_parent_kind(parent),
                has_parental_responsibility=True,
                reason=SEED_REASON,
            )
    return people


# --- Large scale ------------------------------------------------------------------------------
# A large council (DOMAIN.md section 7): about 300,000 people in 100,000 households. Names and
# addresses are drawn from pools that Faker fills once (calling Faker per person would take
# minutes); everything else comes from the seeded random generator, so the data is reproducible.
# Rows are written by the bulk writer, with a "+" history row and SEED_REASON for every one.

# Children per household (every household has at least one; with 1.6 parents on average a
# household holds 3.0 people).
_CHILDREN_WEIGHTS = {1: 70, 2: 22, 3: 6, 4: 2}
_TWINS = 0.03  # of households with two or more children
_CHUNK = 20_000  # households written per round, to keep memory flat


@dataclass
class _Pools:
    surnames: list[str]
    female: list[str]
    male: list[str]
    streets: list[str]
    towns: list[str]
    postcodes: list[str]


def _distinct(draw: Any, count: int, *, keep: Any = bool) -> list[str]:
    values: dict[str, None] = {}
    for _ in range(count * 20):
        if len(values) >= count:
            break
        value = draw()
        if keep(value):
            values[value] = None
    return list(values)


def _pools(faker: Any, families: int) -> _Pools:
    # About 2.5 households a postcode and 12 a street: neighbours share them, as they do.
    return _Pools(
        surnames=_distinct(faker.last_name, 1500),
        female=_distinct(faker.first_name_female, 600),
        male=_distinct(faker.first_name_male, 600),
        streets=_distinct(faker.street_address, max(100, families // 12)),
        towns=_distinct(faker.city, 300),
        postcodes=_distinct(faker.postcode, max(100, families * 2 // 5), keep=normalise_postcode),
    )


@dataclass
class _LargeHousehold:
    surname: str
    street: str
    town: str
    postcode: str
    people: list[tuple[Any, ...]] = field(default_factory=list)  # parents first
    parents: int = 0


_PERSON_COLUMNS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "first_language",
    "nhs_number",
    "upn",
    "phone",
    "family_name_key",
    "given_name_key",
    "postcode",
    "postcode_district",
)


class _Keys:
    """Matching keys, computed once per name (a family shares its surname)."""

    def __init__(self) -> None:
        self.family: dict[str, str] = {}
        self.given: dict[str, str] = {}

    def __call__(self, given: str, family: str) -> tuple[str, str]:
        if family not in self.family:
            self.family[family] = matching.family_name_key(family)
        if given not in self.given:
            self.given[given] = matching.given_name_key(given)
        return self.family[family], self.given[given]


def _large_household(
    rng: random.Random, pools: _Pools, ids: _Unique, keys: _Keys
) -> _LargeHousehold:
    postcode = normalise_postcode(rng.choice(pools.postcodes)) or ""
    district = postcode.split(" ")[0]
    household = _LargeHousehold(
        surname=rng.choice(pools.surnames),
        street=rng.choice(pools.streets),
        town=rng.choice(pools.towns),
        postcode=postcode,
    )
    ethnicity = rng.choice(Ethnicity.values[:16])

    def person(given: str, sex: str, born: date, nhs: str, upn: str, phone: str) -> tuple:
        family_key, given_key = keys(given, household.surname)
        return (
            given,
            household.surname,
            born,
            sex,
            ethnicity,
            "English",
            nhs,
            upn,
            phone,
            family_key,
            given_key,
            postcode,
            district,
        )

    for sex in rng.sample([Sex.FEMALE, Sex.MALE], k=1 if rng.random() < 0.4 else 2):
        given = rng.choice(pools.female if sex == Sex.FEMALE else pools.male)
        phone = f"07700 900{rng.randrange(1000):03d}"
        born = _birthday(rng, 22, 48)
        household.people.append(person(given, sex, born, ids.take(fake_nhs_number), "", phone))
    household.parents = len(household.people)
    count = rng.choices(list(_CHILDREN_WEIGHTS), weights=list(_CHILDREN_WEIGHTS.values()))[0]
    birthdays = [_birthday(rng, 0, 17) for _ in range(count)]
    if count >= 2 and rng.random() < _TWINS:
        birthdays[1] = birthdays[0]
    names: set[str] = set()
    for born in birthdays:
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        pool = pools.female if sex == Sex.FEMALE else pools.male
        while (given := rng.choice(pool)) in names:
            pass
        names.add(given)
        school_age = (TODAY - born).days >= 5 * 365
        upn = ids.take(fake_upn, born.year) if school_age else ""
        household.people.append(person(given, sex, born, ids.take(fake_nhs_number), upn, ""))
    return household


def _write_large(households: list[_LargeHousehold]) -> int:
    family_ids = bulk.bulk_insert(
        Family, ("name",), [(f"{h.surname} family",) for h in households], reason=SEED_REASON
    )
    people = [row for h in households for row in h.people]
    person_ids = bulk.bulk_insert(Person, _PERSON_COLUMNS, people, reason=SEED_REASON)
    addresses: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []
    relationships: list[tuple[Any, ...]] = []
    position = 0
    for family_id, household in zip(family_ids, households, strict=True):
        ids = person_ids[position : position + len(household.people)]
        position += len(household.people)
        parents, children = ids[: household.parents], ids[household.parents :]
        parent_kinds = [
            RelationshipKind.MOTHER if row[3] == Sex.FEMALE else RelationshipKind.FATHER
            for row in household.people[: household.parents]
        ]
        for pk in ids:
            addresses.append((pk, household.street, household.town, household.postcode))
        members.extend((family_id, pk, FamilyRole.PARENT) for pk in parents)
        members.extend((family_id, pk, FamilyRole.CHILD) for pk in children)
        for child in children:
            relationships.extend(
                (child, parent, kind, True)
                for parent, kind in zip(parents, parent_kinds, strict=True)
            )
            relationships.extend(
                (child, sibling, RelationshipKind.SIBLING, False)
                for sibling in children
                if sibling != child
            )
        if len(parents) == 2:
            relationships.append((parents[0], parents[1], RelationshipKind.PARTNER, False))
            relationships.append((parents[1], parents[0], RelationshipKind.PARTNER, False))
    bulk.bulk_insert(
        Address, ("person_id", "line_1", "town", "postcode"), addresses, reason=SEED_REASON
    )
    bulk.bulk_insert(FamilyMember, ("family_id", "person_id", "role"), members, reason=SEED_REASON)
    bulk.bulk_insert(
        Relationship,
        ("person_id", "related_person_id", "kind", "has_parental_responsibility"),
        relationships,
        reason=SEED_REASON,
    )
    return len(people)


def _seed_large(context: SeedContext, rng: random.Random, ids: _Unique) -> int:
    pools = _pools(context.faker, LARGE_FAMILIES)
    keys = _Keys()
    written = 0
    with bulk.sqlite_bulk_session():
        for start in range(0, LARGE_FAMILIES, _CHUNK):
            households = [
                _large_household(rng, pools, ids, keys)
                for _ in range(min(_CHUNK, LARGE_FAMILIES - start))
            ]
            written += _write_large(households)
    return written


def seed_people(context: SeedContext) -> None:
    rng = random.Random(20261124)  # fictional data, reproducible
    ids = _Unique(rng)
    ids.used.add(KNOWN_DUPLICATE_NHS_NUMBER)  # never drawn for anyone else
    if context.scale == "demo":
        count = DEMO_FAMILIES
        households = [_household(context.faker, rng, ids, twins=i == 0) for i in range(count)]
        for household in households:
            _write_with_services(household)
    else:
        count = LARGE_FAMILIES
        _seed_large(context, rng, ids)
    _seed_known_duplicate()
    context.say(f"People: {Person.objects.count()} people in {count} families")


def _seed_known_duplicate() -> None:
    """One child recorded twice, the second time by a partner agency with a nickname, a typo in
    the surname and no NHS number: the realistic duplicate that data-quality work has to find."""
    for given, family, nhs_number, reason in (
        ("William", "Fairweather", KNOWN_DUPLICATE_NHS_NUMBER, SEED_REASON),
        ("Billy", "Fairwether", "", "Demo data: recorded again by a partner agency"),
    ):
        person = services.create_person(
            actor=None,
            reason=reason,
            given_name=given,
            family_name=family,
            date_of_birth=date(2017, 5, 9),
            sex=Sex.MALE,
            nhs_number=nhs_number,
        )
        services.add_address(
            actor=None,
            person=person,
            line_1="12 Quayside Row",
            town="Kingsbridge",
            postcode="KB1 4QR",
            reason=SEED_REASON,
        )
