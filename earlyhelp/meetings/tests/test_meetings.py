"""Meetings: arranging one with invitees, recording attendance, minutes, decisions and action
updates; a review re-scores assessment areas (distance travelled shows every score) and sets
the next review six weeks later; professional meetings say why the family was not invited;
pages as the lead practitioner, a stranger and someone not signed in."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.tests.factories import sign_in
from earlyhelp.assessments import services as assessment_services
from earlyhelp.core.models import AccessEvent
from earlyhelp.episodes.models import ChronologyEntry, ChronologyKind
from earlyhelp.meetings import services
from earlyhelp.meetings.codes import Attendance, MeetingKind
from earlyhelp.meetings.models import Meeting
from earlyhelp.plans.codes import ActionStatus
from earlyhelp.plans.models import ActionUpdate, PlanAction
from earlyhelp.plans.tests.factories import AllocatedFamily, allocated_family
from earlyhelp.plans.tests.test_plans import three_action_plan

pytestmark = pytest.mark.django_db

MONDAY = timezone.make_aware(datetime(2027, 1, 11, 10, 0))


@pytest.fixture
def case() -> AllocatedFamily:
    return allocated_family()


def arrange(case: AllocatedFamily, kind: str = MeetingKind.TEAM_AROUND_THE_FAMILY) -> Meeting:
    return services.schedule_meeting(
        actor=case.lead,
        episode=case.episode,
        kind=kind,
        starts_at=MONDAY,
        location="Riverside Primary School",
        practitioners=[case.lead],
        family_members=[case.parent],
        agencies=["Riverside Primary School", " "],
    )


def test_a_taf_meeting_records_attendance_and_the_chronology(case: AllocatedFamily) -> None:
    meeting = arrange(case)
    invitees = {i.name: i for i in meeting.invitees.all()}
    assert set(invitees) == {"Pat Practitioner", "Dana Hughes", "Riverside Primary School"}
    services.record_meeting(
        actor=case.lead,
        meeting=meeting,
        attendance={
            invitees["Pat Practitioner"].pk: Attendance.ATTENDED,
            invitees["Dana Hughes"].pk: Attendance.ATTENDED,
            invitees["Riverside Primary School"].pk: Attendance.APOLOGIES,
        },
        minutes="We talked about school mornings.",
        decisions="Agree a plan.",
    )
    meeting.refresh_from_db()
    assert meeting.held
    assert {i.name: i.attendance for i in meeting.invitees.all()} == {
        "Pat Practitioner": Attendance.ATTENDED,
        "Dana Hughes": Attendance.ATTENDED,
        "Riverside Primary School": Attendance.APOLOGIES,
    }
    entry = ChronologyEntry.objects.get(family=case.family, kind=ChronologyKind.MEETING)
    assert entry.summary == "Team Around the Family meeting held on 11 January 2027: 2 attended"
    # Before any review, the first review is due six weeks after the first TAF meeting.
    assert services.next_review_due(case.episode) == date(2027, 2, 22)


def test_a_review_updates_actions_rescores_two_areas_and_sets_the_next_review(
    case: AllocatedFamily,
) -> None:
    three_action_plan(case)
    areas = assessment_services.current_areas(case.episode)
    assert len(areas) >= 2
    (first_key, first_label, _), (second_key, _, _) = areas[0], areas[1]
    assessment_services.record_area_scores(
        actor=case.lead,
        episode=case.episode,
        scores={first_key: 3, second_key: 4},
        source="assessment",
        scored_on=date(2026, 12, 1),
    )
    review = arrange(case, MeetingKind.REVIEW)
    action = PlanAction.objects.get(description__startswith="Walk")
    services.record_meeting(
        actor=case.lead,
        meeting=review,
        attendance={i.pk: Attendance.ATTENDED for i in review.invitees.all()},
        minutes="Kai has been in school every Monday.",
        action_updates=[services.ActionProgress(action, ActionStatus.DONE, "Every Monday")],
        scores={first_key: 6, second_key: 7},
    )
    review.refresh_from_db()
    assert review.next_review_on == date(2027, 2, 22)  # six weeks after 11 January
    assert services.next_review_due(case.episode) == date(2027, 2, 22)
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.DONE, "Every Monday")
    assert ActionUpdate.objects.get(action=action).source == "Review on 11 January 2027"
    travelled = {area.key: area for area in services.distance_travelled(case.episode)}
    assert travelled[first_key].scores == [(date(2026, 12, 1), 3), (date(2027, 1, 11), 6)]
    assert travelled[second_key].scores == [(date(2026, 12, 1), 4), (date(2027, 1, 11), 7)]
    assert travelled[first_key].change == 3
    assert first_label == travelled[first_key].label


def test_a_review_date_can_be_set_by_hand(case: AllocatedFamily) -> None:
    review = arrange(case, MeetingKind.REVIEW)
    services.record_meeting(
        actor=case.lead,
        meeting=review,
        attendance={},
        minutes="Short review",
        next_review_on=date(2027, 2, 1),
    )
    assert services.next_review_due(case.episode) == date(2027, 2, 1)


def test_a_professional_meeting_says_why_the_family_was_not_invited(
    case: AllocatedFamily,
) -> None:
    with pytest.raises(ValidationError):
        services.schedule_meeting(
            actor=case.lead,
            episode=case.episode,
            kind=MeetingKind.PROFESSIONAL,
            starts_at=MONDAY,
        )
    meeting = services.schedule_meeting(
        actor=case.lead,
        episode=case.episode,
        kind=MeetingKind.PROFESSIONAL,
        starts_at=MONDAY,
        family_members=[case.parent],
        family_not_invited_reason="To share worries about a partner's violence safely",
        family_told=False,
    )
    assert not meeting.invitees.filter(person=case.parent).exists()
    assert meeting.family_told is False


def test_pages_for_the_lead_a_stranger_and_anonymous(case: AllocatedFamily, client: Client) -> None:
    meeting = arrange(case, MeetingKind.REVIEW)
    urls = [
        reverse("meetings:family", args=[case.family.pk]),
        reverse("meetings:meeting", args=[meeting.pk]),
        reverse("meetings:distance_travelled", args=[case.family.pk]),
    ]
    stranger = Client()
    sign_in(client, case.lead)
    sign_in(stranger, case.stranger)
    for url in urls:
        before = AccessEvent.objects.count()
        assert client.get(url).status_code == 200, url
        assert AccessEvent.objects.count() == before + 1, url
        assert stranger.get(url).status_code == 404, url
        assert stranger.post(url, {}).status_code in (404, 405), url
        response = Client().get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_arranging_and_recording_through_the_pages(case: AllocatedFamily, client: Client) -> None:
    sign_in(client, case.lead)
    url = reverse("meetings:family", args=[case.family.pk])
    response = client.post(url, {"kind": "professional"})
    page = response.content.decode()
    assert "Enter why the family is not invited" in page and "Enter the date" in page
    day = timezone.localdate() + timedelta(days=3)
    response = client.post(
        url,
        {
            "kind": "review",
            "day-day": str(day.day),
            "day-month": str(day.month),
            "day-year": str(day.year),
            "start_time": "14:30",
            "practitioners": [str(case.lead.pk)],
            "family_members": [str(case.parent.pk)],
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(episode=case.episode)
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "14:30"
    page_url = reverse("meetings:meeting", args=[meeting.pk])
    response = client.post(page_url, {})
    assert "Select whether Dana Hughes attended" in response.content.decode()
    key = assessment_services.current_areas(case.episode)[0][0]
    fields = {f"attendance_{i.pk}": "attended" for i in meeting.invitees.all()}
    response = client.post(page_url, {**fields, "minutes": "Went well", f"score_{key}": "8"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.next_review_on == day + timedelta(weeks=6)
    page = client.get(page_url).content.decode()
    assert "8 out of 10" in page
