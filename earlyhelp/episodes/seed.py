"""Early help episodes at every stage, for the fictional council of Kingsbridge. Never real people.

Demo scale goes through the real services, as the pages would, then moves the times back (the
seed writes months in a moment): for the demo practitioner (`practitioner@`) in the North team,
whose manager is `manager@`, one family at each stage of the work: just allocated; assessment in
progress; assessment overdue; assessment submitted and waiting for the manager's sign-off; a plan
agreed at a team around the family meeting with one action past its date; a team around the
family meeting held this week; a review that re-scored the areas (one getting worse); a review
overdue; no contact for five weeks; stepped up to children's social care (the practitioner stays
on the team around the family); stepped down to the practitioner as the new lead; closed with
"outcomes met" and its sustainment check due.

Large scale (about 80,000 episodes over six years, about 12,000 open; see seed_large.py) goes
through the bulk writer."""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from earlyhelp.accounts.models import Team, User
from earlyhelp.assessments import services as assessments
from earlyhelp.assessments.models import AreaScore, Assessment
from earlyhelp.core.models import ClosureReason, CouncilConfiguration, LevelOfNeed
from earlyhelp.core.seeding import SeedContext
from earlyhelp.meetings import services as meetings
from earlyhelp.meetings.codes import Attendance, MeetingKind
from earlyhelp.meetings.models import Meeting
from earlyhelp.people.codes import FamilyRole, InvolvementReason
from earlyhelp.people.models import Family, Person
from earlyhelp.plans import services as plans
from earlyhelp.plans.codes import ActionOwnerKind, ActionStatus
from earlyhelp.plans.models import FamilyPlan, PlanVersion

from . import seed_text as text
from . import services
from .models import (
    ChronologyEntry,
    Episode,
    EpisodeStatus,
    LeadPractitionerSpell,
    NoteKind,
)
from .seed_large import seed_large_episodes

SEED_REASON = "Demo data"
STAGES = (
    "just allocated",
    "assessment in progress",
    "assessment overdue",
    "assessment awaiting sign-off",
    "plan agreed, an action past its date",
    "team around the family meeting held",
    "review re-scored the areas",
    "review overdue",
    "no contact for five weeks",
    "stepped up",
    "stepped down to a new lead",
    "closed, sustainment check due",
)


@dataclass
class _Demo:
    today: date
    practitioner: User
    manager: User
    partners: list[User]
    team: Team
    rng: random.Random


def _weekday(day: date) -> date:
    """`day`, or the Friday before when it falls at a weekend: meetings are on weekdays."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@contextmanager
def _dated(episode: Episode, day: date, hour: int = 11) -> Iterator[None]:
    """Whatever the services record for `episode` inside the block happened on `day`: the
    chronology entries and area scores they stamp "now" are moved back to it."""
    chronology = ChronologyEntry.objects.aggregate(m=Max("pk"))["m"] or 0
    scores = AreaScore.objects.aggregate(m=Max("pk"))["m"] or 0
    yield
    when = _at(day, hour)
    ChronologyEntry.objects.filter(pk__gt=chronology, episode=episode, kind__in=_STAMPED).update(
        occurred_at=when
    )
    AreaScore.objects.filter(pk__gt=scores, episode=episode, source="assessment").update(
        scored_on=day, recorded_at=when
    )


# Kinds of chronology entry whose services stamp "now" (meetings, levels, notes and step ups
# take their own dates).
_STAMPED = ("assessment", "plan", "allocation", "closure")


def _children(family: Family) -> list[Person]:
    return [
        m.person
        for m in family.members.filter(role=FamilyRole.CHILD, left_on__isnull=True)
        .select_related("person")
        .order_by("person__date_of_birth", "person_id")
    ]


def _parents(family: Family) -> list[Person]:
    return [
        m.person
        for m in family.members.filter(role=FamilyRole.PARENT, left_on__isnull=True)
        .select_related("person")
        .order_by("pk")
    ]


def _open(demo: _Demo, family: Family, days_ago: int, lead: User | None = None) -> Episode:
    """Open the family's episode `days_ago` days ago and allocate it two days later."""
    lead = lead or demo.practitioner
    opened = _at(demo.today - timedelta(days=days_ago), 14)
    episode = services.open_episode(actor=None, family=family, opened_at=opened)
    allocated_on = demo.today - timedelta(days=max(0, days_ago - 2))
    with _dated(episode, allocated_on):
        services.allocate(
            actor=demo.manager,
            episode=episode,
            team=demo.team,
            lead_practitioner=lead,
            note="Allocation meeting: North has capacity and knows the school",
        )
    allocated_at = _at(allocated_on, 11)
    Episode.objects.filter(pk=episode.pk).update(allocated_at=allocated_at)
    LeadPractitionerSpell.objects.filter(episode=episode).update(started_at=allocated_at)
    episode.refresh_from_db()
    level = LevelOfNeed.objects.filter(number=3 if days_ago % 2 else 2).first()
    if level is not None:
        for child in _children(family):
            services.set_level(
                actor=demo.manager,
                episode=episode,
                person=child,
                level=level,
                changed_on=allocated_on,
                reason="Agreed at allocation: several needs and the family consents",
            )
    return episode


def _note(demo: _Demo, family: Family, days_ago: int, kind: str = NoteKind.VISIT) -> None:
    services.record_case_note(
        actor=demo.practitioner,
        family=family,
        kind=kind,
        occurred_on=demo.today - timedelta(days=days_ago),
        text=demo.rng.choice(text.NOTES[kind]),
        significant=kind == NoteKind.VISIT and days_ago % 3 == 0,
    )


def _answers(
    demo: _Demo, assessment: Assessment, scores: dict[str, int]
) -> dict[str, dict[str, str]]:
    """Answers for each section of the assessment's template, by section key."""
    rng = demo.rng
    children = assessments.children_in_scope(assessment.episode)
    pages: dict[str, dict[str, str]] = {}
    for section in assessment.template.sections:
        page: dict[str, str] = {}
        for key, question, _child in assessments.section_answer_keys(section, children):
            base = key.split("__")[0]
            if question["kind"] == "score":
                page[key] = str(scores.get(section["key"], 5))
            elif question["kind"] == "choice":
                page[key] = "family_plan"
            elif base.endswith("_strengths"):
                page[key] = rng.choice(text.AREAS.get(section["key"], (text.REASONS,))[0])
            elif base.endswith("_needs"):
                page[key] = rng.choice(text.AREAS.get(section["key"], (text.REASONS,) * 2)[1])
            else:
                bank = {
                    "reason": text.REASONS,
                    "contributors": text.CONTRIBUTORS,
                    "wishes_feelings": text.WISHES,
                    "how_heard": text.HOW_HEARD,
                    "parents_views": text.PARENTS_VIEWS,
                    "family_network": text.NETWORK,
                    "professionals": text.PROFESSIONALS,
                    "analysis": text.ANALYSIS,
                    "decision_reasons": text.DECISION_REASONS,
                }.get(base, text.ANALYSIS)
                page[key] = rng.choice(bank)
        pages[section["key"]] = page
    return pages


def _assess(
    demo: _Demo,
    episode: Episode,
    started_ago: int,
    *,
    sections: int | None = None,
    submitted_ago: int | None = None,
    signed_off_ago: int | None = None,
    scores: dict[str, int] | None = None,
) -> Assessment:
    """Start the assessment `started_ago` days ago and fill in the first `sections` pages (all
    of them when None); submit and sign off when asked, on those days."""
    started = demo.today - timedelta(days=started_ago)
    with _dated(episode, started, 10):
        assessment = assessments.start_assessment(
            actor=demo.practitioner, episode=episode, started_on=started
        )
    areas = scores or {"development": 5, "parenting": 4, "environment": 3}
    pages = _answers(demo, assessment, areas)
    keys = list(pages)[:sections] if sections is not None else list(pages)
    for key in keys:
        assessment = assessments.save_section(
            actor=demo.practitioner,
            assessment=assessment,
            section_key=key,
            answers=pages[key],
            base_version=assessment.version_of(key),
        )
    if submitted_ago is None:
        return assessment
    submitted = demo.today - timedelta(days=submitted_ago)
    with _dated(episode, submitted, 16):
        assessment = assessments.submit(actor=demo.practitioner, assessment=assessment)
    Assessment.objects.filter(pk=assessment.pk).update(submitted_at=_at(submitted, 16))
    parents = _parents(episode.family)
    assessments.record_agreement(
        actor=demo.practitioner,
        assessment=assessment,
        agreed_by=parents[0].full_name if parents else "The family",
        method="in_person",
        agreed_on=submitted,
        comments="Read through together at home; mum added to the parents' views.",
    )
    if signed_off_ago is not None:
        signed = demo.today - timedelta(days=signed_off_ago)
        with _dated(episode, signed, 12):
            assessments.sign_off(
                actor=demo.manager,
                assessment=assessment,
                approve=True,
                comments="A clear analysis; the plan follows from it.",
            )
        Assessment.objects.filter(pk=assessment.pk).update(signed_off_at=_at(signed, 12))
    assessment.refresh_from_db()
    return assessment


def _taf(
    demo: _Demo, episode: Episode, days_ago: int, *, past_due: bool = False, partners: int = 2
) -> Meeting:
    """Partners join the team around the family; the meeting is held `days_ago` days ago and
    agrees a plan of three needs (one action past its date when `past_due`)."""
    day = _weekday(demo.today - timedelta(days=days_ago))
    members = demo.partners[:partners]
    for user in members:
        services.join_team_around_family(
            actor=demo.practitioner,
            episode=episode,
            user=user,
            role=str(user.job_title or "Partner"),
            joined_on=day - timedelta(days=7),
        )
    parents = _parents(episode.family)
    meeting = meetings.schedule_meeting(
        actor=demo.practitioner,
        episode=episode,
        kind=MeetingKind.TEAM_AROUND_THE_FAMILY,
        starts_at=_at(day),
        location="Kingsbridge Family Hub",
        practitioners=[demo.practitioner, *members],
        family_members=parents[:2],
        agencies=["Kingsbridge Homes"],
    )
    Meeting.objects.filter(pk=meeting.pk).update(created_at=_at(day - timedelta(days=10)))
    attendance: dict[int, str] = {
        invitee.pk: Attendance.APOLOGIES if invitee.kind == "agency" else Attendance.ATTENDED
        for invitee in meeting.invitees.all()
    }
    with _dated(episode, day, 11):
        meeting = meetings.record_meeting(
            actor=demo.practitioner,
            meeting=meeting,
            attendance=attendance,
            minutes=text.MINUTES[0],
            decisions="Agreed the family plan; first review in six weeks.",
        )
        _plan(demo, episode, day, past_due=past_due)
    Meeting.objects.filter(pk=meeting.pk).update(held_at=_at(day, 12))
    return meeting


def _plan(demo: _Demo, episode: Episode, day: date, *, past_due: bool) -> None:
    plan = plans.start_plan(actor=demo.practitioner, episode=episode)
    parents = _parents(episode.family)
    for index, (need_text, outcome, headline) in enumerate(text.NEEDS[episode.pk % 4 :][:3]):
        need = plans.add_need(
            actor=demo.practitioner,
            plan=plan,
            expected_version=plan.version,
            need=need_text,
            outcome=outcome,
            headline_outcome=headline,
        )
        owners: list[dict[str, Any]] = [
            {"owner_kind": ActionOwnerKind.PRACTITIONER, "owner_user": demo.practitioner},
            {"owner_kind": ActionOwnerKind.AGENCY, "owner_organisation": text.AGENCIES[index]},
        ]
        if parents:
            owners.append({"owner_kind": ActionOwnerKind.FAMILY_MEMBER, "owner_person": parents[0]})
        for number, owner in enumerate(owners):
            due = day + timedelta(weeks=2 + 2 * number + index)
            if past_due and index == 0 and number == 0:
                due = demo.today - timedelta(days=5)  # past its date, not done
            plan.refresh_from_db()
            plans.add_action(
                actor=demo.practitioner,
                need=need,
                expected_version=plan.version,
                description=text.ACTIONS[(index * 3 + number) % len(text.ACTIONS)][0],
                due_on=due,
                **owner,
            )
        plan.refresh_from_db()
    plans.agree_version(
        actor=demo.practitioner,
        plan=plan,
        expected_version=plan.version,
        agreed_with_family=True,
        family_present=", ".join(p.full_name for p in parents[:2]) or "The family",
        note="Agreed at the team around the family meeting.",
    )
    PlanVersion.objects.filter(plan=plan).update(agreed_at=_at(day, 11))
    FamilyPlan.objects.filter(pk=plan.pk).update(created_at=_at(day, 11), updated_at=_at(day, 11))


def _tidy_actions(demo: _Demo, episode: Episode) -> None:
    """Actions that came to their date are done (the practitioner kept the plan up to date),
    except the one left past its date on purpose (due five days ago)."""
    late = demo.today - timedelta(days=5)
    for action in plans.open_actions(episode):
        if (
            action.due_on < demo.today
            and action.due_on != late
            and action.status
            in (
                ActionStatus.NOT_STARTED,
                ActionStatus.IN_PROGRESS,
            )
        ):
            plans.record_progress(
                actor=demo.practitioner,
                action=action,
                status=ActionStatus.DONE,
                note=text.PROGRESS[3],
                source="Plan page",
            )


def _review(
    demo: _Demo, episode: Episode, days_ago: int, scores: dict[str, int], *, progress: bool = True
) -> Meeting:
    """A review held `days_ago` days ago that re-scores the areas and updates the actions."""
    day = _weekday(demo.today - timedelta(days=days_ago))
    parents = _parents(episode.family)
    meeting = meetings.schedule_meeting(
        actor=demo.practitioner,
        episode=episode,
        kind=MeetingKind.REVIEW,
        starts_at=_at(day),
        location="Family home",
        practitioners=[demo.practitioner],
        family_members=parents[:1],
    )
    Meeting.objects.filter(pk=meeting.pk).update(created_at=_at(day - timedelta(days=14)))
    updates = []
    if progress:
        for action in plans.open_actions(episode)[:2]:
            if action.due_on <= day:
                updates.append(meetings.ActionProgress(action, ActionStatus.DONE, text.PROGRESS[3]))
            else:
                updates.append(
                    meetings.ActionProgress(action, ActionStatus.IN_PROGRESS, text.PROGRESS[1])
                )
    meeting = meetings.record_meeting(
        actor=demo.practitioner,
        meeting=meeting,
        attendance={i.pk: Attendance.ATTENDED for i in meeting.invitees.all()},
        minutes=text.MINUTES[1],
        decisions=text.DECISIONS[0],
        action_updates=updates,
        scores=scores,
    )
    Meeting.objects.filter(pk=meeting.pk).update(held_at=_at(day, 12))
    return meeting


def _seed_demo(context: SeedContext) -> None:
    users: dict[str, User] = context.objects.get("demo_users", {})
    teams: dict[str, Team] = context.objects.get("teams", {})
    if not users or "north" not in teams:
        context.say("Episodes: no demo accounts, nothing to do")
        return
    live = Episode.objects.exclude(status=EpisodeStatus.CLOSED).values("family_id")
    first = list(Family.objects.order_by("pk").values_list("pk", flat=True)[:40])
    order = first[:8] + first[14:20] + first[8:14] + first[20:]
    free = {
        f.pk: f
        for f in Family.objects.filter(pk__in=order, is_restricted=False)
        .exclude(pk__in=live)
        .exclude(members=None)
        # The demo school's pupils stay free of episodes: the DSL's demo is asking for help
        # for a family nobody works with yet.
        .exclude(
            members__person__involvements__reason=InvolvementReason.SCHOOL,
            members__person__involvements__ended_at__isnull=True,
        )
    }
    families = [free[pk] for pk in order if pk in free and _children(free[pk])]
    if len(families) < len(STAGES):
        context.say("Episodes: not enough demo families, nothing to do")
        return
    demo = _Demo(
        today=timezone.localdate(),
        practitioner=users["practitioner"],
        manager=users["manager"],
        partners=[u for k, u in users.items() if k in ("health.visitor", "teacher", "police")],
        team=teams["north"],
        rng=random.Random(20261127),
    )
    family = iter(families)

    # Just allocated, yesterday: nothing done yet.
    _open(demo, next(family), 3)

    # Assessment in progress: two pages written.
    f = next(family)
    episode = _open(demo, f, 12)
    _note(demo, f, 8)
    _assess(demo, episode, 6, sections=2)
    _note(demo, f, 2, NoteKind.CALL)

    # Assessment overdue: started more than ten working days ago, one page written.
    f = next(family)
    episode = _open(demo, f, 30)
    _note(demo, f, 25)
    _assess(demo, episode, 25, sections=1)
    _note(demo, f, 9, NoteKind.CALL)

    # Assessment submitted, waiting for the manager's sign-off.
    f = next(family)
    episode = _open(demo, f, 24)
    _note(demo, f, 20)
    _assess(demo, episode, 20, submitted_ago=2)
    _note(demo, f, 1, NoteKind.MESSAGE)

    # A plan agreed at the team around the family meeting; one action is past its date.
    f = next(family)
    episode = _open(demo, f, 60)
    _note(demo, f, 55)
    _assess(demo, episode, 55, submitted_ago=44, signed_off_ago=42)
    _taf(demo, episode, 36, past_due=True)
    _note(demo, f, 6)

    # A team around the family meeting held this week.
    f = next(family)
    episode = _open(demo, f, 35)
    _note(demo, f, 30)
    _assess(demo, episode, 30, submitted_ago=16, signed_off_ago=14)
    _taf(demo, episode, 3, partners=1)

    # Reviews that re-scored the areas: most better, the family environment worse.
    f = next(family)
    scores = {"development": 4, "parenting": 5, "environment": 4}
    episode = _open(demo, f, 130)
    _assess(demo, episode, 126, submitted_ago=110, signed_off_ago=108, scores=scores)
    _taf(demo, episode, 100)
    _review(demo, episode, 58, {"development": 5, "parenting": 6, "environment": 4})
    _review(demo, episode, 9, {"development": 6, "parenting": 7, "environment": 2})
    _note(demo, f, 4)

    # A review overdue: the last one set the next for three and a half weeks ago.
    f = next(family)
    episode = _open(demo, f, 125)
    _assess(demo, episode, 120, submitted_ago=105, signed_off_ago=103)
    _taf(demo, episode, 95)
    _review(demo, episode, 67, {"development": 5, "parenting": 5, "environment": 4})
    _note(demo, f, 5, NoteKind.CALL)

    # No contact for five weeks: the last visit and the last review were before that.
    f = next(family)
    episode = _open(demo, f, 110)
    _assess(demo, episode, 105, submitted_ago=92, signed_off_ago=90)
    _taf(demo, episode, 80)
    _review(demo, episode, 38, {"development": 5, "parenting": 4, "environment": 5})
    _note(demo, f, 36)

    # Stepped up to children's social care; the practitioner stays on the team around the
    # family for the handover.
    f = next(family)
    episode = _open(demo, f, 90)
    _assess(demo, episode, 85, submitted_ago=72, signed_off_ago=70)
    _taf(demo, episode, 65, partners=1)
    _note(demo, f, 15)
    services.step_up(
        actor=demo.practitioner,
        episode=episode,
        decided_on=demo.today - timedelta(days=10),
        decided_by=f"{demo.manager.full_name}, team manager, with the MASH",
        reason=text.STEP_UP_REASONS[0],
        handover_notes="Chronology, assessment and plan shared; joint visit on Thursday.",
        social_worker_name=text.SOCIAL_WORKERS[0],
    )
    services.join_team_around_family(
        actor=demo.manager,
        episode=episode,
        user=demo.practitioner,
        role="Early help practitioner (handover)",
        joined_on=demo.today - timedelta(days=10),
    )
    _step_chronology(episode, demo.today - timedelta(days=10))

    # Stepped down: the manager held the case before the step up; the practitioner receives it.
    f = next(family)
    episode = _open(demo, f, 150, lead=demo.manager)
    _assess(demo, episode, 145, submitted_ago=132, signed_off_ago=130)
    step_up_day = demo.today - timedelta(days=100)
    services.step_up(
        actor=demo.manager,
        episode=episode,
        decided_on=step_up_day,
        decided_by="Children's social care assessment team manager",
        reason=text.STEP_UP_REASONS[2],
        social_worker_name=text.SOCIAL_WORKERS[1],
    )
    _step_chronology(episode, step_up_day)
    down_day = demo.today - timedelta(days=14)
    services.step_down(
        actor=demo.manager,
        episode=episode,
        decided_on=down_day,
        handover_meeting_on=down_day - timedelta(days=2),
        receiving_lead=demo.practitioner,
        family_consent=True,
        reason=text.STEP_DOWN_REASONS[0],
    )
    _step_chronology(episode, down_day)
    _note(demo, f, 7)
    _taf(demo, episode, 5, partners=1)

    # Closed with "outcomes met" three months and more ago: the sustainment check is due.
    f = next(family)
    scores = {"development": 4, "parenting": 4, "environment": 5}
    episode = _open(demo, f, 300)
    _assess(demo, episode, 295, submitted_ago=282, signed_off_ago=280, scores=scores)
    _taf(demo, episode, 272)
    _review(demo, episode, 230, {"development": 6, "parenting": 6, "environment": 6})
    _review(demo, episode, 188, {"development": 8, "parenting": 7, "environment": 7})
    _note(demo, f, 190)
    _tidy_actions(demo, episode)
    months = CouncilConfiguration.current().sustainment_check_months
    closed_on = services.add_months(demo.today, -months) - timedelta(days=4)
    reason = ClosureReason.objects.get(code="outcomes-met")
    with _dated(episode, closed_on, 15):
        services.close_episode(
            actor=demo.practitioner,
            episode=episode,
            reason=reason,
            note=text.CLOSURE_NOTES["outcomes-met"],
            closed_on=closed_on,
        )
    services.create_sustainment_tasks()

    for episode in Episode.objects.filter(family__in=families).exclude(status=EpisodeStatus.CLOSED):
        _tidy_actions(demo, episode)
    counts = {
        status: Episode.objects.filter(status=status).count() for status in EpisodeStatus.values
    }
    context.say(
        f"Episodes: {len(STAGES)} families at every stage for the demo practitioner ("
        + ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in counts.items())
        + ")"
    )


def _step_chronology(episode: Episode, day: date) -> None:
    """The lead change a step up or down records "now" happened on its decision day: the new
    lead's spell starts then and the one before it ends then."""
    spells = list(LeadPractitionerSpell.objects.filter(episode=episode).order_by("-pk")[:2])
    if spells:
        LeadPractitionerSpell.objects.filter(pk=spells[0].pk).update(started_at=_at(day, 12))
    if len(spells) == 2:
        LeadPractitionerSpell.objects.filter(pk=spells[1].pk).update(ended_at=_at(day, 12))


def seed_episodes(context: SeedContext) -> None:
    if context.scale == "demo":
        _seed_demo(context)
        return
    counts = seed_large_episodes(context)
    if not counts:
        context.say("Episodes: none to fill in")
        return
    open_ = Episode.objects.filter(
        status__in=(EpisodeStatus.OPEN, EpisodeStatus.STEPPED_UP)
    ).count()
    context.say(
        f"Episodes: {counts.pop('episodes')} episodes ({open_} open or stepped up), "
        + ", ".join(f"{value} {key}" for key, value in counts.items())
    )
