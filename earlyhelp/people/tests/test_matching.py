from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import JaroWinkler

from earlyhelp.people.matching import (
    POSSIBLE_MATCH,
    PROBABLE_MATCH,
    PersonRecord,
    blocking_keys,
    canonical_given_names,
    family_name_key,
    given_name_key,
    normalise_name,
    score,
    surname_parts,
)

DOB = date(2016, 3, 4)
WILLIAM = PersonRecord(
    given_name="William", family_name="Smith", date_of_birth=DOB, sex="M", postcode="KB1 2AB"
)


def test_name_normalisation():
    assert normalise_name("  Zoë O'Brien ") == "zoe obrien"
    assert surname_parts("Smith-Jones") == ("smithjones", "smith", "jones")
    assert surname_parts("O\u2019Neill") == ("oneill",)
    assert canonical_given_names("Bill") == ("william",)
    assert set(canonical_given_names("Sam")) == {"samuel", "samantha"}
    assert given_name_key("Bill") == given_name_key("William") == given_name_key("LIAM")
    assert family_name_key("Smyth") == family_name_key("Smith")


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        (
            PersonRecord(
                given_name="Bill", family_name="Smith", date_of_birth=DOB, postcode="KB1 2AB"
            ),
            "first name is a short form (Bill / William)",
        ),
        (
            PersonRecord(
                given_name="Wiliam", family_name="Smith", date_of_birth=DOB, postcode="KB1 2AB"
            ),
            "first name spelt similarly",
        ),
        (
            PersonRecord(
                given_name="William", family_name="Smyth", date_of_birth=DOB, postcode="KB1 2AB"
            ),
            "surname sounds alike",
        ),
        (
            PersonRecord(
                given_name="William",
                family_name="Smith-Jones",
                date_of_birth=DOB,
                postcode="KB1 2AB",
            ),
            "surname matches part of a double-barrelled surname",
        ),
        (
            PersonRecord(
                given_name="William",
                family_name="Brown",
                other_names=("Smith",),
                date_of_birth=DOB,
                postcode="KB1 2AB",
            ),
            "surname matches a previous or other surname",
        ),
        (
            PersonRecord(
                given_name="William",
                family_name="Smith",
                date_of_birth=date(2016, 4, 3),
                postcode="KB1 2AB",
            ),
            "date of birth with day and month swapped",
        ),
        (
            PersonRecord(
                given_name="William",
                family_name="Smith",
                date_of_birth=date(2016, 3, 14),
                postcode="KB1 2AB",
            ),
            "date of birth one digit different",
        ),
        (
            PersonRecord(
                given_name="William",
                family_name="Smith",
                date_of_birth=date(2061, 3, 4),
                postcode="KB1 2AB",
            ),
            "date of birth with two digits swapped",
        ),
    ],
)
def test_common_mistakes_still_probably_match(candidate, reason):
    match = score(WILLIAM, candidate)
    assert reason in match.reasons
    assert match.score >= PROBABLE_MATCH, match


def test_elizabeth_and_beth_with_a_typo_in_the_surname():
    query = PersonRecord(given_name="Beth", family_name="Thompsen", date_of_birth=date(2012, 11, 2))
    candidate = PersonRecord(
        given_name="Elizabeth", family_name="Thompson", date_of_birth=date(2012, 11, 2)
    )
    match = score(query, candidate)
    assert "first name is a short form (Beth / Elizabeth)" in match.reasons
    assert match.score >= PROBABLE_MATCH


def test_changed_surname_without_other_names_is_still_possible():
    query = PersonRecord(
        given_name="Chloe", family_name="Brown", date_of_birth=date(2010, 6, 1), postcode="KB1 2AB"
    )
    candidate = PersonRecord(
        given_name="Chloe", family_name="Patel", date_of_birth=date(2010, 6, 1), postcode="KB1 2AB"
    )
    assert score(query, candidate).score >= POSSIBLE_MATCH


@pytest.mark.parametrize("twin_name", ["Harry", "Jack", "Oscar", "Wilma"])
def test_twins_are_kept_apart(twin_name):
    twin = PersonRecord(
        given_name=twin_name, family_name="Smith", date_of_birth=DOB, sex="M", postcode="KB1 2AB"
    )
    assert score(WILLIAM, twin).score < PROBABLE_MATCH - 0.05


def test_twins_named_like_each_other_stay_below_probable():
    jack = PersonRecord(
        given_name="Jack", family_name="Smith", date_of_birth=DOB, sex="M", postcode="KB1 2AB"
    )
    jake = PersonRecord(
        given_name="Jake", family_name="Smith", date_of_birth=DOB, sex="M", postcode="KB1 2AB"
    )
    match = score(jack, jake)
    assert match.score < PROBABLE_MATCH
    assert "could be a twin: same birthday, first names differ" in match.reasons


def test_identifiers_dominate():
    same = PersonRecord(given_name="Liam", family_name="Jones", nhs_number="9434765919")
    other = PersonRecord(
        given_name="William", family_name="Smith", nhs_number="9434765919", date_of_birth=DOB
    )
    assert score(same, other).reasons[0] == "same NHS number"
    assert score(same, other).score >= PROBABLE_MATCH
    a = PersonRecord(
        given_name="William", family_name="Smith", date_of_birth=DOB, nhs_number="9434765919"
    )
    b = PersonRecord(
        given_name="William", family_name="Smith", date_of_birth=DOB, nhs_number="4010232137"
    )
    match = score(a, b)
    assert "different NHS numbers recorded" in match.reasons
    assert match.score < POSSIBLE_MATCH


def test_different_sex_and_district_reasons():
    candidate = PersonRecord(
        given_name="William", family_name="Smith", date_of_birth=DOB, sex="F", postcode="KB1 9ZZ"
    )
    match = score(WILLIAM, candidate)
    assert "different sex recorded" in match.reasons
    assert "same postcode district" in match.reasons


def test_missing_fields_are_neutral():
    partial = PersonRecord(family_name="Smith", date_of_birth=DOB)
    match = score(partial, WILLIAM)
    assert match.reasons == ["same date of birth", "same surname"]
    assert 0 < match.score < 1
    assert score(PersonRecord(), WILLIAM).reasons == []


def test_blocking_keys_cover_the_common_mistakes():
    keys = blocking_keys(
        PersonRecord(
            given_name="Bill",
            family_name="Smith-Jones",
            other_names=("Brown",),
            date_of_birth=DOB,
            postcode="kb12ab",
        )
    )
    assert ("dob", "2016-03-04") in keys and ("dob", "2016-04-03") in keys
    assert {("name_year", k, "2016") for k in ("SM0", "JNS", "BRN")} <= keys
    assert ("given_year", given_name_key("William"), "2016") in keys
    assert ("postcode", "KB1 2AB") in keys
    assert blocking_keys(PersonRecord(family_name="Smith")) == {("surname", "SM0")}
    assert blocking_keys(PersonRecord()) == set()


names = st.sampled_from(
    ["William", "Bill", "Elizabeth", "Beth", "Olivia", "Mohammed", "Zoë", "Siobhan"]
)
surnames = st.sampled_from(["Smith", "Smith-Jones", "O'Brien", "Nowak", "Okonkwo", "Patel"])
dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2026, 12, 31))
records = st.builds(
    PersonRecord,
    given_name=names,
    family_name=surnames,
    date_of_birth=st.none() | dates,
    sex=st.sampled_from(["", "M", "F"]),
    postcode=st.sampled_from(["", "KB1 2AB", "KB1 3CD", "SW1A 1AA"]),
)


@given(records, records)
def test_score_is_a_probability_and_symmetric(a, b):
    forwards, backwards = score(a, b), score(b, a)
    assert 0.0 <= forwards.score <= 1.0
    assert forwards.score == pytest.approx(backwards.score)


@given(records)
def test_a_record_matches_itself_and_shares_a_blocking_key(record):
    assert score(record, record).score >= score(record, PersonRecord()).score
    if record.date_of_birth:
        assert score(record, record).score >= PROBABLE_MATCH
    assert blocking_keys(record) & blocking_keys(record) == blocking_keys(record)


@given(records, st.integers(0, 7), st.integers(1, 9))
def test_a_one_digit_typo_in_the_date_of_birth_still_shares_a_blocking_key(record, position, delta):
    if not record.date_of_birth:
        return
    d = record.date_of_birth
    digits = f"{d.year:04d}{d.month:02d}{d.day:02d}"
    typed = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    try:
        typo_date = date(int(typed[:4]), int(typed[4:6]), int(typed[6:]))
    except ValueError:
        return
    typo = PersonRecord(**{**_fields(record), "date_of_birth": typo_date})
    assert blocking_keys(record) & blocking_keys(typo)
    assert score(record, typo).score >= POSSIBLE_MATCH


def _fields(record):
    return {name: getattr(record, name) for name in record.__slots__}


# Calibration against the labelled benchmark (benchmarks/matching_calibration.py): true matches
# with one realistic error and strong other evidence reach PROBABLE_MATCH; twins, people with a
# common full name and a near birthday, and new people do not.

MOVED = "LS6 1AA"  # another postcode in another district


@pytest.mark.parametrize(
    ("short", "full"),
    [("Mandy", "Amanda"), ("Tasha", "Natasha"), ("Jackie", "Jacqueline"), ("Harry", "Harold")],
)
def test_more_everyday_short_forms_match_after_a_move(short, full):
    query = PersonRecord(given_name=short, family_name="Reed", date_of_birth=DOB, postcode=MOVED)
    candidate = PersonRecord(
        given_name=full, family_name="Reed", date_of_birth=DOB, postcode="KB1 2AB"
    )
    match = score(query, candidate)
    assert f"first name is a short form ({short} / {full})" in match.reasons
    assert match.score >= PROBABLE_MATCH, match


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("Phillip", "Philip", "first name spelt another way (Phillip / Philip)"),
        ("Kathryn", "Catherine", "first name spelt another way (Kathryn / Catherine)"),
        ("Jackie", "Jacqui", "first names are both short for Jacqueline (Jackie / Jacqui)"),
        ("Sammy", "Sam", "first names are both short for Samantha or Samuel (Sammy / Sam)"),
        ("Tommy", "Thomas", "first name is a short form (Tommy / Thomas)"),
    ],
)
def test_the_reason_says_how_two_forms_of_a_first_name_relate(a, b, reason):
    assert reason in score(PersonRecord(given_name=a), PersonRecord(given_name=b)).reasons
    assert canonical_given_names(a)[0] in canonical_given_names(b)


@pytest.mark.parametrize(("typed", "recorded"), [("Amith", "Smith"), ("Djvis", "Davis")])
def test_a_surname_slip_near_the_start_matches(typed, recorded):
    query = PersonRecord(
        given_name="Alan", family_name=typed, date_of_birth=DOB, sex="M", postcode=MOVED
    )
    candidate = PersonRecord(
        given_name="Alan", family_name=recorded, date_of_birth=DOB, sex="M", postcode="KB1 2AB"
    )
    match = score(query, candidate)
    assert "surname spelt similarly" in match.reasons
    assert match.score >= PROBABLE_MATCH, match


def test_three_letter_surnames_one_letter_apart_are_different():
    query = PersonRecord(given_name="Alan", family_name="Cox", date_of_birth=DOB)
    assert (
        "different surname"
        in score(query, PersonRecord(**{**_fields(query), "family_name": "Fox"})).reasons
    )


CHLOE = PersonRecord(
    given_name="Chloe",
    family_name="Brown",
    date_of_birth=date(2010, 6, 1),
    sex="F",
    postcode="KB1 2AB",
)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"given_name": "Beth", "date_of_birth": date(2010, 6, 1)},
        {"date_of_birth": date(2010, 1, 6)},  # day and month swapped
    ],
)
def test_changed_surname_at_the_same_address_is_probable(changes):
    recorded = PersonRecord(**{**_fields(CHLOE), "family_name": "Patel", **changes})
    if changes.get("given_name") == "Beth":
        recorded = PersonRecord(**{**_fields(recorded), "given_name": "Elizabeth"})
        query = PersonRecord(**{**_fields(CHLOE), "given_name": "Beth"})
    else:
        query = CHLOE
    match = score(query, recorded)
    assert "different surname, which may have changed" in match.reasons
    assert "different surname" not in match.reasons
    assert match.score >= PROBABLE_MATCH, match


@pytest.mark.parametrize(
    "changes",
    [
        {"postcode": MOVED},  # nothing but a first name and birthday left in common
        {"postcode": ""},
        {"sex": "M"},
        {"given_name": "Chlo\u00eb-Mae", "date_of_birth": date(2010, 6, 2)},
        {"date_of_birth": date(2010, 6, 2)},  # one digit out: possible, not probable
    ],
)
def test_changed_surname_without_the_address_and_birthday_is_not_probable(changes):
    recorded = PersonRecord(**{**_fields(CHLOE), "family_name": "Patel", **changes})
    assert score(CHLOE, recorded).score < PROBABLE_MATCH


def test_changed_surname_with_a_one_digit_birthday_slip_at_the_same_address_is_possible():
    recorded = PersonRecord(
        **{**_fields(CHLOE), "family_name": "Patel", "date_of_birth": date(2010, 6, 2)}
    )
    match = score(CHLOE, recorded)
    assert "different surname, which may have changed" in match.reasons
    assert POSSIBLE_MATCH <= match.score < PROBABLE_MATCH


def test_a_common_full_name_with_a_near_birthday_after_a_move_is_not_probable():
    # Two Mohammad Davises born a month apart exist in a large council: a one-digit date
    # difference and both names are not enough without the address.
    query = PersonRecord(
        given_name="Mohammad",
        family_name="Davis",
        date_of_birth=date(2015, 6, 17),
        sex="M",
        postcode=MOVED,
    )
    other = PersonRecord(
        **{**_fields(query), "date_of_birth": date(2015, 5, 17), "postcode": "KB1 2AB"}
    )
    assert POSSIBLE_MATCH <= score(query, other).score < PROBABLE_MATCH


TWIN_NAMES = [
    "Ella", "Emma", "Jane", "June", "Dean", "Sean", "Jack", "Jake", "Lena", "Lina", "Max",
    "May", "Amy", "Ava", "Eva", "Mark", "Mary", "Lily", "Lola", "Harry", "Henry", "Oscar",
    "Olivia", "Leah", "Lea", "Ryan", "Evan", "Ruby", "Rory",
]  # fmt: skip


@given(
    st.sampled_from(TWIN_NAMES),
    st.sampled_from(TWIN_NAMES),
    st.sampled_from(["", "M", "F"]),
    st.sampled_from(["", "KB1 2AB"]),
)
def test_twins_with_any_two_names_stay_below_probable(first, second, sex, postcode):
    if first == second or JaroWinkler.similarity(first.lower(), second.lower()) >= 0.92:
        # A known limit: a first name this close at the same birthday is taken for a typo, so
        # twins of one recorded sex named as closely as Eva and Evan would look like one child.
        return
    if set(canonical_given_names(first)) & set(canonical_given_names(second)):
        # The same limit for a short form: Harry is taken for Henry at the same birthday (hypothesis
        # found this pair in CI; the fixed examples above cover short forms on purpose).
        return
    a = PersonRecord(
        given_name=first, family_name="Smith", date_of_birth=DOB, sex=sex, postcode=postcode
    )
    b = PersonRecord(**{**_fields(a), "given_name": second})
    assert score(a, b).score < PROBABLE_MATCH


def test_a_new_person_in_the_same_household_is_not_probable():
    new = PersonRecord(**{**_fields(CHLOE), "given_name": "Sophie", "family_name": "Patel"})
    assert score(CHLOE, new).score < POSSIBLE_MATCH
