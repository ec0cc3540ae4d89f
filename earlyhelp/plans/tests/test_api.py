"""The family plan API: an episode's plan (needs, outcomes, actions with who, by when, status
and progress, the version), and recording an action's progress against the version last seen:
a stale version is a 409 showing the plan as it is now, and nothing is overwritten. As the lead
practitioner, a partner on the team around the family, the auditor, a stranger and someone not
signed in; every read in the access log."""

from datetime import timedelta

import pytest

from earlyhelp.core.models import ClosureReason
from earlyhelp.episodes import services as episode_services
from earlyhelp.episodes.tests.api_world import ApiWorld, api_reads, api_world, today
from earlyhelp.plans import services
from earlyhelp.plans.codes import ActionOwnerKind, ActionStatus
from earlyhelp.plans.models import ActionUpdate, FamilyPlan, PlanAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> ApiWorld:
    return api_world()


@pytest.fixture
def plan(world: ApiWorld) -> FamilyPlan:
    """A plan with one need and two actions: one for the nurse, one for mum."""
    plan = services.start_plan(actor=world.lead, episode=world.episode)
    need = services.add_need(
        actor=world.lead,
        plan=plan,
        expected_version=plan.version,
        need="Kai is often late for school",
        outcome="Kai is at school on time every day",
        headline_outcome="education",
    )
    services.add_action(
        actor=world.lead,
        need=need,
        expected_version=plan.version,
        description="Check in with Kai each morning",
        owner_kind=ActionOwnerKind.PRACTITIONER,
        owner_user=world.nurse,
        due_on=today() + timedelta(days=14),
    )
    services.add_action(
        actor=world.lead,
        need=need,
        expected_version=plan.version,
        description="Set an alarm for 7am",
        owner_kind=ActionOwnerKind.FAMILY_MEMBER,
        owner_person=world.parent,
        due_on=today() + timedelta(days=7),
    )
    plan.refresh_from_db()
    return plan


def plan_url(world: ApiWorld) -> str:
    return f"/api/episodes/{world.episode.pk}/plan"


def progress_url(plan: FamilyPlan, action: PlanAction) -> str:
    return f"/api/plans/{plan.pk}/actions/{action.pk}/progress"


def first_action(plan: FamilyPlan) -> PlanAction:
    return PlanAction.objects.filter(need__plan=plan).earliest("pk")


# --- Reading ------------------------------------------------------------------------------------


def test_an_episodes_plan(world: ApiWorld, plan: FamilyPlan) -> None:
    answer = world.get(world.nurse, plan_url(world))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["id"], body["episode_id"], body["family_id"]) == (
        plan.pk,
        world.episode.pk,
        world.family.pk,
    )
    assert body["version"] == plan.version == 4
    assert (body["agreed_version"], body["has_draft_changes"], body["last_agreed"]) == (
        0,
        True,
        None,
    )
    [need] = body["needs"]
    assert need["outcome"] == "Kai is at school on time every day"
    assert need["headline_outcome"] == "education"
    # Actions by due date: mum's first.
    assert [(a["owner"]["kind"], a["owner"]["name"]) for a in need["actions"]] == [
        ("family_member", "Dana Hughes"),
        ("practitioner", "Nia Nurse"),
    ]
    assert need["actions"][1]["owner"]["user_id"] == world.nurse.pk
    assert need["actions"][0]["status"] == ActionStatus.NOT_STARTED
    [event] = api_reads(world.nurse)
    assert (event.object_type, event.object_id, event.family_id) == (
        "familyplan",
        str(plan.pk),
        world.family.pk,
    )


def test_who_may_read_the_plan(world: ApiWorld, plan: FamilyPlan) -> None:
    for user in (world.lead, world.colleague, world.manager, world.nurse, world.auditor):
        assert world.get(user, plan_url(world)).status_code == 200, user
    assert world.get(world.stranger, plan_url(world)).status_code == 404
    assert world.get(None, plan_url(world)).status_code == 401


def test_an_episode_without_a_plan_says_so(world: ApiWorld) -> None:
    answer = world.get(world.lead, plan_url(world))
    assert answer.status_code == 404
    assert answer.json()["detail"] == "This episode has no family plan yet."
    # A stranger is not told even that.
    assert world.get(world.stranger, plan_url(world)).json()["detail"] != answer.json()["detail"]


# --- Recording progress -----------------------------------------------------------------------


def test_progress_is_recorded_against_the_version_seen(world: ApiWorld, plan: FamilyPlan) -> None:
    action = first_action(plan)
    answer = world.send(
        "POST",
        world.nurse,
        progress_url(plan, action),
        {"expected_version": plan.version, "status": "in_progress", "progress": "Seen twice"},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["version"] == plan.version + 1
    saved = next(a for a in body["needs"][0]["actions"] if a["id"] == action.pk)
    assert (saved["status"], saved["progress"]) == ("in_progress", "Seen twice")
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.IN_PROGRESS, "Seen twice")
    assert action.description == "Check in with Kai each morning"  # the rest unchanged
    update = ActionUpdate.objects.get(action=action)
    assert (update.recorded_by, update.note) == (world.nurse, "Seen twice")
    # Leaving progress out keeps the latest word and changes only the status.
    done = world.send(
        "POST",
        world.lead,
        progress_url(plan, action),
        {"expected_version": body["version"], "status": "done"},
    )
    assert done.status_code == 200
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.DONE, "Seen twice")


def test_a_stale_version_is_a_conflict_showing_the_plan_now(
    world: ApiWorld, plan: FamilyPlan
) -> None:
    action = first_action(plan)
    seen = plan.version
    first = world.send(
        "POST",
        world.lead,
        progress_url(plan, action),
        {"expected_version": seen, "status": "in_progress", "progress": "Going well"},
    )
    assert first.status_code == 200
    stale = world.send(
        "POST",
        world.nurse,
        progress_url(plan, action),
        {"expected_version": seen, "status": "not_done", "progress": "Not seen"},
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "conflict"
    assert body["yours"] == {
        "expected_version": seen,
        "status": "not_done",
        "progress": "Not seen",
    }
    assert body["plan"]["version"] == seen + 1
    now = next(a for a in body["plan"]["needs"][0]["actions"] if a["id"] == action.pk)
    assert (now["status"], now["progress"]) == ("in_progress", "Going well")
    action.refresh_from_db()
    assert action.progress == "Going well"  # nothing overwritten
    assert ActionUpdate.objects.filter(action=action).count() == 1
    # The conflict showed the plan: a read, in the access log.
    assert [e.object_type for e in api_reads(world.nurse)] == ["familyplan"]
    # Having looked, the nurse sends again against the version now stored.
    again = world.send(
        "POST",
        world.nurse,
        progress_url(plan, action),
        {"expected_version": seen + 1, "status": "not_done", "progress": "Not seen"},
    )
    assert again.status_code == 200


def test_who_may_record_progress(world: ApiWorld, plan: FamilyPlan) -> None:
    action = first_action(plan)
    for user in (world.stranger, world.auditor):
        answer = world.send(
            "POST",
            user,
            progress_url(plan, action),
            {"expected_version": plan.version, "status": "done"},
        )
        assert answer.status_code == 404, user
    body = {"expected_version": plan.version, "status": "done"}
    assert world.send("POST", None, progress_url(plan, action), body).status_code == 401
    # An action of another plan is not found through this one.
    other = api_world("Other family")
    other_plan = services.start_plan(actor=other.lead, episode=other.episode)
    assert (
        world.send(
            "POST", world.lead, f"/api/plans/{other_plan.pk}/actions/{action.pk}/progress", body
        ).status_code
        == 404
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_STARTED


def test_bad_progress_and_a_closed_episode_are_refused(world: ApiWorld, plan: FamilyPlan) -> None:
    action = first_action(plan)
    for body in (
        {"expected_version": plan.version, "status": "finished"},
        {"expected_version": 0, "status": "done"},
        {"status": "done"},
        {"expected_version": plan.version, "status": "done", "progress": "\x00"},
    ):
        answer = world.send("POST", world.lead, progress_url(plan, action), body)
        assert answer.status_code == 422, body
    episode_services.close_episode(
        actor=world.lead,
        episode=world.episode,
        reason=ClosureReason.objects.get(code="outcomes-met"),
    )
    closed = world.send(
        "POST",
        world.lead,
        progress_url(plan, action),
        {"expected_version": plan.version, "status": "done"},
    )
    assert closed.status_code == 422
    assert "open episode" in closed.json()["errors"][0]["message"]
    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_STARTED
