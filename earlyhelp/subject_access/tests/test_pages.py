"""Subject access pages as the data protection officer (allowed), a practitioner on the family's
team (404), a stranger (404) and anonymous (sent to sign in); the downloads are exports in the
access log and carry only what survives redaction."""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import TeamFactory, sign_in, user_with_role
from earlyhelp.core.models import AccessAction, AccessEvent
from earlyhelp.subject_access import services
from earlyhelp.subject_access.codes import RequestStatus
from earlyhelp.subject_access.models import SubjectAccessRequest

from .factories import child_in_two_families

pytestmark = pytest.mark.django_db


def _urls(sar):
    return [
        reverse("subject_access:log"),
        reverse("subject_access:new"),
        reverse("subject_access:request", args=[sar.pk]),
        reverse("subject_access:document", args=[sar.pk]),
        reverse("subject_access:pdf", args=[sar.pk]),
        reverse("subject_access:json", args=[sar.pk]),
    ]


def test_only_the_officer_sees_the_pages(client):
    s = child_in_two_families()
    sar = s.request()
    stranger = user_with_role(Role.PRACTITIONER, team=TeamFactory())
    for url in _urls(sar):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url
    for user in (s.practitioner, stranger):
        client.logout()
        sign_in(client, user)
        for url in _urls(sar):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("subject_access:new"), {}).status_code == 404
    client.logout()
    sign_in(client, s.auditor)
    for url in _urls(sar):
        assert client.get(url).status_code == 200, url


def test_the_officer_records_a_request_after_confirming_the_person(client):
    s = child_in_two_families()
    sign_in(client, s.auditor)
    url = reverse("subject_access:new")
    empty = client.post(url, {})
    assert "Enter record number" in empty.text
    data = {
        "person_id": s.child.pk,
        "requester_name": "Piotr Wiśniewski",
        "requester_relationship": "parent",
        "received_on-day": "31",
        "received_on-month": "1",
        "received_on-year": "2026",
    }
    confirm = client.post(url, data)
    assert "Is this the right person?" in confirm.text
    assert "12 April 2016" in confirm.text
    assert not SubjectAccessRequest.objects.exists()
    done = client.post(url, {**data, "confirmed": "yes"})
    sar = SubjectAccessRequest.objects.get()
    assert done["Location"] == reverse("subject_access:request", args=[sar.pk])
    assert sar.due_on == date(2026, 2, 28)
    assert sar.recorded_by == s.auditor
    assert sar.history.first().history_user == s.auditor
    missing = client.post(url, {**data, "person_id": 999999})
    assert "There is no person with that record number" in missing.text


def test_the_log_puts_overdue_requests_first_with_a_red_tag(client):
    s = child_in_two_families()
    today = timezone.localdate()
    late = services.record_request(
        actor=s.auditor,
        person=s.child,
        requester_name="Late",
        requester_relationship="self",
        received_on=today - timedelta(days=60),
    )
    recent = s.request()
    recent.received_on = today
    recent.save()
    sign_in(client, s.auditor)
    page = client.get(reverse("subject_access:log")).text
    assert "Overdue" in page and "govuk-tag--red" in page
    assert page.index(f"Request {late.pk}<") < page.index(f"Request {recent.pk}<")


def test_redaction_then_release_and_the_downloads_hide_the_sibling(client):
    s = child_in_two_families()
    sar = s.request()
    sign_in(client, s.auditor)
    url = reverse("subject_access:request", args=[sar.pk])
    page = client.get(url).text
    assert "Tymon Wiśniewski" in page  # listed for the officer's decision
    # Releasing before redaction and identity checks is refused.
    refused = client.post(
        url,
        {
            "form": "update",
            "update-status": "released",
            "update-released_on-day": "20",
            "update-released_on-month": "2",
            "update-released_on-year": "2026",
        },
    )
    assert "Review the redactions before releasing" in refused.text
    assert "Check the requester" in refused.text
    client.post(
        url, {"form": "redaction", "redaction-release": [str(s.mother.pk), str(s.father.pk)]}
    )
    sar.refresh_from_db()
    assert sar.released_person_ids == {s.mother.pk, s.father.pk}
    assert sar.status == RequestStatus.REDACTING
    released = client.post(
        url,
        {
            "form": "update",
            "update-status": "released",
            "update-released_on-day": "20",
            "update-released_on-month": "2",
            "update-released_on-year": "2026",
            "update-identity_checked": "on",
            "update-identity_check_method": "Passport seen",
        },
    )
    assert released.status_code == 302
    sar.refresh_from_db()
    assert sar.status == RequestStatus.RELEASED and sar.released_on == date(2026, 2, 20)

    html = client.get(reverse("subject_access:document", args=[sar.pk])).text
    raw = client.get(reverse("subject_access:json", args=[sar.pk]))
    pdf = client.get(reverse("subject_access:pdf", args=[sar.pk]))
    assert raw["Content-Type"].startswith("application/json")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    document = json.loads(raw.content)
    for text in (html, json.dumps(document, ensure_ascii=False)):
        assert "Wiśniewski family (Mill Street)" in text
        assert "Wiśniewska family (Lark Rise)" in text
        for hidden in ("Tymon", "2012-09-03", "3 September 2012", "7 Heron Close", "KB4 5EF"):
            assert hidden not in text, hidden
        for hidden in ("Refuge House", "KB9 9ZZ"):
            assert hidden not in text, hidden
        assert "[redacted: family member]" in text
    exports = AccessEvent.objects.filter(
        action=AccessAction.EXPORT, object_type="subject_access", person_id=s.child.pk
    )
    assert exports.count() == 3
    assert set(exports.values_list("actor", flat=True)) == {s.auditor.pk}


def test_an_extension_must_have_a_reason_and_stay_within_two_more_months(client):
    s = child_in_two_families()
    sar = s.request()  # received 31 January 2026: due 28 February, latest 30 April
    sign_in(client, s.auditor)
    url = reverse("subject_access:request", args=[sar.pk])
    base = {"form": "update", "update-status": "gathering", "update-extended": "on"}
    too_late = client.post(
        url,
        {
            **base,
            "update-extension_reason": "Many records",
            "update-extended_due_on-day": "1",
            "update-extended_due_on-month": "5",
            "update-extended_due_on-year": "2026",
        },
    )
    assert "no later than 30 April 2026" in too_late.text
    no_reason = client.post(url, base)
    assert "Enter why the request needs more time" in no_reason.text
    client.post(
        url,
        {
            **base,
            "update-extension_reason": "Many records",
            "update-extended_due_on-day": "30",
            "update-extended_due_on-month": "4",
            "update-extended_due_on-year": "2026",
        },
    )
    sar.refresh_from_db()
    assert sar.extended and sar.deadline == date(2026, 4, 30)
    assert sar.history.count() == 2
