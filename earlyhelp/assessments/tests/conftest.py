from dataclasses import dataclass

import pytest

from earlyhelp.accounts.models import Team, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import OrganisationFactory, TeamFactory, user_with_role
from earlyhelp.episodes import services as episode_services
from earlyhelp.episodes.models import Episode
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole
from earlyhelp.people.tests.factories import PersonFactory


@dataclass
class Case:
    team: Team
    lead: User
    colleague: User
    manager: User
    stranger: User
    episode: Episode
    children: list


@pytest.fixture
def case(db: None) -> Case:
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Kingsbridge Council")
    team = TeamFactory(organisation=council, name="Early Help North")
    other = TeamFactory(organisation=council, name="Early Help South")
    lead = user_with_role(Role.PRACTITIONER, team=team, full_name="Pat Practitioner")
    colleague = user_with_role(Role.PRACTITIONER, team=team, full_name="Cam Colleague")
    manager = user_with_role(Role.TEAM_MANAGER, team=team, full_name="Mo Manager")
    stranger = user_with_role(Role.PRACTITIONER, team=other, full_name="Sam Stranger")
    family = people_services.create_family(actor=None, name="Hughes family")
    children = []
    for given in ("Ava", "Ben"):
        child = PersonFactory.create(given_name=given, family_name="Hughes")
        people_services.add_family_member(
            actor=None, family=family, person=child, role=FamilyRole.CHILD
        )
        children.append(child)
    episode = episode_services.open_episode(actor=None, family=family)
    episode_services.allocate(actor=manager, episode=episode, team=team, lead_practitioner=lead)
    return Case(team, lead, colleague, manager, stranger, episode, children)
