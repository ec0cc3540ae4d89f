"""A council team with its manager and two practitioners, a second team of the same council
with its own manager and practitioner, a health visitor for the team around the family, and a
helper that allocates a family on a fixed date (the drift is measured from it)."""

from dataclasses import dataclass
from datetime import date, datetime, time

import pytest
from django.test import Client
from django.utils import timezone

from earlyhelp.accounts.models import Team, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import (
    OrganisationFactory,
    TeamFactory,
    sign_in,
    user_with_role,
)
from earlyhelp.episodes import services as episode_services
from earlyhelp.episodes.models import Episode
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole
from earlyhelp.people.tests.factories import PersonFactory


@dataclass
class World:
    team: Team
    other_team: Team
    manager: User
    lead: User
    colleague: User
    other_manager: User
    other_practitioner: User
    nurse: User


@pytest.fixture
def world(db: None) -> World:
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Kingsbridge Council")
    team = TeamFactory(organisation=council, name="Early Help North")
    other_team = TeamFactory(organisation=council, name="Early Help South")
    health = OrganisationFactory(kind=OrganisationKind.HEALTH, name="Kingsbridge Health")
    return World(
        team=team,
        other_team=other_team,
        manager=user_with_role(Role.TEAM_MANAGER, team=team, full_name="Mo Manager"),
        lead=user_with_role(Role.PRACTITIONER, team=team, full_name="Pat Lead"),
        colleague=user_with_role(Role.PRACTITIONER, team=team, full_name="Cam Colleague"),
        other_manager=user_with_role(
            Role.TEAM_MANAGER, team=other_team, full_name="Oli Othermanager"
        ),
        other_practitioner=user_with_role(
            Role.PRACTITIONER, team=other_team, full_name="Sam Stranger"
        ),
        nurse=user_with_role(Role.PRACTITIONER, organisation=health, full_name="Nia Nurse"),
    )


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def allocated(
    world: World,
    name: str,
    on: date,
    *,
    lead: User | None = None,
    team: Team | None = None,
    manager: User | None = None,
) -> Episode:
    """A family allocated on `on` (the services stamp today's time; the test moves it)."""
    family = people_services.create_family(actor=None, name=name)
    child = PersonFactory.create(given_name="Ava", family_name=name.split()[0])
    people_services.add_family_member(
        actor=None, family=family, person=child, role=FamilyRole.CHILD
    )
    episode = episode_services.open_episode(actor=None, family=family, opened_at=at(on, 9))
    episode_services.allocate(
        actor=manager or world.manager,
        episode=episode,
        team=team or world.team,
        lead_practitioner=lead or world.lead,
    )
    Episode.objects.filter(pk=episode.pk).update(allocated_at=at(on))
    episode.refresh_from_db()
    return episode


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client
