"""Validated identifiers: NHS number, Unique Pupil Number (UPN) and UK postcode.

The validators raise `ValidationError` with messages written for the person typing the value
and return the normalised value, so forms, the import and the API share one rule each.
"""

import re

from django.core.exceptions import ValidationError

NHS_FORMAT_MESSAGE = "Enter a 10-digit NHS number, like 943 476 5919"
NHS_CHECK_MESSAGE = "The NHS number is not valid: check the digits"
UPN_FORMAT_MESSAGE = "Enter a 13-character UPN: a letter, then 11 numbers, then a number or letter, like A123456789012"
UPN_CHECK_MESSAGE = "The UPN is not valid: check the letters and numbers"
POSTCODE_MESSAGE = "Enter a full UK postcode, like SW1A 1AA"

_SEPARATORS = re.compile(r"[\s\-]+")


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for the first nine digits, or None when it would be 10
    (those nine digits are never issued). NHS Digital data dictionary, NHS NUMBER."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def validate_nhs_number(value: str) -> str:
    digits = _SEPARATORS.sub("", value or "")
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(NHS_FORMAT_MESSAGE, code="nhs_format")
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(NHS_CHECK_MESSAGE, code="nhs_check")
    return digits


def is_valid_nhs_number(value: str) -> bool:
    try:
        validate_nhs_number(value)
    except ValidationError:
        return False
    return True


# DfE "Unique pupil numbers (UPN): guidance", annex: letters used for the check letter and
# for the last character of a temporary UPN are A-Z without I, O and S, valued 0-22.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_VALUES = {letter: value for value, letter in enumerate(UPN_LETTERS)}


def upn_check_letter(last_twelve: str) -> str:
    """The check letter for characters 2-13 of a UPN: weights 2..13, sum mod 23."""
    total = 0
    for weight, char in enumerate(last_twelve, start=2):
        value = int(char) if char.isdigit() else _UPN_VALUES[char]
        total += value * weight
    return UPN_LETTERS[total % 23]


def validate_upn(value: str) -> str:
    upn = _SEPARATORS.sub("", value or "").upper()
    # Check letter; LA number (3), establishment (4), year (2), serial (2 digits + digit or letter).
    if not re.fullmatch(rf"[{UPN_LETTERS}]\d{{11}}[0-9{UPN_LETTERS}]", upn):
        raise ValidationError(UPN_FORMAT_MESSAGE, code="upn_format")
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError(UPN_CHECK_MESSAGE, code="upn_check")
    return upn


# Royal Mail format: outward code (area letters, district digit, optional digit or letter),
# inward code (sector digit, two unit letters). Shape only: we do not hold the postcode file.
# Royal Mail's letters for each position of the outward code (A9, A99, AA9, AA99, A9A, AA9A) and
# the inward code (a digit, then two letters other than C, I, K, M, O and V). One rule for forms,
# the API and the importer alike.
_POSTCODE = re.compile(
    r"^((?:[A-PR-UWYZ]\d{1,2}|[A-PR-UWYZ][A-HK-Y]\d{1,2}|[A-PR-UWYZ]\d[A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRVWXY]))(\d[ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(value: str | None) -> str | None:
    """ "sw1a1aa" -> "SW1A 1AA"; None when it is not a UK postcode."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = _POSTCODE.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def validate_postcode(value: str) -> str:
    postcode = normalise_postcode(value)
    if postcode is None:
        raise ValidationError(POSTCODE_MESSAGE, code="postcode")
    return postcode


def postcode_district(value: str | None) -> str:
    """The outward code ("SW1A"), or "" when the postcode is not valid."""
    postcode = normalise_postcode(value)
    return postcode.split(" ")[0] if postcode else ""


def postcode_sector(value: str | None) -> str:
    """The outward code and sector digit ("SW1A 1"), or "" when the postcode is not valid."""
    postcode = normalise_postcode(value)
    return postcode[:-2] if postcode else ""


# Django field validators return nothing; these wrap the normalising validators above.
def nhs_number_validator(value: str) -> None:
    validate_nhs_number(value)


def upn_validator(value: str) -> None:
    validate_upn(value)


def postcode_validator(value: str) -> None:
    validate_postcode(value)
