"""The needs-attention pages as the lead practitioner, their team manager, a partner on the team
around the family, a practitioner and a manager of another team, and someone not signed in;
both pages write to the access log and cost the same number of queries for 3 families as 30."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.models import Team, User
from earlyhelp.assessments import services as assessment_services
from earlyhelp.assessments.models import Assessment, AssessmentStatus
from earlyhelp.attention.models import Reminder, ReminderKind
from earlyhelp.core.models import AccessEvent
from earlyhelp.episodes import services as episode_services
from earlyhelp.episodes.models import Episode, FollowUpKind, FollowUpTask, NoteKind
from earlyhelp.plans import services as plan_services
from earlyhelp.plans.codes import ActionOwnerKind

from .conftest import World, allocated, client_for

pytestmark = pytest.mark.django_db

MINE = "/needs-attention/"
TEAM = "/needs-attention/team/"


def test_the_urls() -> None:
    assert reverse("attention:mine") == MINE
    assert reverse("attention:team") == TEAM


def drifting(
    world: World, name: str, *, lead: User | None = None, team: Team | None = None
) -> Episode:
    """A family allocated 60 days ago, assessed, with two plan actions ten days late: one the
    lead's, one the health visitor's (who is on the team around the family)."""
    today = timezone.localdate()
    manager = world.other_manager if team is not None else None
    episode = allocated(
        world, name, today - timedelta(days=60), lead=lead, team=team, manager=manager
    )
    owner = lead or world.lead
    Assessment.objects.create(
        episode=episode,
        template=assessment_services.current_template(),
        started_by=owner,
        started_on=today - timedelta(days=59),
        due_on=today - timedelta(days=40),
        status=AssessmentStatus.SIGNED_OFF,
    )
    episode_services.record_case_note(
        actor=owner,
        family=episode.family,
        kind=NoteKind.VISIT,
        occurred_on=today - timedelta(days=3),
        text="Visit.",
    )
    episode_services.join_team_around_family(
        actor=None, episode=episode, user=world.nurse, role="Health visitor"
    )
    plan = plan_services.start_plan(actor=None, episode=episode)
    need = plan_services.add_need(
        actor=world.lead, plan=plan, expected_version=plan.version, need="Sleep", outcome="Rest"
    )
    for description, user in (
        ("Bedtime routine", owner),
        ("Weigh", world.nurse),
    ):
        plan_services.add_action(
            actor=world.lead,
            need=need,
            expected_version=plan.version,
            description=description,
            owner_kind=ActionOwnerKind.PRACTITIONER,
            owner_user=user,
            due_on=today - timedelta(days=10),
        )
    return episode


def test_the_lead_practitioner_sees_their_families(world: World) -> None:
    drifting(world, "Hughes family")
    response = client_for(world.lead).get(MINE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hughes family" in page
    assert "Plan action past its date: “Bedtime routine” (Pat Lead)" in page
    assert "“Weigh” (Nia Nurse)" in page  # the lead follows everyone's actions
    assert "govuk-tag--red" in page
    assert "Your actions for other families" not in page
    event = AccessEvent.objects.filter(object_type="needs_attention").latest("pk")
    assert event.actor == world.lead
    assert event.description == "My needs-attention list: 1 families"


def test_a_partner_on_the_team_around_the_family_sees_only_their_own_actions(
    world: World,
) -> None:
    drifting(world, "Hughes family")
    page = client_for(world.nurse).get(MINE).content.decode()
    assert "Your actions for other families" in page
    assert "“Weigh” (Nia Nurse)" in page
    assert "Bedtime routine" not in page
    assert "Nothing on the families you lead needs attention today." in page


def test_a_colleague_or_another_teams_practitioner_sees_nothing_of_it(world: World) -> None:
    drifting(world, "Hughes family")
    for user in (world.colleague, world.other_practitioner, world.other_manager):
        page = client_for(user).get(MINE).content.decode()
        assert "Hughes family" not in page
        assert "Nothing on the families you lead needs attention today." in page


def test_the_team_manager_sees_every_family_of_their_team(world: World) -> None:
    drifting(world, "Hughes family")
    drifting(world, "Patel family", lead=world.colleague)
    drifting(world, "Other family", lead=world.other_practitioner, team=world.other_team)
    client = client_for(world.manager)
    response = client.get(TEAM)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hughes family" in page and "Patel family" in page
    assert "Other family" not in page
    assert "2 families, 4 things to look at." in page
    event = AccessEvent.objects.filter(object_type="needs_attention").latest("pk")
    assert event.actor == world.manager and event.object_id == str(world.team.pk)

    page = client.get(TEAM, {"lead": world.colleague.pk}).content.decode()
    assert "Patel family" in page and "Hughes family" not in page
    page = client.get(TEAM, {"lead": "none"}).content.decode()
    assert "Nothing on this lead practitioner" in page
    page = client.get(TEAM, {"sort": "lead"}).content.decode()
    page = page[page.index("<table") :]  # grouped by lead practitioner, one table each
    assert page.count("<table") == 2
    assert page.index("Cam Colleague") < page.index("Patel family") < page.index("Pat Lead")
    assert page.index("Pat Lead") < page.index("Hughes family")
    page = client.get(TEAM, {"sort": "family", "lead": "nonsense"}).content.decode()
    assert page.index("Hughes family") < page.index("Patel family")

    # The other team's manager: their own team only.
    page = client_for(world.other_manager).get(TEAM).content.decode()
    assert "Other family" in page and "Hughes family" not in page


def test_most_overdue_first(world: World) -> None:
    later = drifting(world, "Hughes family")
    drifting(world, "Patel family")
    assessment = Assessment.objects.get(episode=later)
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.IN_PROGRESS)
    page = client_for(world.manager).get(TEAM).content.decode()
    # The Hughes assessment is 40 days late, more than the actions' 10.
    assert page.index("Hughes family") < page.index("Patel family")
    assert "Assessment overdue by" in page


def test_the_team_page_is_for_council_team_managers_only(world: World) -> None:
    drifting(world, "Hughes family")
    for user in (world.lead, world.nurse, world.other_practitioner):
        assert client_for(user).get(TEAM).status_code == 404


def test_someone_not_signed_in_is_sent_to_sign_in(world: World) -> None:
    for url in (MINE, TEAM):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert client_for(None).post(MINE, {"reminder": "all"}).status_code == 302


def test_empty_states(world: World) -> None:
    page = client_for(world.manager).get(TEAM).content.decode()
    assert "Nothing on your teams' families needs attention today." in page


def _reminder(world: World, user: User, key: str, text: str, days_ago: int = 0) -> Reminder:
    return Reminder.objects.create(
        user=user,
        kind=ReminderKind.REVIEW_OVERDUE,
        key=key,
        text=text,
        link="/x/",
        for_date=timezone.localdate() - timedelta(days=days_ago),
    )


def test_reminders_are_shown_and_marked_read_with_a_post(world: World) -> None:
    episode = drifting(world, "Hughes family")
    mine = _reminder(world, world.lead, "review:1", "Review overdue by 2 working days")
    mine.episode = episode
    mine.save()
    _reminder(world, world.lead, "review:2", "Assessment overdue by 1 working day")
    theirs = _reminder(world, world.manager, "review:1", "Someone else's reminder")
    client = client_for(world.lead)
    page = client.get(MINE).content.decode()
    assert "Review overdue by 2 working days" in page
    assert "Someone else&#x27;s reminder" not in page
    assert "Mark all reminders as read" in page

    response = client.post(MINE, {"reminder": str(mine.pk)})
    assert response.status_code == 302 and response["Location"] == MINE + "#reminders"
    mine.refresh_from_db()
    assert mine.read_at is not None
    page = client.get(MINE).content.decode()
    assert "Reminder marked as read." in page
    assert "Review overdue by 2 working days" not in page

    # Another person's reminder cannot be marked from here.
    client.post(MINE, {"reminder": str(theirs.pk)})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # A POST naming nothing says so.
    response = client.post(MINE, {}, follow=True)
    assert "Choose a reminder to mark as read." in response.content.decode()
    client.post(MINE, {"reminder": "all"})
    assert not Reminder.objects.filter(user=world.lead, read_at__isnull=True).exists()


def test_the_caseload_pages_link_to_the_lists(world: World) -> None:
    _reminder(world, world.lead, "review:1", "Review overdue")
    # The same thing reminded the day before counts once.
    _reminder(world, world.lead, "review:1", "Review overdue", days_ago=1)
    page = client_for(world.lead).get(reverse("episodes:my_caseload")).content.decode()
    assert "You have 1 unread reminder." in page and f'href="{MINE}"' in page
    page = client_for(world.manager).get(reverse("episodes:team_caseload")).content.decode()
    assert f'href="{TEAM}"' in page


def test_a_follow_up_task_past_its_date(world: World) -> None:
    episode = allocated(world, "Closed family", date(2025, 1, 6))
    Episode.objects.filter(pk=episode.pk).update(status="closed")
    FollowUpTask.objects.create(
        episode=episode,
        kind=FollowUpKind.SUSTAINMENT,
        due=timezone.localdate() - timedelta(days=7),
        assigned_to=world.lead,
    )
    page = client_for(world.lead).get(MINE).content.decode()
    assert "Closed family" in page and "Sustainment check overdue by" in page
    # Assigned: not on the manager's list (that shows follow-ups nobody has).
    assert "Closed family" not in client_for(world.manager).get(TEAM).content.decode()
    FollowUpTask.objects.update(assigned_to=None)
    assert "Closed family" in client_for(world.manager).get(TEAM).content.decode()


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_page_queries_do_not_grow_with_the_families(world: World) -> None:
    for i in range(3):
        drifting(world, f"Family{i} family")
    lead, manager, nurse = (client_for(u) for u in (world.lead, world.manager, world.nurse))
    few = [_count(c, url) for c, url in ((lead, MINE), (manager, TEAM), (nurse, MINE))]
    for i in range(3, 30):
        drifting(world, f"Family{i} family")
    many = [_count(c, url) for c, url in ((lead, MINE), (manager, TEAM), (nurse, MINE))]
    assert many == few
    page = manager.get(TEAM).content.decode()
    assert "30 families, 60 things to look at." in page


def test_the_team_list_comes_in_pages(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("earlyhelp.attention.views.PAGE_SIZE", 2)
    for name in ("Ames family", "Bell family", "Cole family"):
        drifting(world, name)
    client = client_for(world.manager)
    page = client.get(TEAM, {"sort": "family"}).content.decode()
    assert "3 families, 6 things to look at." in page
    assert "Ames family" in page and "Bell family" in page and "Cole family" not in page
    assert 'href="?sort=family&amp;page=2"' in page
    page = client.get(TEAM, {"sort": "family", "page": "2"}).content.decode()
    assert "Cole family" in page and "Ames family" not in page
    page = client.get(TEAM, {"sort": "family", "page": "many"}).content.decode()
    assert "Ames family" in page
