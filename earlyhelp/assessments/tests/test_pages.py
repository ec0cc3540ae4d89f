"""Assessment pages as the lead practitioner, a stranger and someone not signed in; saving
without JavaScript, the autosave endpoint, conflicts shown with both versions, submitting,
signing off, the family's agreement and the print view. Every page is recorded as a read."""

import pytest
from django.test import Client
from django.urls import reverse

from earlyhelp.accounts.tests.factories import sign_in
from earlyhelp.assessments import services
from earlyhelp.assessments.models import AreaScore, Assessment, AssessmentStatus
from earlyhelp.core.models import AccessEvent
from earlyhelp.episodes.models import ChronologyEntry

from .conftest import Case

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


@pytest.fixture
def assessment(case: Case) -> Assessment:
    return services.start_assessment(actor=case.lead, episode=case.episode)


def urls(assessment: Assessment) -> list[str]:
    pk = assessment.pk
    return [
        reverse("assessments:family", args=[assessment.episode.family_id]),
        reverse("assessments:assessment", args=[pk]),
        reverse("assessments:section", args=[pk, "about"]),
        reverse("assessments:submit", args=[pk]),
        reverse("assessments:agreement", args=[pk]),
        reverse("assessments:print", args=[pk]),
    ]


def test_the_lead_practitioner_sees_every_page_and_each_is_audited(
    case: Case, assessment: Assessment
) -> None:
    client = client_for(case.lead)
    for url in urls(assessment):
        before = AccessEvent.objects.count()
        response = client.get(url)
        assert response.status_code == 200, url
        assert AccessEvent.objects.count() == before + 1, url


def test_a_stranger_gets_404_and_anonymous_is_sent_to_sign_in(
    case: Case, assessment: Assessment
) -> None:
    stranger, anonymous = client_for(case.stranger), client_for(None)
    pages = [*urls(assessment), reverse("assessments:sign_off", args=[assessment.pk])]
    for url in pages:
        assert stranger.get(url).status_code == 404, url
        assert stranger.post(url, {"reason": "x"}).status_code in (404, 405), url
        response = anonymous.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url
    autosave = reverse("assessments:autosave", args=[assessment.pk, "about"])
    assert stranger.post(autosave, {"reason": "x"}).status_code == 404
    assert (
        client_for(case.lead).get(reverse("assessments:sign_off", args=[assessment.pk])).status_code
        == 404
    )
    assessment.refresh_from_db()
    assert assessment.answers == {}


def test_starting_from_the_family_page(case: Case) -> None:
    client = client_for(case.colleague)
    page = client.get(reverse("assessments:family", args=[case.episode.family_id]))
    assert "Start an early help assessment" in page.text
    response = client.post(reverse("assessments:family", args=[case.episode.family_id]))
    started = Assessment.objects.get()
    assert response["Location"] == reverse("assessments:assessment", args=[started.pk])
    assert started.started_by == case.colleague


def test_save_and_continue_without_javascript(case: Case, assessment: Assessment) -> None:
    client = client_for(case.lead)
    url = reverse("assessments:section", args=[assessment.pk, "about"])
    response = client.post(url, {"version": "0", "reason": "Mum asked for help.  "})
    assert response["Location"] == reverse(
        "assessments:section", args=[assessment.pk, "development"]
    )
    assessment.refresh_from_db()
    assert assessment.answers["reason"] == "Mum asked for help."
    assert assessment.version_of("about") == 1
    assert "Last saved" in client.get(url).text


def test_a_score_out_of_range_is_an_error_and_keeps_the_text(
    case: Case, assessment: Assessment
) -> None:
    client = client_for(case.lead)
    url = reverse("assessments:section", args=[assessment.pk, "development"])
    response = client.post(
        url, {"version": "0", "development_strengths": "Loves football", "development_score": "12"}
    )
    assert response.status_code == 200
    assert "Loves football" in response.text and "govuk-error-summary" in response.text


def test_autosave_saves_and_answers_json(case: Case, assessment: Assessment) -> None:
    client = client_for(case.lead)
    url = reverse("assessments:autosave", args=[assessment.pk, "about"])
    response = client.post(url, {"version": "0", "reason": "Typing"})
    assert response.status_code == 200
    assert response.json()["status"] == "saved" and response.json()["version"] == 1
    assert client.get(url).status_code == 405
    bad = client.post(
        reverse("assessments:autosave", args=[assessment.pk, "parenting"]),
        {"version": "0", "parenting_score": "0"},
    )
    assert bad.status_code == 400


def test_autosave_conflict_returns_both_versions_and_overwrites_nothing(
    case: Case, assessment: Assessment
) -> None:
    url = reverse("assessments:autosave", args=[assessment.pk, "about"])
    assert (
        client_for(case.lead).post(url, {"version": "0", "reason": "Lead's words"}).status_code
        == 200
    )
    response = client_for(case.colleague).post(url, {"version": "0", "reason": "Colleague's words"})
    assert response.status_code == 409
    body = response.json()
    assert body["yours"]["reason"] == "Colleague's words"
    assert body["stored"]["reason"] == "Lead's words"
    assert body["saved_by"] == "Pat Practitioner"
    assessment.refresh_from_db()
    assert assessment.answers["reason"] == "Lead's words"


def test_the_conflict_page_shows_both_and_the_user_chooses_per_field(
    case: Case, assessment: Assessment
) -> None:
    url = reverse("assessments:section", args=[assessment.pk, "about"])
    client_for(case.lead).post(
        url, {"version": "0", "reason": "Lead's reason", "contributors": "Mum"}
    )
    colleague = client_for(case.colleague)
    page = colleague.post(
        url, {"version": "0", "reason": "Colleague's reason", "contributors": "Mum and dad"}
    )
    assert page.status_code == 200
    assert "Someone else changed this section" in page.text
    for words in ("Lead&#x27;s reason", "Colleague&#x27;s reason", "Mum and dad"):
        assert words in page.text
    # Keep the stored reason, keep my contributors.
    response = colleague.post(
        url,
        {
            "resolve": "1",
            "version": "1",
            "reason": "Colleague's reason",
            "contributors": "Mum and dad",
            "keep-reason": "stored",
            "keep-contributors": "yours",
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers["reason"] == "Lead's reason"
    assert assessment.answers["contributors"] == "Mum and dad"
    assert assessment.version_of("about") == 2


def test_submit_sign_off_agreement_and_print(case: Case, assessment: Assessment) -> None:
    lead = client_for(case.lead)
    pk = assessment.pk
    missing = lead.post(reverse("assessments:submit", args=[pk]))
    assert missing.status_code == 200 and "Answer these questions first" in missing.text
    for section, values in {
        "development": {"development_score": "4"},
        "parenting": {"parenting_score": "6"},
        "environment": {"environment_score": "3"},
        "analysis": {"analysis": "Ava is anxious."},
        "decision": {"decision": "family_plan", "decision_reasons": "Agreed."},
    }.items():
        lead.post(reverse("assessments:section", args=[pk, section]), {"version": "0", **values})
    assert lead.post(reverse("assessments:submit", args=[pk])).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert AreaScore.objects.filter(episode=case.episode).count() == 3
    # Submitted: the sections are no longer editable, the autosave refuses.
    autosave = reverse("assessments:autosave", args=[pk, "about"])
    assert lead.post(autosave, {"version": "0", "reason": "late"}).status_code == 400

    manager = client_for(case.manager)
    assert manager.get(reverse("assessments:sign_off", args=[pk])).status_code == 200
    response = manager.post(reverse("assessments:sign_off", args=[pk]), {"decision": "approve"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SIGNED_OFF
    assert ChronologyEntry.objects.filter(summary="Early help assessment signed off").exists()

    response = lead.post(
        reverse("assessments:agreement", args=[pk]),
        {
            "agreed_by": "Kim Hughes (mum)",
            "method": "in_person",
            "agreed_on-day": "2",
            "agreed_on-month": "1",
            "agreed_on-year": "2026",
        },
    )
    assert response.status_code == 302
    printed = lead.get(reverse("assessments:print", args=[pk]))
    assert "Kim Hughes (mum)" in printed.text
    assert "Early help with a family plan" in printed.text
    assert "data-print-button" in printed.text and "Save as PDF" in printed.text
