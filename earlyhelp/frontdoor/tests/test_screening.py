"""Screening at the front door: claiming, RAG ratings and their history, matching the children
a request names, decisions (with and without manager approval), and telling the referrer."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from earlyhelp.accounts.models import Team, User
from earlyhelp.accounts.roles import Role
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.episodes.models import Episode, EpisodeStatus
from earlyhelp.frontdoor import services
from earlyhelp.frontdoor.codes import ContactStatus, Outcome, Rag
from earlyhelp.frontdoor.models import Contact, Notification
from earlyhelp.people import services as people_services
from earlyhelp.people.access import active_involvements
from earlyhelp.people.codes import FamilyRole, InvolvementReason
from earlyhelp.people.models import FamilyMember, Person
from earlyhelp.people.tests.factories import PersonFactory

from .factories import front_door_team, make_contact, screener

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> Team:
    return front_door_team()


@pytest.fixture
def user(team: Team) -> User:
    return screener(team)


def siblings() -> list[Person]:
    return [
        PersonFactory.create(given_name="Ava", family_name="Hughes"),
        PersonFactory.create(given_name="Leo", family_name="Hughes"),
    ]


def test_claiming_moves_the_contact_into_screening(user: User) -> None:
    contact = make_contact()
    services.claim(actor=user, contact=contact)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.SCREENING
    assert contact.claimed_by == user
    assert contact.claimed_at is not None


def test_ratings_keep_their_history_and_move_the_target(user: User) -> None:
    contact = make_contact()
    services.rate(actor=user, contact=contact, rag=Rag.AMBER, rationale="Need school's view")
    contact.refresh_from_db()
    amber_due = contact.due_at
    services.rate(actor=user, contact=contact, rag=Rag.GREEN, rationale="School says coping")
    contact.refresh_from_db()
    assert contact.rag == Rag.GREEN
    assert contact.due_at is not None and amber_due is not None and contact.due_at > amber_due
    assert [(r.rag, r.rationale) for r in contact.rag_ratings.all()] == [
        (Rag.GREEN, "School says coping"),
        (Rag.AMBER, "Need school's view"),
    ]
    assert contact.status == ContactStatus.SCREENING


def test_a_rating_needs_a_reason(user: User) -> None:
    with pytest.raises(ValidationError):
        services.rate(actor=user, contact=make_contact(), rag=Rag.RED, rationale="  ")


def test_a_decided_contact_cannot_be_rated_again(user: User) -> None:
    contact = make_contact()
    services.rate(actor=user, contact=contact, rag=Rag.GREEN, rationale="Coping")
    services.decide(actor=user, contact=contact, outcome=Outcome.NO_FURTHER_ACTION, rationale="x")
    with pytest.raises(ValidationError):
        services.rate(actor=user, contact=contact, rag=Rag.RED, rationale="Late news")


def test_a_decision_needs_a_rating_first(user: User) -> None:
    with pytest.raises(ValidationError):
        services.decide(
            actor=user, contact=make_contact(), outcome=Outcome.NO_FURTHER_ACTION, rationale="x"
        )


def test_matching_a_named_child_links_the_record_and_involves_the_front_door(
    user: User, team: Team
) -> None:
    contact = make_contact(
        children=[],
        unmatched=[
            {"given_name": "Ava", "family_name": "Hughes", "date_of_birth": "", "is_child": True},
            {"given_name": "Leo", "family_name": "Hughes", "date_of_birth": "", "is_child": True},
        ],
    )
    ava = PersonFactory.create(given_name="Ava", family_name="Hughes")
    services.match_subject(actor=user, contact=contact, index=0, person=ava)
    contact.refresh_from_db()
    assert [s.person for s in contact.subjects.all()] == [ava]
    assert [n["given_name"] for n in contact.draft["unmatched"]] == ["Leo"]
    assert (
        active_involvements()
        .filter(person=ava, team=team, reason=InvolvementReason.FRONT_DOOR)
        .exists()
    )
    leo = services.create_subject(
        actor=user, contact=contact, index=0, given_name="Leo", family_name="Hughes"
    ).person
    contact.refresh_from_db()
    assert set(p.person for p in contact.subjects.all()) == {ava, leo}
    assert contact.draft["unmatched"] == []


def _decide(user: User, contact: Contact, outcome: str, **kwargs: Any) -> Any:
    services.rate(actor=user, contact=contact, rag=Rag.GREEN, rationale="Universal needs")
    return services.decide(actor=user, contact=contact, outcome=outcome, rationale="Why", **kwargs)


def test_open_early_help_creates_the_family_and_its_episode(
    user: User, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    children = siblings()
    contact = make_contact(children=children)
    with django_capture_on_commit_callbacks(execute=True):
        decision = _decide(user, contact, Outcome.OPEN_EARLY_HELP)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    assert contact.family is not None and contact.family.name == "Hughes family"
    members = FamilyMember.objects.filter(family=contact.family)
    assert {(m.person, m.role) for m in members} == {(c, FamilyRole.CHILD) for c in children}
    episode = Episode.objects.get(family=contact.family)
    assert episode.status == EpisodeStatus.AWAITING_ALLOCATION
    assert episode.source_contact == contact
    decision.refresh_from_db()
    assert decision.working_hours_taken is not None
    assert decision.within_target is True
    assert decision.referrer_told_at is not None
    # The referrer is told, in the product and by email, in plain English and without names.
    note = Notification.objects.get(user=contact.referrer, contact=contact)
    assert "early help" in note.message and contact.reference in note.message
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [contact.referrer_email]
    assert "Hughes" not in mailoutbox[0].body and "Ava" not in mailoutbox[0].body


def test_open_early_help_uses_the_childs_existing_family(user: User) -> None:
    children = siblings()
    family = people_services.create_family(actor=None, name="The Hughes household")
    people_services.add_family_member(
        actor=None, family=family, person=children[0], role=FamilyRole.CHILD
    )
    contact = make_contact(children=children)
    _decide(user, contact, Outcome.OPEN_EARLY_HELP)
    contact.refresh_from_db()
    assert contact.family == family
    assert FamilyMember.objects.filter(family=family).count() == 2


def test_an_open_episode_is_not_started_twice(user: User) -> None:
    children = siblings()
    first = make_contact(children=children)
    _decide(user, first, Outcome.OPEN_EARLY_HELP)
    second = make_contact(children=children)
    _decide(user, second, Outcome.OPEN_EARLY_HELP)
    assert Episode.objects.count() == 1


def test_signposting_names_the_services_and_ends_the_front_doors_involvement(
    user: User, team: Team, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    child = PersonFactory.create()
    contact = make_contact(children=[child], team=team)
    with pytest.raises(ValidationError):
        _decide(user, contact, Outcome.SIGNPOST)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            actor=user,
            contact=contact,
            outcome=Outcome.SIGNPOST,
            rationale="Needs are universal",
            signposted_to="Riverside family hub, Tuesday drop-in",
        )
    assert (
        not active_involvements().filter(person=child, reason=InvolvementReason.FRONT_DOOR).exists()
    )
    assert "Riverside family hub" in mailoutbox[0].body
    assert Episode.objects.count() == 0


def test_the_front_door_keeps_its_reason_while_another_contact_is_open(
    user: User, team: Team
) -> None:
    child = PersonFactory.create()
    decided = make_contact(children=[child], team=team)
    make_contact(children=[child], team=team)
    _decide(user, decided, Outcome.NO_FURTHER_ACTION)
    assert active_involvements().filter(person=child, reason=InvolvementReason.FRONT_DOOR).exists()


def test_social_care_is_recorded_as_the_decision(user: User) -> None:
    contact = make_contact()
    _decide(user, contact, Outcome.SOCIAL_CARE)
    contact.refresh_from_db()
    assert contact.decision.outcome == Outcome.SOCIAL_CARE
    assert contact.status == ContactStatus.DECIDED
    assert "social care" in Notification.objects.get(contact=contact).message


def test_a_late_decision_is_recorded_outside_its_target(user: User) -> None:
    contact = make_contact(received_at=timezone.now() - timedelta(days=30))
    decision = _decide(user, contact, Outcome.NO_FURTHER_ACTION)
    assert decision.within_target is False
    assert decision.working_hours_taken > 72


def test_with_approval_configured_a_manager_approves_before_the_referrer_is_told(
    user: User, team: Team, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    CouncilConfiguration.objects.update(front_door_decisions_need_approval=True)
    manager = screener(team, role=Role.TEAM_MANAGER)
    contact = make_contact(children=siblings())
    with django_capture_on_commit_callbacks(execute=True):
        decision = _decide(user, contact, Outcome.OPEN_EARLY_HELP)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_APPROVAL
    assert decision.needs_approval and decision.approved_at is None
    assert not mailoutbox and not Notification.objects.exists()
    assert not Episode.objects.exists()

    services.return_decision(actor=manager, contact=contact, note="Check with the school nurse")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.SCREENING
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            actor=user, contact=contact, outcome=Outcome.OPEN_EARLY_HELP, rationale="Checked"
        )
        services.approve(actor=manager, contact=contact)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    assert contact.decision.approved_by == manager
    assert Episode.objects.filter(source_contact=contact).exists()
    assert len(mailoutbox) == 1


def test_a_front_door_managers_own_decision_needs_no_approval(team: Team) -> None:
    CouncilConfiguration.objects.update(front_door_decisions_need_approval=True)
    manager = screener(team, role=Role.TEAM_MANAGER)
    contact = make_contact()
    _decide(manager, contact, Outcome.NO_FURTHER_ACTION)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
