"""`earlyhelp seed` for episodes: the demo practitioner's families at every stage, and the large
council's episodes filled in (here scaled down; the full 80,000 are timed by hand, see
docs/benchmarks.md)."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.models import User
from earlyhelp.accounts.tests.factories import sign_in
from earlyhelp.assessments.models import AreaScore, Assessment, AssessmentStatus
from earlyhelp.attention.drift import needs_attention
from earlyhelp.attention.models import ReminderKind
from earlyhelp.core.seeding import SeedContext, make_faker, seeders
from earlyhelp.episodes import seed_large
from earlyhelp.episodes.models import (
    CaseNote,
    ChronologyEntry,
    Episode,
    EpisodeChild,
    EpisodeStatus,
    FollowUpTask,
    LeadPractitionerSpell,
    StepDown,
    StepUp,
    TeamAroundFamilyMember,
)
from earlyhelp.frontdoor import seed as frontdoor_seed
from earlyhelp.meetings.codes import MeetingKind
from earlyhelp.meetings.models import Invitee, Meeting
from earlyhelp.people import seed as people_seed
from earlyhelp.people.codes import InvolvementReason
from earlyhelp.plans.models import FamilyPlan, PlanAction, PlanNeed, PlanVersion

pytestmark = pytest.mark.django_db


def _seed(scale: str) -> str:
    out = io.StringIO()
    context = SeedContext(scale=scale, faker=make_faker(), stdout=out)
    for seeder in seeders():
        seeder.run(context)
    return out.getvalue()


def _live_families_unique() -> bool:
    live = Episode.objects.exclude(status=EpisodeStatus.CLOSED)
    families = list(live.values_list("family_id", flat=True))
    return len(families) == len(set(families))


def test_the_episodes_seeder_runs_after_the_front_door():
    names = [s.name for s in seeders()]
    assert names.index("episodes") > names.index("frontdoor")


def test_demo_has_an_episode_at_every_stage():
    out = _seed("demo")
    assert "Episodes: 12 families at every stage" in out
    practitioner = User.objects.get(email__startswith="practitioner@")
    manager = User.objects.get(email__startswith="manager@")
    led = Episode.objects.filter(lead_practitioner=practitioner)
    by_status = Counter(Episode.objects.values_list("status", flat=True))
    assert by_status[EpisodeStatus.OPEN] >= 10
    assert by_status[EpisodeStatus.STEPPED_UP] == 1
    assert by_status[EpisodeStatus.CLOSED] == 1
    assert by_status[EpisodeStatus.AWAITING_ALLOCATION] >= 2  # the front door's, still waiting
    assert _live_families_unique()
    today = timezone.localdate()

    # Assessments: in progress with some pages written, overdue, waiting for sign-off.
    in_progress = Assessment.objects.filter(status=AssessmentStatus.IN_PROGRESS)
    assert in_progress.filter(due_on__lt=today).count() == 1
    assert in_progress.filter(due_on__gte=today).exclude(answers={}).count() == 1
    assert Assessment.objects.filter(status=AssessmentStatus.SUBMITTED).count() == 1
    assert Assessment.objects.filter(status=AssessmentStatus.SIGNED_OFF).count() >= 7
    # Just allocated: no assessment yet.
    assert led.filter(assessments=None, allocated_at__gte=timezone.now() - timedelta(days=3))

    # Plans with actions, meetings held, reviews that re-scored the areas.
    assert FamilyPlan.objects.filter(agreed_version__gt=0).count() >= 7
    assert Meeting.objects.filter(kind=MeetingKind.TEAM_AROUND_THE_FAMILY).exists()
    assert Meeting.objects.filter(kind=MeetingKind.REVIEW, held_at__isnull=False).count() >= 4
    assert AreaScore.objects.filter(source="review").exists()

    # Drift: each kind on exactly the family meant to show it.
    kinds = Counter(
        item.kind
        for attention in needs_attention(Episode.objects.all(), today)
        for item in attention.items
    )
    for kind in (
        ReminderKind.ASSESSMENT_OVERDUE,
        ReminderKind.REVIEW_OVERDUE,
        ReminderKind.NO_CONTACT,
        ReminderKind.ACTION_OVERDUE,
        ReminderKind.SCORES_WORSE,
    ):
        assert kinds[kind] == 1, kind

    # Stepped up (the practitioner stays on the team around the family), stepped down to a new
    # lead, closed with outcomes met and its sustainment check due.
    stepped_up = Episode.objects.get(status=EpisodeStatus.STEPPED_UP)
    assert stepped_up.lead_practitioner is None and stepped_up.external_lead_name
    assert TeamAroundFamilyMember.objects.filter(
        episode=stepped_up, user=practitioner, left_on=None
    ).exists()
    down = StepDown.objects.get()
    assert down.receiving_lead == practitioner
    assert down.episode.lead_spells.count() == 3
    assert down.episode.status == EpisodeStatus.OPEN
    closed = Episode.objects.get(status=EpisodeStatus.CLOSED)
    assert closed.closure_reason is not None and closed.closure_reason.code == "outcomes-met"
    task = FollowUpTask.objects.get(episode=closed)
    assert task.assigned_to == practitioner and task.due <= today and task.done_at is None
    # Everything was moved back in time: nothing happens in the future.
    assert not ChronologyEntry.objects.filter(occurred_at__gt=timezone.now()).exists()
    assert not Assessment.objects.filter(submitted_at__gt=timezone.now()).exists()

    # The practitioner's own caseload and the manager's team caseload show them.
    mine = sign_in(Client(), practitioner).get(reverse("episodes:my_caseload")).text
    team = sign_in(Client(), manager).get(reverse("episodes:team_caseload")).text
    for episode in led.exclude(status=EpisodeStatus.CLOSED).select_related("family")[:20]:
        assert episode.family.name in mine
    assert stepped_up.family.name in mine
    assert "Sustainment check" in mine
    assert "12 families" in team or team.count("govuk-table__row") >= 12
    # Every page of every demo family's record opens for the practitioner.
    client = sign_in(Client(), practitioner)
    pages = (
        "episodes:family_episode",
        "episodes:chronology",
        "assessments:family",
        "plans:family",
        "meetings:family",
    )
    for episode in Episode.objects.exclude(lead_practitioner=None).exclude(
        status=EpisodeStatus.AWAITING_ALLOCATION
    ):
        for page in pages:
            url = reverse(page, args=[episode.family_id])
            assert client.get(url).status_code == 200, url
    assert sign_in(Client(), practitioner).get(reverse("attention:mine")).status_code == 200


@pytest.fixture
def small_large(monkeypatch):
    monkeypatch.setattr(people_seed, "LARGE_FAMILIES", 400)
    monkeypatch.setattr(people_seed, "_CHUNK", 200)
    monkeypatch.setattr(frontdoor_seed, "LARGE_PER_YEAR", 500)  # more than the households: 400
    monkeypatch.setattr(frontdoor_seed, "LARGE_OPEN", 40)
    monkeypatch.setattr(seed_large, "CHUNK", 90)  # several rounds of writing
    return _seed("large")


def test_large_scale_episodes_at_every_stage(small_large):
    assert "Episodes:" in small_large
    episodes = Episode.objects.all()
    statuses = Counter(episodes.values_list("status", flat=True))
    assert statuses[EpisodeStatus.CLOSED] > statuses[EpisodeStatus.OPEN] > 0
    assert _live_families_unique()
    allocated = episodes.exclude(status=EpisodeStatus.AWAITING_ALLOCATION)
    # Every allocated episode has its lead's spell; every child in scope is there once.
    assert not allocated.filter(lead_spells=None).exists()
    assert EpisodeChild.objects.filter(episode__in=allocated, level=None).count() == 0
    assert not (
        EpisodeChild.objects.values("episode", "person").annotate(n=Count("pk")).filter(n__gt=1)
    )
    # Assessments at every stage; plans, meetings, scores, notes, chronology.
    assessments = Counter(Assessment.objects.values_list("status", flat=True))
    assert assessments[AssessmentStatus.SIGNED_OFF] > assessments[AssessmentStatus.IN_PROGRESS]
    assert assessments[AssessmentStatus.IN_PROGRESS] > 0
    assert FamilyPlan.objects.count() == PlanVersion.objects.count() > 0
    needs = Counter(PlanNeed.objects.values_list("plan_id", flat=True))
    assert set(needs.values()) <= {2, 3}
    actions = Counter(PlanAction.objects.values_list("need_id", flat=True))
    assert set(actions.values()) <= {2, 3, 4}
    assert Meeting.objects.filter(kind=MeetingKind.REVIEW, held_at__isnull=False).exists()
    assert Invitee.objects.exists()
    assert AreaScore.objects.filter(source="review").exists()
    assert AreaScore.objects.filter(source="assessment").exists()
    assert CaseNote.objects.filter(episode__in=allocated).exists()
    # Closed episodes have a reason; stepped-up closures and live step ups have a step up.
    closed = episodes.filter(status=EpisodeStatus.CLOSED)
    assert not closed.filter(closure_reason=None).exists()
    assert StepUp.objects.exists()
    for episode in episodes.filter(status=EpisodeStatus.STEPPED_UP):
        assert episode.step_ups.exists() and episode.external_lead_name
    assert FollowUpTask.objects.exists()
    # Partners on the team around the family hold their own involvement.
    for member in TeamAroundFamilyMember.objects.select_related("involvement", "episode"):
        assert member.involvement is not None
        assert member.involvement.reason == InvolvementReason.TEAM_AROUND_FAMILY
        assert member.involvement.family_id == member.episode.family_id
        assert member.involvement.user_id == member.user_id
        assert (member.left_on is None) == (member.involvement.ended_at is None)
    # A history row for each row written, and a "~" row for each episode changed.
    assert Assessment.history.count() == Assessment.objects.count()
    assert LeadPractitionerSpell.objects.count() >= allocated.count()
    assert Episode.history.filter(history_type="~").count() == allocated.count()
    assert Meeting.history.count() == Meeting.objects.count()
    # The chronology points at records that exist, and nothing is in the future.
    now = timezone.now()
    assert not ChronologyEntry.objects.filter(occurred_at__gt=now).exists()
    meetings = set(Meeting.objects.values_list("pk", flat=True))
    for source_id in ChronologyEntry.objects.filter(source_type="meeting").values_list(
        "source_id", flat=True
    ):
        assert int(source_id) in meetings
    # A few families drift: assessments, reviews or contact overdue on some open episodes.
    assert not Assessment.objects.filter(submitted_at__gt=now).exists()
