"""The caseloads and the family record make the same number of database queries however much
there is to show: my caseload with 2 or 20 families (led, on the team around the family, with
follow-up tasks), the team caseload with 2 or 20 (filtered and sorted), and the family's summary,
episode and chronology pages with 2 or 20 children, team members, level changes, lead
practitioners, case notes and chronology entries. (The large council's timings are in
docs/benchmarks.md, measured by benchmarks/episodes.py: tests assert behaviour, never time.)"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.models import Team, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import (
    OrganisationFactory,
    TeamFactory,
    sign_in,
    user_with_role,
)
from earlyhelp.core.models import ClosureReason, LevelOfNeed
from earlyhelp.episodes import services
from earlyhelp.episodes.models import Episode, NoteKind
from earlyhelp.people import services as people_services
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
def lead(council_team: Team) -> User:
    return user_with_role(Role.PRACTITIONER, team=council_team, full_name="Pat Lead")


@pytest.fixture
def colleague(council_team: Team) -> User:
    return user_with_role(Role.PRACTITIONER, team=council_team, full_name="Sam Colleague")


def open_family(manager: User, team: Team, lead: User, name: str) -> tuple[Family, Episode]:
    family = people_services.create_family(actor=None, name=name)
    for given in ("Ava", "Ben"):
        people_services.add_family_member(
            actor=None,
            family=family,
            person=PersonFactory.create(given_name=given, family_name=name.split()[0]),
            role=FamilyRole.CHILD,
        )
    episode = services.open_episode(actor=None, family=family)
    services.allocate(actor=manager, episode=episode, team=team, lead_practitioner=lead)
    episode.refresh_from_db()
    level = LevelOfNeed.objects.order_by("number").first()
    assert level is not None
    for child in episode.children.select_related("person"):
        services.set_level(
            actor=lead,
            episode=episode,
            person=child.person,
            level=level,
            changed_on=timezone.localdate(),
            reason="Assessed",
        )
    return family, episode


def count(client: Client, url: str) -> CaptureQueriesContext:
    client.get(url)  # warm: the session, the two-factor device, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return queries


def assert_same(few: CaptureQueriesContext, many: CaptureQueriesContext) -> None:
    def shapes(queries: CaptureQueriesContext) -> list[str]:
        return [q["sql"].split(" WHERE ")[0][:160] for q in queries.captured_queries]

    assert len(many) == len(few), "\n".join(
        ["queries grew with the data; with more rows:", *shapes(many), "with fewer:", *shapes(few)]
    )


# --- My caseload and the team caseload --------------------------------------------------------


def _caseload(manager: User, team: Team, lead: User, colleague: User, start: int, n: int) -> None:
    """n families led by `lead`, n led by `colleague` with `lead` on the team around the family,
    and a closed family of `lead`'s with a sustainment check due."""
    reason = ClosureReason.objects.get(code="outcomes-met")
    for number in range(start, start + n):
        open_family(manager, team, lead, f"Led{number} family")
        _, other = open_family(manager, team, colleague, f"Taf{number} family")
        services.join_team_around_family(actor=colleague, episode=other, user=lead, role="Tutor")
    _, closed = open_family(manager, team, lead, f"Closed{start} family")
    services.close_episode(
        actor=lead,
        episode=closed,
        reason=reason,
        closed_on=timezone.localdate() - timedelta(days=400),
    )
    services.create_sustainment_tasks()


def test_my_caseload_queries_do_not_grow_from_2_to_20_families(
    manager: User, council_team: Team, lead: User, colleague: User
) -> None:
    client = sign_in(Client(), lead)
    url = reverse("episodes:my_caseload")
    _caseload(manager, council_team, lead, colleague, 0, 2)
    few = count(client, url)
    _caseload(manager, council_team, lead, colleague, 2, 18)
    many = count(client, url)
    assert_same(few, many)
    page = client.get(url).content.decode()
    assert "Led19 family" in page and "Taf19 family" in page and "Tutor" in page
    assert page.count("Sustainment check") == 2


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status=open&sort=family&order=desc",
        "?lead={lead}&sort=lead",
        "?sort=status&order=desc&page=2",
    ],
)
def test_team_caseload_queries_do_not_grow_from_2_to_20_families(
    manager: User, council_team: Team, lead: User, colleague: User, query: str
) -> None:
    client = sign_in(Client(), manager)
    url = reverse("episodes:team_caseload") + query.format(lead=lead.pk)
    _caseload(manager, council_team, lead, colleague, 0, 1)  # 2 live families, 1 closed
    few = count(client, url.replace("page=2", "page=1"))
    _caseload(manager, council_team, lead, colleague, 1, 19)  # 40 live: two pages
    many = count(client, url)
    assert_same(few, many)


# --- The family record ------------------------------------------------------------------------


def _grow(family: Family, episode: Episode, manager: User, lead: User, start: int, n: int) -> None:
    """n more of everything the family's pages list: children in scope with levels (and their
    changes), members of the team around the family, lead practitioners, case notes, manual
    chronology entries."""
    levels = list(LevelOfNeed.objects.order_by("number"))
    team = episode.allocated_team
    assert team is not None
    today = timezone.localdate()
    for number in range(start, start + n):
        child = PersonFactory.create()
        people_services.add_family_member(
            actor=None, family=family, person=child, role=FamilyRole.CHILD
        )
        services.set_level(
            actor=lead,
            episode=episode,
            person=child,
            level=levels[number % 2],
            changed_on=today,
            reason="New baby",
        )
        services.set_level(
            actor=lead,
            episode=episode,
            person=child,
            level=levels[(number + 1) % 2],
            changed_on=today,
            reason="Needs changed",
        )
        partner = user_with_role(
            Role.PRACTITIONER,
            organisation=OrganisationFactory(kind=OrganisationKind.HEALTH),
            full_name=f"Partner {number}",
        )
        services.join_team_around_family(
            actor=lead, episode=episode, user=partner, role="School nurse"
        )
        new_lead = user_with_role(Role.PRACTITIONER, team=team, full_name=f"Lead {number}")
        services.change_lead(
            actor=manager, episode=episode, new_lead=new_lead, reason="Caseload balance"
        )
        services.record_case_note(
            actor=lead,
            family=family,
            kind=NoteKind.VISIT,
            occurred_on=today - timedelta(days=number),
            text=f"Home visit {number}",
            significant=number % 2 == 0,
        )
        services.add_manual_entry(
            actor=lead,
            family=family,
            occurred_on=today - timedelta(days=number),
            summary=f"School meeting {number}",
        )


@pytest.mark.parametrize(
    "name,query",
    [
        ("people:family", ""),
        ("episodes:family_episode", ""),
        ("episodes:chronology", ""),
        ("episodes:chronology", "?significant=1"),
    ],
)
def test_family_record_queries_do_not_grow_from_2_to_20_of_everything(
    manager: User, council_team: Team, lead: User, name: str, query: str
) -> None:
    family, episode = open_family(manager, council_team, lead, "Hughes family")
    client = sign_in(Client(), manager)  # the team's manager: the lead changes below
    url = reverse(name, args=[family.pk]) + query
    _grow(family, episode, manager, lead, 0, 2)
    few = count(client, url)
    _grow(family, episode, manager, lead, 2, 18)
    many = count(client, url)
    assert_same(few, many)
    page = client.get(url).content.decode()
    if name == "episodes:family_episode":
        assert "Partner 19" in page and "Lead 19" in page and "Needs changed" in page
    elif name == "episodes:chronology":
        assert "School meeting 0" in page and "School meeting 19" in page


def test_team_caseload_pages_past_the_end_and_nonsense_show_the_last_and_first(
    manager: User, council_team: Team, lead: User, colleague: User
) -> None:
    client = sign_in(Client(), manager)
    url = reverse("episodes:team_caseload") + "?sort=family&page="
    _caseload(manager, council_team, lead, colleague, 10, 13)  # 26 live families: two pages
    first = client.get(url + "1").content.decode()
    assert "26 families" in first and "Page 1 of 2" in first
    assert "Led10 family" in first and "Taf22 family" not in first
    last = client.get(url + "99").content.decode()
    assert "Page 2 of 2" in last and "Taf22 family" in last and "Led10 family" not in last
    assert client.get(url + "two").content.decode().count("Led10 family") == 1
    empty = client.get(reverse("episodes:team_caseload") + "?status=stepped_up&page=3")
    assert "0 families" in empty.content.decode() and "No families match." in empty.content.decode()
