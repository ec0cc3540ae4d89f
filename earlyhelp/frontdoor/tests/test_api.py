"""Requests for support through the API: a school's safeguarding lead sends one from their own
system, retries it, reads it back; the front door reads it; strangers and anonymous callers get
nothing."""

import json
from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.services import create_api_token
from earlyhelp.accounts.tests.factories import OrganisationFactory, user_with_role
from earlyhelp.core.models import AccessAction, AccessEvent
from earlyhelp.frontdoor import api as requests_api
from earlyhelp.frontdoor import services
from earlyhelp.frontdoor.codes import ContactMethod, ContactStatus, Outcome
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people import services as people_services
from earlyhelp.people.access import active_involvements
from earlyhelp.people.codes import InvolvementReason

from .factories import front_door_team, screener

pytestmark = pytest.mark.django_db

URL = "/api/requests"


def auth(user: Any, key: str | None = None) -> dict[str, str]:
    _, raw = create_api_token(user=user, name="Tests")
    headers = {"Authorization": f"Bearer {raw}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


@pytest.fixture
def team():
    return front_door_team()


@pytest.fixture
def school():
    return OrganisationFactory(kind=OrganisationKind.SCHOOL, name="Riverside Primary")


@pytest.fixture
def dsl(school):
    return user_with_role(
        Role.DESIGNATED_SAFEGUARDING_LEAD, organisation=school, full_name="Dee Shah"
    )


@pytest.fixture
def pupil(school):
    """A pupil the school's DSL may open (the school's reason)."""
    person = people_services.create_person(
        actor=None, given_name="Maya", family_name="Green", date_of_birth=date(2016, 5, 1)
    )
    people_services.start_involvement(
        actor=None, reason=InvolvementReason.SCHOOL, person=person, organisation=school
    )
    return person


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "children": [{"given_name": "Leo", "family_name": "Green", "date_of_birth": "2018-02-03"}],
        "adults": [{"given_name": "Sam", "family_name": "Green"}],
        "worries": ["16A", "4B"],
        "worries_detail": "Often hungry and tired at school.",
        "already_tried": "Breakfast club since September.",
        "family_consent": "yes",
        "urgency": "soon",
    }
    data.update(changes)
    return data


def post(headers: dict[str, str], data: dict[str, Any]) -> Any:
    return Client().post(URL, json.dumps(data), content_type="application/json", headers=headers)


# --- Sending ------------------------------------------------------------------------------------


def test_a_request_is_sent_to_the_front_door(team, dsl, pupil):
    response = post(auth(dsl, "log-1001"), body(children=[{"person_id": pupil.pk}]))
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["reference"].startswith("FD-")
    assert answer["status"] == ContactStatus.AWAITING_SCREENING
    assert answer["method"] == ContactMethod.API
    assert answer["source"] == "2A"  # from the school
    assert (answer["children"], answer["adults"]) == (1, 1)
    assert answer["outcome"] is None
    contact = Contact.objects.get(reference=answer["reference"])
    assert contact.referrer == dsl
    assert contact.idempotency_key == "log-1001"
    assert list(contact.subjects.values_list("person_id", flat=True)) == [pupil.pk]
    assert contact.draft["unmatched"][0]["given_name"] == "Sam"
    assert sorted(contact.worries) == ["16A", "4B"]
    # The front door may now open the pupil's record, as after the online form.
    assert (
        active_involvements()
        .filter(person=pupil, reason=InvolvementReason.FRONT_DOOR, team=team)
        .exists()
    )


def test_the_same_key_twice_makes_one_contact(team, dsl):
    headers = auth(dsl, "log-42")
    first = post(headers, body())
    second = post(headers, body())
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() == first.json()
    assert Contact.objects.filter(referrer=dsl).count() == 1


def test_the_key_may_come_in_the_body(team, dsl):
    headers = auth(dsl)
    first = post(headers, body(idempotency_key="log-7"))
    again = post({**headers, "Idempotency-Key": "log-7"}, body())
    assert (first.status_code, again.status_code) == (201, 200)
    assert Contact.objects.filter(referrer=dsl).count() == 1


def test_different_answers_with_a_used_key_are_refused(team, dsl):
    headers = auth(dsl, "log-42")
    first = post(headers, body())
    other = post(headers, body(urgency="today"))
    assert other.status_code == 409
    assert other.json()["code"] == "conflict"
    assert other.json()["reference"] == first.json()["reference"]
    assert Contact.objects.filter(referrer=dsl).count() == 1
    assert Contact.objects.get(referrer=dsl).urgency == "soon"


def test_keys_belong_to_their_caller(team, dsl, school):
    colleague = user_with_role(Role.DESIGNATED_SAFEGUARDING_LEAD, organisation=school)
    assert post(auth(dsl, "log-1"), body()).status_code == 201
    assert post(auth(colleague, "log-1"), body()).status_code == 201
    assert Contact.objects.count() == 2


def test_a_race_with_the_same_key_makes_one_contact(team, dsl, monkeypatch):
    """Two copies at once: both find no earlier request, the database refuses the second; it
    answers as a retry."""
    headers = auth(dsl, "log-race")
    first = post(headers, body())
    real_earlier = requests_api._earlier
    calls = {"n": 0}

    def not_yet_the_first_time(user, key):
        calls["n"] += 1
        return None if calls["n"] == 1 else real_earlier(user, key)

    monkeypatch.setattr(requests_api, "_earlier", not_yet_the_first_time)
    second = post(headers, body())
    assert second.status_code == 200, second.content
    assert second.json()["reference"] == first.json()["reference"]
    assert Contact.objects.filter(referrer=dsl).count() == 1


def test_the_database_refuses_a_second_contact_with_the_key(team, dsl):
    post(auth(dsl, "log-9"), body())
    contact = Contact.objects.get()
    with pytest.raises(IntegrityError):
        Contact.objects.create(
            reference="FD-X-1", method=ContactMethod.API, referrer=dsl, idempotency_key="log-9"
        )
    assert contact.idempotency_key == "log-9"


# --- Validation: the form's rules and messages ---------------------------------------------------


def errors_of(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_a_key_is_required(team, dsl):
    errors = errors_of(post(auth(dsl), body()))
    assert "Idempotency-Key" in errors


def test_header_and_body_keys_must_agree(team, dsl):
    errors = errors_of(post(auth(dsl, "a"), body(idempotency_key="b")))
    assert "idempotency_key" in errors


def test_missing_answers_get_the_forms_messages(team, dsl):
    response = post(
        auth(dsl, "log-empty"),
        {"children": [], "worries": [], "already_tried": "", "family_consent": None},
    )
    errors = errors_of(response)
    assert errors["children"] == "Add at least one child the request is about"
    assert errors["worries"] == "Select or describe what you are worried about"
    assert errors["already_tried"] == "Say what has been tried already (or that nothing has)"
    assert errors["family_consent"] == "Say whether the family knows about the request and agrees"
    assert errors["urgency"] == "Say how urgent the request is"
    assert not Contact.objects.exists()
    # Nothing was kept, so the key is free for the corrected request.
    assert post(auth(dsl, "log-empty"), body()).status_code == 201


def test_no_consent_is_refused_unless_safeguarding(team, dsl):
    errors = errors_of(post(auth(dsl, "k1"), body(family_consent="no")))
    assert errors["family_consent"].startswith("The family must know about a request")
    ok = post(auth(dsl, "k2"), body(family_consent="no_safeguarding"))
    assert ok.status_code == 201


def test_unknown_codes_are_refused(team, dsl):
    response = post(auth(dsl, "k"), body(worries=["99Z"]))
    assert response.status_code == 422
    assert not Contact.objects.exists()


def test_a_person_the_caller_cannot_open_must_be_named(team, dsl):
    stranger_child = people_services.create_person(actor=None, given_name="Kit", family_name="Low")
    errors = errors_of(post(auth(dsl, "k"), body(children=[{"person_id": stranger_child.pk}])))
    assert "cannot open their record" in errors["children.0.person_id"]
    errors = errors_of(post(auth(dsl, "k"), body(children=[{"person_id": 10**12}])))
    assert "cannot open their record" in errors["children.0.person_id"]
    assert not Contact.objects.exists()


def test_a_named_person_needs_a_name(team, dsl):
    errors = errors_of(post(auth(dsl, "k"), body(children=[{"date_of_birth": "2018-01-01"}])))
    assert errors["children.0"] == "Enter the person's first name or last name"


def test_someone_who_may_not_record_people_may_not_send(team):
    auditor = user_with_role(Role.AUDITOR)
    assert post(auth(auditor, "k"), body()).status_code == 403


def test_anonymous_callers_are_refused(team):
    response = Client().post(
        URL, json.dumps(body()), content_type="application/json", headers={"Idempotency-Key": "k"}
    )
    assert response.status_code == 401
    assert Client().get(URL).status_code == 401


# --- Reading ------------------------------------------------------------------------------------


def test_the_referrer_reads_status_and_outcome(team, dsl):
    reference = post(auth(dsl, "k"), body()).json()["reference"]
    headers = auth(dsl)
    listed = Client().get(URL, headers=headers).json()
    assert listed["count"] == 1
    assert listed["requests"][0]["reference"] == reference

    worker = screener(team)
    contact = Contact.objects.get(reference=reference)
    services.rate(actor=worker, contact=contact, rag="green", rationale="Needs are clear")
    services.decide(
        actor=worker,
        contact=contact,
        outcome=Outcome.SIGNPOST,
        rationale="Universal services fit",
        signposted_to="Holiday activities and food programme",
    )
    answer = Client().get(f"{URL}/{reference}", headers=headers).json()
    assert answer["status"] == ContactStatus.DECIDED
    assert answer["outcome"]["code"] == Outcome.SIGNPOST
    assert answer["outcome"]["signposted_to"] == "Holiday activities and food programme"
    assert reference in answer["outcome"]["message"]
    assert "rationale" not in json.dumps(answer)


def test_an_undecided_request_has_no_outcome_yet(team, dsl):
    reference = post(auth(dsl, "k"), body()).json()["reference"]
    answer = Client().get(f"{URL}/{reference}", headers=auth(dsl)).json()
    assert answer["outcome"] is None


def test_the_front_door_reads_any_sent_request_and_strangers_get_404(team, dsl, school):
    reference = post(auth(dsl, "k"), body()).json()["reference"]
    assert Client().get(f"{URL}/{reference}", headers=auth(screener(team))).status_code == 200
    colleague = user_with_role(Role.DESIGNATED_SAFEGUARDING_LEAD, organisation=school)
    assert Client().get(f"{URL}/{reference}", headers=auth(colleague)).status_code == 404
    assert Client().get(f"{URL}/FD-1999-000001", headers=auth(dsl)).status_code == 404
    assert Client().get(f"{URL}/{reference}").status_code == 401
    # The stranger's own list is empty, not the referrer's.
    assert Client().get(URL, headers=auth(colleague)).json() == {"count": 0, "requests": []}


def test_drafts_are_not_served(team, dsl):
    from earlyhelp.frontdoor import submission

    draft = submission.start_draft(actor=dsl)
    assert Client().get(f"{URL}/{draft.reference}", headers=auth(dsl)).status_code == 404
    assert Client().get(URL, headers=auth(dsl)).json()["count"] == 0


def test_reads_are_in_the_access_log(team, dsl):
    reference = post(auth(dsl, "k"), body()).json()["reference"]
    before = timezone.now()
    Client().get(f"{URL}/{reference}", headers=auth(dsl))
    Client().get(URL, headers=auth(dsl))
    events = AccessEvent.objects.filter(occurred_at__gte=before, action=AccessAction.API_READ)
    contact = Contact.objects.get(reference=reference)
    assert events.filter(object_type="contact", object_id=str(contact.pk), actor=dsl).exists()
    assert events.filter(object_type="contact_list", actor=dsl).exists()


def test_the_list_pages(team, dsl):
    headers = auth(dsl)
    for number in range(3):
        post({**headers, "Idempotency-Key": f"k{number}"}, body())
    page = Client().get(f"{URL}?limit=2&offset=2", headers=headers).json()
    assert page["count"] == 3
    assert len(page["requests"]) == 1
