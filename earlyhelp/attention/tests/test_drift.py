"""What needs attention, on fixed dates across bank holidays: assessments and reviews due and
overdue in working days, plan actions past their date, no contact for N weeks, scores getting
worse; and the number of queries does not grow with the number of episodes."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earlyhelp.assessments import services as assessment_services
from earlyhelp.assessments.models import Assessment, AssessmentStatus
from earlyhelp.attention.drift import Item, needs_attention
from earlyhelp.attention.models import ReminderKind as Kind
from earlyhelp.core.calendar import calendar_for_council
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.episodes import services as episode_services
from earlyhelp.episodes.models import Episode, NoteKind
from earlyhelp.meetings import services as meeting_services
from earlyhelp.meetings.codes import MeetingKind
from earlyhelp.plans import services as plan_services
from earlyhelp.plans.codes import ActionOwnerKind, ActionStatus
from earlyhelp.plans.models import PlanAction

from .conftest import World, allocated, at

pytestmark = pytest.mark.django_db


def items(episode: Episode, today: date, actions_of: int | None = None) -> list[Item]:
    found = needs_attention(Episode.objects.filter(pk=episode.pk), today, actions_of=actions_of)
    return found[0].items if found else []


def kinds(episode: Episode, today: date) -> set[str]:
    return {item.kind for item in items(episode, today)}


def review_due_on(world: World, episode: Episode, held_on: date, next_review: date) -> None:
    meeting = meeting_services.schedule_meeting(
        actor=world.lead, episode=episode, kind=MeetingKind.REVIEW, starts_at=at(held_on)
    )
    meeting_services.record_meeting(
        actor=world.lead,
        meeting=meeting,
        attendance={},
        minutes="Reviewed the plan.",
        next_review_on=next_review,
    )


# --- The calendar the tests rely on -----------------------------------------------------------


def test_the_calendar_counts_the_bank_holidays_these_tests_cross() -> None:
    cal = calendar_for_council(CouncilConfiguration())
    # Monday 31 August 2026 is the summer bank holiday: ten working days after Friday
    # 21 August is Monday 7 September (24-28 August, then 1-4 and 7 September).
    assert not cal.is_working_day(date(2026, 8, 31))
    assert cal.add_working_days(date(2026, 8, 21), 10) == date(2026, 9, 7)
    # Christmas Day is a Friday; Boxing Day a Saturday, so Monday 28 December is its
    # substitute bank holiday. The next working day after Christmas is Tuesday 29 December.
    assert not cal.is_working_day(date(2026, 12, 28))
    assert cal.next_working_day(date(2026, 12, 25)) == date(2026, 12, 29)


# --- Assessments ------------------------------------------------------------------------------


def test_an_assessment_is_overdue_only_after_its_tenth_working_day(world: World) -> None:
    episode = allocated(world, "Hughes family", date(2026, 8, 21))
    assessment = assessment_services.start_assessment(
        actor=world.lead, episode=episode, started_on=date(2026, 8, 21)
    )
    assert assessment.due_on == date(2026, 9, 7)

    assert kinds(episode, date(2026, 9, 2)) == set()  # three working days to go
    [soon] = items(episode, date(2026, 9, 4))  # Friday: due on Monday
    assert (soon.kind, soon.severity) == (Kind.ASSESSMENT_DUE, "due_soon")
    assert soon.text == "Assessment due within 2 working days (Mon 7 September)"
    [today] = items(episode, date(2026, 9, 7))
    assert (today.kind, today.text) == (
        Kind.ASSESSMENT_DUE,
        "Assessment due today (Mon 7 September)",
    )
    [late] = items(episode, date(2026, 9, 8))
    assert (late.kind, late.severity, late.overdue_by) == (Kind.ASSESSMENT_OVERDUE, "overdue", 1)
    assert late.text == "Assessment overdue by 1 working day (due Mon 7 September)"
    assert late.link == f"/assessments/{assessment.pk}/"
    # A week later: five working days late.
    [late] = items(episode, date(2026, 9, 14))
    assert late.text == "Assessment overdue by 5 working days (due Mon 7 September)"


def test_a_submitted_assessment_is_not_overdue(world: World) -> None:
    episode = allocated(world, "Hughes family", date(2026, 8, 21))
    assessment = assessment_services.start_assessment(
        actor=world.lead, episode=episode, started_on=date(2026, 8, 21)
    )
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)
    assert kinds(episode, date(2026, 9, 8)) == set()


def test_an_assessment_never_started_shows_once_its_time_has_gone(world: World) -> None:
    episode = allocated(world, "Hughes family", date(2026, 8, 21))
    assert kinds(episode, date(2026, 9, 7)) == set()
    [item] = items(episode, date(2026, 9, 8))
    assert item.kind == Kind.ASSESSMENT_NOT_STARTED
    assert item.text.startswith("Assessment not started: allocated Fri 21 August")


# --- Reviews ----------------------------------------------------------------------------------


def test_a_review_due_on_christmas_day_is_overdue_on_the_next_working_day(world: World) -> None:
    episode = allocated(world, "Hughes family", date(2026, 11, 2))
    assessment_services.start_assessment(
        actor=world.lead, episode=episode, started_on=date(2026, 11, 2)
    )
    Assessment.objects.filter(episode=episode).update(status=AssessmentStatus.SIGNED_OFF)
    review_due_on(world, episode, date(2026, 11, 13), date(2026, 12, 25))
    episode_services.record_case_note(
        actor=world.lead,
        family=episode.family,
        kind=NoteKind.VISIT,
        occurred_on=date(2026, 12, 21),
        text="Home visit.",
    )
    assert kinds(episode, date(2026, 12, 21)) == set()
    [soon] = items(episode, date(2026, 12, 23))
    assert soon.kind == Kind.REVIEW_DUE
    assert soon.text == "Review due within 2 working days (Fri 25 December)"
    assert items(episode, date(2026, 12, 25))[0].text == "Review due today (Fri 25 December)"
    [late] = items(episode, date(2026, 12, 29))
    assert (late.kind, late.overdue_by) == (Kind.REVIEW_OVERDUE, 1)
    assert late.text == "Review overdue by 1 working day (due Fri 25 December)"
    assert late.link == f"/families/{episode.family_id}/meetings/"
    # 29, 30 and 31 December and 4 January: New Year's Day (Friday 1 January) skipped.
    [late] = items(episode, date(2027, 1, 4))
    assert late.text == "Review overdue by 4 working days (due Fri 25 December 2026)"


def test_a_review_held_moves_the_date_on(world: World) -> None:
    episode = allocated(world, "Hughes family", date(2026, 9, 1))
    Assessment.objects.create(
        episode=episode,
        template=assessment_services.current_template(),
        started_by=world.lead,
        started_on=date(2026, 9, 1),
        due_on=date(2026, 9, 15),
        status=AssessmentStatus.SIGNED_OFF,
    )
    taf = meeting_services.schedule_meeting(
        actor=world.lead,
        episode=episode,
        kind=MeetingKind.TEAM_AROUND_THE_FAMILY,
        starts_at=at(date(2026, 9, 10)),
    )
    meeting_services.record_meeting(actor=world.lead, meeting=taf, attendance={}, minutes="Met.")
    # Six weeks after the first team around the family meeting: Thursday 22 October.
    assert Kind.REVIEW_OVERDUE in kinds(episode, date(2026, 10, 23))
    review_due_on(world, episode, date(2026, 10, 23), date(2026, 12, 4))
    assert kinds(episode, date(2026, 10, 26)) == set()


def test_a_stepped_up_episode_is_not_chased_for_reviews(world: World) -> None:
    episode = allocated(world, "Hughes family", date(2026, 11, 2))
    review_due_on(world, episode, date(2026, 11, 13), date(2026, 12, 25))
    Episode.objects.filter(pk=episode.pk).update(status="stepped_up")
    assert Kind.REVIEW_OVERDUE not in kinds(episode, date(2026, 12, 29))


# --- Plan actions -----------------------------------------------------------------------------


def _plan_with_actions(world: World, episode: Episode) -> list[PlanAction]:
    plan = plan_services.start_plan(actor=world.lead, episode=episode)
    need = plan_services.add_need(
        actor=world.lead,
        plan=plan,
        expected_version=plan.version,
        need="School attendance",
        outcome="Ava goes to school every day",
    )
    actions = []
    for description, owner, due in (
        ("Health check for Ava", world.nurse, date(2026, 11, 30)),
        ("Meet the school", world.lead, date(2026, 12, 1)),
        ("Parenting course", world.lead, date(2026, 12, 20)),
    ):
        plan.refresh_from_db()
        actions.append(
            plan_services.add_action(
                actor=world.lead,
                need=need,
                expected_version=plan.version,
                description=description,
                owner_kind=ActionOwnerKind.PRACTITIONER,
                owner_user=owner,
                due_on=due,
            )
        )
    return actions


def test_plan_actions_past_their_date_and_not_done(world: World) -> None:
    episode = allocated(world, "Hughes family", date(2026, 11, 23))
    assessment_services.start_assessment(
        actor=world.lead, episode=episode, started_on=date(2026, 11, 23)
    )
    Assessment.objects.filter(episode=episode).update(status=AssessmentStatus.SIGNED_OFF)
    health, school, _course = _plan_with_actions(world, episode)
    PlanAction.objects.filter(pk=school.pk).update(status=ActionStatus.DONE)

    found = [i for i in items(episode, date(2026, 12, 3)) if i.kind == Kind.ACTION_OVERDUE]
    assert [i.key for i in found] == [f"action:{health.pk}"]
    assert found[0].text == (
        "Plan action past its date: “Health check for Ava” (Nia Nurse), due Mon 30 November"
    )
    assert (found[0].owner_id, found[0].overdue_by) == (world.nurse.pk, 3)
    # Only one practitioner's actions (the team around the family's own list).
    assert [i.key for i in items(episode, date(2026, 12, 3), actions_of=world.lead.pk)] == []
    assert len(items(episode, date(2026, 12, 3), actions_of=world.nurse.pk)) == 1


# --- Contact ----------------------------------------------------------------------------------


def test_no_contact_for_the_configured_number_of_weeks(world: World) -> None:
    episode = allocated(world, "Hughes family", date(2026, 9, 1))
    Assessment.objects.create(
        episode=episode,
        template=assessment_services.current_template(),
        started_by=world.lead,
        started_on=date(2026, 9, 1),
        due_on=date(2026, 9, 15),
        status=AssessmentStatus.SIGNED_OFF,
    )
    # Four weeks (the default) after allocation, measured from allocation: not yet.
    assert kinds(episode, date(2026, 9, 29)) == set()
    [item] = items(episode, date(2026, 9, 30))
    assert item.kind == Kind.NO_CONTACT
    assert item.text == "No contact recorded since allocation on Tue 1 September"

    # An observation is not contact; a phone call is, and so is an engagement attempt.
    for kind in (NoteKind.OBSERVATION, NoteKind.CALL):
        episode_services.record_case_note(
            actor=world.lead,
            family=episode.family,
            kind=kind,
            occurred_on=date(2026, 9, 10),
            text="Noted.",
        )
    assert kinds(episode, date(2026, 10, 8)) == set()
    [item] = items(episode, date(2026, 10, 9))
    assert item.text == "No contact for 4 weeks (last contact Thu 10 September)"
    episode_services.record_engagement_attempt(
        actor=world.lead,
        family=episode.family,
        attempted_on=date(2026, 10, 5),
        method="call",
        outcome="no_answer",
    )
    assert kinds(episode, date(2026, 10, 9)) == set()

    # The council chooses the number of weeks.
    config = CouncilConfiguration.current()
    config.no_contact_weeks = 2
    config.save()
    assert kinds(episode, date(2026, 10, 19)) == set()
    assert kinds(episode, date(2026, 10, 20)) == {Kind.NO_CONTACT}


def test_a_held_meeting_is_contact(world: World) -> None:
    episode = allocated(world, "Hughes family", date(2026, 9, 1))
    Assessment.objects.create(
        episode=episode,
        template=assessment_services.current_template(),
        started_by=world.lead,
        started_on=date(2026, 9, 1),
        due_on=date(2026, 9, 15),
        status=AssessmentStatus.SIGNED_OFF,
    )
    meeting = meeting_services.schedule_meeting(
        actor=world.lead,
        episode=episode,
        kind=MeetingKind.FAMILY_NETWORK,
        starts_at=at(date(2026, 9, 25)),
    )
    assert Kind.NO_CONTACT in kinds(episode, date(2026, 10, 5))  # arranged, not yet held
    meeting_services.record_meeting(actor=world.lead, meeting=meeting, attendance={}, minutes=".")
    assert Kind.NO_CONTACT not in kinds(episode, date(2026, 10, 5))


# --- Scores -----------------------------------------------------------------------------------


def test_scores_getting_worse(world: World) -> None:
    episode = allocated(world, "Hughes family", date(2026, 11, 2))
    assessment = assessment_services.start_assessment(
        actor=world.lead, episode=episode, started_on=date(2026, 11, 2)
    )
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SIGNED_OFF)
    (first, first_label, _), (second, _, _), *_ = assessment_services.current_areas(episode)
    for scored_on, scores in (
        (date(2026, 11, 10), {first: 6, second: 5}),
        (date(2026, 11, 20), {first: 4, second: 7}),
    ):
        assessment_services.record_area_scores(
            actor=world.lead, episode=episode, scores=scores, source="review", scored_on=scored_on
        )
    episode_services.record_case_note(
        actor=world.lead,
        family=episode.family,
        kind=NoteKind.VISIT,
        occurred_on=date(2026, 11, 20),
        text="Visit.",
    )
    assert kinds(episode, date(2026, 11, 19)) == set()  # the later scores are not in yet
    [item] = items(episode, date(2026, 11, 23))
    assert item.kind == Kind.SCORES_WORSE
    assert item.text == f"Scores getting worse: {first_label} 6 to 4 (scored Fri 20 November)"


# --- Cost -------------------------------------------------------------------------------------


def _drifting(world: World, n: int, start: int) -> None:
    for i in range(start, start + n):
        episode = allocated(world, f"Family{i} family", date(2026, 8, 21))
        assessment_services.start_assessment(
            actor=world.lead, episode=episode, started_on=date(2026, 8, 21)
        )
        plan = plan_services.start_plan(actor=world.lead, episode=episode)
        need = plan_services.add_need(
            actor=world.lead, plan=plan, expected_version=plan.version, need="n", outcome="o"
        )
        plan_services.add_action(
            actor=world.lead,
            need=need,
            expected_version=plan.version,
            description="Call the school",
            owner_kind=ActionOwnerKind.PRACTITIONER,
            owner_user=world.lead,
            due_on=date(2026, 9, 1),
        )
        assessment_services.record_area_scores(
            actor=world.lead,
            episode=episode,
            scores={assessment_services.current_areas(episode)[0][0]: 5},
            source="review",
            scored_on=date(2026, 9, 1),
        )


def _queries_for(today: date) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        found = needs_attention(Episode.objects.all(), today)
    return len(queries), sum(len(a.items) for a in found)


def test_the_number_of_queries_does_not_grow_with_the_episodes(world: World) -> None:
    _drifting(world, 3, 0)
    few, found_few = _queries_for(date(2026, 10, 20))
    _drifting(world, 27, 3)
    many, found_many = _queries_for(date(2026, 10, 20))
    assert found_few == 3 * 3 and found_many == 30 * 3  # assessment, action, no contact
    assert many == few <= 6
