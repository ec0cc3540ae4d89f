import io
from datetime import date

import pytest

from earlyhelp.core.seeding import SeedContext, make_faker
from earlyhelp.people import services
from earlyhelp.people.matching import POSSIBLE_MATCH, PROBABLE_MATCH, PersonRecord
from earlyhelp.people.models import Person
from earlyhelp.people.search import find_candidates
from earlyhelp.people.seed import seed_people

pytestmark = pytest.mark.django_db

DOB = date(2016, 3, 4)


def _person(given, family, dob=DOB, postcode="KB1 2AB", **fields):
    person = services.create_person(
        actor=None, reason="Test", given_name=given, family_name=family, date_of_birth=dob, **fields
    )
    if postcode:
        services.add_address(actor=None, person=person, line_1="1 Quay St", postcode=postcode)
        person.refresh_from_db()
    return person


@pytest.fixture
def household():
    return {
        "william": _person("William", "Smith", sex="M", nhs_number="9434765919"),
        "harry": _person("Harry", "Smith", sex="M"),  # William's twin
        "mum": _person("Sarah", "Smith", dob=date(1988, 7, 12), sex="F"),
        "neighbour": _person("Chloe", "Patel", dob=date(2016, 4, 3), sex="F"),
        "elizabeth": _person(
            "Elizabeth",
            "Okonkwo-Brown",
            dob=date(2012, 11, 2),
            postcode="KB7 1XY",
            other_names="Elizabeth Okonkwo",
        ),
    }


def test_nickname_and_typo_find_the_child_first_with_reasons(household):
    query = PersonRecord(
        given_name="Bill", family_name="Smyth", date_of_birth=DOB, postcode="kb1 2ab"
    )
    (best, match), (second, second_match), *_ = find_candidates(query)
    assert best == household["william"]
    assert match.score >= PROBABLE_MATCH
    assert match.reasons[:3] == [
        "same date of birth",
        "first name is a short form (Bill / William)",
        "surname sounds alike",
    ]
    assert second == household["harry"]
    assert second_match.score < PROBABLE_MATCH


def test_identifier_finds_the_person_whatever_the_names(household):
    query = PersonRecord(given_name="Will", family_name="Jones", nhs_number="943 476 5919")
    best, match = find_candidates(query)[0]
    assert best == household["william"]
    assert match.reasons[0] == "same NHS number"


def test_swapped_day_and_month_is_blocked_and_scored(household):
    query = PersonRecord(given_name="William", family_name="Smith", date_of_birth=date(2016, 4, 3))
    best, match = find_candidates(query)[0]
    assert best == household["william"]
    assert "date of birth with day and month swapped" in match.reasons


def test_part_of_a_double_barrelled_or_previous_surname(household):
    for surname in ("Brown", "Okonkwo"):
        query = PersonRecord(
            given_name="Beth", family_name=surname, date_of_birth=date(2012, 11, 2)
        )
        best, match = find_candidates(query)[0]
        assert best == household["elizabeth"]
        assert match.score >= PROBABLE_MATCH


def test_partial_input_from_the_search_form(household):
    by_surname = find_candidates(PersonRecord(family_name="smith"), limit=10)
    assert {p for p, _ in by_surname} == {household[k] for k in ("william", "harry", "mum")}
    by_postcode = find_candidates(PersonRecord(postcode="KB12AB"), limit=10)
    assert len(by_postcode) == 4
    by_name_and_district = find_candidates(
        PersonRecord(given_name="Sarah", family_name="Smith", postcode="KB1 9ZZ")
    )
    assert by_name_and_district[0][0] == household["mum"]
    assert find_candidates(PersonRecord()) == []
    assert find_candidates(PersonRecord(nhs_number="not a number")) == []


def test_query_count_is_bounded(household, django_assert_max_num_queries):
    for _ in range(30):
        _person("Jack", "Smith", postcode="")
    query = PersonRecord(
        given_name="Bill",
        family_name="Smith",
        date_of_birth=DOB,
        postcode="KB1 2AB",
        nhs_number="9434765919",
        upn="A820200101001",
    )
    with django_assert_max_num_queries(2):
        results = find_candidates(query, limit=5)
        assert len(results) == 5
        assert all(p.given_name for p, _ in results)


def test_only_people_passed_in_are_searched(household):
    visible = Person.objects.exclude(pk=household["william"].pk)
    query = PersonRecord(given_name="William", family_name="Smith", date_of_birth=DOB)
    assert household["william"] not in [p for p, _ in find_candidates(query, people=visible)]
    found = find_candidates(query, exclude_id=household["william"].pk)
    assert household["william"] not in [p for p, _ in found]


def test_demo_seed_holds_twins_and_a_findable_duplicate():
    context = SeedContext(scale="demo", faker=make_faker(), stdout=io.StringIO())
    seed_people(context)
    assert Person.objects.count() > 100
    assert all(len(p.nhs_number) in (0, 10) for p in Person.objects.all())
    billy = Person.objects.get(given_name="Billy", family_name="Fairwether")
    best, match = find_candidates(billy.as_record(), exclude_id=billy.pk)[0]
    assert (best.given_name, best.family_name) == ("William", "Fairweather")
    assert match.score >= POSSIBLE_MATCH
    assert "first name is a short form (Billy / William)" in match.reasons


def test_large_seed_writes_in_bulk_with_keys_and_history(monkeypatch):
    monkeypatch.setattr("earlyhelp.people.seed.LARGE_FAMILIES", 2000)  # the shape, not the size
    context = SeedContext(scale="large", faker=make_faker(), stdout=io.StringIO())
    seed_people(context)
    assert Person.objects.count() > 5000
    assert not Person.objects.filter(family_name_key="").exists()
    assert not Person.objects.filter(postcode="").exists()
    person = Person.objects.order_by("pk").first()
    assert person.history.get().history_change_reason == "Demo data"
    assert person.addresses.get().is_current
    assert person.family_memberships.count() == 1
