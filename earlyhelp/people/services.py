"""The only write path for people, addresses, families and relationships.

Each function is atomic, validates with `full_clean`, and records why in the change history.
Nothing here merges two people: that is a manager's decision, made elsewhere."""

import contextlib
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from earlyhelp.accounts.models import Membership, Organisation, Team, User
from earlyhelp.accounts.roles import Role
from earlyhelp.core.tasks import send_email

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
def create_family(*, actor: User | None, name: str, reason: str = "Family added") -> Family:
    family = Family(name=name)
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

# Columns that differ from one imported person to the next; every other column takes the same
# value for the whole batch (a default, or the time of the import).
_VARYING = (
    "source_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "upn",
    "family_name_key",
    "given_name_key",
    "postcode",
    "postcode_district",
)


def _insert(
    model: Any, template: Any, rows: list[dict[str, Any]], varying: tuple[str, ...]
) -> None:
    """One executemany INSERT of `rows` (dicts of the `varying` columns) into `model`'s table.

    The ORM's bulk_create builds a model instance per row and prepares every value through the
    field machinery, which caps an import near 1,500 rows a second on this machine. Here every
    other column is prepared once, from `template` (an unsaved instance), and the varying ones
    (plain text, and the date of birth) are passed as they are."""
    # The table's own auto primary key is left to the database.
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in varying)
    ]
    constant = {
        f.attname: f.get_db_prep_save(f.pre_save(template, add=True), connection)
        for f in fields
        if f.attname not in varying
    }
    adapt_date = connection.ops.adapt_datefield_value
    names = [f.attname for f in fields]
    values = []
    for row in rows:
        row = {**constant, **row}
        row["date_of_birth"] = adapt_date(row["date_of_birth"])
        values.append([row[name] for name in names])
    quote = connection.ops.quote_name
    # Table and column names come from the model (quoted); every value is a parameter.
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def insert_imported_people(people: list[dict[str, Any]], *, reason: str) -> None:
    """The import's write path: insert new, already validated people (dicts of the `_VARYING`
    columns) and their "+" history rows with `reason`, as bulk_create_with_history would, in the
    caller's transaction (the importer makes one per batch)."""
    now = timezone.now()
    template = Person(created_at=now, updated_at=now)
    _insert(Person, template, people, _VARYING)
    ids = dict(
        Person.objects.filter(source_id__in=[p["source_id"] for p in people])
        .exclude(source_id="")
        .values_list("source_id", "pk")
    )
    history_model = Person.history.model
    history_template = history_model(
        created_at=now,
        updated_at=now,
        history_date=now,
        history_type="+",
        history_change_reason=reason,
        history_user=None,
    )
    history = [{**person, "id": ids[person["source_id"]]} for person in people]
    _insert(history_model, history_template, history, ("id", *_VARYING))
