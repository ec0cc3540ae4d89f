"""The meetings API: an episode's meetings with the next review date, and one meeting with its
invitees and attendance, minutes, decisions and next review; as the lead practitioner, a partner
on the team around the family, the auditor, a stranger and someone not signed in. Every read is
in the access log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from earlyhelp.episodes.tests.api_world import ApiWorld, api_reads, api_world, today
from earlyhelp.meetings import services
from earlyhelp.meetings.codes import Attendance, MeetingKind
from earlyhelp.meetings.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> ApiWorld:
    return api_world()


@pytest.fixture
def review(world: ApiWorld) -> Meeting:
    """A team around the family meeting held last week, then a review held today."""
    taf = services.schedule_meeting(
        actor=world.lead,
        episode=world.episode,
        kind=MeetingKind.TEAM_AROUND_THE_FAMILY,
        starts_at=timezone.now() - timedelta(days=7),
        practitioners=[world.lead, world.nurse],
        family_members=[world.parent],
    )
    services.record_meeting(
        actor=world.lead,
        meeting=taf,
        attendance={i.pk: Attendance.ATTENDED for i in taf.invitees.all()},
        minutes="Met at school.",
    )
    meeting = services.schedule_meeting(
        actor=world.lead,
        episode=world.episode,
        kind=MeetingKind.REVIEW,
        starts_at=timezone.now(),
        location="Riverside Primary",
        practitioners=[world.lead, world.nurse],
        family_members=[world.parent],
        agencies=["Kingsbridge Housing"],
    )
    attendance = {
        invitee.pk: Attendance.APOLOGIES if invitee.user == world.nurse else Attendance.ATTENDED
        for invitee in meeting.invitees.all()
    }
    return services.record_meeting(
        actor=world.lead,
        meeting=meeting,
        attendance=attendance,
        minutes="Kai is happier at school.",
        decisions="Keep the morning check-ins.",
        next_review_on=today() + timedelta(weeks=6),
    )


def test_an_episodes_meetings(world: ApiWorld, review: Meeting) -> None:
    listed = f"/api/episodes/{world.episode.pk}/meetings"
    answer = world.get(world.nurse, listed)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["next_review_due"] == (today() + timedelta(weeks=6)).isoformat()
    assert [(m["kind"], m["held"], m["invitees"]) for m in body["meetings"]] == [
        ("review", True, 4),
        ("taf", True, 3),
    ]
    assert body["meetings"][0]["id"] == review.pk
    assert world.get(world.stranger, listed).status_code == 404
    assert world.get(None, listed).status_code == 401
    [event] = api_reads(world.nurse)
    assert (event.object_type, event.family_id) == ("meetings", world.family.pk)


def test_a_meeting_with_attendance_minutes_and_decisions(world: ApiWorld, review: Meeting) -> None:
    answer = world.get(world.lead, f"/api/meetings/{review.pk}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["kind"], body["kind_label"], body["location"]) == (
        "review",
        "Review",
        "Riverside Primary",
    )
    assert body["minutes"] == "Kai is happier at school."
    assert body["decisions"] == "Keep the morning check-ins."
    assert body["next_review_on"] == (today() + timedelta(weeks=6)).isoformat()
    assert body["family_invited"] is True
    assert body["recorded_by"]["id"] == world.lead.pk
    attendance = {i["name"]: i["attendance"] for i in body["invited"]}
    assert attendance == {
        "Pat Practitioner": "attended",
        "Nia Nurse": "apologies",
        "Dana Hughes": "attended",
        "Kingsbridge Housing": "attended",
    }
    nurse = next(i for i in body["invited"] if i["name"] == "Nia Nurse")
    assert (nurse["kind"], nurse["user_id"], nurse["attendance_label"]) == (
        "practitioner",
        world.nurse.pk,
        "Sent apologies",
    )
    [event] = api_reads(world.lead)
    assert (event.object_type, event.object_id, event.family_id) == (
        "meeting",
        str(review.pk),
        world.family.pk,
    )


def test_a_professional_meeting_says_why_the_family_was_not_invited(world: ApiWorld) -> None:
    meeting = services.schedule_meeting(
        actor=world.lead,
        episode=world.episode,
        kind=MeetingKind.PROFESSIONAL,
        starts_at=timezone.now() + timedelta(days=2),
        practitioners=[world.lead],
        family_not_invited_reason="To plan a safe conversation with dad",
        family_told=False,
    )
    body = world.get(world.nurse, f"/api/meetings/{meeting.pk}").json()
    assert (body["held"], body["family_invited"], body["family_told"]) == (False, False, False)
    assert body["family_not_invited_reason"] == "To plan a safe conversation with dad"
    assert [i["attendance"] for i in body["invited"]] == ["invited"]


def test_who_may_read_a_meeting(world: ApiWorld, review: Meeting) -> None:
    meeting_url = f"/api/meetings/{review.pk}"
    for user in (world.lead, world.colleague, world.manager, world.nurse, world.auditor):
        assert world.get(user, meeting_url).status_code == 200, user
    stranger = world.get(world.stranger, meeting_url)
    assert stranger.status_code == 404
    assert stranger.json() == world.get(world.lead, "/api/meetings/999999").json()
    assert world.get(None, meeting_url).status_code == 401
