"""A family's own request: public, plain, and protected from abuse without a CAPTCHA."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from earlyhelp.frontdoor.codes import ContactMethod, ContactSource, ContactStatus
from earlyhelp.frontdoor.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.EARLYHELP_SELF_REQUEST_MIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def answers(**extra) -> dict:
    client = Client()
    page = client.get(reverse("frontdoor:self_request"))
    started = page.context["form"]["started"].value()
    data = {
        "started": started,
        "parent_name": "Jo Brook",
        "relationship": "Mum",
        "phone": "07700 900123",
        "contact_preference": "phone",
        "safe_to_contact": "yes",
        "help_wanted": "Ben will not go to school",
        "child_1_given_name": "Amy",
        "child_1_family_name": "Brook",
        "child_1_date_of_birth-day": "1",
        "child_1_date_of_birth-month": "5",
        "child_1_date_of_birth-year": "2016",
        "child_2_given_name": "Ben",
        "child_2_family_name": "Brook",
        "website": "",
    }
    data.update(extra)
    return data


def test_public_pages_need_no_account():
    for name in ("frontdoor:help", "frontdoor:self_request"):
        assert Client().get(reverse(name)).status_code == 200
    # Nothing sent yet: the confirmation page goes back to the start.
    assert Client().get(reverse("frontdoor:self_request_sent"))["Location"] == reverse(
        "frontdoor:help"
    )


def test_a_family_asks_for_help_and_gets_a_reference():
    client = Client(enforce_csrf_checks=False)
    response = client.post(reverse("frontdoor:self_request"), answers())
    assert response["Location"] == reverse("frontdoor:self_request_sent")
    contact = Contact.objects.get()
    assert contact.method == ContactMethod.SELF_REQUEST
    assert contact.source == ContactSource.SELF
    assert contact.status == ContactStatus.AWAITING_SCREENING
    assert [c["given_name"] for c in contact.draft["unmatched"]] == ["Amy", "Ben"]
    assert contact.draft["unmatched"][0]["date_of_birth"] == "2016-05-01"
    page = client.get(response["Location"]).content.decode()
    assert contact.reference in page and "What happens next" in page


def test_missing_answers_are_explained():
    response = Client().post(
        reverse("frontdoor:self_request"),
        answers(
            child_1_given_name="",
            child_1_family_name="",
            **{"child_1_date_of_birth-day": "", "child_1_date_of_birth-month": ""},
            **{"child_1_date_of_birth-year": ""},
            child_2_given_name="",
            child_2_family_name="",
            phone="",
        ),
    )
    text = response.content.decode()
    assert "Enter the first name of at least one child" in text
    assert "Enter a phone number or an email address" in text
    assert not Contact.objects.exists()


def test_the_honeypot_keeps_nothing():
    response = Client().post(reverse("frontdoor:self_request"), answers(website="spam.example"))
    assert response.status_code == 302
    assert not Contact.objects.exists()


def test_a_form_filled_faster_than_a_person_can_is_not_sent(settings):
    settings.EARLYHELP_SELF_REQUEST_MIN_SECONDS = 60
    response = Client().post(reverse("frontdoor:self_request"), answers())
    assert response.status_code == 200
    assert "Check your answers, then send the form again" in response.content.decode()
    assert not Contact.objects.exists()
    forged = Client().post(reverse("frontdoor:self_request"), answers(started="123"))
    assert forged.status_code == 200 and not Contact.objects.exists()


def test_too_many_requests_from_one_address_are_refused_clearly(settings):
    settings.EARLYHELP_SELF_REQUEST_LIMIT_PER_HOUR = 2
    client = Client()
    for _ in range(2):
        assert client.post(reverse("frontdoor:self_request"), answers()).status_code == 302
    response = client.post(reverse("frontdoor:self_request"), answers())
    assert response.status_code == 429
    assert "Please wait before sending another request" in response.content.decode()
    assert Contact.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(reverse("frontdoor:self_request"), answers()).status_code == 302


def test_the_form_keeps_csrf_protection():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("frontdoor:self_request"), answers())
    assert response.status_code == 403
    assert not Contact.objects.exists()
