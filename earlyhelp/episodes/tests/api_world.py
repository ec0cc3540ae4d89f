"""One allocated family for the episode, assessment, plan and meeting API tests.

The Hughes family's episode is open, allocated to Early Help North with Pat as lead
practitioner; Nia, a school nurse, is on the team around the family; Sam is a practitioner in
another team (a stranger); Ava is an auditor. The family has an assessment under way, a plan with
one need and one action, and a team around the family meeting arranged."""

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.test import Client
from django.utils import timezone

from earlyhelp.accounts.models import User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.services import create_api_token
from earlyhelp.accounts.tests.factories import OrganisationFactory, TeamFactory, user_with_role
from earlyhelp.core.models import AccessEvent
from earlyhelp.episodes import services as episode_services
from earlyhelp.episodes.models import Episode
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole
from earlyhelp.people.models import Family, Person


@dataclass
class ApiWorld:
    family: Family
    episode: Episode
    parent: Person
    child: Person
    lead: User
    colleague: User
    manager: User
    nurse: User
    stranger: User
    auditor: User
    tokens: dict[int, str]

    def headers(self, user: User | None) -> dict[str, str]:
        if user is None:
            return {}
        if user.pk not in self.tokens:
            self.tokens[user.pk] = create_api_token(user=user, name="Tests")[1]
        return {"Authorization": f"Bearer {self.tokens[user.pk]}"}

    def get(self, user: User | None, url: str, **params: Any) -> Any:
        return Client().get(url, params, headers=self.headers(user))

    def send(self, method: str, user: User | None, url: str, body: dict[str, Any]) -> Any:
        return Client().generic(
            method,
            url,
            json.dumps(body),
            content_type="application/json",
            headers=self.headers(user),
        )


def api_world(name: str = "Hughes family") -> ApiWorld:
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Kingsbridge Council")
    team = TeamFactory(organisation=council, name="Early Help North")
    other = TeamFactory(organisation=council, name="Early Help South")
    health = OrganisationFactory(kind=OrganisationKind.HEALTH, name="Kingsbridge Health")
    lead = user_with_role(Role.PRACTITIONER, team=team, full_name="Pat Practitioner")
    colleague = user_with_role(Role.PRACTITIONER, team=team, full_name="Cam Colleague")
    manager = user_with_role(Role.TEAM_MANAGER, team=team, full_name="Mo Manager")
    nurse = user_with_role(Role.PRACTITIONER, organisation=health, full_name="Nia Nurse")
    stranger = user_with_role(Role.PRACTITIONER, team=other, full_name="Sam Stranger")
    auditor = user_with_role(Role.AUDITOR, organisation=council, full_name="Ava Auditor")
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
    episode_services.join_team_around_family(
        actor=lead, episode=episode, user=nurse, role="School nurse"
    )
    return ApiWorld(
        family=family,
        episode=episode,
        parent=parent,
        child=child,
        lead=lead,
        colleague=colleague,
        manager=manager,
        nurse=nurse,
        stranger=stranger,
        auditor=auditor,
        tokens={},
    )


def api_reads(user: User) -> list[AccessEvent]:
    """The API reads written to the access log for `user`, oldest first."""
    return list(AccessEvent.objects.filter(actor=user, action="api_read").order_by("id"))


def today() -> date:
    return timezone.localdate()
