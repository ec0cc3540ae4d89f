"""Turning a (redacted) subject access document into readable text: one function used by both
the HTML page and the PDF, so the two always say the same thing."""

import re
from datetime import date, datetime
from typing import Any

from .redact import is_person_ref

_LABELS = {
    "id": "Record number",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number (UPN)",
    "council_person_id": "Council person id",
    "source_id": "Id in the system imported from",
    "family_name_key": "Family name matching key",
    "given_name_key": "Given name matching key",
    "postcode": "Postcode",
    "line_1": "Address line 1",
    "line_2": "Address line 2",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def label(key: str) -> str:
    return _LABELS.get(key, key.replace("_", " ").capitalize())


def _text(value: str) -> str:
    if _DATE.match(value):
        parsed = date.fromisoformat(value)
        return f"{parsed.day} {parsed:%B %Y}"
    if _DATETIME.match(value):
        moment = datetime.fromisoformat(value)
        return f"{moment.day} {moment:%B %Y %H:%M}"
    return value


def display(value: Any) -> str:
    """Plain text for one value; nested values on separate lines."""
    if value is None or value == "" or value == [] or value == {}:
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return _text(value)
    if is_person_ref(value):
        parts = [value["name"]]
        if value.get("date_of_birth"):
            parts.append(f"born {_text(value['date_of_birth'])}")
        if value.get("address"):
            parts.append(f"address: {value['address']}")
        return ", ".join(parts)
    if isinstance(value, dict):
        return "; ".join(
            f"{label(k)}: {display(v)}" for k, v in value.items() if v not in (None, "", [], {})
        )
    if isinstance(value, list):
        return "\n".join(display(item) for item in value)
    return str(value)


def readable(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Sections -> entries -> (label, text) rows, ready for a template or the PDF."""
    return [
        {
            "title": section["title"],
            "entries": [
                {
                    "title": display(e["title"]),
                    "rows": [(label(k), display(v)) for k, v in e["fields"].items()],
                }
                for e in section["entries"]
            ],
        }
        for section in document["sections"]
    ]
