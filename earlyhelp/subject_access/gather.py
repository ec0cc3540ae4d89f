"""Gathering everything held about one person for a subject access request.

`gather(person)` returns one plain, JSON-ready dictionary: the person, the records merged into
them, and one section per kind of record. Each app that holds personal data adds its own section
with `register_section(name, func, title=...)`, called from its AppConfig.ready(); this app
registers the people and consent sections (sections.py). A section function receives the
`Subject` and returns a list of entries, each `{"title": str, "fields": {key: value}}`.

Anyone other than the subject is written with `person_ref(...)`, never as bare text: that is how
the redaction step (redact.py) finds every third party, lists them for the officer, and removes
the details of those not released. Staff are named as plain text: they acted in an official
capacity."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from earlyhelp.people.models import Address, Person

FORMAT = "earlyhelp.subject-access/1"
CONFIDENTIAL_ADDRESS = "[redacted: confidential address]"

Entry = dict[str, Any]


@dataclass(frozen=True)
class Subject:
    """The person asked about, and every record merged into theirs (at any depth)."""

    person: Person
    merged: tuple[Person, ...]

    @property
    def ids(self) -> list[int]:
        return [self.person.pk, *(p.pk for p in self.merged)]


SectionFunction = Callable[[Subject], list[Entry]]


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    function: SectionFunction


_SECTIONS: dict[str, Section] = {}


def register_section(name: str, func: SectionFunction, *, title: str = "") -> None:
    """Add (or replace: ready() may run more than once) a section of the gathered document.
    Sections appear in the order they were first registered."""
    _SECTIONS[name] = Section(name, title or name.replace("_", " ").capitalize(), func)


def registered_sections() -> list[Section]:
    return list(_SECTIONS.values())


def merged_records(person: Person) -> tuple[Person, ...]:
    found: list[Person] = []
    frontier = [person.pk]
    while frontier:
        layer = list(Person.objects.filter(merged_into_id__in=frontier).order_by("pk"))
        found += layer
        frontier = [p.pk for p in layer]
    return tuple(found)


def entry(title: str, **fields: Any) -> Entry:
    return {"title": title, "fields": fields}


def person_ref(person: Person, *, redact_as: str = "family member") -> dict[str, Any]:
    """Someone mentioned in the subject's records. `redact_as` is what the document says in
    their place when their details are redacted. Another person's confidential address is
    never written, whatever the officer decides."""
    addresses = list(person.addresses.all())
    current = next((a for a in addresses if a.is_current), None)
    address: str | None = None
    if current is not None:
        address = CONFIDENTIAL_ADDRESS if current.is_confidential else str(current)
    return {
        "person_id": person.pk,
        "redact_as": redact_as,
        "name": person.full_name or f"Person {person.pk}",
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "address": address,
    }


def describe_address(address: Address) -> dict[str, Any]:
    return {
        "line_1": address.line_1,
        "line_2": address.line_2,
        "town": address.town,
        "postcode": address.postcode,
        "current": address.is_current,
        "from_date": address.from_date,
        "to_date": address.to_date,
        "confidential": address.is_confidential,
    }


def plain(value: Any) -> Any:
    """JSON-ready: dates and times as ISO 8601 text, tuples as lists, everything else as is."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def gather(person: Person, sections: Iterable[Section] | None = None) -> dict[str, Any]:
    subject = Subject(person, merged_records(person))
    return plain(
        {
            "format": FORMAT,
            "generated_at": timezone.now(),
            "subject": {
                "person_ids": subject.ids,
                "name": person.full_name,
                "date_of_birth": person.date_of_birth,
                "merged_record_ids": [p.pk for p in subject.merged],
            },
            "sections": [
                {"name": s.name, "title": s.title, "entries": s.function(subject)}
                for s in (registered_sections() if sections is None else sections)
            ],
        }
    )


def counts(document: dict[str, Any]) -> list[tuple[str, int]]:
    return [(s["title"], len(s["entries"])) for s in document["sections"]]
