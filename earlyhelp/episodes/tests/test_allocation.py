"""Allocation: the queue of episodes waiting for a team and a lead practitioner, waiting lists per
team, and allocating one, which gives the team and the lead practitioner the family at once."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.models import Team, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import (
    OrganisationFactory,
    SchoolFactory,
    TeamFactory,
    sign_in,
    user_with_role,
)
from earlyhelp.core.models import AccessEvent
from earlyhelp.episodes import services
from earlyhelp.episodes.models import Episode, EpisodeStatus
from earlyhelp.people import services as people_services
from earlyhelp.people.access import families, people
from earlyhelp.people.codes import FamilyRole
from earlyhelp.people.models import Family
from earlyhelp.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_team() -> Team:
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Kingsbridge Council")
    return TeamFactory(organisation=council, name="Early Help North")


@pytest.fixture
def manager(council_team: Team) -> User:
    return user_with_role(Role.TEAM_MANAGER, team=council_team, full_name="Mo Manager")


@pytest.fixture
def practitioner(council_team: Team) -> User:
    return user_with_role(Role.PRACTITIONER, team=council_team, full_name="Pat Practitioner")


def waiting_family(name: str = "Hughes family", days_ago: int = 0) -> tuple[Family, Episode]:
    family = people_services.create_family(actor=None, name=name)
    child = PersonFactory.create()
    people_services.add_family_member(
        actor=None, family=family, person=child, role=FamilyRole.CHILD
    )
    episode = services.open_episode(
        actor=None, family=family, opened_at=timezone.now() - timedelta(days=days_ago)
    )
    return family, episode


# --- Services -----------------------------------------------------------------------------------


def test_allocation_gives_the_lead_practitioner_the_family_and_not_before(
    manager: User, practitioner: User, council_team: Team
) -> None:
    family, episode = waiting_family()
    child = family.members.get().person
    assert not families.visible_to(practitioner).filter(pk=family.pk).exists()
    assert not people.visible_to(practitioner).filter(pk=child.pk).exists()
    services.allocate(
        actor=manager,
        episode=episode,
        team=council_team,
        lead_practitioner=practitioner,
        note="Allocation meeting, 24 November",
    )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN
    assert episode.lead_practitioner == practitioner
    assert episode.allocated_team == council_team
    assert episode.allocated_by == manager and episode.allocated_at is not None
    assert episode.allocation_note == "Allocation meeting, 24 November"
    assert families.visible_to(practitioner).filter(pk=family.pk).exists()
    assert people.visible_to(practitioner).filter(pk=child.pk).exists()


def test_a_team_without_a_lead_puts_the_family_on_its_waiting_list(
    manager: User, council_team: Team
) -> None:
    family, episode = waiting_family()
    services.allocate(actor=manager, episode=episode, team=council_team, lead_practitioner=None)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.AWAITING_ALLOCATION
    assert episode.allocated_team == council_team
    assert families.visible_to(manager).filter(pk=family.pk).exists()


def test_the_lead_practitioner_must_belong_to_the_team(manager: User, council_team: Team) -> None:
    _, episode = waiting_family()
    outsider = user_with_role(Role.PRACTITIONER, team=TeamFactory())
    with pytest.raises(ValidationError):
        services.allocate(
            actor=manager, episode=episode, team=council_team, lead_practitioner=outsider
        )


# --- Pages ----------------------------------------------------------------------------------------


def test_the_allocation_queue_shows_waits_and_waiting_lists(
    client: Client, manager: User, council_team: Team, practitioner: User
) -> None:
    waiting_family("Long wait family", days_ago=14)
    waiting_family("Short wait family", days_ago=0)
    _, on_list = waiting_family("Listed family", days_ago=3)
    services.allocate(actor=manager, episode=on_list, team=council_team, lead_practitioner=None)
    _, open_one = waiting_family("Open family")
    services.allocate(
        actor=manager, episode=open_one, team=council_team, lead_practitioner=practitioner
    )
    sign_in(client, manager)
    text = client.get(reverse("episodes:allocation_queue")).text
    assert text.index("Long wait family") < text.index("Short wait family")
    assert "Open family" not in text
    assert "3 families waiting" in text
    # Early Help North: one waiting (on its list), one open.
    row = text[text.index('<th scope="row" class="govuk-table__header">Early Help North') :]
    assert [c.split("<")[0] for c in row.split('numeric">')[1:3]] == ["1", "1"]
    text = client.get(reverse("episodes:allocation_queue"), {"team": "none"}).text
    assert "Long wait family" in text and "Listed family" not in text
    text = client.get(reverse("episodes:allocation_queue"), {"team": council_team.pk}).text
    assert "Listed family" in text and "Long wait family" not in text


def test_allocating_from_the_page(
    client: Client, manager: User, council_team: Team, practitioner: User
) -> None:
    family, episode = waiting_family()
    sign_in(client, manager)
    url = reverse("episodes:allocate", args=[episode.pk])
    before = AccessEvent.objects.count()
    text = client.get(url).text
    assert "Early Help North" in text
    assert AccessEvent.objects.filter(pk__gt=0).count() == before + 1
    event = AccessEvent.objects.order_by("-pk").first()
    assert event is not None and event.family_id == family.pk
    text = client.get(url, {"team": council_team.pk}).text
    assert "Pat Practitioner" in text
    response = client.post(
        url, {"team": council_team.pk, "lead_practitioner": practitioner.pk, "note": "Meeting"}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.lead_practitioner == practitioner
    # Allocated: no longer waiting, so no longer on this page.
    assert client.get(url).status_code == 404


def test_choosing_no_team_is_an_error(client: Client, manager: User) -> None:
    _, episode = waiting_family()
    sign_in(client, manager)
    response = client.post(reverse("episodes:allocate", args=[episode.pk]), {})
    assert response.status_code == 200
    assert "Select a team" in response.text


@pytest.mark.parametrize("how_many", [5, 50])
def test_the_allocation_queue_needs_the_same_queries_however_long_it_is(
    client: Client, manager: User, how_many: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(how_many):
        waiting_family(f"Family {n}")
    sign_in(client, manager)
    client.get(reverse("episodes:allocation_queue"))
    with django_assert_max_num_queries(24):
        assert client.get(reverse("episodes:allocation_queue")).status_code == 200


@pytest.mark.parametrize("who", ["practitioner", "school_manager", "school_dsl"])
def test_only_council_team_managers_allocate(client: Client, who: str) -> None:
    _, episode = waiting_family()
    if who == "practitioner":
        user = user_with_role(Role.PRACTITIONER, team=TeamFactory())
    elif who == "school_manager":
        user = user_with_role(Role.TEAM_MANAGER, organisation=SchoolFactory())
    else:
        user = user_with_role(Role.DESIGNATED_SAFEGUARDING_LEAD, organisation=SchoolFactory())
    sign_in(client, user)
    for url in (
        reverse("episodes:allocation_queue"),
        reverse("episodes:allocate", args=[episode.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("episodes:allocate", args=[episode.pk]), {}).status_code == 404


def test_someone_not_signed_in_is_sent_to_sign_in(client: Client) -> None:
    _, episode = waiting_family()
    for url in (
        reverse("episodes:allocation_queue"),
        reverse("episodes:allocate", args=[episode.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_the_navigation_offers_allocation_to_council_managers(
    client: Client, manager: User
) -> None:
    sign_in(client, manager)
    assert f'href="{reverse("episodes:allocation_queue")}"' in client.get("/").text
