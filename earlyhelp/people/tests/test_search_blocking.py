"""The blocking cap in `search.find_candidates` is deterministic and cuts the weakest blocks first.

At a million people an unordered `LIMIT` once dropped the true record (nickname, changed surname,
no postcode) behind thousands of same-name rows from other years. These tests lower the cap and
plant more decoys than it holds, created before the true record so that an unordered cap (which
returns rows in whatever order the database finds them) reaches the decoys first."""

from datetime import date

import pytest

from earlyhelp.people import search
from earlyhelp.people.matching import PROBABLE_MATCH, PersonRecord
from earlyhelp.people.models import Person
from earlyhelp.people.search import find_candidates

pytestmark = pytest.mark.django_db

CAP = 10
DOB = date(2015, 5, 9)  # day <= 12, so the swapped day/month (2015-09-05) is a blocking key too


@pytest.fixture(autouse=True)
def small_cap(monkeypatch):
    monkeypatch.setattr(search, "BLOCK_CAP", CAP)


def _people(*rows: tuple[str, str, date | None, str]) -> list[Person]:
    people = []
    for given, family, dob, postcode in rows:
        person = Person(given_name=given, family_name=family, date_of_birth=dob, sex="U")
        person.refresh_matching_keys()
        person.set_current_postcode(postcode)
        people.append(person)
    Person.objects.bulk_create(people)
    return list(Person.objects.filter(pk__in=[p.pk for p in people]).order_by("pk"))


def _weak_decoys(count: int) -> list[Person]:
    """Rows in the query's blocks that share little with it: same surname and first name in
    other years, the same postcode, the swapped day/month, the same birth year."""
    rows: list[tuple[str, str, date | None, str]] = []
    for i in range(count):
        kind = i % 4
        if kind == 0:  # "names" block: same surname key and given key, another year
            rows.append(("William", "Jones", date(1990 + i % 30, 1 + i % 12, 1 + i % 28), ""))
        elif kind == 1:  # postcode only
            rows.append((f"Decoy{i}", "Zakowski", date(1970, 1, 1 + i % 28), "KB1 2AB"))
        elif kind == 2:  # swapped day and month, different names
            rows.append((f"Other{i}", "Jones", date(2015, 9, 5), ""))
        else:  # same surname, same birth year
            rows.append(("Peter", "Jones", date(2015, 1 + i % 12, 20), ""))
    return _people(*rows)


def test_exact_dob_and_surname_survive_a_cap_full_of_weaker_blocks():
    decoys = _weak_decoys(6 * CAP)
    # Strangers born the same day: the date-of-birth index alone holds more rows than the cap.
    decoys += _people(*[(f"Stranger{i}", "Khan", DOB, "") for i in range(2 * CAP)])
    (true,) = _people(("William", "Jones", DOB, "KB9 9ZZ"))  # moved house: postcode differs
    query = PersonRecord(
        given_name="Bill", family_name="Jones", date_of_birth=DOB, postcode="KB1 2AB"
    )

    found = find_candidates(query, limit=5)

    assert found[0][0] == true
    assert found[0][1].score >= PROBABLE_MATCH
    assert true.pk > max(d.pk for d in decoys)


def test_changed_surname_and_nickname_without_postcode_keeps_the_exact_date_of_birth():
    """The million-person miss: nickname, changed surname, no postcode. The query's (new surname,
    first name) block holds many people of all ages; the true record shares only the exact date
    of birth and the first name."""
    decoys = _people(
        *[("William", "Jones", date(1960 + i, 1 + i % 12, 1 + i % 28), "") for i in range(4 * CAP)]
    )
    (true,) = _people(("William", "Okafor", DOB, "KB3 4CD"))
    query = PersonRecord(given_name="Bill", family_name="Jones", date_of_birth=DOB)

    found = find_candidates(query, limit=5)

    assert true in [person for person, _ in found]
    assert true.pk > max(d.pk for d in decoys)


def test_every_exact_dob_row_is_kept_before_weaker_rows():
    _weak_decoys(4 * CAP)
    same_day = _people(
        ("William", "Jones", DOB, ""),
        ("Harry", "Jones", DOB, ""),  # a twin
        ("Amira", "Khan", DOB, ""),  # a stranger born the same day
    )
    query = PersonRecord(
        given_name="Bill", family_name="Jones", date_of_birth=DOB, postcode="KB1 2AB"
    )

    scored = [person for person, _ in find_candidates(query, limit=CAP * 10)]

    assert len(scored) == CAP
    assert set(same_day) <= set(scored)


def test_cap_order_is_strongest_first_and_deterministic(monkeypatch):
    _weak_decoys(4 * CAP)
    william, harry, stranger = _people(
        ("William", "Jones", DOB, ""), ("Harry", "Jones", DOB, ""), ("Amira", "Khan", DOB, "")
    )
    query = PersonRecord(
        given_name="Bill", family_name="Jones", date_of_birth=DOB, postcode="KB1 2AB"
    )
    monkeypatch.setattr(search, "BLOCK_CAP", 3)

    # Exact date of birth with a name key outranks a stranger born that day, who outranks
    # every row without the exact date of birth: all three survive a cap of 3.
    first = [person for person, _ in find_candidates(query, limit=10)]
    again = [person for person, _ in find_candidates(query, limit=10)]

    assert set(first) == {william, harry, stranger}
    assert first == again


def test_still_two_statements_per_lookup(django_assert_num_queries):
    _weak_decoys(2 * CAP)
    _people(("William", "Jones", DOB, ""))
    query = PersonRecord(
        given_name="Bill",
        family_name="Jones",
        date_of_birth=DOB,
        postcode="KB1 2AB",
        nhs_number="9434765919",
    )
    with django_assert_num_queries(2):
        find_candidates(query, limit=5)


def test_surname_only_search_is_capped_in_id_order():
    people = _people(*[(f"Given{i}", "Jones", None, "") for i in range(CAP + 5)])
    query = PersonRecord(family_name="Jones")

    scored = [person for person, _ in find_candidates(query, limit=100)]

    assert {p.pk for p in scored} == {p.pk for p in people[:CAP]}
