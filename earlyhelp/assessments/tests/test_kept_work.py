"""Without JavaScript, words typed into an assessment survive the session ending: the
"Save and continue" that arrives after the idle timeout is kept, and after signing in again
(password and authenticator code, as a person would) it is saved as if nothing had happened.
Someone else signing in on the same browser gets none of it; signing out on purpose keeps
nothing."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.tests.factories import enrol_two_factor, sign_in
from earlyhelp.accounts.tests.test_sign_in import current_code, give_password
from earlyhelp.assessments import services
from earlyhelp.assessments.models import Assessment
from earlyhelp.core import kept_work

from .conftest import Case

pytestmark = pytest.mark.django_db

WORDS = "Mum said the mornings are the hardest: Ava will not get up for school."


@pytest.fixture
def assessment(case: Case) -> Assessment:
    return services.start_assessment(actor=case.lead, episode=case.episode)


def _working_then_timed_out(user) -> Client:
    """A browser where `user` signed in and worked, then went idle until the session ended."""
    client = Client()
    sign_in(client, user)
    assert client.get(reverse("episodes:my_caseload")).status_code == 200
    assert kept_work.WORKER_COOKIE in client.cookies
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    return client


def _sign_in_again(client: Client, user, next_url: str) -> str:
    """Password then authenticator code, as a person would; returns where they are sent."""
    device = enrol_two_factor(user)
    response = give_password(client, user, next_url=next_url)
    assert response.status_code == 302, response.text
    response = client.post(reverse("accounts:two_factor"), {"code": current_code(device)})
    assert response.status_code == 302
    return response["Location"]


def test_words_sent_after_the_session_ended_are_saved_after_signing_in_again(
    case: Case, assessment: Assessment
) -> None:
    client = _working_then_timed_out(case.lead)
    url = reverse("assessments:section", args=[assessment.pk, "about"])
    response = client.post(url, {"version": "0", "reason": WORDS})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    assessment.refresh_from_db()
    assert assessment.answers.get("reason", "") == ""  # nothing saved while signed out

    landing = _sign_in_again(client, case.lead, next_url=url)
    assert landing == url
    response = client.get(landing)
    # Saved exactly as "Save and continue" would have: on to the next section.
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:section", args=[assessment.pk, "development"]
    )
    assessment.refresh_from_db()
    assert assessment.answers["reason"] == WORDS
    assert assessment.version_of("about") == 1
    page = client.get(response["Location"])
    assert "We kept what you had typed" in page.text
    # Only once: coming back to the page shows the saved words, nothing is sent again.
    again = client.get(url)
    assert again.status_code == 200
    assessment.refresh_from_db()
    assert assessment.version_of("about") == 1


def test_a_change_someone_else_saved_meanwhile_is_shown_as_a_conflict(
    case: Case, assessment: Assessment
) -> None:
    client = _working_then_timed_out(case.lead)
    url = reverse("assessments:section", args=[assessment.pk, "about"])
    client.post(url, {"version": "0", "reason": WORDS})
    services.save_section(
        actor=case.colleague,
        assessment=assessment,
        section_key="about",
        answers={"reason": "Colleague's words"},
        base_version=0,
    )
    page = client.get(_sign_in_again(client, case.lead, next_url=url))
    assert page.status_code == 200
    assert "Someone else changed this section" in page.text
    assert "Colleague&#x27;s words" in page.text and WORDS in page.text
    assessment.refresh_from_db()
    assert assessment.answers["reason"] == "Colleague's words"  # not overwritten silently


def test_someone_else_signing_in_on_the_same_browser_gets_nothing(
    case: Case, assessment: Assessment
) -> None:
    client = _working_then_timed_out(case.lead)
    url = reverse("assessments:section", args=[assessment.pk, "about"])
    client.post(url, {"version": "0", "reason": WORDS})
    landing = _sign_in_again(client, case.colleague, next_url=url)
    page = client.get(landing)
    assert page.status_code == 200
    assert WORDS not in page.text
    assessment.refresh_from_db()
    assert assessment.answers.get("reason", "") == ""


def test_signing_out_on_purpose_keeps_nothing(case: Case, assessment: Assessment) -> None:
    client = Client()
    sign_in(client, case.lead)
    client.get(reverse("episodes:my_caseload"))
    client.post(reverse("accounts:sign_out"))
    assert client.cookies[kept_work.WORKER_COOKIE].value == ""
    url = reverse("assessments:section", args=[assessment.pk, "about"])
    client.post(url, {"version": "0", "reason": WORDS})
    landing = _sign_in_again(client, case.lead, next_url=url)
    client.get(landing)
    assessment.refresh_from_db()
    assert assessment.answers.get("reason", "") == ""


def test_a_forged_worker_cookie_keeps_nothing(case: Case, assessment: Assessment) -> None:
    client = Client()
    client.cookies[kept_work.WORKER_COOKIE] = str(case.lead.pk)  # not signed by the service
    url = reverse("assessments:section", args=[assessment.pk, "about"])
    client.post(url, {"version": "0", "reason": WORDS})
    assert kept_work.SESSION_KEY not in client.session
