"""Demo families for the fictional council of Kingsbridge. Never real people: names come from
Faker, NHS numbers and UPNs are generated with valid check digits but random digits.

Demo scale goes through the services, as a user would. Large scale writes in bulk (with history
rows and a reason) because it is the same data a thousand times over."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from simple_history.utils import bulk_create_with_history

from earlyhelp.core.seeding import SeedContext

from . import services
from .codes import Ethnicity, FamilyRole, RelationshipKind, Sex
from .identifiers import nhs_check_digit, upn_check_letter
from .models import Address, Family, FamilyMember, Person, Relationship

DEMO_FAMILIES = 40
LARGE_FAMILIES = 2000  # a first step towards a large council's 100,000 households
SEED_REASON = "Demo data"
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


def _write_in_bulk(households: list[Household]) -> int:
    families = bulk_create_with_history(
        [Family(name=f"{h.surname} family") for h in households],
        Family,
        batch_size=1000,
        default_change_reason=SEED_REASON,
    )
    people: list[Person] = []
    for household in households:
        for row in (*household.parents, *household.children):
            person = Person(**row)
            person.refresh_matching_keys()
            person.set_current_postcode(household.postcode)
            people.append(person)
    people = bulk_create_with_history(
        people, Person, batch_size=1000, default_change_reason=SEED_REASON
    )
    addresses: list[Address] = []
    members: list[FamilyMember] = []
    relationships: list[Relationship] = []
    position = 0
    for family, household in zip(families, households, strict=True):
        parents = people[position : position + len(household.parents)]
        position += len(household.parents)
        children = people[position : position + len(household.children)]
        position += len(household.children)
        for role, group in ((FamilyRole.PARENT, parents), (FamilyRole.CHILD, children)):
            for person in group:
                addresses.append(
                    Address(
                        person=person,
                        line_1=household.street,
                        town=household.town,
                        postcode=person.postcode,
                    )
                )
                members.append(FamilyMember(family=family, person=person, role=role))
        relationships.extend(
            Relationship(
                person=child,
                related_person=parent,
                kind=_parent_kind(parent),
                has_parental_responsibility=True,
            )
            for child in children
            for parent in parents
        )
    for model, rows in (
        (Address, addresses),
        (FamilyMember, members),
        (Relationship, relationships),
    ):
        bulk_create_with_history(rows, model, batch_size=1000, default_change_reason=SEED_REASON)
    return len(people)


def seed_people(context: SeedContext) -> None:
    rng = random.Random(20261124)  # fictional data, reproducible
    ids = _Unique(rng)
    count = DEMO_FAMILIES if context.scale == "demo" else LARGE_FAMILIES
    households = [_household(context.faker, rng, ids, twins=i == 0) for i in range(count)]
    if context.scale == "demo":
        for household in households:
            _write_with_services(household)
    else:
        _write_in_bulk(households)
    _seed_known_duplicate()
    context.say(f"People: {Person.objects.count()} people in {count} families")


def _seed_known_duplicate() -> None:
    """One child recorded twice, the second time by a partner agency with a nickname, a typo in
    the surname and no NHS number: the realistic duplicate that data-quality work has to find."""
    for given, family, nhs_number, reason in (
        ("William", "Fairweather", "9434765919", SEED_REASON),
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
