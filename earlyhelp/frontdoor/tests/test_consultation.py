"""The consultation line: calls recorded, listed and filtered by front-door users only; a child is
linked only when the recorder may open them; reading a call about a child is audited."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import (
    OrganisationFactory,
    SchoolFactory,
    TeamFactory,
    sign_in,
    user_with_role,
)
from earlyhelp.core.models import AccessAction, AccessEvent
from earlyhelp.frontdoor import consultation
from earlyhelp.frontdoor.codes import ThresholdMet
from earlyhelp.frontdoor.models import ConsultationCall
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import InvolvementReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def front_door_team():
    return TeamFactory(name="Starting Point", is_front_door=True)


@pytest.fixture
def screener(front_door_team):
    return user_with_role(Role.FRONT_DOOR_SCREENER, team=front_door_team)


@pytest.fixture
def known_child(front_door_team):
    """A child the front door may open (an earlier contact gave it a reason)."""
    child = people_services.create_person(
        actor=None,
        given_name="Amira",
        family_name="Okafor",
        date_of_birth=datetime.date(2016, 5, 1),
    )
    people_services.start_involvement(
        actor=None, reason=InvolvementReason.FRONT_DOOR, person=child, team=front_door_team
    )
    return child


@pytest.fixture
def unknown_child():
    """A child known to early help elsewhere, whom the front door has no reason to open."""
    child = people_services.create_person(
        actor=None,
        given_name="Amira",
        family_name="Okafor",
        date_of_birth=datetime.date(2016, 5, 2),
    )
    people_services.start_involvement(
        actor=None, reason=InvolvementReason.ALLOCATED_TEAM, person=child, team=TeamFactory()
    )
    return child


def call(recorded_by, **fields):
    values = {
        "caller_name": "Sam Teacher",
        "caller_agency": "Riverside Primary",
        "question": "Should I refer?",
        "advice": "Talk to the family first",
        "threshold_met": ThresholdMet.NO,
        "called_at": timezone.now() - datetime.timedelta(hours=1),
        "recorded_by": recorded_by,
    }
    values.update(fields)
    return ConsultationCall.objects.create(**values)


def _form_data(**extra):
    now = timezone.localtime() - datetime.timedelta(minutes=30)
    data = {
        "caller_name": "Sam Teacher",
        "caller_organisation": "",
        "caller_agency": "Riverside Primary",
        "caller_phone": "01632 960000",
        "question": "Pupil arriving hungry; should I refer?",
        "advice": "Speak to the parents; consider an early help assessment",
        "threshold_met": "unsure",
        "follow_up": "Caller will ring back after speaking to the family",
        "called_on-day": str(now.day),
        "called_on-month": str(now.month),
        "called_on-year": str(now.year),
        "called_time": now.strftime("%H:%M"),
    }
    data.update(extra)
    return data


def _errors(text):
    return re.findall(r'govuk-error-message">\s*<span[^>]*>[^<]*</span>([^<]*)', text)


def test_screener_records_a_call_with_a_partner_organisation(client, screener):
    school = SchoolFactory(name="Riverside Primary")
    sign_in(client, screener)
    page = client.get(reverse("frontdoor:record_consultation"))
    assert page.status_code == 200
    assert 'name="called_time"' in page.text
    assert timezone.localtime().strftime("%H:") in page.text  # the time defaults to now
    response = client.post(
        reverse("frontdoor:record_consultation"),
        _form_data(caller_organisation=str(school.pk), caller_agency=""),
    )
    assert response.status_code == 302, _errors(response.text)
    saved = ConsultationCall.objects.get()
    assert response["Location"] == reverse("frontdoor:consultation", args=[saved.pk])
    assert saved.caller_organisation == school
    assert saved.recorded_by == screener
    assert saved.threshold_met == ThresholdMet.UNSURE
    assert saved.person is None
    assert saved.history.get().history_change_reason.startswith("Consultation call recorded")


def test_the_form_says_what_is_missing(client, screener):
    sign_in(client, screener)
    response = client.post(
        reverse("frontdoor:record_consultation"),
        _form_data(caller_agency="", question="", threshold_met="", called_time="25:00"),
    )
    assert response.status_code == 200
    for message in (
        "Choose the caller&#x27;s organisation or type their agency",
        "Enter what did the caller ask?",
        "Select whether the threshold for a referral appeared to be met",
        "Enter the time of the call like 14:30",
    ):
        assert message in response.text, message
    assert not ConsultationCall.objects.exists()


def test_a_call_in_the_future_is_refused(client, screener):
    sign_in(client, screener)
    later = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post(
        reverse("frontdoor:record_consultation"),
        _form_data(
            **{
                "called_on-day": str(later.day),
                "called_on-month": str(later.month),
                "called_on-year": str(later.year),
            }
        ),
    )
    assert response.status_code == 200
    assert not ConsultationCall.objects.exists()


def test_search_offers_only_children_the_user_may_open(
    client, screener, known_child, unknown_child
):
    sign_in(client, screener)
    search = {"search": "1", "child-given_name": "Amira", "child-family_name": "Okafor"}
    page = client.get(reverse("frontdoor:record_consultation"), search)
    assert page.status_code == 200
    # Both are found (search is wide on purpose), but only the openable child can be linked.
    assert f'value="{known_child.pk}"' in page.text
    assert f'value="{unknown_child.pk}"' not in page.text
    assert "you may not open this record" in page.text
    assert AccessEvent.objects.filter(actor=screener, action=AccessAction.SEARCH).exists()

    url = (
        reverse("frontdoor:record_consultation")
        + "?"
        + "&".join(f"{k}={v}" for k, v in search.items())
    )
    refused = client.post(url, _form_data(person=str(unknown_child.pk)))
    assert refused.status_code == 200
    assert not ConsultationCall.objects.exists()

    client.post(url, _form_data(person=str(known_child.pk)))
    assert ConsultationCall.objects.get().person == known_child


def test_the_service_refuses_a_child_the_recorder_may_not_open(screener, unknown_child):
    with pytest.raises(ValidationError) as error:
        consultation.record_consultation(
            actor=screener,
            caller_name="Sam",
            caller_agency="School",
            question="Q",
            advice="A",
            threshold_met=ThresholdMet.NO,
            called_at=timezone.now(),
            person=unknown_child,
        )
    assert "person" in error.value.message_dict


def test_only_the_front_door_records_calls(known_child):
    practitioner = user_with_role(Role.PRACTITIONER, team=TeamFactory())
    with pytest.raises(ValidationError):
        consultation.record_consultation(
            actor=practitioner,
            caller_name="Sam",
            caller_agency="School",
            question="Q",
            advice="A",
            threshold_met=ThresholdMet.NO,
            called_at=timezone.now(),
        )


def test_list_newest_first_filtered_and_paginated(client, screener, django_assert_max_num_queries):
    health = OrganisationFactory(name="Kingsbridge Health")
    now = timezone.now()
    oldest = call(screener, caller_name="Old Caller", called_at=now - datetime.timedelta(days=3))
    newest = call(screener, caller_name="New Caller", called_at=now - datetime.timedelta(hours=1))
    nurse = call(
        screener,
        caller_name="Nurse Caller",
        caller_agency="",
        caller_organisation=health,
        threshold_met=ThresholdMet.YES,
        called_at=now - datetime.timedelta(days=1),
    )
    sign_in(client, screener)
    page = client.get(reverse("frontdoor:consultations")).text
    assert page.index("New Caller") < page.index("Nurse Caller") < page.index("Old Caller")

    met = client.get(reverse("frontdoor:consultations"), {"threshold_met": "yes"}).text
    assert "Nurse Caller" in met and "New Caller" not in met
    by_agency = client.get(reverse("frontdoor:consultations"), {"agency": "health"}).text
    assert "Nurse Caller" in by_agency and "Old Caller" not in by_agency
    by_typed = client.get(reverse("frontdoor:consultations"), {"agency": "riverside"}).text
    assert "Old Caller" in by_typed and "Nurse Caller" not in by_typed
    assert {oldest.pk, newest.pk, nurse.pk}

    for _ in range(30):
        call(screener)
    with django_assert_max_num_queries(20):
        first = client.get(reverse("frontdoor:consultations"))
    assert "Page 1 of 2" in first.text
    second = client.get(reverse("frontdoor:consultations"), {"threshold_met": "no", "page": "2"})
    assert "Page 2 of 2" in second.text and "threshold_met=no&amp;page=1" in second.text


def test_list_query_count_does_not_grow(client, screener, django_assert_max_num_queries):
    sign_in(client, screener)
    for _ in range(3):
        call(screener)
    client.get(reverse("frontdoor:consultations"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("frontdoor:consultations"))
    for _ in range(20):
        call(screener, caller_organisation=OrganisationFactory())
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("frontdoor:consultations"))
    assert len(many) == len(few)


def test_detail_is_audited_when_it_names_a_child(client, screener, known_child):
    linked = call(screener, person=known_child, threshold_met=ThresholdMet.YES)
    unlinked = call(screener)
    sign_in(client, screener)
    page = client.get(reverse("frontdoor:consultation", args=[linked.pk]))
    assert page.status_code == 200
    assert "Amira Okafor" in page.text
    assert "The threshold for a referral appeared to be met" in page.text
    event = AccessEvent.objects.get(
        actor=screener, action=AccessAction.VIEW, object_type="consultationcall"
    )
    assert event.person_id == known_child.pk and event.object_id == str(linked.pk)
    client.get(reverse("frontdoor:consultation", args=[unlinked.pk]))
    assert AccessEvent.objects.filter(object_type="consultationcall").count() == 1


def test_stranger_gets_404_and_anonymous_signs_in(client, screener):
    saved = call(screener)
    urls = [
        reverse("frontdoor:consultations"),
        reverse("frontdoor:record_consultation"),
        reverse("frontdoor:consultation", args=[saved.pk]),
    ]
    stranger = user_with_role(Role.PRACTITIONER, team=TeamFactory())
    sign_in(client, stranger)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("frontdoor:record_consultation"), _form_data()).status_code == 404
    assert ConsultationCall.objects.count() == 1
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url


def test_a_former_front_door_member_is_a_stranger(client, front_door_team):
    from earlyhelp.accounts.models import Membership

    former = user_with_role(Role.FRONT_DOOR_SCREENER, team=front_door_team)
    today = timezone.localdate()
    Membership.objects.filter(user=former).update(
        started_on=today - datetime.timedelta(days=30), ended_on=today - datetime.timedelta(days=1)
    )
    sign_in(client, former)
    assert client.get(reverse("frontdoor:consultations")).status_code == 404
