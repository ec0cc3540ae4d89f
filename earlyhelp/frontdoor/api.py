"""Requests for support through the API, so a partner system (a school's safeguarding log, a
health record) can send one without anyone typing it again.

- Sending goes through the same write path as the online form (`submission`): the same draft,
  the same people rules (a person given by id must be one the caller may open; anyone else is
  named, and the front door matches them), the same answers required, with the same messages
  (422). Only those who may start a request on the form (practitioners, front-door screeners,
  team managers, designated safeguarding leads) may send one (403 for anyone else).
- Every request carries an idempotency key: the `Idempotency-Key` header (or, for a system
  that cannot set headers, the body field `idempotency_key`; when both are sent they must be
  the same). The key is the caller's own: the same key from the same caller never makes a
  second contact, even when two copies arrive at once (the database's unique index decides).
  Sending the same request again answers 200 with the request as it stands now (the first
  answer was 201). Sending a *different* request with a key already used answers 409 and
  names the request the key belongs to; nothing is changed. A request refused with 422 keeps
  nothing, so its key may be used again.
- Reading: a caller sees their own requests (status, and the outcome once decided, never the
  screening); the front door and auditors may read any sent request. Anything else is a 404.
  Every read is written to the access log.
"""

import hashlib
import json
from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Header, P, PathEx, Query, Router, Schema, Status
from pydantic import ConfigDict, Field, StringConstraints

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.models import AccessAction
from earlyhelp.people import access as people_access
from earlyhelp.people.api import IsoDate, Name, RecordId
from earlyhelp.people.models import Person

from . import submission
from .access import contacts
from .codes import (
    ContactMethod,
    ContactSource,
    ContactStatus,
    FamilyConsent,
    Outcome,
    Urgency,
    Worry,
)
from .models import Contact, ContactDecision, ContactSubject
from .services import outcome_message

router = Router(tags=["Requests for support"])

#: The most requests one page of the list returns.
PAGE_LIMIT = 100
#: Where a request's fingerprint is kept (in `Contact.draft`), to tell a retry from a new request.
FINGERPRINT = "api_fingerprint"

IdempotencyKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$"),
    Field(
        description="Your own unique id for this request (printable ASCII without spaces, up to "
        "100 characters), for example your system's record id or a UUID. Send the same key "
        "when you retry."
    ),
]
Reference = PathEx[str, P(pattern=r"^[A-Z0-9-]{1,20}$")]
# No control characters but line breaks and tabs (PostgreSQL refuses NUL).
_LONG_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
LongText = Annotated[str, StringConstraints(max_length=5000, pattern=_LONG_TEXT)]


# --- In -----------------------------------------------------------------------------------------


class KnownPersonIn(Schema):
    """Someone whose record the caller may open (found with `GET /api/people/search`)."""

    model_config = ConfigDict(extra="forbid")

    person_id: RecordId


class NamedPersonIn(Schema):
    """Someone named without a record (or whose record the caller may not open): the front door
    matches them to a record."""

    model_config = ConfigDict(extra="forbid")

    given_name: Name = ""
    family_name: Name = ""
    date_of_birth: IsoDate | None = None


PersonRef = KnownPersonIn | NamedPersonIn


class RequestIn(Schema):
    children: list[PersonRef] = Field(
        default_factory=list, max_length=20, description="At least one child."
    )
    adults: list[PersonRef] = Field(
        default_factory=list, max_length=20, description="Parents, carers and other adults."
    )
    worries: list[Worry] = Field(
        default_factory=list,
        max_length=40,
        description="Children in Need assessment factor codes. Give these, a description, or both.",
    )
    worries_detail: LongText = ""
    already_tried: LongText = Field(
        default="", description="What has been tried already (or that nothing has)."
    )
    family_consent: FamilyConsent | None = Field(
        default=None,
        description="Does the family know about the request and agree? `no` is refused unless it "
        "is a safeguarding concern (`no_safeguarding`).",
    )
    consent_detail: LongText = ""
    urgency: Urgency | None = None
    source: ContactSource | None = Field(
        default=None,
        description="Contact source code (Children in Need census). Left out: from the caller's "
        "organisation (a school 2A, a health visiting team 3B, the police 6...).",
    )
    idempotency_key: IdempotencyKey | None = Field(
        default=None,
        description="Only for systems that cannot send the `Idempotency-Key` header.",
    )


class ListQuery(Schema):
    limit: int = Field(default=50, ge=1, le=PAGE_LIMIT)
    offset: int = Field(default=0, ge=0, le=1_000_000)


# --- Out ----------------------------------------------------------------------------------------


class OutcomeOut(Schema):
    code: Outcome
    label: str
    message: str = Field(description="What the referrer is told, in plain English.")
    signposted_to: str
    decided_at: datetime


class RequestOut(Schema):
    reference: str
    status: ContactStatus
    status_label: str
    method: ContactMethod
    source: str
    received_at: datetime | None
    urgency: str
    worries: list[str]
    children: int = Field(description="How many children the request is about.")
    adults: int
    idempotency_key: str
    outcome: OutcomeOut | None = Field(description="Once the decision is final; never before.")


class RequestsOut(Schema):
    count: int
    requests: list[RequestOut]


class KeyConflictOut(Schema):
    detail: str
    code: Literal["conflict"]
    reference: str = Field(description="The request this key was first used for.")


# --- Helpers ------------------------------------------------------------------------------------


def _caller(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _sent(queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    return queryset.exclude(status=ContactStatus.DRAFT)


def _own(user: User) -> QuerySet[Contact]:
    return _sent(contacts.visible_to(user).filter(Q(referrer=user) | Q(created_by=user)))


def _with_counts(queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    return queryset.select_related("decision")


def _outcome(contact: Contact) -> OutcomeOut | None:
    if contact.status != ContactStatus.DECIDED:
        return None
    try:
        decision: ContactDecision = contact.decision
    except ContactDecision.DoesNotExist:
        return None
    return OutcomeOut(
        code=Outcome(decision.outcome),
        label=decision.get_outcome_display(),
        message=outcome_message(contact, decision),
        signposted_to=decision.signposted_to,
        decided_at=decision.approved_at or decision.decided_at,
    )


def _out(contact: Contact, children: int, adults: int) -> RequestOut:
    return RequestOut(
        reference=contact.reference,
        status=ContactStatus(contact.status),
        status_label=contact.get_status_display(),
        method=ContactMethod(contact.method),
        source=contact.source,
        received_at=contact.received_at,
        urgency=contact.urgency,
        worries=list(contact.worries),
        children=children,
        adults=adults,
        idempotency_key=contact.idempotency_key,
        outcome=_outcome(contact),
    )


def _counts(contact_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(children, adults) per contact: matched subjects plus those named without a record."""
    counts = {pk: [0, 0] for pk in contact_ids}
    for contact_id, is_child in ContactSubject.objects.filter(
        contact_id__in=contact_ids
    ).values_list("contact_id", "is_child"):
        counts[contact_id][0 if is_child else 1] += 1
    return {pk: (c, a) for pk, (c, a) in counts.items()}


def _out_many(contact_list: list[Contact]) -> list[RequestOut]:
    counts = _counts([c.pk for c in contact_list])
    result = []
    for contact in contact_list:
        children, adults = counts[contact.pk]
        for entry in submission.unmatched(contact):
            if entry.get("is_child", True):
                children += 1
            else:
                adults += 1
        result.append(_out(contact, children, adults))
    return result


def _read(request: HttpRequest, contact: Contact) -> RequestOut:
    """The request as its referrer may see it; sending it is a read, so it is audited."""
    out = _out_many([contact])[0]
    record_object_access(request, contact, AccessAction.API_READ)
    return out


def _fingerprint(payload: RequestIn) -> str:
    body = payload.model_dump(mode="json", exclude={"idempotency_key"})
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _the_key(header: str | None, body: str | None) -> str:
    if header and body and header != body:
        raise ValidationError(
            {"idempotency_key": "The Idempotency-Key header and idempotency_key differ: send one"}
        )
    key = header or body
    if not key:
        raise ValidationError(
            {
                "Idempotency-Key": "Send an Idempotency-Key header (your own unique id for this "
                "request), so a retry cannot make a second request"
            }
        )
    return key


def _earlier(user: User, key: str) -> Contact | None:
    return (
        Contact.objects.filter(referrer=user, idempotency_key=key)
        .select_related("decision")
        .first()
    )


def _replay(
    request: HttpRequest, earlier: Contact, fingerprint: str
) -> Status[RequestOut] | Status[KeyConflictOut]:
    if (earlier.draft or {}).get(FINGERPRINT) != fingerprint:
        return Status(
            409,
            KeyConflictOut(
                detail=f"This idempotency key was already used for request {earlier.reference}, "
                "with different answers. Nothing was changed. Use a new key for a new request.",
                code="conflict",
                reference=earlier.reference,
            ),
        )
    return Status(200, _read(request, earlier))


# Errors from `submission.missing_answers` are named after the form's question pages; here
# they are named after the fields that answer them.
_FIELD_FOR_STEP = {
    "children": "children",
    "worries": "worries",
    "tried": "already_tried",
    "consent": "family_consent",
    "urgency": "urgency",
}


def _named_for_fields(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {
            _FIELD_FOR_STEP.get(field, field): messages
            for field, messages in error.message_dict.items()
        }
    )


def _add_people(user: User, contact: Contact, field: str, refs: list[Any], is_child: bool) -> None:
    for index, ref in enumerate(refs):
        where = f"{field}.{index}"
        if isinstance(ref, KnownPersonIn):
            person = Person.objects.filter(pk=ref.person_id).first()
            if (
                person is None
                or not people_access.people.visible_to(user).filter(pk=person.pk).exists()
            ):
                raise ValidationError(
                    {
                        f"{where}.person_id": "No such person, or you cannot open their record: "
                        "name them instead (given_name, family_name, date_of_birth)"
                    }
                )
            submission.add_subject(actor=user, contact=contact, person=person, is_child=is_child)
        else:
            try:
                submission.add_unmatched(
                    actor=user,
                    contact=contact,
                    given_name=ref.given_name,
                    family_name=ref.family_name,
                    date_of_birth=ref.date_of_birth,
                    is_child=is_child,
                )
            except ValidationError as error:
                raise ValidationError({where: error.messages}) from error


@transaction.atomic
def _create(user: User, payload: RequestIn, key: str, fingerprint: str) -> Contact:
    contact = submission.start_draft(actor=user, method=ContactMethod.ONLINE)
    contact.method = ContactMethod.API
    contact.idempotency_key = key
    fields: dict[str, Any] = {
        "worries": [str(code) for code in payload.worries],
        "worries_detail": payload.worries_detail.strip(),
        "already_tried": payload.already_tried.strip(),
        "family_consent": payload.family_consent or "",
        "consent_detail": payload.consent_detail.strip(),
        "urgency": payload.urgency or "",
    }
    if payload.source:
        fields["source"] = payload.source
    contact = submission.save_draft(
        actor=user, contact=contact, draft={FINGERPRINT: fingerprint}, **fields
    )
    _add_people(user, contact, "children", payload.children, True)
    _add_people(user, contact, "adults", payload.adults, False)
    try:
        return submission.submit_contact(actor=user, contact=contact)
    except ValidationError as error:
        raise _named_for_fields(error) from error


# --- Operations ---------------------------------------------------------------------------------


@router.post(
    "",
    response={201: RequestOut, 200: RequestOut, 409: KeyConflictOut},
    summary="Send a request for support",
    description="The same answers are needed as on the online form. Send an `Idempotency-Key` "
    "header: the same request sent again with the same key answers 200 with the request already "
    "made (never a second one); a different request with a key already used answers 409.",
)
def send_request(
    request: HttpRequest,
    payload: RequestIn,
    # Typed as a string (never null) for the documentation; left out, it is None.
    idempotency_key: IdempotencyKey = Header(default=None, alias="Idempotency-Key"),  # noqa: B008
) -> Status[RequestOut] | Status[KeyConflictOut]:
    user = _caller(request)
    if not people_access.can_record_people(user):
        raise PermissionDenied(
            "Only practitioners, front door screeners, team managers and designated "
            "safeguarding leads can send requests for support."
        )
    key = _the_key(idempotency_key, payload.idempotency_key)
    fingerprint = _fingerprint(payload)
    earlier = _earlier(user, key)
    if earlier is not None:
        return _replay(request, earlier, fingerprint)
    try:
        contact = _create(user, payload, key, fingerprint)
    except (IntegrityError, ValidationError):
        # Another copy with the same key got there first (the unique index refused this one,
        # or the model's check of it did): answer as a retry. Otherwise it was invalid.
        earlier = _earlier(user, key)
        if earlier is None:
            raise
        return _replay(request, earlier, fingerprint)
    return Status(201, _read(request, contact))


@router.get(
    "",
    response=RequestsOut,
    summary="Your requests for support",
    description="Requests you sent (or recorded), newest first, with their status and the "
    "outcome once decided. Drafts on the online form are not listed.",
)
def list_requests(request: HttpRequest, page: Query[ListQuery]) -> RequestsOut:
    user = _caller(request)
    own = _own(user)
    count = own.count()
    found = list(
        _with_counts(own).order_by("-received_at", "-pk")[page.offset : page.offset + page.limit]
    )
    record_access(
        request,
        AccessAction.API_READ,
        object_type="contact_list",
        description=f"Own requests for support ({len(found)} of {count})",
    )
    return RequestsOut(count=count, requests=_out_many(found))


@router.get(
    "/{reference}",
    response=RequestOut,
    summary="A request for support: its status, and the outcome once decided",
    description="Your own requests; the front door and auditors may read any sent request.",
)
def get_request(request: HttpRequest, reference: Reference) -> RequestOut:
    user = _caller(request)
    visible = _sent(contacts.visible_to(user))
    contact = _with_counts(visible).filter(reference=reference).first()
    if contact is None:
        raise Http404
    return _read(request, contact)
