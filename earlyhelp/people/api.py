"""People and families through the API, with the same rules as the pages.

- Search and match tell any practitioner who may already be recorded (names, date of birth, and
  who to call) without opening the record; restricted people appear only to those who may see them.
  Every search writes an AccessEvent.
- A record the caller has no reason to see is a 404, whether it exists or not.
- A confidential address is withheld (`{"withheld": true, "confidential": true, ...}`, no line or
  postcode) from everyone but the named roles, in every response, and a search never confirms it:
  for such a person the search scores as if no postcode were recorded.
- Adding a person is search-before-create: possible matches come back as a 409 until the caller
  says the person is new (`"confirmed_new": true`).
- Writes go through `services`; their validation errors become 422s in the standard shape.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import P, PathEx, Query, Router, Schema, Status
from pydantic import BeforeValidator, Field, StrictBool, StrictInt, StringConstraints

from earlyhelp.accounts.models import User
from earlyhelp.core.access import Action
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.models import AccessAction

from . import access, services
from .access import families, people
from .codes import Disability, Ethnicity, FamilyRole, InvolvementReason, RelationshipKind, Sex
from .matching import POSSIBLE_MATCH, PersonRecord
from .models import Address, Family, FamilyMember, Person, Relationship

people_router = Router(tags=["People"])
families_router = Router(tags=["Families"])

#: The largest id the database can hold; anything larger cannot name a record.
MAX_ID = 2**63 - 1
#: Most candidates a search, a match or a refused create returns.
CANDIDATE_LIMIT = 10

# One line of text: no control characters (PostgreSQL refuses NUL, and none belongs in a name or
# an address). NONBLANK also needs one character that is not a space. Written so the same
# pattern means the same thing to pydantic, Python and JavaScript.
_CONTROL = r"\x00-\x1f\x7f-\x9f"
_SPACE = r"\x20\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
LINE = rf"^[^{_CONTROL}]*$"
NONBLANK = rf"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE}][^{_CONTROL}]*$"


def _text(max_length: int) -> Any:
    return StringConstraints(max_length=max_length, pattern=LINE)


def _required_text(max_length: int) -> Any:
    return StringConstraints(min_length=1, max_length=max_length, pattern=NONBLANK)


Name = Annotated[str, _text(100)]
Identifier = Annotated[str, _text(20)]
# The change history keeps a reason of up to 100 characters.
Reason = Annotated[
    str,
    _required_text(100),
    Field(description="Why, in a few words. Kept in the record's change history."),
]
RecordId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
PathId = PathEx[int, P(ge=1, le=MAX_ID)]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    # Pydantic would also take a number (seconds since 1970) or a datetime string as a date; a
    # caller sending those has made a mistake we should tell them about.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("Give a date as YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _unchanged(**constraints: Any) -> Any:
    """A field a PATCH may leave out (then it is not changed) but may not send as null."""
    return Field(default=None, json_schema_extra=_drop_default, **constraints)


# --- Out --------------------------------------------------------------------------------------


class AddressOut(Schema):
    id: int
    withheld: Literal[False] = False
    confidential: bool
    is_current: bool
    line_1: str
    line_2: str
    town: str
    postcode: str
    from_date: date | None
    to_date: date | None


class WithheldAddressOut(Schema):
    """A confidential address the caller may not see: only that there is one."""

    id: int
    withheld: Literal[True] = True
    confidential: Literal[True] = True
    is_current: bool
    detail: str = Field(
        default=(
            "This address is confidential. Ask the lead practitioner or the allocated "
            "team's manager if you need it."
        )
    )


AnyAddressOut = AddressOut | WithheldAddressOut


class IdentifiersOut(Schema):
    nhs_number: str
    upn: str
    council_person_id: str
    source_id: str = Field(description="The person's id in a system they were imported from.")


class PersonFamilyOut(Schema):
    family_id: int
    family_name: str
    role: FamilyRole
    joined_on: date | None
    left_on: date | None


class PersonOut(Schema):
    id: int
    given_name: str
    family_name: str
    other_names: list[str] = Field(description="Aliases and previous names.")
    date_of_birth: date | None
    date_of_birth_estimated: bool
    expected_date_of_birth: date | None = Field(description="For an unborn child.")
    sex: Sex
    gender: str
    ethnicity: str = Field(description="A CIN census ethnicity code, or empty.")
    first_language: str
    interpreter_needed: bool
    religion: str
    disabilities: list[str] = Field(description="CIN census disability codes.")
    identifiers: IdentifiersOut
    phone: str
    email: str
    is_restricted: bool
    date_of_death: date | None
    addresses: list[AnyAddressOut] = Field(
        description="Current first. A confidential address the caller may not see is withheld."
    )
    families: list[PersonFamilyOut] = Field(description="Families the caller may see.")
    created_at: datetime
    updated_at: datetime


class KnownOut(Schema):
    """What any practitioner may learn, so that work is never started twice."""

    known: bool = Field(description="Early help is involved with the person now.")
    summary: str = Field(description='In words, e.g. "Known to early help: Asha Patel, ...".')
    lead_practitioner: str
    team: str
    phone: str


class CandidateOut(Schema):
    score: float = Field(ge=0, le=1, description="How likely this is the person described.")
    reasons: list[str] = Field(description='In plain words, e.g. "same date of birth".')
    can_open: bool = Field(description="The caller may open the full record.")
    id: int | None = Field(description="The person's id, only when `can_open` is true.")
    given_name: str
    family_name: str
    date_of_birth: date | None
    known_to_early_help: KnownOut


class CandidatesOut(Schema):
    candidates: list[CandidateOut] = Field(description="Best first.")


class PossibleDuplicatesOut(Schema):
    """Adding was refused because the person may already be recorded."""

    detail: str
    code: Literal["conflict"]
    candidates: list[CandidateOut]


class MemberPersonOut(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: date | None
    current_address: AnyAddressOut | None


class MemberOut(Schema):
    id: int
    role: FamilyRole
    joined_on: date | None
    left_on: date | None
    restricted: bool = Field(
        description="The member's record is restricted and the caller may not see it: "
        "`person` is null."
    )
    person: MemberPersonOut | None


class RelationshipOut(Schema):
    """`related_person_id` is `person_id`'s `kind`: kind "mother" means they are the mother."""

    id: int
    person_id: int
    related_person_id: int
    kind: RelationshipKind
    has_parental_responsibility: bool


class FamilyOut(Schema):
    id: int
    name: str
    created_at: datetime
    members: list[MemberOut]
    relationships: list[RelationshipOut] = Field(
        description="Between members whose records the caller may see."
    )


# --- In ---------------------------------------------------------------------------------------


class MatchIn(Schema):
    """A person as another system holds them. Give at least one of these."""

    given_name: Name = ""
    family_name: Name = ""
    date_of_birth: IsoDate | None = None
    sex: Sex | Literal[""] = ""
    postcode: Annotated[str, _text(10)] = ""
    nhs_number: Identifier = ""
    upn: Identifier = ""


class SearchQuery(Schema):
    given_name: Name = ""
    family_name: Name = ""
    date_of_birth: IsoDate | None = None
    postcode: Annotated[str, _text(10)] = ""
    nhs_number: Identifier = ""
    upn: Identifier = ""


class NewAddressIn(Schema):
    line_1: Annotated[str, _required_text(200)]
    line_2: Annotated[str, _text(200)] = ""
    town: Annotated[str, _text(100)] = ""
    postcode: Annotated[str, _required_text(10)] = Field(description="A UK postcode.")
    is_current: StrictBool = True
    is_confidential: StrictBool = Field(
        default=False,
        description="Hide the address from everyone except the named roles (for example "
        "someone fleeing domestic abuse).",
    )
    from_date: IsoDate | None = None


class AddressIn(NewAddressIn):
    reason: Reason


class PersonIn(Schema):
    given_name: Name = ""
    family_name: Annotated[str, _required_text(100)]
    other_names: list[Name] = Field(default_factory=list, max_length=20)
    date_of_birth: IsoDate | None = None
    date_of_birth_estimated: StrictBool = False
    expected_date_of_birth: IsoDate | None = None
    sex: Sex = Sex.UNKNOWN
    gender: Name = ""
    ethnicity: Ethnicity = Ethnicity.NOBT
    first_language: Name = ""
    interpreter_needed: StrictBool = False
    religion: Name = ""
    disabilities: list[Disability] = Field(default_factory=list, max_length=len(Disability))
    nhs_number: Identifier = ""
    upn: Identifier = ""
    council_person_id: Annotated[str, _text(50)] = ""
    phone: Annotated[str, _text(50)] = ""
    email: Annotated[str, _text(254)] = ""
    is_restricted: StrictBool = False
    date_of_death: IsoDate | None = None
    address: NewAddressIn | None = Field(default=None, description="The current address.")
    reason: Reason = "Added through the API"
    confirmed_new: StrictBool = Field(
        default=False,
        description="The caller has shown the possible matches (from a 409) to the user, who "
        "confirmed this is someone new.",
    )


class PersonChangesIn(Schema):
    """Only the fields sent are changed. A date may be sent as null to clear it."""

    reason: Reason
    given_name: Name = _unchanged()
    family_name: Annotated[str, _required_text(100)] = _unchanged()
    other_names: list[Name] = _unchanged(max_length=20)
    date_of_birth: IsoDate | None = _unchanged()
    date_of_birth_estimated: StrictBool = _unchanged()
    expected_date_of_birth: IsoDate | None = _unchanged()
    sex: Sex = _unchanged()
    gender: Name = _unchanged()
    ethnicity: Ethnicity = _unchanged()
    first_language: Name = _unchanged()
    interpreter_needed: StrictBool = _unchanged()
    religion: Name = _unchanged()
    disabilities: list[Disability] = _unchanged(max_length=len(Disability))
    nhs_number: Identifier = _unchanged()
    upn: Identifier = _unchanged()
    council_person_id: Annotated[str, _text(50)] = _unchanged()
    phone: Annotated[str, _text(50)] = _unchanged()
    email: Annotated[str, _text(254)] = _unchanged()
    is_restricted: StrictBool = _unchanged()
    date_of_death: IsoDate | None = _unchanged()


class FamilyIn(Schema):
    name: Annotated[str, _required_text(200)] = Field(description='For example "Smith family".')
    reason: Reason = "Added through the API"


class MemberIn(Schema):
    person_id: RecordId = Field(description="Someone whose record the caller may see.")
    role: FamilyRole
    joined_on: IsoDate | None = None
    reason: Reason = "Added to the family through the API"


class RelationshipIn(Schema):
    person_id: RecordId
    related_person_id: RecordId = Field(description="`person_id`'s `kind`.")
    kind: RelationshipKind
    has_parental_responsibility: StrictBool = False
    reason: Reason = "Relationship recorded through the API"


# --- Helpers ----------------------------------------------------------------------------------


def _caller(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _address_out(address: Address) -> AddressOut | WithheldAddressOut:
    # `addresses_for` replaces an address the caller may not see with a stand-in that has no line
    # and no postcode (both required on a real address); nothing of it is sent but that it exists.
    if address.is_confidential and not (address.line_1 and address.postcode):
        return WithheldAddressOut(id=address.pk, is_current=address.is_current)
    return AddressOut(
        id=address.pk,
        confidential=address.is_confidential,
        is_current=address.is_current,
        line_1=address.line_1,
        line_2=address.line_2,
        town=address.town,
        postcode=address.postcode,
        from_date=address.from_date,
        to_date=address.to_date,
    )


def _person_out(user: User, person: Person) -> PersonOut:
    memberships = (
        FamilyMember.objects.filter(person=person, family__in=families.visible_to(user))
        .select_related("family")
        .order_by("left_on", "-joined_on", "pk")
    )
    return PersonOut(
        id=person.pk,
        given_name=person.given_name,
        family_name=person.family_name,
        other_names=[line.strip() for line in person.other_names.splitlines() if line.strip()],
        date_of_birth=person.date_of_birth,
        date_of_birth_estimated=person.date_of_birth_estimated,
        expected_date_of_birth=person.expected_date_of_birth,
        sex=Sex(person.sex),
        gender=person.gender,
        ethnicity=person.ethnicity,
        first_language=person.first_language,
        interpreter_needed=person.interpreter_needed,
        religion=person.religion,
        disabilities=list(person.disabilities),
        identifiers=IdentifiersOut(
            nhs_number=person.nhs_number,
            upn=person.upn,
            council_person_id=person.council_person_id,
            source_id=person.source_id,
        ),
        phone=person.phone,
        email=person.email,
        is_restricted=person.is_restricted,
        date_of_death=person.date_of_death,
        addresses=[_address_out(a) for a in access.addresses_for(user, person)],
        families=[
            PersonFamilyOut(
                family_id=m.family_id,
                family_name=m.family.name,
                role=FamilyRole(m.role),
                joined_on=m.joined_on,
                left_on=m.left_on,
            )
            for m in memberships
        ],
        created_at=person.created_at,
        updated_at=person.updated_at,
    )


def _read_person(request: HttpRequest, person: Person) -> PersonOut:
    """The person as the caller may see them; sending it is a read, so it is audited."""
    out = _person_out(_caller(request), person)
    record_object_access(request, person, AccessAction.API_READ)
    return out


def _family_out(user: User, family: Family) -> FamilyOut:
    members = list(family.members.select_related("person").order_by("left_on", "joined_on", "pk"))
    visible = set(
        people.visible_to(user)
        .filter(pk__in=[m.person_id for m in members])
        .values_list("pk", flat=True)
    )
    out_members = []
    for member in members:
        person = member.person if member.person_id in visible else None
        current = None
        if person is not None:
            current = next((a for a in access.addresses_for(user, person) if a.is_current), None)
        out_members.append(
            MemberOut(
                id=member.pk,
                role=FamilyRole(member.role),
                joined_on=member.joined_on,
                left_on=member.left_on,
                restricted=person is None,
                person=None
                if person is None
                else MemberPersonOut(
                    id=person.pk,
                    given_name=person.given_name,
                    family_name=person.family_name,
                    date_of_birth=person.date_of_birth,
                    current_address=_address_out(current) if current else None,
                ),
            )
        )
    relationships = Relationship.objects.filter(
        person_id__in=visible, related_person_id__in=visible
    ).order_by("person_id", "pk")
    return FamilyOut(
        id=family.pk,
        name=family.name,
        created_at=family.created_at,
        members=out_members,
        relationships=[
            RelationshipOut(
                id=r.pk,
                person_id=r.person_id,
                related_person_id=r.related_person_id,
                kind=RelationshipKind(r.kind),
                has_parental_responsibility=r.has_parental_responsibility,
            )
            for r in relationships
        ],
    )


def _read_family(request: HttpRequest, family: Family) -> FamilyOut:
    out = _family_out(_caller(request), family)
    record_object_access(request, family, AccessAction.API_READ)
    return out


def _criteria(record: PersonRecord) -> list[tuple[str, str]]:
    values = [
        ("given_name", record.given_name),
        ("family_name", record.family_name),
        ("date_of_birth", record.date_of_birth.isoformat() if record.date_of_birth else ""),
        ("sex", record.sex),
        ("postcode", record.postcode),
        ("nhs_number", record.nhs_number),
        ("upn", record.upn),
    ]
    return [(name, value) for name, value in values if value]


def _require_criteria(record: PersonRecord) -> None:
    if not [name for name, _ in _criteria(record) if name != "sex"]:
        raise ValidationError(
            "Give at least one of: given name, family name, date of birth, postcode, "
            "NHS number or UPN."
        )


def _search(request: HttpRequest, record: PersonRecord, purpose: str) -> list[CandidateOut]:
    """Candidates from everyone the caller may learn about, as the caller may see them. Writes
    the search's AccessEvent (what was searched for and how many came back)."""
    user = _caller(request)
    found = access.search_people(user, record, limit=CANDIDATE_LIMIT)
    ids = [person.pk for person, _ in found]
    openable = set(people.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    known = access.known_summaries(ids)
    criteria = ", ".join(f"{name}={value}" for name, value in _criteria(record))
    record_access(
        request,
        AccessAction.SEARCH,
        object_type="person_search",
        description=f"{purpose}: {criteria} ({len(ids)} found)",
    )
    return [
        CandidateOut(
            score=match.score,
            reasons=list(match.reasons),
            can_open=person.pk in openable,
            id=person.pk if person.pk in openable else None,
            given_name=person.given_name,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            known_to_early_help=KnownOut(
                known=known[person.pk].known,
                summary=str(known[person.pk]),
                lead_practitioner=known[person.pk].lead_practitioner,
                team=known[person.pk].team,
                phone=known[person.pk].phone,
            ),
        )
        for person, match in found
    ]


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    """Errors about a nested object, named as the caller sent them ("address.postcode")."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                prefix if field == "__all__" else f"{prefix}.{field}": messages
                for field, messages in error.message_dict.items()
            }
        )
    return ValidationError({prefix: error.messages})


def _changeable_person(user: User, person_id: int) -> Person:
    person = people.get_or_404(user, pk=person_id)
    people.require(user, Action.CHANGE, person)
    return person


def _changeable_family(user: User, family_id: int) -> Family:
    family = families.get_or_404(user, pk=family_id)
    families.require(user, Action.CHANGE, family)
    return family


def _require_recorder(user: User) -> None:
    if not access.can_record_people(user):
        raise PermissionDenied(
            "Only practitioners, front door screeners, team managers and designated "
            "safeguarding leads can add people and families."
        )


# --- People -----------------------------------------------------------------------------------


@people_router.get(
    "/search",
    response=CandidatesOut,
    summary="Find people already recorded",
    description="Candidates ranked by score with plain reasons. Give at least one criterion. "
    "A candidate the caller may not open shows only names, date of birth and who to contact. "
    "Every search is written to the access log.",
)
def search_people(request: HttpRequest, filters: Query[SearchQuery]) -> CandidatesOut:
    record = PersonRecord(
        given_name=filters.given_name.strip(),
        family_name=filters.family_name.strip(),
        date_of_birth=filters.date_of_birth,
        postcode=filters.postcode.strip(),
        nhs_number=filters.nhs_number.strip(),
        upn=filters.upn.strip(),
    )
    _require_criteria(record)
    return CandidatesOut(candidates=_search(request, record, "API search"))


@people_router.post(
    "/match",
    response=CandidatesOut,
    summary="Who may this person be?",
    description="For systems checking before they add someone: the people already recorded "
    "who may be the person sent, in the same shape as search. Nothing is written but the "
    "access log.",
)
def match_person(request: HttpRequest, payload: MatchIn) -> CandidatesOut:
    record = PersonRecord(
        given_name=payload.given_name.strip(),
        family_name=payload.family_name.strip(),
        date_of_birth=payload.date_of_birth,
        sex=payload.sex,
        postcode=payload.postcode.strip(),
        nhs_number=payload.nhs_number.strip(),
        upn=payload.upn.strip(),
    )
    _require_criteria(record)
    return CandidatesOut(candidates=_search(request, record, "API match"))


@people_router.get("/{person_id}", response=PersonOut, summary="A person's record")
def get_person(request: HttpRequest, person_id: PathId) -> PersonOut:
    person = people.get_or_404(_caller(request), pk=person_id)
    return _read_person(request, person)


@people_router.post(
    "",
    response={201: PersonOut, 409: PossibleDuplicatesOut},
    summary="Add a person",
    description="Searches first. If anyone already recorded may be this person, nothing is "
    "added and the answer is a 409 listing them: show them to the user, and send again with "
    '`"confirmed_new": true` only if the person is new. The caller can then see the record.',
)
def create_person(
    request: HttpRequest, payload: PersonIn
) -> Status[PersonOut] | Status[PossibleDuplicatesOut]:
    user = _caller(request)
    _require_recorder(user)
    fields = payload.model_dump(exclude={"address", "reason", "confirmed_new"})
    fields["given_name"] = fields["given_name"].strip()
    fields["family_name"] = fields["family_name"].strip()
    fields["other_names"] = "\n".join(n.strip() for n in fields["other_names"] if n.strip())
    fields["disabilities"] = list(dict.fromkeys(fields["disabilities"]))
    if not payload.confirmed_new:
        record = PersonRecord(
            given_name=fields["given_name"],
            family_name=fields["family_name"],
            other_names=tuple(fields["other_names"].splitlines()),
            date_of_birth=payload.date_of_birth,
            sex=payload.sex if payload.sex != Sex.UNKNOWN else "",
            postcode=payload.address.postcode.strip() if payload.address else "",
            nhs_number=payload.nhs_number.strip(),
            upn=payload.upn.strip(),
            council_person_id=payload.council_person_id.strip(),
        )
        before = f"API before adding {fields['given_name']} {fields['family_name']}".strip()
        candidates = [c for c in _search(request, record, before) if c.score >= POSSIBLE_MATCH]
        if candidates:
            return Status(
                409,
                PossibleDuplicatesOut(
                    code="conflict",
                    detail="This person may already be recorded. Check the candidates; if the "
                    'person is new, send the request again with "confirmed_new": true.',
                    candidates=candidates,
                ),
            )
    with transaction.atomic():
        person = services.create_person(actor=user, reason=payload.reason.strip(), **fields)
        if payload.address:
            try:
                services.add_address(
                    actor=user,
                    person=person,
                    reason="Address given when the person was added",
                    **_address_fields(payload.address),
                )
            except ValidationError as error:
                raise _prefixed(error, "address") from error
        services.start_involvement(
            actor=user, reason=InvolvementReason.RECORDED_BY, person=person, user=user
        )
    return Status(201, _read_person(request, person))


def _address_fields(address: NewAddressIn) -> dict[str, Any]:
    return {
        "line_1": address.line_1.strip(),
        "line_2": address.line_2.strip(),
        "town": address.town.strip(),
        "postcode": address.postcode.strip(),
        "is_current": address.is_current,
        "is_confidential": address.is_confidential,
        "from_date": address.from_date,
    }


@people_router.patch(
    "/{person_id}",
    response=PersonOut,
    summary="Change a person's details",
    description="Only the fields sent change; `reason` is kept in the change history.",
)
def change_person(request: HttpRequest, person_id: PathId, payload: PersonChangesIn) -> PersonOut:
    user = _caller(request)
    person = _changeable_person(user, person_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"reason"})
    for name in ("given_name", "family_name", "nhs_number", "upn", "council_person_id"):
        if name in changes:
            changes[name] = changes[name].strip()
    if "other_names" in changes:
        changes["other_names"] = "\n".join(n.strip() for n in changes["other_names"] if n.strip())
    if "disabilities" in changes:
        changes["disabilities"] = list(dict.fromkeys(changes["disabilities"]))
    if changes:
        services.update_person(actor=user, person=person, reason=payload.reason.strip(), **changes)
    # The caller may have just restricted the record beyond their own reach.
    person = people.get_or_404(user, pk=person.pk)
    return _read_person(request, person)


@people_router.post(
    "/{person_id}/addresses",
    response={201: AnyAddressOut},
    summary="Add an address",
    description="A new current address ends the previous one.",
)
def add_address(
    request: HttpRequest, person_id: PathId, payload: AddressIn
) -> Status[AddressOut | WithheldAddressOut]:
    user = _caller(request)
    person = _changeable_person(user, person_id)
    address = services.add_address(
        actor=user, person=person, reason=payload.reason.strip(), **_address_fields(payload)
    )
    shown = next(a for a in access.addresses_for(user, person) if a.pk == address.pk)
    return Status(201, _address_out(shown))


# --- Families ---------------------------------------------------------------------------------


@families_router.post(
    "",
    response={201: FamilyOut},
    summary="Add a family",
    description="The caller can then see the family and add its members.",
)
def create_family(request: HttpRequest, payload: FamilyIn) -> Status[FamilyOut]:
    user = _caller(request)
    _require_recorder(user)
    with transaction.atomic():
        family = services.create_family(
            actor=user, name=payload.name.strip(), reason=payload.reason.strip()
        )
        services.start_involvement(
            actor=user, reason=InvolvementReason.RECORDED_BY, family=family, user=user
        )
    return Status(201, _read_family(request, family))


@families_router.get(
    "/{family_id}",
    response=FamilyOut,
    summary="A family: its members over time and how they relate",
)
def get_family(request: HttpRequest, family_id: PathId) -> FamilyOut:
    family = families.get_or_404(_caller(request), pk=family_id)
    return _read_family(request, family)


def _visible_person(user: User, person_id: int, field: str) -> Person:
    person = people.visible_to(user).filter(pk=person_id).first()
    if person is None:
        raise ValidationError({field: "No such person, or you do not have a reason to see them."})
    return person


@families_router.post(
    "/{family_id}/members",
    response={201: FamilyOut},
    summary="Add someone to a family",
    description="The person must be someone whose record the caller may see.",
)
def add_member(request: HttpRequest, family_id: PathId, payload: MemberIn) -> Status[FamilyOut]:
    user = _caller(request)
    family = _changeable_family(user, family_id)
    person = _visible_person(user, payload.person_id, "person_id")
    if family.members.filter(person=person, left_on__isnull=True).exists():
        raise ValidationError({"person_id": "This person is already a member of the family."})
    services.add_family_member(
        actor=user,
        family=family,
        person=person,
        role=payload.role,
        joined_on=payload.joined_on,
        reason=payload.reason.strip(),
    )
    return Status(201, _read_family(request, family))


@families_router.post(
    "/{family_id}/relationships",
    response={201: RelationshipOut},
    summary="Record how two members of a family are related",
)
def add_relationship(
    request: HttpRequest, family_id: PathId, payload: RelationshipIn
) -> Status[RelationshipOut]:
    user = _caller(request)
    family = _changeable_family(user, family_id)
    member_ids = set(family.members.values_list("person_id", flat=True))
    chosen = {}
    for field in ("person_id", "related_person_id"):
        person_id = getattr(payload, field)
        if person_id not in member_ids:
            raise ValidationError({field: "Choose someone who is a member of this family."})
        chosen[field] = _visible_person(user, person_id, field)
    if payload.person_id == payload.related_person_id:
        raise ValidationError({"related_person_id": "Choose two different people."})
    relationship = services.add_relationship(
        actor=user,
        person=chosen["person_id"],
        related_person=chosen["related_person_id"],
        kind=payload.kind,
        has_parental_responsibility=payload.has_parental_responsibility,
        reason=payload.reason.strip(),
    )
    return Status(
        201,
        RelationshipOut(
            id=relationship.pk,
            person_id=relationship.person_id,
            related_person_id=relationship.related_person_id,
            kind=RelationshipKind(relationship.kind),
            has_parental_responsibility=relationship.has_parental_responsibility,
        ),
    )
