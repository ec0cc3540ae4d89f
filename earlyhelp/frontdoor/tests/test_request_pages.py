"""The request-for-support pages: question pages saving a draft at each step, the consent rule,
uploads, check answers and sending; the phone/email page; who may see what."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import (
    OrganisationFactory,
    SchoolFactory,
    TeamFactory,
    sign_in,
    user_with_role,
)
from earlyhelp.core.models import AccessEvent
from earlyhelp.frontdoor import submission
from earlyhelp.frontdoor.codes import ContactMethod, ContactStatus, FamilyConsent
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people import access as people_access
from earlyhelp.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world(db: None, settings, tmp_path) -> dict:
    settings.MEDIA_ROOT = tmp_path
    council = OrganisationFactory(name="Kingsbridge Council", kind=OrganisationKind.COUNCIL)
    front_door = TeamFactory(organisation=council, name="Starting Point", is_front_door=True)
    school = SchoolFactory(name="Riverside Primary")
    dsl = user_with_role(Role.DESIGNATED_SAFEGUARDING_LEAD, organisation=school)
    stranger = user_with_role(Role.PRACTITIONER, organisation=school)
    screener = user_with_role(Role.FRONT_DOOR_SCREENER, team=front_door)
    return {
        "dsl": dsl,
        "stranger": stranger,
        "screener": screener,
        "clients": {
            name: sign_in(Client(), user)
            for name, user in (("dsl", dsl), ("stranger", stranger), ("screener", screener))
        },
    }


def step(contact: Contact, slug: str) -> str:
    return reverse("frontdoor:request_step", args=[contact.pk, slug])


def test_a_whole_request_saving_at_every_step_and_sent(world):
    client = world["clients"]["dsl"]
    response = client.post(reverse("frontdoor:request_start"))
    contact = Contact.objects.get(referrer=world["dsl"])
    assert response["Location"] == step(contact, "you")

    response = client.post(step(contact, "you"), {"referrer_phone": "01632 960555", "source": "2A"})
    assert response["Location"] == step(contact, "children")
    contact.refresh_from_db()
    assert contact.referrer_phone == "01632 960555"

    # Continuing without a child is refused.
    response = client.post(step(contact, "children"), {"action": "continue"})
    assert response.status_code == 200
    assert "Add at least one child" in response.content.decode()

    # A new child: search first, then add.
    page = client.get(
        step(contact, "children"), {"search": "1", "given_name": "Amy", "family_name": "Brook"}
    )
    assert "Nobody found" in page.content.decode()
    response = client.post(
        step(contact, "children"),
        {
            "action": "new",
            "given_name": "Amy",
            "family_name": "Brook",
            "date_of_birth-day": "1",
            "date_of_birth-month": "5",
            "date_of_birth-year": "2016",
            "sex": "F",
        },
    )
    assert response.status_code == 302
    amy = contact.subjects.get().person
    assert amy.date_of_birth == date(2016, 5, 1)

    # A sibling known to someone else: found, cannot be opened, named without a record.
    ben = PersonFactory(given_name="Ben", family_name="Brook", date_of_birth=date(2018, 2, 3))
    page = client.get(
        step(contact, "children"), {"search": "1", "family_name": "Brook", "given_name": "Ben"}
    )
    assert "Name Ben Brook on the request" in page.content.decode()
    client.post(step(contact, "children"), {"action": "name", "person": ben.pk})
    contact.refresh_from_db()
    assert contact.draft["unmatched"][0]["given_name"] == "Ben"
    assert client.post(step(contact, "children"), {"action": "continue"})["Location"] == step(
        contact, "adults"
    )
    assert client.post(step(contact, "adults"), {"action": "continue"})["Location"] == step(
        contact, "worries"
    )

    response = client.post(
        step(contact, "worries"),
        {"worries_harm": ["16A"], "worries_home": ["4B"], "worries_detail": "Hungry"},
    )
    assert response["Location"] == step(contact, "tried")
    client.post(step(contact, "tried"), {"already_tried": "Breakfast club"})
    client.post(step(contact, "consent"), {"family_consent": "yes"})
    response = client.post(step(contact, "urgency"), {"urgency": "soon"})
    assert response["Location"] == reverse("frontdoor:request_attachment", args=[contact.pk])
    contact.refresh_from_db()
    assert contact.worries == ["4B", "16A"]
    assert contact.already_tried == "Breakfast club"

    # Leaving and coming back: every answer is restored.
    page = client.get(step(contact, "worries")).content.decode()
    assert 'value="16A" checked' in page and "Hungry" in page
    assert "Breakfast club" in client.get(step(contact, "tried")).content.decode()

    upload = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    client.post(reverse("frontdoor:request_attachment", args=[contact.pk]), {"file": upload})
    assert contact.attachments.count() == 1

    check = client.get(reverse("frontdoor:request_check", args=[contact.pk]))
    assert "Amy Brook" in check.content.decode() and "letter.pdf" in check.content.decode()
    response = client.post(reverse("frontdoor:request_check", args=[contact.pk]))
    assert response["Location"] == reverse("frontdoor:request_submitted", args=[contact.pk])
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_SCREENING
    page = client.get(response["Location"]).content.decode()
    assert contact.reference in page
    assert people_access.people.visible_to(world["screener"]).filter(pk=amy.pk).exists()
    # A sent request cannot be changed: the question pages lead to its page.
    assert client.get(step(contact, "tried"))["Location"] == reverse(
        "frontdoor:request", args=[contact.pk]
    )
    listing = client.get(reverse("frontdoor:requests")).content.decode()
    assert contact.reference in listing


def test_without_consent_the_page_explains_and_the_request_cannot_be_sent(world):
    client = world["clients"]["dsl"]
    contact = submission.start_draft(actor=world["dsl"])
    response = client.post(step(contact, "consent"), {"family_consent": FamilyConsent.NO})
    assert response.status_code == 200
    assert "You cannot send this request yet" in response.content.decode()
    assert "consultation line" in response.content.decode()
    response = client.post(reverse("frontdoor:request_check", args=[contact.pk]))
    assert response.status_code == 200
    assert "must know about a request" in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DRAFT


def test_an_upload_that_is_not_what_it_says_is_refused_with_a_clear_message(world):
    client = world["clients"]["dsl"]
    contact = submission.start_draft(actor=world["dsl"])
    upload = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00" + b"\x00" * 50)
    response = client.post(
        reverse("frontdoor:request_attachment", args=[contact.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert "is not really" in response.content.decode()
    assert not contact.attachments.exists()


def test_nobody_else_sees_a_draft_or_its_files(world):
    contact = submission.start_draft(actor=world["dsl"])
    file = submission.add_attachment(
        actor=world["dsl"],
        contact=contact,
        uploaded_file=SimpleUploadedFile("letter.pdf", PDF),
    )
    stranger = world["clients"]["stranger"]
    screener = world["clients"]["screener"]
    urls = [
        reverse("frontdoor:request", args=[contact.pk]),
        step(contact, "you"),
        reverse("frontdoor:request_check", args=[contact.pk]),
        reverse("frontdoor:request_attachment", args=[contact.pk]),
        reverse("frontdoor:request_submitted", args=[contact.pk]),
        reverse("frontdoor:attachment", args=[file.pk]),
    ]
    for url in urls:
        assert stranger.get(url).status_code == 404, url
        assert screener.get(url).status_code == 404, url
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"], url
    assert world["clients"]["dsl"].get(urls[0]).status_code == 200


def test_downloading_a_file_is_checked_and_recorded(world):
    dsl = world["dsl"]
    contact = submission.start_draft(actor=dsl)
    file = submission.add_attachment(
        actor=dsl, contact=contact, uploaded_file=SimpleUploadedFile("letter.pdf", PDF)
    )
    response = world["clients"]["dsl"].get(reverse("frontdoor:attachment", args=[file.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert AccessEvent.objects.filter(object_type="attachment", object_id=str(file.pk)).exists()
    # Once sent, the front door may download it too.
    submission.add_unmatched(actor=dsl, contact=contact, given_name="A", family_name="B")
    submission.save_draft(
        actor=dsl,
        contact=contact,
        worries=["16A"],
        already_tried="x",
        family_consent="yes",
        urgency="soon",
    )
    submission.submit_contact(actor=dsl, contact=contact)
    url = reverse("frontdoor:attachment", args=[file.pk])
    assert world["clients"]["screener"].get(url).status_code == 200
    assert world["clients"]["stranger"].get(url).status_code == 404


def test_a_screener_records_a_phone_call_then_answers_the_same_questions(world):
    client = world["clients"]["screener"]
    url = reverse("frontdoor:record_contact")
    assert client.get(url).status_code == 200
    assert world["clients"]["dsl"].get(url).status_code == 404
    response = client.post(
        url,
        {
            "method": "phone",
            "referrer_name": "Dr Shah",
            "referrer_phone": "01632 960111",
            "source": "3A",
        },
    )
    contact = Contact.objects.get(created_by=world["screener"])
    assert contact.method == ContactMethod.PHONE and contact.referrer is None
    assert response["Location"] == step(contact, "children")
    assert client.get(step(contact, "you")).status_code == 200
    assert (
        "Dr Shah"
        in client.get(reverse("frontdoor:request_check", args=[contact.pk])).content.decode()
    )


def test_the_request_page_shows_the_outcome_and_links_to_disagree(world):
    from django.utils import timezone

    from earlyhelp.frontdoor.models import ContactDecision

    dsl = world["dsl"]
    contact = submission.start_draft(actor=dsl)
    submission.add_unmatched(actor=dsl, contact=contact, given_name="A", family_name="B")
    submission.save_draft(
        actor=dsl,
        contact=contact,
        worries=["16A"],
        already_tried="x",
        family_consent="yes",
        urgency="soon",
    )
    submission.submit_contact(actor=dsl, contact=contact)
    Contact.objects.filter(pk=contact.pk).update(status=ContactStatus.DECIDED)
    ContactDecision.objects.create(
        contact=contact,
        outcome="signpost",
        rationale="Secret",
        signposted_to="Kingsbridge Family Hub",
        decided_by=world["screener"],
        decided_at=timezone.now(),
    )
    page = world["clients"]["dsl"].get(reverse("frontdoor:request", args=[contact.pk]))
    text = page.content.decode()
    assert "Signpost to universal or community services" in text
    assert "Kingsbridge Family Hub" in text
    assert "Secret" not in text  # the screening rationale is the front door's
    assert AccessEvent.objects.filter(object_type="contact", object_id=str(contact.pk)).exists()
