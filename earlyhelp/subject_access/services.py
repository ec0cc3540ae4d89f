"""The only write path for subject access requests. Each change is validated, atomic and
recorded in the request's history with a reason."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.accounts.models import User
from earlyhelp.people.models import Person

from .codes import RequestStatus
from .dates import due_date, latest_extended_due_date
from .models import SubjectAccessRequest


def _save(sar: SubjectAccessRequest, reason: str, actor: User) -> None:
    sar.due_on = due_date(sar.received_on) if sar.received_on else sar.due_on
    _validate(sar)
    sar.full_clean(exclude=["due_on"])
    sar._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"  # type: ignore[attr-defined]
    sar._history_user = actor  # type: ignore[attr-defined]
    sar.save()


def _validate(sar: SubjectAccessRequest) -> None:
    errors: dict[str, str] = {}
    if sar.extended:
        if not sar.extension_reason.strip():
            errors["extension_reason"] = "Enter why the request needs more time"
        latest = latest_extended_due_date(sar.received_on)
        if sar.extended_due_on is None:
            errors["extended_due_on"] = "Enter the new due date"
        elif not sar.due_on < sar.extended_due_on <= latest:
            errors["extended_due_on"] = (
                f"The new due date must be after {sar.due_on:%-d %B %Y} and no later than "
                f"{latest:%-d %B %Y} (two further months)"
            )
    else:
        sar.extension_reason, sar.extended_due_on = "", None
    if sar.status == RequestStatus.RELEASED:
        if sar.released_on is None:
            errors["released_on"] = "Enter the date the information was released"
        elif sar.released_on < sar.received_on:
            errors["released_on"] = "The release date must be on or after the date received"
        if not sar.identity_checked:
            errors["identity_checked"] = "Check the requester's identity before releasing"
        if not sar.redactions_reviewed:
            errors["status"] = "Review the redactions before releasing"
    elif sar.released_on is not None and sar.status not in (RequestStatus.RELEASED,):
        errors["released_on"] = "Only a released request has a release date"
    if sar.identity_checked and not sar.identity_check_method.strip():
        errors["identity_check_method"] = "Say how the requester's identity was checked"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_request(
    *,
    actor: User,
    person: Person,
    requester_name: str,
    requester_relationship: str,
    received_on: date,
    identity_checked: bool = False,
    identity_check_method: str = "",
    notes: str = "",
) -> SubjectAccessRequest:
    sar = SubjectAccessRequest(
        person=person,
        requester_name=requester_name,
        requester_relationship=requester_relationship,
        received_on=received_on,
        identity_checked=identity_checked,
        identity_check_method=identity_check_method,
        notes=notes,
        recorded_by=actor,
    )
    _save(sar, "Subject access request received", actor)
    return sar


#: What the request-page form may change.
UPDATABLE = (
    "status",
    "released_on",
    "extended",
    "extension_reason",
    "extended_due_on",
    "identity_checked",
    "identity_check_method",
    "notes",
)


@transaction.atomic
def update_request(
    *, actor: User, sar: SubjectAccessRequest, reason: str = "", **changes: Any
) -> SubjectAccessRequest:
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise TypeError(f"Cannot change {sorted(unknown)}")
    before = sar.get_status_display()
    for name, value in changes.items():
        setattr(sar, name, value)
    try:
        _save(sar, reason or f"Updated ({before} to {sar.get_status_display()})", actor)
    except ValidationError:
        sar.refresh_from_db()
        raise
    return sar


@transaction.atomic
def record_redactions(
    *,
    actor: User,
    sar: SubjectAccessRequest,
    release: list[int],
    withhold_own_confidential: bool,
) -> SubjectAccessRequest:
    sar.redactions = {
        "release": sorted(set(release)),
        "withhold_own_confidential": withhold_own_confidential,
        "reviewed": True,
    }
    if sar.status in (RequestStatus.RECEIVED, RequestStatus.GATHERING):
        sar.status = RequestStatus.REDACTING
    _save(sar, f"Redactions reviewed: {len(set(release))} third parties released", actor)
    return sar
