import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from earlyhelp.people.identifiers import (
    NHS_CHECK_MESSAGE,
    NHS_FORMAT_MESSAGE,
    UPN_LETTERS,
    is_valid_nhs_number,
    nhs_check_digit,
    normalise_postcode,
    postcode_district,
    postcode_sector,
    upn_check_letter,
    validate_nhs_number,
    validate_upn,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@st.composite
def valid_nhs_numbers(draw):
    first_nine = draw(nine_digits)
    check = nhs_check_digit(first_nine)
    assume(check is not None)
    return f"{first_nine}{check}"


def test_nhs_number_normalises_spaces_and_hyphens():
    assert validate_nhs_number("943 476 5919") == "9434765919"
    assert validate_nhs_number("943-476-5919") == "9434765919"


@pytest.mark.parametrize("value", ["", "94347659", "943476591X", "94347659190"])
def test_nhs_number_format_message(value):
    with pytest.raises(ValidationError) as error:
        validate_nhs_number(value)
    assert error.value.messages == [NHS_FORMAT_MESSAGE]


def test_nhs_number_wrong_check_digit():
    with pytest.raises(ValidationError) as error:
        validate_nhs_number("943 476 5918")
    assert error.value.messages == [NHS_CHECK_MESSAGE]


def test_check_digit_of_ten_is_never_valid():
    # 000000006: 6*2 = 12, 11 - 1 = 10 -> no NHS number starts with these nine digits.
    assert nhs_check_digit("000000006") is None
    assert not any(is_valid_nhs_number(f"000000006{d}") for d in range(10))


@given(valid_nhs_numbers())
def test_generated_nhs_numbers_are_valid(number):
    assert validate_nhs_number(number) == number


@given(valid_nhs_numbers(), st.integers(0, 9), st.integers(1, 9))
def test_any_single_digit_change_fails(number, position, delta):
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not is_valid_nhs_number(changed)


@given(valid_nhs_numbers(), st.integers(0, 8))
def test_adjacent_transposition_fails_unless_digits_are_equal(number, position):
    # Swapping digits a, b at weights w, w-1 changes the sum by (a - b), not a multiple of 11
    # unless a == b; the check digit (weight 1 vs 2 on position 8) is the same argument.
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    if swapped != number:
        assert not is_valid_nhs_number(swapped)


def test_upn_known_example_and_errors():
    body = "820200101001"
    upn = upn_check_letter(body) + body
    assert validate_upn(upn.lower()) == upn
    wrong = next(letter for letter in UPN_LETTERS if letter != upn[0])
    with pytest.raises(ValidationError, match="not valid"):
        validate_upn(wrong + body)
    with pytest.raises(ValidationError, match="13-character"):
        validate_upn("I" + body)


@given(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.sampled_from("0123456789" + UPN_LETTERS),
)
def test_upn_check_letter_round_trips(digits, last):
    body = digits + last
    upn = upn_check_letter(body) + body
    assert validate_upn(upn) == upn
    for letter in UPN_LETTERS:
        if letter != upn[0]:
            assert not _valid_upn(letter + body)


def _valid_upn(value):
    try:
        validate_upn(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        (" SW1A  1AA ", "SW1A 1AA"),
        ("m1 1ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("cr26xh", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
    ],
)
def test_postcodes_normalise(typed, expected):
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "SW1A", "12345", "SW1A 1A", "SW1A 1AAA", "Q1 1AA1", "AB1 1CI"]
)
def test_invalid_postcodes(typed):
    assert normalise_postcode(typed) is None
    assert postcode_district(typed) == ""


def test_district_and_sector():
    assert postcode_district("sw1a1aa") == "SW1A"
    assert postcode_sector("sw1a1aa") == "SW1A 1"


@given(st.text(max_size=10))
def test_postcode_normalisation_is_idempotent(text):
    once = normalise_postcode(text)
    if once is not None:
        assert normalise_postcode(once) == once
        assert normalise_postcode(once.lower().replace(" ", "")) == once
