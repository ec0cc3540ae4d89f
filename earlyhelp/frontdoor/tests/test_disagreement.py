"""Professional disagreements: raised only by the referrer of a decided request, escalated through
three stages by either side, resolved by a front-door manager; the other side is told in the
product and by email at each step; seen only by the raiser, the front door and auditors."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import SchoolFactory, TeamFactory, sign_in, user_with_role
from earlyhelp.core.models import AccessAction, AccessEvent
from earlyhelp.frontdoor import consultation
from earlyhelp.frontdoor.codes import (
    ContactMethod,
    ContactStatus,
    DisagreementStage,
    DisagreementStatus,
    Outcome,
)
from earlyhelp.frontdoor.models import Contact, ContactDecision, Disagreement, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def front_door_team():
    return TeamFactory(name="Starting Point", is_front_door=True)


@pytest.fixture
def screener(front_door_team):
    return user_with_role(Role.FRONT_DOOR_SCREENER, team=front_door_team)


@pytest.fixture
def fd_manager(front_door_team):
    return user_with_role(Role.TEAM_MANAGER, team=front_door_team)


@pytest.fixture
def referrer():
    return user_with_role(Role.DESIGNATED_SAFEGUARDING_LEAD, organisation=SchoolFactory())


def make_contact(referrer, *, number=1, status=ContactStatus.DECIDED):
    return Contact.objects.create(
        reference=f"FD-2026-{number:06d}",
        status=status,
        method=ContactMethod.ONLINE,
        received_at=timezone.now(),
        referrer=referrer,
        created_by=referrer,
    )


def decide(contact, decided_by, outcome=Outcome.NO_FURTHER_ACTION):
    return ContactDecision.objects.create(
        contact=contact,
        outcome=outcome,
        rationale="Needs can be met by the school",
        decided_by=decided_by,
        decided_at=timezone.now(),
    )


def decided_contact(referrer, decided_by, number=1):
    contact = make_contact(referrer, number=number)
    decide(contact, decided_by)
    return contact


def _post(client, disagreement, step, **fields):
    data = {"step": step, **{f"{step}-{k}": v for k, v in fields.items()}}
    return client.post(reverse("frontdoor:disagreement", args=[disagreement.pk]), data)


def test_the_referrer_raises_a_disagreement_and_the_screener_is_told(
    client, referrer, screener, mailoutbox, django_capture_on_commit_callbacks
):
    contact = decided_contact(referrer, screener)
    sign_in(client, referrer)
    url = reverse("frontdoor:raise_disagreement", args=[contact.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "No further action" in page.text
    assert AccessEvent.objects.filter(
        actor=referrer, action=AccessAction.VIEW, object_type="contact", object_id=str(contact.pk)
    ).exists()
    empty = client.post(url, {"reason": ""})
    assert "Enter why you disagree with the decision" in empty.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "The family needs a family worker"})
    disagreement = Disagreement.objects.get()
    assert response["Location"] == reverse("frontdoor:disagreement", args=[disagreement.pk])
    assert disagreement.stage == DisagreementStage.PRACTITIONERS
    assert disagreement.status == DisagreementStatus.OPEN
    assert [n.note for n in disagreement.notes.all()] == ["The family needs a family worker"]
    assert Notification.objects.get().user == screener
    assert [m.to for m in mailoutbox] == [[screener.email]]
    assert contact.reference in mailoutbox[0].subject
    # One open disagreement at a time: the form now leads to it.
    again = client.get(url)
    assert again.status_code == 302
    assert again["Location"] == reverse("frontdoor:disagreement", args=[disagreement.pk])


def test_only_the_referrer_of_a_decided_contact_may_raise(client, referrer, screener):
    undecided = make_contact(referrer, number=2, status=ContactStatus.AWAITING_SCREENING)
    awaiting_approval = make_contact(referrer, number=3, status=ContactStatus.AWAITING_APPROVAL)
    decide(awaiting_approval, screener)
    decided = decided_contact(referrer, screener)
    sign_in(client, referrer)
    for contact in (undecided, awaiting_approval):
        assert (
            client.get(reverse("frontdoor:raise_disagreement", args=[contact.pk])).status_code
            == 404
        )
    with pytest.raises(ValidationError):
        consultation.raise_disagreement(actor=referrer, contact=awaiting_approval, reason="Early")
    for user in (screener, user_with_role(Role.PRACTITIONER, team=TeamFactory())):
        sign_in(client, user)
        for contact in (decided, undecided):
            url = reverse("frontdoor:raise_disagreement", args=[contact.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, {"reason": "No"}).status_code == 404
    with pytest.raises(ValidationError):
        consultation.raise_disagreement(actor=screener, contact=decided, reason="Not mine")
    with pytest.raises(ValidationError):
        consultation.raise_disagreement(actor=referrer, contact=undecided, reason="Too early")
    assert not Disagreement.objects.exists()


def test_escalation_through_the_stages_to_a_resolution(
    client, referrer, screener, fd_manager, mailoutbox, django_capture_on_commit_callbacks
):
    contact = decided_contact(referrer, screener)
    with django_capture_on_commit_callbacks(execute=True):
        disagreement = consultation.raise_disagreement(
            actor=referrer, contact=contact, reason="The family needs a family worker"
        )
    mailoutbox.clear()

    # Stage 1: the screener who decided replies; the referrer is told.
    sign_in(client, screener)
    page = client.get(reverse("frontdoor:disagreement", args=[disagreement.pk]))
    assert "moj-timeline" in page.text and "Record the resolution" not in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, disagreement, "reply", note="School support is in place")
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[referrer.email]]
    assert Notification.objects.filter(user=referrer).count() == 1

    # The referrer escalates to managers: the front door's managers are told.
    mailoutbox.clear()
    sign_in(client, referrer)
    page = client.get(reverse("frontdoor:disagreement", args=[disagreement.pk]))
    assert "Escalate to stage 2: managers" in page.text
    assert "Enter why you are escalating" in _post(client, disagreement, "escalate", note="").text
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, disagreement, "escalate", note="Still at risk of neglect")
    disagreement.refresh_from_db()
    assert disagreement.stage == DisagreementStage.MANAGERS
    assert [m.to for m in mailoutbox] == [[fd_manager.email]]
    # The referrer may not resolve their own disagreement.
    assert (
        _post(client, disagreement, "resolve", outcome="changed", resolution="x").status_code == 404
    )

    # The front door escalates to senior managers: the referrer hears.
    mailoutbox.clear()
    sign_in(client, screener)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, disagreement, "escalate", note="We could not agree")
    disagreement.refresh_from_db()
    assert disagreement.stage == DisagreementStage.SENIOR
    assert {tuple(m.to) for m in mailoutbox} == {(fd_manager.email,), (referrer.email,)}
    page = client.get(reverse("frontdoor:disagreement", args=[disagreement.pk]))
    assert "Escalate to" not in page.text
    assert _post(client, disagreement, "escalate", note="Again").status_code == 404
    with pytest.raises(ValidationError):
        consultation.escalate(actor=referrer, disagreement=disagreement, note="Stage 4?")
    # A screener is not a manager: no resolution.
    assert (
        _post(client, disagreement, "resolve", outcome="upheld", resolution="x").status_code == 404
    )

    # A front-door manager resolves it: the referrer and the screener are told.
    mailoutbox.clear()
    sign_in(client, fd_manager)
    page = client.get(reverse("frontdoor:disagreement", args=[disagreement.pk]))
    assert "Record the resolution" in page.text
    missing = _post(client, disagreement, "resolve", outcome="", resolution="")
    assert "Select whether the decision is upheld or changed" in missing.text
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            disagreement,
            "resolve",
            outcome="changed",
            resolution="Open early help; a family worker will be allocated",
        )
    disagreement.refresh_from_db()
    assert disagreement.status == DisagreementStatus.RESOLVED
    assert disagreement.resolution.startswith("Decision changed: Open early help")
    assert disagreement.resolved_by == fd_manager and disagreement.resolved_at
    assert {tuple(m.to) for m in mailoutbox} == {(referrer.email,), (screener.email,)}
    assert [n.stage for n in disagreement.notes.all()] == [1, 1, 2, 3, 3]
    history = [h.history_change_reason for h in disagreement.history.order_by("history_id")]
    assert history[0] == "Disagreement raised by the referrer"
    assert history[-1].startswith("Resolved by")

    # Resolved: no more steps for anyone.
    page = client.get(reverse("frontdoor:disagreement", args=[disagreement.pk]))
    assert "Add reply" not in page.text and "Record the resolution" not in page.text
    assert "Decision changed" in page.text
    sign_in(client, referrer)
    assert _post(client, disagreement, "reply", note="Thanks").status_code == 404


def test_raising_again_after_a_resolution(referrer, screener, fd_manager):
    contact = decided_contact(referrer, screener)
    first = consultation.raise_disagreement(actor=referrer, contact=contact, reason="First")
    with pytest.raises(ValidationError):
        consultation.raise_disagreement(actor=referrer, contact=contact, reason="Second")
    consultation.resolve(actor=fd_manager, disagreement=first, outcome="upheld", resolution="Kept")
    second = consultation.raise_disagreement(actor=referrer, contact=contact, reason="New facts")
    assert second.pk != first.pk


def test_who_sees_a_disagreement(client, referrer, screener):
    contact = decided_contact(referrer, screener)
    disagreement = consultation.raise_disagreement(actor=referrer, contact=contact, reason="No")
    url = reverse("frontdoor:disagreement", args=[disagreement.pk])
    auditor = user_with_role(Role.AUDITOR)
    other_screener = user_with_role(Role.FRONT_DOOR_SCREENER, team=screener.memberships.get().team)
    for user in (referrer, screener, other_screener, auditor):
        sign_in(client, user)
        page = client.get(url)
        assert page.status_code == 200, user
        assert AccessEvent.objects.filter(
            actor=user, object_type="contact", object_id=str(contact.pk)
        ).exists()
    # The auditor reads only.
    sign_in(client, auditor)
    assert "Add reply" not in client.get(url).text
    assert _post(client, disagreement, "reply", note="Audit").status_code == 404

    stranger = user_with_role(Role.PRACTITIONER, team=TeamFactory())
    sign_in(client, stranger)
    assert client.get(url).status_code == 404
    assert _post(client, disagreement, "reply", note="Me too").status_code == 404
    assert client.get(reverse("frontdoor:disagreements")).status_code == 404
    sign_in(client, referrer)
    assert client.get(reverse("frontdoor:disagreements")).status_code == 404
    client.logout()
    for address in (
        url,
        reverse("frontdoor:disagreements"),
        reverse("frontdoor:raise_disagreement", args=[contact.pk]),
    ):
        response = client.get(address)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_list_shows_open_ones_first(client, referrer, screener, fd_manager):
    resolved = consultation.raise_disagreement(
        actor=referrer, contact=decided_contact(referrer, screener, 1), reason="First"
    )
    consultation.resolve(
        actor=fd_manager, disagreement=resolved, outcome="upheld", resolution="Kept"
    )
    consultation.raise_disagreement(
        actor=referrer, contact=decided_contact(referrer, screener, 2), reason="Second"
    )
    sign_in(client, screener)
    page = client.get(reverse("frontdoor:disagreements")).text
    assert page.index("FD-2026-000002") < page.index("FD-2026-000001")
    assert "Open" in page and "Resolved" in page


def test_the_contact_page_include_lists_disagreements(referrer, screener, rf):
    from django.template.loader import render_to_string

    contact = decided_contact(referrer, screener)
    consultation.raise_disagreement(actor=referrer, contact=contact, reason="Needs a worker")
    html = render_to_string("frontdoor/_disagreements.html", {"contact": contact, "user": referrer})
    assert "Needs a worker" in html
    assert "Stage 1: practitioner to practitioner" in html
    assert "Open" in html
    assert reverse("frontdoor:raise_disagreement", args=[contact.pk]) in html
    undecided = make_contact(referrer, number=9, status=ContactStatus.AWAITING_SCREENING)
    html = render_to_string(
        "frontdoor/_disagreements.html", {"contact": undecided, "user": referrer}
    )
    assert "None raised" in html and "Disagree with this decision" not in html


def test_the_list_query_count_does_not_grow(client, referrer, screener):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consultation.raise_disagreement(
        actor=referrer, contact=decided_contact(referrer, screener, 1), reason="One"
    )
    sign_in(client, screener)
    client.get(reverse("frontdoor:disagreements"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("frontdoor:disagreements"))
    for number in range(2, 12):
        other = user_with_role(Role.DESIGNATED_SAFEGUARDING_LEAD, organisation=SchoolFactory())
        consultation.raise_disagreement(
            actor=other, contact=decided_contact(other, screener, number), reason="More"
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("frontdoor:disagreements"))
    assert len(many) == len(few)
