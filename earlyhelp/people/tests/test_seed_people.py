"""`earlyhelp seed` for people: the demo families exactly as before, and the large council
(here scaled down: the full 100,000 households are timed by hand, see docs/benchmarks.md)."""

import io
from collections import Counter

import pytest

from earlyhelp.core.seeding import SeedContext, make_faker
from earlyhelp.people import seed
from earlyhelp.people.codes import FamilyRole, RelationshipKind, Sex
from earlyhelp.people.identifiers import nhs_check_digit, upn_check_letter
from earlyhelp.people.models import Address, Family, FamilyMember, Person, Relationship

pytestmark = pytest.mark.django_db


def _seed(scale: str) -> str:
    out = io.StringIO()
    seed.seed_people(SeedContext(scale=scale, faker=make_faker(), stdout=out))
    return out.getvalue()


def test_demo_is_unchanged():
    # The demo council people see in training and screenshots: 40 families, 169 people (167 in
    # families plus the planted duplicate), the first family and person as they always were.
    _seed("demo")
    assert (Family.objects.count(), Person.objects.count()) == (40, 169)
    assert list(Family.objects.order_by("pk").values_list("name", flat=True)[:3]) == [
        "West family",
        "Walker family",
        "Atkins family",
    ]
    first = Person.objects.order_by("pk").first()
    assert (first.given_name, first.family_name, str(first.date_of_birth), first.nhs_number) == (
        "Laura",
        "West",
        "2002-12-01",
        "8994639721",
    )
    assert Relationship.objects.count() == 156
    assert Person.objects.filter(given_name="Billy", family_name="Fairwether").exists()
    william = Person.objects.get(given_name="William", family_name="Fairweather")
    assert william.nhs_number == seed.KNOWN_DUPLICATE_NHS_NUMBER


@pytest.fixture
def small_large(monkeypatch):
    monkeypatch.setattr(seed, "LARGE_FAMILIES", 300)
    monkeypatch.setattr(seed, "_CHUNK", 120)  # several rounds of writing
    return _seed("large")


def test_large_scale_has_households_of_about_three(small_large):
    assert "in 300 families" in small_large
    assert Family.objects.count() == 300
    in_families = FamilyMember.objects.count()
    assert 2.6 * 300 < in_families < 3.4 * 300
    assert Person.objects.count() == in_families + 2  # and the planted duplicate pair
    assert set(Counter(FamilyMember.objects.values_list("person_id", flat=True)).values()) == {1}
    per_family = Counter(FamilyMember.objects.values_list("family_id", flat=True))
    assert min(per_family.values()) >= 2 and max(per_family.values()) <= 6
    roles = Counter(FamilyMember.objects.values_list("role", flat=True))
    assert set(roles) == {FamilyRole.PARENT, FamilyRole.CHILD}


def test_large_scale_people_have_keys_addresses_and_valid_unique_identifiers(small_large):
    people = Person.objects.all()
    assert not people.filter(family_name_key="").exists()
    assert not people.filter(given_name_key="").exists()
    assert not people.filter(postcode="").exists()
    assert Address.objects.filter(is_current=True).count() == people.count()
    for person in people.exclude(family_name="Fairwether"):
        assert person.postcode_district == person.postcode.split(" ")[0]
        assert person.addresses.get().postcode == person.postcode
        assert nhs_check_digit(person.nhs_number[:9]) == int(person.nhs_number[9])
        assert not person.upn or upn_check_letter(person.upn[1:]) == person.upn[0]
    nhs = [n for n in people.values_list("nhs_number", flat=True) if n]
    assert len(nhs) == len(set(nhs))
    upns = [u for u in people.values_list("upn", flat=True) if u]
    assert upns and len(upns) == len(set(upns))


def test_large_scale_relationships(small_large):
    for rel in Relationship.objects.select_related("person", "related_person")[:400]:
        if rel.kind in (RelationshipKind.MOTHER, RelationshipKind.FATHER):
            assert rel.has_parental_responsibility
            expected = Sex.FEMALE if rel.kind == RelationshipKind.MOTHER else Sex.MALE
            assert rel.related_person.sex == expected
            parent_born, child_born = rel.related_person.date_of_birth, rel.person.date_of_birth
            assert parent_born and child_born and parent_born < child_born
        same_family = set(rel.person.family_memberships.values_list("family_id", flat=True))
        assert same_family == set(
            rel.related_person.family_memberships.values_list("family_id", flat=True)
        )
    kinds = set(Relationship.objects.values_list("kind", flat=True))
    assert {RelationshipKind.MOTHER, RelationshipKind.FATHER, RelationshipKind.SIBLING} <= kinds


def test_large_scale_writes_history_with_a_reason_for_every_row(small_large):
    for model in (Family, Person, Address, FamilyMember, Relationship):
        history = model.history.filter(history_type="+")
        assert history.count() == model.objects.count()
        reasons = set(history.values_list("history_change_reason", flat=True))
        assert reasons <= {seed.SEED_REASON, "Demo data: recorded again by a partner agency"}
    person = Person.objects.order_by("pk").first()
    record = person.history.get()
    assert (record.given_name, record.postcode) == (person.given_name, person.postcode)


def test_large_scale_people_can_be_added_afterwards(small_large):
    before = Person.objects.order_by("-pk").first()
    later = Person.objects.create(given_name="Later", family_name="Person")
    assert later.pk > before.pk
