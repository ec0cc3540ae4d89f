"""The episode after allocation: lead practitioner changes move access, the team around the
family joins and leaves, levels of need change, step up and down, closure and the sustainment
check, the chronology, notes and caseloads; every page as an allowed user, a stranger and
someone not signed in, and every read in the access log."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import Context, Template
from django.test import Client
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
from earlyhelp.consent import services as consent_services
from earlyhelp.consent.codes import ConsentDecision, ConsentGivenBy, ConsentMethod, ConsentScope
from earlyhelp.core.models import AccessEvent, ClosureReason, CouncilConfiguration, LevelOfNeed
from earlyhelp.episodes import services
from earlyhelp.episodes.models import (
    CaseNote,
    ChronologyEntry,
    ChronologyKind,
    Episode,
    EpisodeStatus,
    FollowUpTask,
    NoteKind,
)
from earlyhelp.people import services as people_services
from earlyhelp.people.access import families
from earlyhelp.people.codes import FamilyRole, InvolvementReason
from earlyhelp.people.models import Family, Involvement
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


@pytest.fixture
def other_lead() -> User:
    """A practitioner in another council team: no reason to see the family until made lead."""
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Kingsbridge Council 2")
    return user_with_role(
        Role.PRACTITIONER, team=TeamFactory(organisation=council), full_name="Ola Other"
    )


@pytest.fixture
def nurse() -> User:
    health = OrganisationFactory(kind=OrganisationKind.HEALTH, name="Kingsbridge Health")
    return user_with_role(Role.PRACTITIONER, organisation=health, full_name="Nia Nurse")


@pytest.fixture
def stranger() -> User:
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Elsewhere Council")
    return user_with_role(Role.TEAM_MANAGER, team=TeamFactory(organisation=council))


def open_family(
    manager: User, team: Team, lead: User | None, name: str = "Hughes family"
) -> tuple[Family, Episode]:
    family = people_services.create_family(actor=None, name=name)
    child = PersonFactory.create(given_name="Ava", family_name="Hughes")
    people_services.add_family_member(
        actor=None, family=family, person=child, role=FamilyRole.CHILD
    )
    episode = services.open_episode(actor=None, family=family)
    services.allocate(actor=manager, episode=episode, team=team, lead_practitioner=lead)
    episode.refresh_from_db()
    return family, episode


def sees(user: User, family: Family) -> bool:
    return families.visible_to(user).filter(pk=family.pk).exists()


# --- Children, levels, lead practitioner ------------------------------------------------------


def test_children_are_in_scope_and_a_level_change_keeps_the_lead(
    manager: User, council_team: Team, lead: User
) -> None:
    family, episode = open_family(manager, council_team, lead)
    child = episode.children.get()
    assert child.person.given_name == "Ava"
    levels = list(LevelOfNeed.objects.order_by("number"))
    services.set_level(
        actor=lead,
        episode=episode,
        person=child.person,
        level=levels[1],
        changed_on=date(2026, 11, 2),
        reason="Early help assessment",
    )
    services.set_level(
        actor=lead,
        episode=episode,
        person=child.person,
        level=levels[2],
        changed_on=date(2026, 11, 20),
        reason="Child in need",
    )
    child.refresh_from_db()
    episode.refresh_from_db()
    assert child.level == levels[2]
    assert [c.reason for c in child.changes.all()] == ["Child in need", "Early help assessment"]
    assert episode.lead_practitioner == lead
    assert (
        ChronologyEntry.objects.filter(family=family, kind=ChronologyKind.LEVEL_CHANGE).count() == 2
    )


def test_changing_the_lead_moves_access_in_one_transaction(
    manager: User, council_team: Team, lead: User, other_lead: User, monkeypatch: Any
) -> None:
    family, episode = open_family(manager, council_team, lead)
    # Take the team's reason away so only the personal reason counts.
    Involvement.objects.filter(family=family, reason=InvolvementReason.ALLOCATED_TEAM).update(
        ended_at=timezone.now()
    )
    assert sees(lead, family) and not sees(other_lead, family)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.people_services, "start_involvement", broken)
    with pytest.raises(RuntimeError):
        services.change_lead(actor=manager, episode=episode, new_lead=other_lead, reason="Move")
    assert sees(lead, family), "a failed change must leave the old lead in place"
    monkeypatch.undo()

    with transaction.atomic():
        services.change_lead(
            actor=manager,
            episode=episode,
            new_lead=other_lead,
            reason="Mum asked for a practitioner nearer home",
            family_had_say=True,
            family_view="Prefers Ola",
        )
        assert not sees(lead, family)
        assert sees(other_lead, family)
    episode.refresh_from_db()
    assert episode.lead_practitioner == other_lead
    spells = list(episode.lead_spells.order_by("started_at"))
    assert [s.user for s in spells] == [lead, other_lead]
    assert spells[0].ended_at is not None and spells[1].ended_at is None
    assert spells[1].family_had_say and spells[1].family_view == "Prefers Ola"


def test_team_around_the_family_join_and_leave(
    manager: User, council_team: Team, lead: User, nurse: User
) -> None:
    family, episode = open_family(manager, council_team, lead)
    assert not sees(nurse, family)
    member = services.join_team_around_family(
        actor=lead, episode=episode, user=nurse, role="Health visitor"
    )
    assert member.organisation is not None and member.organisation.name == "Kingsbridge Health"
    assert sees(nurse, family)
    with pytest.raises(ValidationError):
        services.join_team_around_family(actor=lead, episode=episode, user=nurse, role="Again")
    services.leave_team_around_family(actor=lead, member=member)
    assert not sees(nurse, family)
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()


def test_consent_withdrawn_before_joining_keeps_the_partner_out(
    manager: User, council_team: Team, lead: User, nurse: User
) -> None:
    family, episode = open_family(manager, council_team, lead)
    consent_services.record_consent(
        actor=manager,
        family=family,
        scope=ConsentScope.SHARE,
        decision=ConsentDecision.WITHDRAWN,
        given_by=ConsentGivenBy.PARENT_CARER,
        given_by_name="Parent",
        method=ConsentMethod.VERBAL,
        decided_on=timezone.localdate(),
        share_with_kind=OrganisationKind.HEALTH,
    )
    member = services.join_team_around_family(
        actor=lead, episode=episode, user=nurse, role="Health visitor"
    )
    assert not sees(nurse, family)
    assert member.involvement is not None
    member.involvement.refresh_from_db()
    assert member.involvement.suspended_at is not None


# --- Step up, step down, closure --------------------------------------------------------------


def test_step_up_passes_the_lead_role_and_step_down_gives_it_to_a_new_lead(
    manager: User, council_team: Team, lead: User, colleague: User, other_lead: User
) -> None:
    family, episode = open_family(manager, council_team, lead)
    services.step_up(
        actor=manager,
        episode=episode,
        decided_on=date(2026, 11, 10),
        decided_by="Mo Manager, team manager",
        reason="Injury to a child",
        handover_notes="Strategy discussion held",
        social_worker=other_lead,
    )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP
    assert episode.lead_practitioner == other_lead
    assert not Involvement.objects.filter(
        family=family, user=lead, reason=InvolvementReason.LEAD_PRACTITIONER, ended_at=None
    ).exists()
    assert sees(other_lead, family)
    with pytest.raises(ValidationError):
        services.step_up(
            actor=manager,
            episode=episode,
            decided_on=date(2026, 11, 10),
            decided_by="x",
            reason="again",
            social_worker_name="Someone",
        )
    services.step_down(
        actor=manager,
        episode=episode,
        decided_on=date(2026, 11, 20),
        handover_meeting_on=date(2026, 11, 19),
        receiving_lead=colleague,
        family_consent=True,
        reason="Child protection plan ended",
    )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN
    assert episode.lead_practitioner == colleague
    assert [s.display_name for s in episode.lead_spells.order_by("started_at")] == [
        "Pat Lead",
        "Ola Other",
        "Sam Colleague",
    ]
    kinds = set(ChronologyEntry.objects.filter(family=family).values_list("kind", flat=True))
    assert {ChronologyKind.STEP_UP, ChronologyKind.STEP_DOWN} <= kinds


def test_step_up_to_an_external_social_worker(
    manager: User, council_team: Team, lead: User
) -> None:
    family, episode = open_family(manager, council_team, lead)
    services.step_up(
        actor=manager,
        episode=episode,
        decided_on=timezone.localdate(),
        decided_by="Duty manager",
        reason="Risk of significant harm",
        social_worker_name="Jo Social, Children's Social Care",
    )
    episode.refresh_from_db()
    assert episode.lead_practitioner is None
    assert episode.lead_name == "Jo Social, Children's Social Care"
    assert not Involvement.objects.filter(
        family=family, reason=InvolvementReason.LEAD_PRACTITIONER, ended_at=None
    ).exists()


def test_closure_and_the_sustainment_check_on_the_right_date(
    manager: User, council_team: Team, lead: User, nurse: User
) -> None:
    family, episode = open_family(manager, council_team, lead)
    member = services.join_team_around_family(
        actor=lead, episode=episode, user=nurse, role="Health visitor"
    )
    services.close_episode(
        actor=lead,
        episode=episode,
        reason=ClosureReason.objects.get(code="outcomes-met"),
        note="All goals met",
        closed_on=date(2026, 8, 31),
    )
    episode.refresh_from_db()
    member.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    assert member.left_on is not None and not sees(nurse, family)
    assert CouncilConfiguration.current().sustainment_check_months == 3
    assert services.create_sustainment_tasks(today=date(2026, 11, 29)) == 0
    assert services.create_sustainment_tasks(today=date(2026, 11, 30)) == 1
    assert services.create_sustainment_tasks(today=date(2026, 12, 30)) == 0
    task = FollowUpTask.objects.get(episode=episode)
    assert task.due == date(2026, 11, 30)
    assert task.assigned_to == lead
    assert ChronologyEntry.objects.filter(family=family, kind=ChronologyKind.CLOSURE).exists()


def test_the_job_is_registered() -> None:
    from earlyhelp.core.periodic import _periodic

    assert "sustainment_checks" in _periodic


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert services.add_months(day, months) == expected


# --- Pages ------------------------------------------------------------------------------------


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


FAMILY_PAGES = (
    "episodes:family_episode",
    "episodes:chronology",
    "episodes:notes",
    "episodes:engagement",
    "episodes:supervision",
    "episodes:change_lead",
    "episodes:add_team_member",
    "episodes:step_up",
    "episodes:close",
)


@pytest.mark.parametrize("name", FAMILY_PAGES)
def test_family_pages_allowed_stranger_anonymous_and_audited(
    name: str, manager: User, council_team: Team, lead: User, stranger: User
) -> None:
    family, _ = open_family(manager, council_team, lead)
    url = reverse(name, args=[family.pk])
    before = AccessEvent.objects.filter(family_id=family.pk).count()
    response = client_for(lead).get(url)
    assert response.status_code == 200
    assert AccessEvent.objects.filter(family_id=family.pk, actor=lead).count() == before + 1
    assert client_for(stranger).get(url).status_code == 404
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "sign-in" in anonymous["Location"]


def test_partner_reads_but_does_not_manage_the_episode(
    manager: User, council_team: Team, lead: User, nurse: User
) -> None:
    family, episode = open_family(manager, council_team, lead)
    services.join_team_around_family(actor=lead, episode=episode, user=nurse, role="Nurse")
    client = client_for(nurse)
    assert client.get(reverse("episodes:family_episode", args=[family.pk])).status_code == 200
    assert client.get(reverse("episodes:step_up", args=[family.pk])).status_code == 404
    assert client.get(reverse("episodes:supervision", args=[family.pk])).status_code == 404


def test_pages_walk_the_episode(
    manager: User, council_team: Team, lead: User, nurse: User, other_lead: User
) -> None:
    family, episode = open_family(manager, council_team, lead)
    client = client_for(lead)
    base = [family.pk]
    response = client.post(
        reverse("episodes:add_team_member", args=base),
        {
            "user": nurse.pk,
            "role": "Health visitor",
            "joined_on-day": "1",
            "joined_on-month": "11",
            "joined_on-year": "2026",
        },
    )
    assert response.status_code == 302
    member = episode.taf_members.get()
    assert sees(nurse, family)
    response = client.post(reverse("episodes:remove_team_member", args=[family.pk, member.pk]))
    assert response.status_code == 302 and not sees(nurse, family)
    level = LevelOfNeed.objects.order_by("number")[1]
    child = episode.children.get().person
    response = client.post(
        reverse("episodes:child_level", args=[family.pk, child.pk]),
        {
            "level": level.pk,
            "changed_on-day": "2",
            "changed_on-month": "11",
            "changed_on-year": "2026",
            "reason": "Assessment",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("episodes:notes", args=base),
        {
            "kind": NoteKind.VISIT,
            "occurred_on-day": "3",
            "occurred_on-month": "11",
            "occurred_on-year": "2026",
            "text": "Home visit: the children were well.",
            "significant": "true",
        },
    )
    assert response.status_code == 302
    assert CaseNote.objects.filter(family=family, significant=True).exists()
    response = client.post(
        reverse("episodes:step_up", args=base),
        {
            "decided_on-day": "4",
            "decided_on-month": "11",
            "decided_on-year": "2026",
            "decided_by": "Mo Manager",
            "reason": "Concerns grew",
            "social_worker": other_lead.pk,
        },
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP
    # The early help lead is no longer lead, but their team still works with the family.
    response = client.post(
        reverse("episodes:step_down", args=base),
        {
            "decided_on-day": "20",
            "decided_on-month": "11",
            "decided_on-year": "2026",
            "handover_meeting_on-day": "19",
            "handover_meeting_on-month": "11",
            "handover_meeting_on-year": "2026",
            "receiving_lead": lead.pk,
            "family_consent": "yes",
            "reason": "Plan ended",
        },
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN and episode.lead_practitioner == lead
    reason = ClosureReason.objects.get(code="outcomes-met")
    response = client.post(reverse("episodes:close", args=base), {"reason": reason.pk})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    page = client.get(reverse("episodes:chronology", args=base)).content.decode()
    for text in ("Home visit", "Stepped up", "Stepped down", "Episode closed", "level of need"):
        assert text in page, text


def test_chronology_shows_every_apps_entries_newest_first_and_filters(
    manager: User, council_team: Team, lead: User
) -> None:
    family, episode = open_family(manager, council_team, lead)
    now = timezone.now()
    services.add_chronology_entry(
        family=family,
        kind=ChronologyKind.CONTACT,
        summary="Request for support from the school",
        occurred_at=now - timedelta(days=3),
    )
    services.add_chronology_entry(
        family=family,
        episode=episode,
        kind=ChronologyKind.ASSESSMENT,
        summary="Assessment started",
        occurred_at=now - timedelta(days=1),
        significant=False,
    )
    services.record_case_note(
        actor=lead,
        family=family,
        kind=NoteKind.CALL,
        occurred_on=timezone.localdate(),
        text="Called mum",
        significant=False,
    )
    client = client_for(lead)
    page = client.get(reverse("episodes:chronology", args=[family.pk])).content.decode()
    assert page.index("Assessment started") < page.index("Request for support from the school")
    assert "Called mum" not in page
    significant = client.get(
        reverse("episodes:chronology", args=[family.pk]) + "?significant=1"
    ).content.decode()
    assert "Assessment started" not in significant
    assert "Request for support from the school" in significant


def test_supervision_notes_by_managers_only(manager: User, council_team: Team, lead: User) -> None:
    family, _ = open_family(manager, council_team, lead)
    url = reverse("episodes:supervision", args=[family.pk])
    data = {
        "kind": "supervision",
        "occurred_on-day": "5",
        "occurred_on-month": "11",
        "occurred_on-year": "2026",
        "text": "Discussed progress",
    }
    assert client_for(lead).post(url, data).status_code == 404
    assert client_for(manager).post(url, data).status_code == 302
    assert "Discussed progress" in client_for(lead).get(url).content.decode()


def test_my_caseload_lists_led_and_taf_families_and_due_tasks(
    manager: User, council_team: Team, lead: User, nurse: User, stranger: User
) -> None:
    _, episode = open_family(manager, council_team, lead)
    _, closed = open_family(manager, council_team, lead, name="Closed family")
    services.join_team_around_family(actor=lead, episode=episode, user=nurse, role="Nurse")
    services.close_episode(
        actor=lead,
        episode=closed,
        reason=ClosureReason.objects.get(code="outcomes-met"),
        closed_on=timezone.localdate() - timedelta(days=200),
    )
    services.create_sustainment_tasks()
    url = reverse("episodes:my_caseload")
    page = client_for(lead).get(url).content.decode()
    assert "Hughes family" in page and "Sustainment check" in page and "Closed family" in page
    assert "Hughes family" in client_for(nurse).get(url).content.decode()
    assert "Hughes family" not in client_for(stranger).get(url).content.decode()
    assert client_for(None).get(url).status_code == 302


def _episodes(manager: User, team: Team, lead: User, count: int) -> None:
    start = Episode.objects.count()
    for number in range(start, start + count):
        open_family(manager, team, lead, name=f"Family {number}")


def test_team_caseload_queries_do_not_grow_from_5_to_50_episodes(
    manager: User,
    council_team: Team,
    lead: User,
    django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager)
    url = reverse("episodes:team_caseload") + "?sort=family&order=desc"
    _episodes(manager, council_team, lead, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    _episodes(manager, council_team, lead, 45)  # 50 in all, two pages
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Family 9") < page.index("Family 8")
    assert "Page 1 of 2" in page


def test_team_caseload_is_for_council_team_managers(
    manager: User, council_team: Team, lead: User, stranger: User
) -> None:
    open_family(manager, council_team, lead)
    url = reverse("episodes:team_caseload")
    assert "Hughes family" in client_for(manager).get(url).content.decode()
    assert "Hughes family" not in client_for(stranger).get(url).content.decode()
    assert client_for(lead).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    filtered = client_for(manager).get(url + "?status=closed").content.decode()
    assert "Hughes family" not in filtered


def test_family_subnav_links_only_pages_that_exist(
    manager: User, council_team: Team, lead: User
) -> None:
    family, _ = open_family(manager, council_team, lead)
    html = Template("{% load episodes %}{% family_subnav family 'chronology' %}").render(
        Context({"family": family})
    )
    assert reverse("people:family", args=[family.pk]) in html
    assert reverse("consent:family", args=[family.pk]) in html
    assert 'aria-current="page"' in html
    assert html.count("moj-sub-navigation__item") >= 4
