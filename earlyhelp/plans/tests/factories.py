"""An allocated family for plan and meeting tests: a council team, its lead practitioner (via
open_episode + allocate, as in real life), a parent and a child."""

from dataclasses import dataclass
from datetime import date

from earlyhelp.accounts.models import User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import OrganisationFactory, TeamFactory, user_with_role
from earlyhelp.episodes import services as episode_services
from earlyhelp.episodes.models import Episode
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole
from earlyhelp.people.models import Family, Person


@dataclass
class AllocatedFamily:
    family: Family
    episode: Episode
    lead: User
    manager: User
    stranger: User
    parent: Person
    child: Person


def allocated_family(name: str = "Hughes family") -> AllocatedFamily:
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Kingsbridge Council")
    team = TeamFactory(organisation=council, name="Early Help North")
    other = TeamFactory(organisation=council, name="Early Help South")
    manager = user_with_role(Role.TEAM_MANAGER, team=team, full_name="Mo Manager")
    lead = user_with_role(Role.PRACTITIONER, team=team, full_name="Pat Practitioner")
    stranger = user_with_role(Role.PRACTITIONER, team=other, full_name="Sam Stranger")
    family = people_services.create_family(actor=None, name=name)
    parent = people_services.create_person(
        actor=None, given_name="Dana", family_name="Hughes", date_of_birth=date(1990, 1, 2)
    )
    child = people_services.create_person(
        actor=None, given_name="Kai", family_name="Hughes", date_of_birth=date(2016, 5, 6)
    )
    people_services.add_family_member(
        actor=None, family=family, person=parent, role=FamilyRole.PARENT
    )
    people_services.add_family_member(
        actor=None, family=family, person=child, role=FamilyRole.CHILD
    )
    episode = episode_services.open_episode(actor=None, family=family)
    episode_services.allocate(actor=manager, episode=episode, team=team, lead_practitioner=lead)
    episode.refresh_from_db()
    return AllocatedFamily(family, episode, lead, manager, stranger, parent, child)
