"""The write path for requests for support before screening: drafts, the people a request is
about, attachments, and submitting a request into the front-door queue.

Three ways in, one queue: a practitioner's online request (saved as a draft at every step), a
contact a screener records from a phone call or an email, and a family's own request made on the
public form without an account. Everything here is atomic and writes a reason into the change
history. Screening, RAG and decisions are in services.py.

What a draft holds that has no column yet lives in `contact.draft`:
- "unmatched": children (or adults) named without a person record, each
  {"given_name", "family_name", "date_of_birth": "YYYY-MM-DD" or "", "is_child"};
- "referrer_agency": the caller's agency, typed by a screener;
- for a family's own request: "contact_preference", "safe_to_contact", "safe_contact_detail",
  "postcode".
"""

import secrets
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from earlyhelp.accounts.models import Membership, Organisation, Team, User
from earlyhelp.accounts.roles import OrganisationKind
from earlyhelp.people import access as people_access
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import InvolvementReason
from earlyhelp.people.models import FamilyMember, Person

from .codes import ContactMethod, ContactSource, ContactStatus, FamilyConsent, Worry
from .models import Attachment, Contact, ContactSubject
from .services import set_decision_target

#: The largest attachment accepted, in bytes (settings.EARLYHELP_ATTACHMENT_MAX_BYTES).
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

#: Fields of a contact a draft may change (the rest are set by submitting and screening).
DRAFT_FIELDS = frozenset(
    {
        "source",
        "referrer_name",
        "referrer_email",
        "referrer_phone",
        "referrer_relationship",
        "worries",
        "worries_detail",
        "already_tried",
        "family_consent",
        "consent_detail",
        "urgency",
    }
)

#: The contact source a practitioner's request gets by default, from their organisation's kind.
SOURCE_BY_ORGANISATION_KIND = {
    OrganisationKind.SCHOOL: ContactSource.SCHOOLS,
    OrganisationKind.HEALTH: ContactSource.OTHER_HEALTH,
    OrganisationKind.POLICE: ContactSource.POLICE,
    OrganisationKind.HOUSING: ContactSource.HOUSING,
    OrganisationKind.COUNCIL: ContactSource.LA_EARLY_HELP,
    OrganisationKind.VOLUNTARY: ContactSource.OTHER,
    OrganisationKind.OTHER: ContactSource.OTHER,
}
#: Health teams whose own code is more exact than "other health".
_HEALTH_TEAM_SOURCES = (
    (" health visit", ContactSource.HEALTH_VISITOR),
    (" school nurs", ContactSource.SCHOOL_NURSE),
    (" gp ", ContactSource.GP),
    (" a&e ", ContactSource.A_AND_E),
    (" emergency ", ContactSource.A_AND_E),
)


def _reason(obj: Any, reason: str) -> None:
    obj._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"


def _save(obj: Any, reason: str) -> None:
    obj.full_clean(exclude=["reference"] if isinstance(obj, Contact) else None)
    _reason(obj, reason)
    obj.save()


def _require_draft(actor: User | None, contact: Contact) -> None:
    if contact.status != ContactStatus.DRAFT:
        raise ValidationError("This request has been sent, so it can no longer be changed")
    if actor is not None and actor.pk not in (contact.referrer_id, contact.created_by_id):
        raise ValidationError("Only the person who started this request can change it")


# --- The referrer ---------------------------------------------------------------------------


def referrer_membership(user: User) -> Membership | None:
    """The membership a request is made from: a recording role if there is one."""
    memberships = Membership.objects.filter(Membership.current_q(), user=user).select_related(
        "organisation", "team"
    )
    recording = memberships.filter(role__in=people_access.RECORDING_ROLES).order_by("pk").first()
    return recording or memberships.order_by("pk").first()


def default_source(user: User) -> str:
    """The contact source code for a request from `user`, from their organisation's kind (a
    health visitor's team gives 3B, a school nursing team 3C...). The referrer may change it."""
    membership = referrer_membership(user)
    if membership is None:
        return ContactSource.UNKNOWN
    kind = membership.organisation.kind
    if kind == OrganisationKind.HEALTH:
        team = membership.team.name if membership.team else ""
        names = f" {team} {membership.organisation.name} ".lower()
        for words, code in _HEALTH_TEAM_SOURCES:
            if words in names:
                return code
    return SOURCE_BY_ORGANISATION_KIND.get(OrganisationKind(kind), ContactSource.OTHER)


def front_door_team() -> Team | None:
    """The council's front-door team (MASH, "Starting Point") that screens every request."""
    return (
        Team.objects.filter(
            is_front_door=True, is_active=True, organisation__kind=OrganisationKind.COUNCIL
        )
        .order_by("pk")
        .first()
    )


# --- Drafts ---------------------------------------------------------------------------------


def _draft_reference() -> str:
    # A draft needs a unique reference too; the real one is given when it is submitted.
    return f"DRAFT-{secrets.token_hex(6).upper()}"


@transaction.atomic
def start_draft(*, actor: User, method: str = ContactMethod.ONLINE) -> Contact:
    """A new, empty request for support by `actor`. An online request is the actor's own (they
    are the referrer); a phone or email contact is recorded by them for someone else."""
    if method not in (ContactMethod.ONLINE, ContactMethod.PHONE, ContactMethod.EMAIL):
        raise ValidationError("Choose how the request was made")
    contact = Contact(
        reference=_draft_reference(),
        status=ContactStatus.DRAFT,
        method=method,
        created_by=actor,
        draft={"unmatched": []},
    )
    if method == ContactMethod.ONLINE:
        membership = referrer_membership(actor)
        contact.referrer = actor
        contact.referrer_organisation = membership.organisation if membership else None
        contact.referrer_name = actor.full_name
        contact.referrer_email = actor.email
        contact.referrer_phone = actor.phone
        contact.source = default_source(actor)
    _save(contact, "Request for support started")
    return contact


@transaction.atomic
def save_draft(*, actor: User, contact: Contact, **fields: Any) -> Contact:
    """Save what has been answered so far. `draft` (a dict) is merged into `contact.draft`."""
    _require_draft(actor, contact)
    extra = fields.pop("draft", None)
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise ValueError(f"Not a draft field: {sorted(unknown)}")
    if "worries" in fields:
        fields["worries"] = _worries(fields["worries"])
    for name, value in fields.items():
        setattr(contact, name, value)
    if extra:
        contact.draft = {**contact.draft, **extra}
    _save(contact, "Draft saved")
    return contact


def _worries(codes: Any) -> list[str]:
    values = [str(code) for code in codes or []]
    wrong = [code for code in values if code not in Worry.values]
    if wrong:
        raise ValidationError({"worries": f"Not a worry on the list: {', '.join(wrong)}"})
    return sorted(set(values), key=Worry.values.index)


@transaction.atomic
def add_subject(*, actor: User, contact: Contact, person: Person, is_child: bool) -> ContactSubject:
    """Name a person the request is about. The actor must be able to open their record: anyone
    else is named with `add_unmatched`, and the front door matches them."""
    _require_draft(actor, contact)
    if not people_access.people.visible_to(actor).filter(pk=person.pk).exists():
        raise ValidationError("You cannot open this person's record, so name them instead")
    existing = contact.subjects.filter(person=person).first()
    if existing is not None:
        if existing.is_child != is_child:
            existing.is_child = is_child
            _save(existing, "Changed between child and adult")
        return existing
    subject = ContactSubject(contact=contact, person=person, is_child=is_child)
    _save(subject, "Added to the request for support")
    return subject


@transaction.atomic
def remove_subject(*, actor: User, contact: Contact, subject: ContactSubject) -> None:
    _require_draft(actor, contact)
    if subject.contact_id != contact.pk:
        raise ValidationError("That person is not on this request")
    _reason(subject, "Removed from the request for support")
    subject.delete()


def _unmatched_entry(
    given_name: str, family_name: str, date_of_birth: date | str | None, is_child: bool
) -> dict[str, Any]:
    given_name, family_name = given_name.strip(), family_name.strip()
    if not given_name and not family_name:
        raise ValidationError("Enter the person's first name or last name")
    if isinstance(date_of_birth, date):
        date_of_birth = date_of_birth.isoformat()
    elif date_of_birth:
        try:
            date_of_birth = date.fromisoformat(date_of_birth).isoformat()
        except ValueError:
            raise ValidationError("Date of birth must be a real date") from None
    return {
        "given_name": given_name[:100],
        "family_name": family_name[:100],
        "date_of_birth": date_of_birth or "",
        "is_child": bool(is_child),
    }


@transaction.atomic
def add_unmatched(
    *,
    actor: User,
    contact: Contact,
    given_name: str,
    family_name: str,
    date_of_birth: date | str | None = None,
    is_child: bool = True,
) -> dict[str, Any]:
    """Name someone without a person record (or whose record the actor cannot open)."""
    _require_draft(actor, contact)
    entry = _unmatched_entry(given_name, family_name, date_of_birth, is_child)
    unmatched = list(contact.draft.get("unmatched", []))
    if entry not in unmatched:
        unmatched.append(entry)
    contact.draft = {**contact.draft, "unmatched": unmatched}
    _save(contact, "Someone without a record named on the request")
    return entry


@transaction.atomic
def remove_unmatched(*, actor: User, contact: Contact, index: int) -> None:
    _require_draft(actor, contact)
    unmatched = list(contact.draft.get("unmatched", []))
    if not 0 <= index < len(unmatched):
        raise ValidationError("That person is not on this request")
    del unmatched[index]
    contact.draft = {**contact.draft, "unmatched": unmatched}
    _save(contact, "Someone without a record removed from the request")


@transaction.atomic
def record_new_person(*, actor: User, contact: Contact, is_child: bool, **fields: Any) -> Person:
    """Add a person nobody has recorded yet (after the actor has seen the candidates), keep the
    actor's "recorded by" reason to see them, and name them on the request."""
    _require_draft(actor, contact)
    person = people_services.create_person(
        actor=actor, reason=f"Added by {actor.full_name} for a request for support", **fields
    )
    people_services.start_involvement(
        actor=actor, reason=InvolvementReason.RECORDED_BY, person=person, user=actor
    )
    add_subject(actor=actor, contact=contact, person=person, is_child=is_child)
    return person


# --- Attachments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
DOC = FileKind("Word document", "application/msword", (".doc",))
DOCX = FileKind(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
JPEG = FileKind("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("PNG image", "image/png", (".png",))
ACCEPTED_EXTENSIONS = tuple(ext for kind in (PDF, DOC, DOCX, JPEG, PNG) for ext in kind.extensions)
ACCEPTED_DESCRIPTION = "a PDF, a Word document (.doc or .docx), or a JPEG or PNG image"


def attachment_max_bytes() -> int:
    return int(getattr(settings, "EARLYHELP_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES))


def sniff(uploaded_file: UploadedFile) -> FileKind | None:
    """What the file really is, from its first bytes (and, for .docx, its contents): never
    from its name or the content type the browser claimed."""
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    kind: FileKind | None = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = DOC  # the OLE2 container of Word 97-2003
    elif head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded_file) as archive:
                if "word/document.xml" in archive.namelist():
                    kind = DOCX
        except (zipfile.BadZipFile, OSError):
            kind = None
    uploaded_file.seek(0)
    return kind


def check_attachment(uploaded_file: UploadedFile) -> FileKind:
    """The file's kind, or a ValidationError saying plainly what is wrong with it."""
    name = uploaded_file.name or ""
    limit = attachment_max_bytes()
    if not uploaded_file.size:
        raise ValidationError("The selected file is empty")
    if uploaded_file.size > limit:
        raise ValidationError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB")
    extension = PurePath(name).suffix.lower()
    if extension not in ACCEPTED_EXTENSIONS:
        raise ValidationError(f"The selected file must be {ACCEPTED_DESCRIPTION}")
    kind = sniff(uploaded_file)
    if kind is None:
        raise ValidationError(
            f"The selected file is not really {ACCEPTED_DESCRIPTION}: its contents do not match"
            " its name. Save it again as one of those and upload it again"
        )
    if extension not in kind.extensions:
        raise ValidationError(
            f"The selected file's name ends {extension} but it is a {kind.label}: rename it"
            f" to end {kind.extensions[0]} and upload it again"
        )
    return kind


@transaction.atomic
def add_attachment(*, actor: User, contact: Contact, uploaded_file: UploadedFile) -> Attachment:
    """Keep a file with the request. It is stored under a random name in private storage (never
    served from a public URL; the attachment view checks access and records each download)."""
    _require_draft(actor, contact)
    kind = check_attachment(uploaded_file)
    original_name = PurePath(uploaded_file.name or "attachment").name[:255]
    attachment = Attachment(
        contact=contact,
        original_name=original_name,
        content_type=kind.content_type,
        size=uploaded_file.size or 0,
        uploaded_by=actor,
    )
    stored_name = f"{secrets.token_hex(16)}{kind.extensions[0]}"
    attachment.file.save(stored_name, uploaded_file, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def remove_attachment(*, actor: User, contact: Contact, attachment: Attachment) -> None:
    _require_draft(actor, contact)
    if attachment.contact_id != contact.pk:
        raise ValidationError("That file is not on this request")
    stored = attachment.file.name or ""
    storage = attachment.file.storage
    attachment.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


# --- Submitting -----------------------------------------------------------------------------


def unmatched(contact: Contact) -> list[dict[str, Any]]:
    return list(contact.draft.get("unmatched", []))


def missing_answers(contact: Contact) -> dict[str, str]:
    """What stops the request from being sent, by question: empty when it is complete."""
    missing: dict[str, str] = {}
    has_child = contact.subjects.filter(is_child=True).exists() or any(
        entry.get("is_child") for entry in unmatched(contact)
    )
    if not has_child:
        missing["children"] = "Add at least one child the request is about"
    if not contact.worries and not contact.worries_detail.strip():
        missing["worries"] = "Select or describe what you are worried about"
    if contact.method != ContactMethod.SELF_REQUEST:
        if not contact.already_tried.strip():
            missing["tried"] = "Say what has been tried already (or that nothing has)"
        if not contact.family_consent:
            missing["consent"] = "Say whether the family knows about the request and agrees"
        elif contact.family_consent == FamilyConsent.NO:
            missing["consent"] = (
                "The family must know about a request for early help and agree to it, unless"
                " it is a safeguarding concern"
            )
        if not contact.urgency:
            missing["urgency"] = "Say how urgent the request is"
    if contact.method in (ContactMethod.PHONE, ContactMethod.EMAIL) and not (
        contact.referrer_name.strip()
    ):
        missing["you"] = "Enter the caller's name"
    return missing


def _next_reference(year: int) -> str:
    prefix = f"FD-{year}-"
    last = (
        Contact.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{number:06d}"


def _give_reference(contact: Contact) -> None:
    """Save the contact with the next free reference, FD-<year>-<6 digits>. Two submissions at
    the same moment may pick the same number: the unique index refuses one, which tries again."""
    year = timezone.localdate().year
    for _attempt in range(10):
        contact.reference = _next_reference(year)
        try:
            with transaction.atomic():
                contact.save()
            return
        except IntegrityError:
            continue
    contact.reference = f"FD-{year}-{secrets.randbelow(900000) + 100000:06d}"
    contact.save()


def _common_family(contact: Contact) -> int | None:
    """The one current family every child on the request belongs to, if there is one."""
    child_ids = list(contact.subjects.filter(is_child=True).values_list("person_id", flat=True))
    if not child_ids:
        return None
    shared = (
        FamilyMember.objects.filter(person_id__in=child_ids, left_on__isnull=True)
        .values("family_id")
        .annotate(children=Count("person_id", distinct=True))
        .filter(children=len(child_ids))
        .order_by("family_id")
    )
    families = [row["family_id"] for row in shared]
    return families[0] if len(families) == 1 else None


def _send(*, actor: User | None, contact: Contact, reason: str) -> Contact:
    contact.status = ContactStatus.AWAITING_SCREENING
    contact.received_at = timezone.now()
    set_decision_target(contact)  # the working-day clock starts when the front door receives it
    contact.full_clean(exclude=["reference"])
    _reason(contact, reason)
    _give_reference(contact)
    team = front_door_team()
    if team is None and contact.subjects.exists():
        raise ValidationError(
            "There is no front-door team to send the request to: ask your administrator"
        )
    note = f"Request for support {contact.reference}"
    for subject in contact.subjects.select_related("person"):
        people_services.start_involvement(
            actor=actor,
            reason=InvolvementReason.FRONT_DOOR,
            person=subject.person,
            team=team,
            note=note,
        )
    if contact.family_id and team is not None:
        people_services.start_involvement(
            actor=actor,
            reason=InvolvementReason.FRONT_DOOR,
            family=contact.family,
            team=team,
            note=note,
        )
    return contact


@transaction.atomic
def submit_contact(*, actor: User, contact: Contact) -> Contact:
    """Send a complete draft to the front door: it gets its reference, joins the screening
    queue, and the front-door team gets a reason to open each person named on it."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _require_draft(actor, contact)
    missing = missing_answers(contact)
    if missing:
        raise ValidationError(missing)
    if not contact.source:
        contact.source = (
            default_source(actor)
            if contact.method == ContactMethod.ONLINE
            else ContactSource.UNKNOWN
        )
    if contact.family_id is None:
        contact.family_id = _common_family(contact)
    return _send(actor=actor, contact=contact, reason="Request for support sent")


@transaction.atomic
def record_phone_or_email_contact(
    *,
    actor: User,
    method: str,
    referrer_name: str,
    referrer_phone: str = "",
    referrer_email: str = "",
    referrer_agency: str = "",
    referrer_organisation: Organisation | None = None,
    source: str = "",
) -> Contact:
    """A screener starts recording a contact received by phone or email. The caller's details
    are typed; the rest is answered on the same question pages as an online request and sent
    with `submit_contact` (the screener is its `created_by`; it has no `referrer` account)."""
    if method not in (ContactMethod.PHONE, ContactMethod.EMAIL):
        raise ValidationError({"method": "Select phone or email"})
    if not referrer_name.strip():
        raise ValidationError({"referrer_name": "Enter the caller's name"})
    if source and source not in ContactSource.values:
        raise ValidationError({"source": "Select a contact source from the list"})
    contact = start_draft(actor=actor, method=method)
    contact.referrer_name = referrer_name.strip()
    contact.referrer_phone = referrer_phone.strip()
    contact.referrer_email = referrer_email.strip()
    contact.referrer_organisation = referrer_organisation
    contact.source = source
    contact.draft = {**contact.draft, "referrer_agency": referrer_agency.strip()}
    _save(contact, f"{ContactMethod(method).label} recorded by {actor.full_name}")
    return contact


@transaction.atomic
def submit_self_request(
    *,
    parent_name: str,
    relationship: str,
    children: list[dict[str, Any]],
    help_wanted: str,
    phone: str = "",
    email: str = "",
    contact_preference: str = "",
    safe_to_contact: bool = True,
    safe_contact_detail: str = "",
    postcode: str = "",
) -> Contact:
    """A family's own request (source 1C), made without an account. The children are named
    only (nobody outside the front door may search for them); screeners match them."""
    if not parent_name.strip():
        raise ValidationError({"parent_name": "Enter your name"})
    if not phone.strip() and not email.strip():
        raise ValidationError({"phone": "Enter a phone number or an email address"})
    entries = [
        _unmatched_entry(
            child.get("given_name", ""),
            child.get("family_name", ""),
            child.get("date_of_birth"),
            True,
        )
        for child in children
    ]
    if not entries:
        raise ValidationError({"children": "Tell us about at least one child"})
    if not help_wanted.strip():
        raise ValidationError({"help_wanted": "Tell us what help you would like"})
    contact = Contact(
        reference=_draft_reference(),
        status=ContactStatus.DRAFT,
        method=ContactMethod.SELF_REQUEST,
        source=ContactSource.SELF,
        referrer_name=parent_name.strip()[:200],
        referrer_relationship=relationship.strip()[:100],
        referrer_phone=phone.strip()[:50],
        referrer_email=email.strip(),
        worries_detail=help_wanted.strip(),
        family_consent=FamilyConsent.YES,
        consent_detail="The family asked for help themselves.",
        draft={
            "unmatched": entries,
            "contact_preference": contact_preference,
            "safe_to_contact": bool(safe_to_contact),
            "safe_contact_detail": safe_contact_detail.strip(),
            "postcode": postcode.strip().upper()[:10],
        },
    )
    contact.full_clean(exclude=["reference"])
    return _send(actor=None, contact=contact, reason="A family asked for help")


def requests_of(user: User) -> Any:
    """The requests `user` made or recorded, newest first (drafts included)."""
    return Contact.objects.filter(Q(referrer=user) | Q(created_by=user)).order_by(
        "-created_at", "-pk"
    )
