"""The redaction step: remove other people's details before a subject access disclosure.

Every third party in the gathered document is a person reference (see gather.person_ref). The
officer releases some of them; every other reference is replaced by "[redacted: family member]"
(or whatever the section said), with no name, date of birth or address. Then, because free text
(notes, names typed into consent records, descriptions) can name people too, every piece of text
is scrubbed of the redacted people's names, other names, dates of birth, identifiers, contact
details and addresses, and of every third party's confidential address whether released or not.
Anything that is also the subject's own data (a shared address, a twin's birthday, the family
surname) is left: it is theirs too."""

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from earlyhelp.people.models import Person

from .gather import CONFIDENTIAL_ADDRESS


@dataclass(frozen=True)
class ThirdParty:
    person_id: int
    name: str
    date_of_birth: str | None
    redact_as: str
    mentions: int


def is_person_ref(value: Any) -> bool:
    return isinstance(value, dict) and "person_id" in value and "redact_as" in value


def _walk(value: Any) -> Iterable[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def subject_ids(document: dict[str, Any]) -> set[int]:
    return set(document["subject"]["person_ids"])


def third_parties(document: dict[str, Any]) -> list[ThirdParty]:
    """Everyone other than the subject that the document mentions, in order of first mention."""
    own = subject_ids(document)
    found: dict[int, ThirdParty] = {}
    for value in _walk(document["sections"]):
        if not is_person_ref(value) or value["person_id"] in own:
            continue
        pk = value["person_id"]
        seen = found.get(pk)
        found[pk] = ThirdParty(
            pk,
            value["name"],
            value["date_of_birth"],
            seen.redact_as if seen else value["redact_as"],
            (seen.mentions if seen else 0) + 1,
        )
    return list(found.values())


def _date_forms(value: date) -> list[str]:
    return [
        value.isoformat(),
        f"{value.day} {value:%B %Y}",
        f"{value.day} {value:%b %Y}",
        f"{value:%d/%m/%Y}",
    ]


def _terms(person: Person, *, details: bool) -> set[str]:
    """Text that identifies `person`: everything when `details`, else confidential addresses."""
    terms: set[str] = set()
    for address in person.addresses.all():
        if details or address.is_confidential:
            terms |= {address.line_1, address.line_2, address.postcode, str(address)}
    if details:
        terms |= {person.full_name, person.given_name, person.nhs_number, person.upn}
        terms |= {person.council_person_id, person.source_id, person.phone, person.email}
        terms |= {line.strip() for line in person.other_names.splitlines()}
        if person.date_of_birth:
            terms |= set(_date_forms(person.date_of_birth))
    return {t for t in terms if len(t.strip()) >= 2}


def _scrubber(subject: Iterable[int], redacted: dict[int, str], released: Iterable[int]) -> Any:
    people = Person.objects.prefetch_related("addresses")
    own: set[str] = set()
    for person in people.filter(pk__in=list(subject)):
        own |= {t.lower() for t in _terms(person, details=True)}
        own.add(person.family_name.lower())
    replacements: dict[str, str] = {}
    for person in people.filter(pk__in=list(redacted)):
        for term in _terms(person, details=True):
            replacements.setdefault(term.lower(), f"[redacted: {redacted[person.pk]}]")
    for person in people.filter(pk__in=list(released)):
        for term in _terms(person, details=False):
            replacements.setdefault(term.lower(), CONFIDENTIAL_ADDRESS)
    wanted = sorted((t for t in replacements if t not in own), key=len, reverse=True)
    if not wanted:
        return lambda text: text
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(t) for t in wanted) + r")(?!\w)", re.IGNORECASE
    )
    return lambda text: pattern.sub(lambda m: replacements[m.group(0).lower()], text)


def redact(
    document: dict[str, Any],
    *,
    release: Iterable[int] = (),
    withhold_own_confidential: bool = False,
) -> dict[str, Any]:
    """A copy of `document` fit to release: third parties not in `release` redacted."""
    own = subject_ids(document)
    released = set(release)
    redacted = {p.person_id: p.redact_as for p in third_parties(document)}
    redacted = {pk: label for pk, label in redacted.items() if pk not in released}
    scrub = _scrubber(own, redacted, released)

    def clean(value: Any) -> Any:
        if is_person_ref(value) and value["person_id"] not in own | released:
            return f"[redacted: {value['redact_as']}]"
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, str):
            return scrub(value)
        return value

    result = copy.deepcopy(document)
    if withhold_own_confidential:
        for section in result["sections"]:
            section["entries"] = [
                {"title": CONFIDENTIAL_ADDRESS, "fields": {}}
                if section["name"] == "addresses" and e["fields"].get("confidential") is True
                else e
                for e in section["entries"]
            ]
    result["sections"] = clean(result["sections"])
    result["redaction"] = {
        "released_people": sorted(released & set(p.person_id for p in third_parties(document))),
        "redacted_people": len(redacted),
        "own_confidential_addresses_withheld": withhold_own_confidential,
    }
    return result
