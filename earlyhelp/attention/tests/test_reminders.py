"""The daily reminders: only on working days (the next working day picks up what a weekend or
bank holiday held back), the right people (the lead practitioner; the team's managers for what
is overdue), nothing twice when the job runs twice, one email per person per day."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from earlyhelp.assessments import services as assessment_services
from earlyhelp.assessments.models import Assessment, AssessmentStatus
from earlyhelp.attention.models import Reminder, ReminderKind, ReminderRun
from earlyhelp.attention.services import mark_read, send_daily_reminders
from earlyhelp.attention.tasks import send_daily_reminders as reminders_task
from earlyhelp.core.periodic import _periodic
from earlyhelp.episodes import services as episode_services
from earlyhelp.episodes.models import Episode, FollowUpKind, FollowUpTask, NoteKind
from earlyhelp.meetings import services as meeting_services
from earlyhelp.meetings.codes import MeetingKind

from .conftest import World, allocated, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def christmas_review(world: World) -> Episode:
    """A family whose next review is due on Christmas Day 2026, visited on 21 December."""
    episode = allocated(world, "Hughes family", date(2026, 11, 2))
    assessment_services.start_assessment(
        actor=world.lead, episode=episode, started_on=date(2026, 11, 2)
    )
    Assessment.objects.filter(episode=episode).update(status=AssessmentStatus.SIGNED_OFF)
    meeting = meeting_services.schedule_meeting(
        actor=world.lead, episode=episode, kind=MeetingKind.REVIEW, starts_at=at(date(2026, 11, 13))
    )
    meeting_services.record_meeting(
        actor=world.lead,
        meeting=meeting,
        attendance={},
        minutes="Reviewed.",
        next_review_on=date(2026, 12, 25),
    )
    episode_services.record_case_note(
        actor=world.lead,
        family=episode.family,
        kind=NoteKind.VISIT,
        occurred_on=date(2026, 12, 21),
        text="Home visit.",
    )
    return episode


def reminders_for(user_id: int, day: date) -> list[tuple[str, str]]:
    return sorted(
        Reminder.objects.filter(user_id=user_id, for_date=day).values_list("kind", "text")
    )


def test_no_reminders_over_christmas_then_the_next_working_day_has_them(
    world: World, christmas_review: Episode, django_capture_on_commit_callbacks
) -> None:
    for day in (25, 26, 27, 28):  # Christmas, Boxing Day (Saturday), Sunday, substitute day
        with django_capture_on_commit_callbacks(execute=True):
            result = send_daily_reminders(date(2026, 12, day))
        assert result == {"working_day": 0, "reminders": 0, "emails": 0}
    assert not Reminder.objects.exists() and not ReminderRun.objects.exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        result = send_daily_reminders(date(2026, 12, 29))
    assert result == {"working_day": 1, "reminders": 2, "emails": 2}
    overdue = (ReminderKind.REVIEW_OVERDUE, "Review overdue by 1 working day (due Fri 25 December)")
    assert reminders_for(world.lead.pk, date(2026, 12, 29)) == [overdue]
    assert reminders_for(world.manager.pk, date(2026, 12, 29)) == [overdue]
    for user in (world.colleague, world.other_manager, world.other_practitioner, world.nurse):
        assert not Reminder.objects.filter(user=user).exists()
    reminder = Reminder.objects.get(user=world.lead)
    assert reminder.episode_id == christmas_review.pk and reminder.emailed_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.lead.email, world.manager.email])
    email = mail.outbox[0]
    assert email.subject == "Early Help: 1 thing needs your attention today"
    assert "On Tuesday 29 December 2026" in email.body
    assert "- 1 review overdue" in email.body
    assert "Hughes" not in email.body + email.subject  # no names by email


def test_running_twice_creates_nothing_twice_and_emails_once_a_day(
    world: World, christmas_review: Episode, django_capture_on_commit_callbacks
) -> None:
    day = date(2026, 12, 29)
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_reminders(day)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_reminders(day) == {"working_day": 1, "reminders": 0, "emails": 0}
    with django_capture_on_commit_callbacks(execute=True):
        again = send_daily_reminders(day, again=True)
    assert again == {"working_day": 1, "reminders": 0, "emails": 0}
    assert Reminder.objects.count() == 2 and len(mail.outbox) == 2

    # Something new later the same day: a reminder in the product, but no second email.
    FollowUpTask.objects.create(
        episode=christmas_review,
        kind=FollowUpKind.SUSTAINMENT,
        due=date(2026, 12, 1),
        assigned_to=world.colleague,
    )
    with django_capture_on_commit_callbacks(execute=True):
        later = send_daily_reminders(day, again=True)
    assert later["reminders"] == 1 and later["emails"] == 1  # the colleague's first email
    assert [m.to[0] for m in mail.outbox[2:]] == [world.colleague.email]

    # The next working day reminds about what is still open, once more.
    with django_capture_on_commit_callbacks(execute=True):
        next_day = send_daily_reminders(date(2026, 12, 30))
    assert next_day["reminders"] == 3 and next_day["emails"] == 3


def test_managers_hear_only_what_is_overdue(
    world: World, django_capture_on_commit_callbacks
) -> None:
    episode = allocated(world, "Patel family", date(2026, 9, 1))
    assessment_services.start_assessment(
        actor=world.lead, episode=episode, started_on=date(2026, 10, 1)
    )
    # On 5 October the assessment is not due yet, but nobody has been in touch for 4 weeks.
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_reminders(date(2026, 10, 5))
    assert [k for k, _ in reminders_for(world.lead.pk, date(2026, 10, 5))] == [
        ReminderKind.NO_CONTACT
    ]
    assert reminders_for(world.manager.pk, date(2026, 10, 5)) == []
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_reminders(date(2026, 10, 16))
    assert [k for k, _ in reminders_for(world.manager.pk, date(2026, 10, 16))] == [
        ReminderKind.ASSESSMENT_OVERDUE
    ]


def test_an_unassigned_follow_up_goes_to_the_teams_managers(
    world: World, django_capture_on_commit_callbacks
) -> None:
    episode = allocated(world, "Patel family", date(2026, 1, 5))
    Episode.objects.filter(pk=episode.pk).update(status="closed")
    FollowUpTask.objects.create(
        episode=episode, kind=FollowUpKind.SUSTAINMENT, due=date(2026, 12, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_reminders(date(2026, 12, 3))
    assert reminders_for(world.manager.pk, date(2026, 12, 3)) == [
        (
            ReminderKind.FOLLOW_UP_OVERDUE,
            "Sustainment check overdue by 2 working days (due Tue 1 December)",
        )
    ]
    assert not Reminder.objects.filter(user=world.lead).exists()


def test_mark_read_touches_only_your_own_reminders(
    world: World, christmas_review: Episode, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_reminders(date(2026, 12, 29))
        send_daily_reminders(date(2026, 12, 30))
    lead_latest = Reminder.objects.filter(user=world.lead).order_by("-for_date").first()
    manager_one = Reminder.objects.filter(user=world.manager).first()
    assert lead_latest is not None and manager_one is not None
    # Reading today's reminder reads yesterday's about the same review too.
    assert mark_read(user=world.lead, reminder_ids=[lead_latest.pk, manager_one.pk]) == 2
    assert not Reminder.objects.filter(user=world.lead, read_at__isnull=True).exists()
    assert Reminder.objects.filter(user=world.manager, read_at__isnull=True).count() == 2
    assert mark_read(user=world.manager) == 2


def test_the_job_is_registered_and_the_command_takes_a_date(
    world: World, christmas_review: Episode, django_capture_on_commit_callbacks
) -> None:
    assert "daily_reminders" in _periodic
    with django_capture_on_commit_callbacks(execute=True):
        result = reminders_task.enqueue("2026-12-26")
    assert result.return_value == {"working_day": 0, "reminders": 0, "emails": 0}
    out = StringIO()
    call_command("send_reminders", "--date", "2026-12-28", stdout=out)
    assert "Monday 28 December 2026 is not a working day" in out.getvalue()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", "2026-12-29", stdout=out)
    assert "Tuesday 29 December 2026: 2 new reminders, 2 emails." in out.getvalue()
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "29/12/2026")


def test_old_reminders_are_cleared_away(world: World, christmas_review: Episode) -> None:
    old = Reminder.objects.create(
        user=world.lead,
        kind=ReminderKind.NO_CONTACT,
        key="x",
        text="x",
        for_date=date(2026, 10, 29),
    )
    kept = Reminder.objects.create(
        user=world.lead,
        kind=ReminderKind.NO_CONTACT,
        key="x",
        text="x",
        for_date=date(2026, 10, 30),
    )
    send_daily_reminders(date(2026, 12, 29))  # keeps 60 days: from 30 October
    assert not Reminder.objects.filter(pk=old.pk).exists()
    assert Reminder.objects.filter(pk=kept.pk).exists()


def test_a_run_that_stopped_half_way_is_finished_by_the_next(
    world: World, christmas_review: Episode, django_capture_on_commit_callbacks
) -> None:
    day = date(2026, 12, 29)
    ReminderRun.objects.create(for_date=day)  # started, never finished
    Reminder.objects.create(
        user=world.lead,
        episode=christmas_review,
        kind=ReminderKind.REVIEW_OVERDUE,
        key=f"review:{christmas_review.pk}:2026-12-25",
        text="Review overdue by 1 working day (due Fri 25 December)",
        for_date=day,
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = send_daily_reminders(day)
    assert result == {"working_day": 1, "reminders": 1, "emails": 2}  # the manager's is new
    assert Reminder.objects.filter(for_date=day).count() == 2
    assert ReminderRun.objects.get(for_date=day).finished_at is not None
