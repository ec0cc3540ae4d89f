"""The only write path for people, addresses, families and relationships.

Each function is atomic, validates with `full_clean`, and records why in the change history.
Nothing here merges two people: that is a manager's decision, made elsewhere."""

import contextlib
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from earlyhelp.accounts.models import Membership, Organisation, Team, User
from earlyhelp.accounts.roles import Role
from earlyhelp.core.tasks import send_email

from . import bulk
from .codes import InvolvementReason
from .identifiers import normalise_postcode, validate_nhs_number, validate_upn
from .models import Address, Family, FamilyMember, Involvement, Person, Relationship


def _reason(obj: Any, reason: str) -> None:
    # The history's reason column holds 100 characters; the full text is kept on the record.
    obj._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"


def _normalise_identifiers(person: Person) -> None:
    # Store the canonical form so "943 476 5919" and "9434765919" are one number; invalid values
    # are left as typed for full_clean to report.
    for name, normalise in (("nhs_number", validate_nhs_number), ("upn", validate_upn)):
        value = getattr(person, name)
        if value:
            with contextlib.suppress(ValidationError):  # full_clean reports it in plain words
                setattr(person, name, normalise(value))


def _save(obj: Any, reason: str) -> None:
    obj.full_clean()
    _reason(obj, reason)
    obj.save()


@transaction.atomic
def create_person(*, actor: User | None, reason: str = "Person added", **fields: Any) -> Person:
    person = Person(**fields)
    _normalise_identifiers(person)
    person.refresh_matching_keys()
    _save(person, reason)
    return person


@transaction.atomic
def update_person(*, actor: User | None, person: Person, reason: str, **changes: Any) -> Person:
    for name, value in changes.items():
        setattr(person, name, value)
    _normalise_identifiers(person)
    _save(person, reason)
    return person


@transaction.atomic
def add_address(
    *,
    actor: User | None,
    person: Person,
    line_1: str,
    postcode: str,
    reason: str = "Address added",
    is_current: bool = True,
    **fields: Any,
) -> Address:
    """Add an address; a new current address ends the previous current one."""
    address = Address(
        person=person,
        line_1=line_1,
        postcode=normalise_postcode(postcode) or postcode,
        is_current=is_current,
        **fields,
    )
    if is_current:
        for previous in person.addresses.filter(is_current=True):
            previous.is_current = False
            previous.to_date = previous.to_date or address.from_date or date.today()
            if previous.from_date and previous.to_date < previous.from_date:
                previous.to_date = previous.from_date
            _save(previous, reason)
    _save(address, reason)
    if is_current:
        person.set_current_postcode(address.postcode)
        _reason(person, reason)
        person.save(update_fields=["postcode", "postcode_district", "updated_at"])
    return address


@transaction.atomic
def create_family(
    *, actor: User | None, name: str, reason: str = "Family added", is_restricted: bool = False
) -> Family:
    family = Family(name=name, is_restricted=is_restricted)
    _save(family, reason)
    return family


@transaction.atomic
def add_family_member(
    *,
    actor: User | None,
    family: Family,
    person: Person,
    role: str,
    joined_on: date | None = None,
    reason: str = "Added to the family",
) -> FamilyMember:
    member = FamilyMember(family=family, person=person, role=role, joined_on=joined_on)
    _save(member, reason)
    return member


@transaction.atomic
def add_relationship(
    *,
    actor: User | None,
    person: Person,
    related_person: Person,
    kind: str,
    has_parental_responsibility: bool = False,
    reason: str = "Relationship recorded",
) -> Relationship:
    relationship = Relationship(
        person=person,
        related_person=related_person,
        kind=kind,
        has_parental_responsibility=has_parental_responsibility,
    )
    _save(relationship, reason)
    return relationship


# --- Involvement: the reasons people may see a record ---------------------------------------

#: How long break-glass access lasts before the user must give a reason again.
BREAK_GLASS_HOURS = 8


@transaction.atomic
def start_involvement(
    *,
    actor: User | None,
    reason: str,
    person: Person | None = None,
    family: Family | None = None,
    user: User | None = None,
    team: Team | None = None,
    organisation: Organisation | None = None,
    note: str = "",
    expires_at: Any = None,
) -> Involvement:
    """Give a user, a team or an organisation a reason to see a person or a family. An
    identical active involvement is reused, so callers may call this repeatedly."""
    existing = Involvement.objects.filter(
        person=person,
        family=family,
        user=user,
        team=team,
        organisation=organisation,
        reason=reason,
        ended_at__isnull=True,
    ).first()
    if existing is not None and expires_at is None and existing.expires_at is None:
        return existing
    involvement = Involvement(
        person=person,
        family=family,
        user=user,
        team=team,
        organisation=organisation,
        reason=reason,
        note=note,
        expires_at=expires_at,
        recorded_by=actor,
    )
    _save(involvement, note or InvolvementReason(reason).label)
    return involvement


@transaction.atomic
def end_involvement(*, actor: User | None, involvement: Involvement, reason: str) -> Involvement:
    involvement.ended_at = timezone.now()
    _save(involvement, reason)
    return involvement


@transaction.atomic
def suspend_involvement(
    *, actor: User | None, involvement: Involvement, reason: str
) -> Involvement:
    involvement.suspended_at = timezone.now()
    involvement.suspended_reason = reason[:255]
    _save(involvement, reason)
    return involvement


@transaction.atomic
def resume_involvement(*, actor: User | None, involvement: Involvement, reason: str) -> Involvement:
    involvement.suspended_at = None
    involvement.suspended_reason = ""
    _save(involvement, reason)
    return involvement


@transaction.atomic
def break_glass(*, actor: User, person: Person, reason: str) -> Involvement:
    """Emergency access to a record the user has no other reason to see. The written reason is
    kept, the data protection officer is told by email, and access lapses after a few hours."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Explain in a sentence why you need to see this record"})
    involvement = start_involvement(
        actor=actor,
        reason=InvolvementReason.BREAK_GLASS,
        person=person,
        user=actor,
        note=reason,
        expires_at=timezone.now() + timedelta(hours=BREAK_GLASS_HOURS),
    )
    officers = sorted(
        set(
            Membership.objects.filter(Membership.current_q(), role=Role.AUDITOR)
            .filter(user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )
    if officers:
        subject = "Break-glass access to a person's record"
        body = (
            f"{actor.full_name} ({actor.email}) used break-glass access to person "
            f"record {person.pk} at {timezone.localtime():%d %B %Y %H:%M}.\n\n"
            f"Their reason: {reason}\n\nThe access lasts {BREAK_GLASS_HOURS} hours and is "
            "flagged in the audit trail."
        )
        transaction.on_commit(lambda: send_email.enqueue(subject, body, officers))
    return involvement


# --- Bulk import ----------------------------------------------------------------------------


def insert_imported_people(people: list[dict[str, Any]], *, reason: str) -> None:
    """The import's write path: new, already validated people (dicts of bulk.PERSON_COLUMNS) and
    their "+" history rows with `reason`, in the caller's transaction (one per batch)."""
    bulk.insert_people_rows(people, reason=reason)
