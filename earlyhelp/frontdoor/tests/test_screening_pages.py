"""The screening pages: the queue (filters, sort, bounded queries), a contact with its
existing-involvement panel, claiming and rating from the page, matching a named child, the
decision and its approval; each as an allowed user, a stranger and someone not signed in."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.models import Team, User
from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import TeamFactory, sign_in, user_with_role
from earlyhelp.consent import services as consent_services
from earlyhelp.consent.codes import ConsentDecision, ConsentGivenBy, ConsentMethod, ConsentScope
from earlyhelp.core.models import AccessEvent, CouncilConfiguration
from earlyhelp.episodes import services as episode_services
from earlyhelp.frontdoor import services
from earlyhelp.frontdoor.codes import ContactStatus, Outcome, Rag
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole
from earlyhelp.people.models import Person
from earlyhelp.people.tests.factories import PersonFactory

from .factories import front_door_team, make_contact, screener

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> Team:
    return front_door_team()


@pytest.fixture
def user(team: Team) -> User:
    return screener(team, full_name="Sam Screener")


@pytest.fixture
def signed_in(client: Client, user: User) -> Client:
    return sign_in(client, user)


@pytest.fixture
def stranger(client: Client) -> Client:
    return sign_in(client, user_with_role(Role.PRACTITIONER, team=TeamFactory()))


def urls(contact: Contact) -> list[str]:
    return [
        reverse("frontdoor:queue"),
        reverse("frontdoor:contact", args=[contact.pk]),
        reverse("frontdoor:decide", args=[contact.pk]),
        reverse("frontdoor:approve", args=[contact.pk]),
    ]


# --- Who may see the pages --------------------------------------------------------------------


def test_a_practitioner_not_on_the_front_door_gets_404_everywhere(stranger: Client) -> None:
    contact = make_contact(status=ContactStatus.AWAITING_APPROVAL)
    for url in urls(contact):
        assert stranger.get(url).status_code == 404, url
    for url in urls(contact)[1:]:
        assert stranger.post(url, {"action": "claim"}).status_code == 404, url


def test_the_referrer_cannot_screen_their_own_request(client: Client) -> None:
    contact = make_contact()
    assert contact.referrer is not None
    sign_in(client, contact.referrer)
    assert client.get(reverse("frontdoor:contact", args=[contact.pk])).status_code == 404


def test_someone_not_signed_in_is_sent_to_sign_in(client: Client) -> None:
    contact = make_contact()
    for url in urls(contact):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_only_a_front_door_manager_may_approve(signed_in: Client, team: Team) -> None:
    contact = make_contact(status=ContactStatus.AWAITING_APPROVAL)
    assert signed_in.get(reverse("frontdoor:approve", args=[contact.pk])).status_code == 404


def test_a_draft_is_never_shown(signed_in: Client) -> None:
    contact = make_contact(status=ContactStatus.DRAFT)
    assert signed_in.get(reverse("frontdoor:contact", args=[contact.pk])).status_code == 404


def test_the_navigation_offers_the_front_door_to_its_members_only(signed_in: Client) -> None:
    queue = reverse("frontdoor:queue")
    assert f'href="{queue}"' in signed_in.get(reverse("core:home")).text


def test_the_navigation_hides_the_front_door_from_others(stranger: Client) -> None:
    assert f'href="{reverse("frontdoor:queue")}"' not in stranger.get(reverse("core:home")).text


# --- The queue ------------------------------------------------------------------------------------


def _queue(client: Client, **params: Any) -> str:
    response = client.get(reverse("frontdoor:queue"), params)
    assert response.status_code == 200
    return response.text


def test_the_queue_lists_open_contacts_with_rag_time_left_and_claims(
    signed_in: Client, user: User
) -> None:
    now = timezone.now()
    overdue = make_contact(
        received_at=now - timedelta(days=20),
        children=[PersonFactory.create(given_name="Olly", family_name="Overdue")],
    )
    fresh = make_contact(children=[PersonFactory.create(given_name="Fern", family_name="Fresh")])
    services.rate(actor=user, contact=fresh, rag=Rag.AMBER, rationale="Need more")
    decided = make_contact(status=ContactStatus.DECIDED)
    text = _queue(signed_in)
    assert overdue.reference in text and fresh.reference in text
    assert decided.reference not in text
    assert "Olly Overdue" in text and "Fern Fresh" in text
    assert 'govuk-tag--red">Overdue' in text
    assert 'govuk-tag--orange">Amber' in text
    assert "You" in text  # rating claimed it
    assert "2 contacts" in text


def test_the_queue_filters(signed_in: Client, user: User) -> None:
    now = timezone.now()
    red = make_contact()
    services.rate(actor=user, contact=red, rag=Rag.RED, rationale="Urgent")
    unrated = make_contact()
    late = make_contact(received_at=now - timedelta(days=20))
    services.rate(actor=user, contact=late, rag=Rag.GREEN, rationale="Universal")
    Contact.objects.filter(pk=late.pk).update(claimed_by=None)

    text = _queue(signed_in, rag="red")
    assert red.reference in text and unrated.reference not in text
    text = _queue(signed_in, rag="none")
    assert unrated.reference in text and red.reference not in text
    text = _queue(signed_in, claimed="me")
    assert red.reference in text and unrated.reference not in text and late.reference not in text
    text = _queue(signed_in, claimed="nobody")
    assert unrated.reference in text and late.reference in text and red.reference not in text
    text = _queue(signed_in, overdue="on")
    assert late.reference in text and red.reference not in text
    text = _queue(signed_in, status="awaiting_screening")
    assert unrated.reference in text and red.reference not in text


def test_the_queue_sorts_by_time_left_or_received(signed_in: Client, user: User) -> None:
    now = timezone.now()
    oldest_green = make_contact(received_at=now - timedelta(hours=3))
    services.rate(actor=user, contact=oldest_green, rag=Rag.GREEN, rationale="Universal")
    newest_red = make_contact(received_at=now - timedelta(minutes=5))
    services.rate(actor=user, contact=newest_red, rag=Rag.RED, rationale="Urgent")
    text = _queue(signed_in)
    assert text.index(newest_red.reference) < text.index(oldest_green.reference)
    text = _queue(signed_in, sort="received")
    assert text.index(oldest_green.reference) < text.index(newest_red.reference)
    assert 'aria-sort="ascending"' in text
    text = _queue(signed_in, sort="-received")
    assert text.index(newest_red.reference) < text.index(oldest_green.reference)


def test_contacts_without_a_decision_target_are_given_one(signed_in: Client) -> None:
    contact = make_contact()
    Contact.objects.filter(pk=contact.pk).update(decision_due_at=None)
    _queue(signed_in)
    contact.refresh_from_db()
    assert contact.decision_due_at is not None


@pytest.mark.parametrize("how_many", [5, 50])
def test_the_queue_needs_the_same_queries_however_long_it_is(
    signed_in: Client, how_many: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(how_many):
        make_contact(children=[PersonFactory.create(), PersonFactory.create()])
    signed_in.get(reverse("frontdoor:queue"))  # warm the session and configuration
    with django_assert_max_num_queries(18):
        response = signed_in.get(reverse("frontdoor:queue"))
    assert response.status_code == 200


# --- A contact ------------------------------------------------------------------------------------


def _known_child(user: User) -> tuple[Person, Any]:
    """A child whose family is open to early help, with consent on file and an earlier
    contact."""
    child = PersonFactory.create(given_name="Ava", family_name="Hughes", is_restricted=True)
    family = people_services.create_family(actor=None, name="Hughes family")
    people_services.add_family_member(
        actor=None, family=family, person=child, role=FamilyRole.CHILD
    )
    lead = user_with_role(Role.PRACTITIONER, team=TeamFactory(), full_name="Lou Lead")
    episode = episode_services.open_episode(actor=None, family=family)
    assert lead.memberships.first() is not None
    team = lead.memberships.get().team
    assert team is not None
    episode_services.allocate(actor=lead, episode=episode, team=team, lead_practitioner=lead)
    consent_services.record_consent(
        actor=lead,
        family=family,
        scope=ConsentScope.SHARE,
        decision=ConsentDecision.GIVEN,
        given_by=ConsentGivenBy.PARENT_CARER,
        given_by_name="Mum",
        method=ConsentMethod.VERBAL,
        decided_on=timezone.localdate(),
    )
    earlier = make_contact(children=[child], received_at=timezone.now() - timedelta(days=60))
    services.rate(actor=user, contact=earlier, rag=Rag.GREEN, rationale="Universal")
    services.decide(
        actor=user, contact=earlier, outcome=Outcome.NO_FURTHER_ACTION, rationale="Coping"
    )
    return child, earlier


def test_the_contact_page_shows_existing_involvement_first(signed_in: Client, user: User) -> None:
    child, earlier = _known_child(user)
    contact = make_contact(children=[child])
    before = AccessEvent.objects.count()
    response = signed_in.get(reverse("frontdoor:contact", args=[contact.pk]))
    assert response.status_code == 200
    text = response.text
    assert text.index("Existing involvement") < text.index("The request")
    assert "lead practitioner Lou Lead" in text
    assert earlier.reference in text and "No further action" in text
    assert "1 earlier (a re-referral)" in text
    assert "To share information with partner agencies: given" in text
    assert "Restricted record" in text
    assert "Known to early help" in text
    # The request itself, with worries' labels.
    assert "Neglect" in text and "Mental health: a parent or carer" in text
    assert "Breakfast club." in text
    # Read of the contact and of the child's involvement, both in the access log.
    events = AccessEvent.objects.order_by("pk")[before:]
    assert {(e.object_type, e.actor_id) for e in events} >= {
        ("contact", user.pk),
        ("person", user.pk),
    }
    assert any(e.person_id == child.pk for e in events)


def test_claim_and_rate_from_the_page(signed_in: Client, user: User) -> None:
    contact = make_contact()
    url = reverse("frontdoor:contact", args=[contact.pk])
    assert signed_in.post(url, {"action": "claim"}).status_code == 302
    contact.refresh_from_db()
    assert contact.claimed_by == user

    response = signed_in.post(url, {"action": "rate", "rag-rag": "amber"})
    assert response.status_code == 200
    assert "Enter why you chose this rating" in response.text
    signed_in.post(url, {"action": "rate", "rag-rag": "amber", "rag-rationale": "Need more"})
    signed_in.post(url, {"action": "rate", "rag-rag": "green", "rag-rationale": "School ok"})
    text = signed_in.get(url).text
    assert text.index("School ok") < text.index("Need more")
    contact.refresh_from_db()
    assert contact.rag == Rag.GREEN


def test_matching_a_named_child_from_the_page_searches_first(signed_in: Client, user: User) -> None:
    ava = PersonFactory.create(given_name="Ava", family_name="Hughes", date_of_birth=None)
    contact = make_contact(
        children=[],
        unmatched=[
            {"given_name": "Ava", "family_name": "Hughes", "date_of_birth": "", "is_child": True},
            {"given_name": "Zed", "family_name": "Quill", "date_of_birth": "", "is_child": True},
        ],
    )
    url = reverse("frontdoor:contact", args=[contact.pk])
    text = signed_in.get(url, {"match": 0}).text
    assert "Ava Hughes" in text and "This is the person" in text
    assert AccessEvent.objects.filter(object_type="person_search", actor=user).exists()
    signed_in.post(url, {"action": "match", "index": 0, "person": ava.pk})
    contact.refresh_from_db()
    assert [s.person for s in contact.subjects.all()] == [ava]
    response = signed_in.post(
        url,
        {
            "action": "create",
            "index": 0,
            "new-given_name": "Zed",
            "new-family_name": "Quill",
            "new-sex": "U",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.subjects.count() == 2 and contact.draft["unmatched"] == []


# --- Decision and approval -----------------------------------------------------------------------


def test_deciding_from_the_page(
    signed_in: Client, user: User, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    contact = make_contact()
    url = reverse("frontdoor:decide", args=[contact.pk])
    assert "Rate the contact" in signed_in.get(url).text
    services.rate(actor=user, contact=contact, rag=Rag.GREEN, rationale="Universal")
    response = signed_in.post(url, {"outcome": "signpost", "rationale": "Universal"})
    assert "Enter the services you are signposting to" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            url,
            {"outcome": "signpost", "rationale": "Universal", "signposted_to": "Family hub"},
        )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    assert len(mailoutbox) == 1
    # A decided contact cannot be decided again.
    assert signed_in.get(url).status_code == 302


def test_approving_from_the_page(client: Client, team: Team, user: User) -> None:
    CouncilConfiguration.objects.update(front_door_decisions_need_approval=True)
    contact = make_contact()
    services.rate(actor=user, contact=contact, rag=Rag.GREEN, rationale="Universal")
    services.decide(actor=user, contact=contact, outcome=Outcome.PARTNER_LED, rationale="School")
    manager = screener(team, role=Role.TEAM_MANAGER)
    sign_in(client, manager)
    url = reverse("frontdoor:approve", args=[contact.pk])
    assert "Early help advisor supports" in client.get(url).text
    response = client.post(url, {"answer": "return"})
    assert "Enter why you are returning the decision" in response.text
    assert client.post(url, {"answer": "approve"}).status_code == 302
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    assert contact.decision.approved_by == manager


def test_the_contact_page_links_attachments_and_shows_disagreements(
    signed_in: Client, team: Team
) -> None:
    from django.core.files.base import ContentFile

    from earlyhelp.frontdoor.models import Attachment, Disagreement

    contact = make_contact(team=team)
    attachment = Attachment(
        contact=contact, original_name="letter.pdf", content_type="application/pdf", size=8
    )
    attachment.file.save("letter.pdf", ContentFile(b"%PDF-1.4"), save=True)
    assert contact.referrer is not None
    Disagreement.objects.create(
        contact=contact, raised_by=contact.referrer, reason="The family needs more than a leaflet"
    )
    page = signed_in.get(reverse("frontdoor:contact", args=[contact.pk])).text
    assert f'href="{reverse("frontdoor:attachment", args=[attachment.pk])}"' in page
    # Disagreements show once a decision exists; before that there is nothing to disagree with.
    assert "The family needs more than a leaflet" not in page
