"""The write path for requests for support: drafts, people, attachments, submitting."""

import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import (
    OrganisationFactory,
    SchoolFactory,
    TeamFactory,
    user_with_role,
)
from earlyhelp.frontdoor import submission
from earlyhelp.frontdoor.access import contacts
from earlyhelp.frontdoor.codes import (
    ContactMethod,
    ContactSource,
    ContactStatus,
    FamilyConsent,
    Urgency,
    Worry,
)
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people import access as people_access
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole, InvolvementReason
from earlyhelp.people.models import Involvement
from earlyhelp.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def world(db: None) -> dict:
    council = OrganisationFactory(name="Kingsbridge Council", kind=OrganisationKind.COUNCIL)
    front_door = TeamFactory(organisation=council, name="Starting Point", is_front_door=True)
    school = SchoolFactory(name="Riverside Primary")
    dsl = user_with_role(Role.DESIGNATED_SAFEGUARDING_LEAD, organisation=school, phone="01632 1")
    screener = user_with_role(Role.FRONT_DOOR_SCREENER, team=front_door)
    return {"council": council, "front_door": front_door, "dsl": dsl, "screener": screener}


def complete(contact: Contact, actor) -> Contact:
    return submission.save_draft(
        actor=actor,
        contact=contact,
        worries=[Worry.NEGLECT, Worry.MENTAL_HEALTH_PARENT],
        worries_detail="Often hungry",
        already_tried="Breakfast club",
        family_consent=FamilyConsent.YES,
        urgency=Urgency.SOON,
    )


def test_a_draft_starts_with_the_referrer_and_a_source_from_their_organisation(world):
    contact = submission.start_draft(actor=world["dsl"])
    assert contact.status == ContactStatus.DRAFT
    assert contact.referrer == world["dsl"]
    assert contact.referrer_organisation.name == "Riverside Primary"
    assert contact.source == ContactSource.SCHOOLS
    assert contact.referrer_phone == "01632 1"
    assert contact.reference.startswith("DRAFT-")
    assert contacts.visible_to(world["dsl"]).filter(pk=contact.pk).exists()
    assert not contacts.visible_to(world["screener"]).filter(pk=contact.pk).exists()


@pytest.mark.parametrize(
    ("kind", "team", "code"),
    [
        (OrganisationKind.HEALTH, "Health visiting", ContactSource.HEALTH_VISITOR),
        (OrganisationKind.HEALTH, "Paediatrics", ContactSource.OTHER_HEALTH),
        (OrganisationKind.POLICE, "Vulnerability unit", ContactSource.POLICE),
        (OrganisationKind.HOUSING, "Tenancy", ContactSource.HOUSING),
        (OrganisationKind.COUNCIL, "Early Help North", ContactSource.LA_EARLY_HELP),
        (OrganisationKind.VOLUNTARY, "Family support", ContactSource.OTHER),
    ],
)
def test_the_default_source_follows_the_referrers_organisation(world, kind, team, code):
    organisation = OrganisationFactory(kind=kind)
    user = user_with_role(Role.PRACTITIONER, team=TeamFactory(organisation=organisation, name=team))
    assert submission.default_source(user) == code


def test_save_draft_keeps_answers_and_merges_the_draft_json(world):
    contact = submission.start_draft(actor=world["dsl"])
    submission.save_draft(actor=world["dsl"], contact=contact, worries=["16A", "4B", "16A"])
    submission.save_draft(actor=world["dsl"], contact=contact, draft={"note": "x"})
    contact.refresh_from_db()
    assert contact.worries == ["4B", "16A"]
    assert contact.draft == {"unmatched": [], "note": "x"}
    assert contact.history.first().history_change_reason == "Draft saved"
    with pytest.raises(ValidationError):
        submission.save_draft(actor=world["dsl"], contact=contact, worries=["99Z"])
    with pytest.raises(ValueError, match="Not a draft field"):
        submission.save_draft(actor=world["dsl"], contact=contact, status="decided")


def test_only_the_person_who_started_a_draft_may_change_it(world):
    contact = submission.start_draft(actor=world["dsl"])
    with pytest.raises(ValidationError):
        submission.save_draft(actor=world["screener"], contact=contact, already_tried="x")


def test_people_the_referrer_cannot_open_are_named_without_a_record(world):
    contact = submission.start_draft(actor=world["dsl"])
    stranger_child = PersonFactory()
    with pytest.raises(ValidationError):
        submission.add_subject(
            actor=world["dsl"], contact=contact, person=stranger_child, is_child=True
        )
    entry = submission.add_unmatched(
        actor=world["dsl"],
        contact=contact,
        given_name=" Ben ",
        family_name="Brook",
        date_of_birth=date(2018, 2, 3),
    )
    submission.add_unmatched(
        actor=world["dsl"],
        contact=contact,
        given_name="Ben",
        family_name="Brook",
        date_of_birth="2018-02-03",
    )  # the same person twice is kept once
    submission.add_unmatched(
        actor=world["dsl"], contact=contact, given_name="Cal", family_name="Brook", is_child=False
    )
    contact.refresh_from_db()
    assert entry == {
        "given_name": "Ben",
        "family_name": "Brook",
        "date_of_birth": "2018-02-03",
        "is_child": True,
    }
    assert contact.draft["unmatched"] == [
        entry,
        {"given_name": "Cal", "family_name": "Brook", "date_of_birth": "", "is_child": False},
    ]
    submission.remove_unmatched(actor=world["dsl"], contact=contact, index=1)
    contact.refresh_from_db()
    assert contact.draft["unmatched"] == [entry]


def test_a_new_person_is_recorded_and_named_and_the_referrer_can_open_them(world):
    contact = submission.start_draft(actor=world["dsl"])
    person = submission.record_new_person(
        actor=world["dsl"],
        contact=contact,
        is_child=True,
        given_name="Amy",
        family_name="Brook",
        date_of_birth=date(2016, 5, 1),
    )
    assert contact.subjects.get().person == person
    assert people_access.people.visible_to(world["dsl"]).filter(pk=person.pk).exists()
    assert Involvement.objects.filter(
        person=person, user=world["dsl"], reason=InvolvementReason.RECORDED_BY
    ).exists()


def test_submit_refuses_an_incomplete_request_and_says_what_is_missing(world):
    contact = submission.start_draft(actor=world["dsl"])
    with pytest.raises(ValidationError) as caught:
        submission.submit_contact(actor=world["dsl"], contact=contact)
    assert set(caught.value.message_dict) == {"children", "worries", "tried", "consent", "urgency"}
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DRAFT


def test_without_consent_and_no_safeguarding_concern_a_request_cannot_be_sent(world):
    contact = submission.start_draft(actor=world["dsl"])
    submission.add_unmatched(actor=world["dsl"], contact=contact, given_name="A", family_name="B")
    complete(contact, world["dsl"])
    submission.save_draft(actor=world["dsl"], contact=contact, family_consent=FamilyConsent.NO)
    with pytest.raises(ValidationError) as caught:
        submission.submit_contact(actor=world["dsl"], contact=contact)
    assert set(caught.value.message_dict) == {"consent"}
    submission.save_draft(
        actor=world["dsl"], contact=contact, family_consent=FamilyConsent.NO_SAFEGUARDING
    )
    sent = submission.submit_contact(actor=world["dsl"], contact=contact)
    assert sent.status == ContactStatus.AWAITING_SCREENING


def test_submitting_gives_a_reference_queues_it_and_lets_the_front_door_open_the_children(world):
    dsl, screener = world["dsl"], world["screener"]
    contact = submission.start_draft(actor=dsl)
    amy = submission.record_new_person(
        actor=dsl, contact=contact, is_child=True, given_name="Amy", family_name="Brook"
    )
    ben = submission.record_new_person(
        actor=dsl, contact=contact, is_child=True, given_name="Ben", family_name="Brook"
    )
    family = people_services.create_family(actor=None, name="Brook")
    for child in (amy, ben):
        people_services.add_family_member(
            actor=None, family=family, person=child, role=FamilyRole.CHILD
        )
    complete(contact, dsl)
    assert not people_access.people.visible_to(screener).filter(pk=amy.pk).exists()

    sent = submission.submit_contact(actor=dsl, contact=contact)

    assert sent.status == ContactStatus.AWAITING_SCREENING
    assert sent.received_at is not None
    # The decision clock (one working day) starts at once, not when the queue is first opened.
    assert sent.decision_due_at is not None and sent.decision_due_at > sent.received_at
    assert sent.reference.startswith(f"FD-{sent.received_at.year}-")
    assert len(sent.reference) == len("FD-2026-000001")
    assert sent.family == family
    visible = people_access.people.visible_to(screener)
    assert set(visible.filter(pk__in=[amy.pk, ben.pk])) == {amy, ben}
    assert contacts.visible_to(screener).filter(pk=sent.pk).exists()
    front_door = Involvement.objects.filter(reason=InvolvementReason.FRONT_DOOR)
    assert front_door.filter(person=amy, team=world["front_door"]).exists()
    assert front_door.filter(family=family, team=world["front_door"]).exists()
    # The referrer keeps their own reason to see the children they recorded.
    assert Involvement.objects.filter(
        person=amy, user=dsl, reason=InvolvementReason.RECORDED_BY, ended_at=None
    ).exists()
    assert sent.history.first().history_change_reason == "Request for support sent"
    with pytest.raises(ValidationError):
        submission.save_draft(actor=dsl, contact=sent, already_tried="Too late")


def test_references_are_unique_and_counted_per_year(world):
    sent = []
    for _ in range(3):
        contact = submission.start_draft(actor=world["dsl"])
        submission.add_unmatched(
            actor=world["dsl"], contact=contact, given_name="A", family_name="B"
        )
        complete(contact, world["dsl"])
        sent.append(submission.submit_contact(actor=world["dsl"], contact=contact).reference)
    numbers = [int(reference.rsplit("-", 1)[1]) for reference in sent]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_a_screener_records_a_phone_contact_for_a_caller(world):
    screener = world["screener"]
    contact = submission.record_phone_or_email_contact(
        actor=screener,
        method=ContactMethod.PHONE,
        referrer_name="Dr Shah",
        referrer_phone="01632 960111",
        referrer_agency="Riverside Surgery",
        source=ContactSource.GP,
    )
    assert contact.referrer is None and contact.created_by == screener
    assert contact.draft["referrer_agency"] == "Riverside Surgery"
    child = PersonFactory()
    people_services.start_involvement(
        actor=None, reason=InvolvementReason.RECORDED_BY, person=child, user=screener
    )
    submission.add_subject(actor=screener, contact=contact, person=child, is_child=True)
    complete(contact, screener)
    sent = submission.submit_contact(actor=screener, contact=contact)
    assert sent.method == ContactMethod.PHONE
    assert sent.source == ContactSource.GP
    assert sent.referrer_name == "Dr Shah"
    with pytest.raises(ValidationError):
        submission.record_phone_or_email_contact(
            actor=screener, method=ContactMethod.ONLINE, referrer_name="X"
        )


def test_a_familys_own_request_lands_in_the_queue_with_named_children_only(world):
    contact = submission.submit_self_request(
        parent_name="Jo Brook",
        relationship="Mum",
        phone="07700 900123",
        children=[
            {"given_name": "Amy", "family_name": "Brook", "date_of_birth": date(2016, 5, 1)},
            {"given_name": "Ben", "family_name": "Brook", "date_of_birth": None},
        ],
        help_wanted="Help with Ben's behaviour at home",
        contact_preference="phone",
        safe_to_contact=True,
    )
    assert contact.method == ContactMethod.SELF_REQUEST
    assert contact.source == ContactSource.SELF
    assert contact.status == ContactStatus.AWAITING_SCREENING
    assert contact.referrer is None
    assert contact.reference.startswith("FD-")
    assert not contact.subjects.exists()
    assert [c["given_name"] for c in contact.draft["unmatched"]] == ["Amy", "Ben"]
    assert contact.draft["unmatched"][0]["date_of_birth"] == "2016-05-01"
    assert contacts.visible_to(world["screener"]).filter(pk=contact.pk).exists()
    with pytest.raises(ValidationError):
        submission.submit_self_request(
            parent_name="Jo", relationship="", children=[], help_wanted="x", phone="1"
        )


# --- Attachments ------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("letter.pdf", PDF_BYTES, "application/pdf"),
        ("photo.png", PNG_BYTES, "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "application/msword"),
        (
            "plan.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_accepted_attachments_are_stored_privately_under_a_random_name(
    world, media, name, content, content_type
):
    contact = submission.start_draft(actor=world["dsl"])
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    attachment = submission.add_attachment(
        actor=world["dsl"], contact=contact, uploaded_file=upload
    )
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert name not in (attachment.file.name or "")
    assert attachment.file.name.startswith(f"contacts/{contact.pk}/")
    assert (media / attachment.file.name).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("letter.pdf", EXE_BYTES, "is not really"),
        ("virus.exe", EXE_BYTES, "must be a PDF"),
        ("photo.pdf", PNG_BYTES, "rename it to end .png"),
        ("fake.docx", b"PK\x03\x04not a zip at all", "is not really"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_attachments_are_checked_by_their_contents(world, media, name, content, message):
    contact = submission.start_draft(actor=world["dsl"])
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(ValidationError, match=message):
        submission.add_attachment(actor=world["dsl"], contact=contact, uploaded_file=upload)
    assert not contact.attachments.exists()


def test_attachments_over_the_size_limit_are_refused(world, media, settings):
    settings.EARLYHELP_ATTACHMENT_MAX_BYTES = 1024 * 1024
    contact = submission.start_draft(actor=world["dsl"])
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="smaller than 1 MB"):
        submission.add_attachment(actor=world["dsl"], contact=contact, uploaded_file=big)
    small = SimpleUploadedFile("small.pdf", PDF_BYTES)
    submission.add_attachment(actor=world["dsl"], contact=contact, uploaded_file=small)
    assert contact.attachments.count() == 1
