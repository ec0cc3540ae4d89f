"""The large council's episodes at every stage, through the bulk writer (earlyhelp/people/bulk.py).

The front-door seed (order 30) writes about 80,000 episodes over six years: closed, open and
waiting for allocation. This fills them in, as the services would have over the months: the
children in scope with their levels of need, the lead practitioner's spell, the assessment (most
submitted and signed off, some in progress, some overdue) and its area scores, the family plan
(2-3 needs of 2-4 actions, some past their date) agreed at the team around the family meeting,
6-weekly reviews that re-score the areas (most improving, some getting worse, some overdue), case
notes (a few families with no contact for weeks), partners on the team around the family with
their involvement, step ups (a few per cent, the social worker leading), step downs to a new
lead, closures with their reason and sustainment checks, and the chronology of it all.

Every model that keeps a history gets a "+" row for each new row; episodes this changes (closure
reason, step up) get a "~" row with the reason. When something happened is drawn (occurred_at,
scored_on, starts_at...); when it was recorded (recorded_at, created_at) is the time of the seed,
which keeps a million datetime conversions out of the write. Episodes are drawn and written a chunk at a time
so memory stays flat."""

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, models
from django.utils import timezone

from earlyhelp.accounts.models import Membership, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.assessments.models import AreaScore, Assessment, AssessmentStatus
from earlyhelp.assessments.services import current_template
from earlyhelp.core.calendar import WorkingCalendar, calendar_for_council
from earlyhelp.core.models import ClosureReason, CouncilConfiguration, LevelOfNeed
from earlyhelp.core.seeding import SeedContext
from earlyhelp.meetings.codes import Attendance, InviteeKind, MeetingKind
from earlyhelp.meetings.models import Invitee, Meeting
from earlyhelp.people import bulk
from earlyhelp.people.codes import FamilyRole, InvolvementReason
from earlyhelp.people.models import FamilyMember, Involvement
from earlyhelp.plans.codes import ActionOwnerKind, ActionStatus
from earlyhelp.plans.models import FamilyPlan, PlanAction, PlanNeed, PlanVersion

from . import seed_text as text
from .models import (
    CaseNote,
    ChronologyEntry,
    ChronologyKind,
    Episode,
    EpisodeChild,
    EpisodeStatus,
    FollowUpKind,
    FollowUpTask,
    LeadPractitionerSpell,
    LevelChange,
    StepDown,
    StepUp,
    TeamAroundFamilyMember,
)

SEED_REASON = "Demo data"
CHUNK = 8_000  # episodes drawn and written per round
#: Reviews every 6 weeks for the first three, then every 13 weeks once things are steady.
REVIEW_WEEKS = (6, 6, 6, 13)
MAX_REVIEWS = 8
#: Shares of open episodes (allocated long enough ago) in each state of drift.
STEPPED_UP_SHARE = 0.04
STEPPED_DOWN_SHARE = 0.03
REVIEW_OVERDUE_SHARE = 0.07
NO_CONTACT_SHARE = 0.05
ASSESSMENT_OVERDUE_SHARE = 0.04
#: Closure reasons of closed episodes, by weight (stepped-up closures carry a step up).
CLOSURE_WEIGHTS = {
    "outcomes-met": 55,
    "stepped-up": 12,
    "consent-withdrawn": 10,
    "moved-out-of-area": 6,
    "no-further-action": 10,
    "other": 7,
}


@dataclass
class _World:
    rng: random.Random
    now: datetime
    today: date
    zone: Any
    config: CouncilConfiguration
    calendar: WorkingCalendar
    template_id: int
    areas: list[tuple[str, str]]
    per_child: set[str]
    levels: dict[int, int]
    reasons: dict[str, int]
    reason_labels: dict[str, str]
    names: dict[int, str]  # user id: name, for the early help teams' members
    managers: dict[int, int]  # team: its manager (any manager when it has none)
    team_members: dict[int, list[int]]
    partners: list[tuple[int, int, str, str]]  # (user, organisation, role on the TAF, name)
    members: dict[int, tuple[list[tuple[int, str]], list[tuple[int, str]]]]
    due_cache: dict[date, date] = field(default_factory=dict)
    at_cache: dict[date, datetime] = field(default_factory=dict)


@dataclass
class _Story:
    """What happened in one episode, drawn before anything is written."""

    pk: int
    family: int
    team: int | None
    lead: int | None
    status: str
    opened: datetime
    allocated: datetime | None
    closed: datetime | None
    children: list[tuple[int, int | None]] = field(default_factory=list)  # (person, level)
    level_changes: list[tuple[int, int | None, int, date, str]] = field(default_factory=list)
    spells: list[tuple[Any, ...]] = field(default_factory=list)
    assessment: tuple[Any, ...] | None = None
    assessment_scores: dict[str, int] = field(default_factory=dict)
    submitted_on: date | None = None
    plan: tuple[datetime, list[tuple[str, str, str, list[tuple[Any, ...]]]]] | None = None
    meetings: list[tuple[Any, ...]] = field(default_factory=list)
    meeting_invitees: list[list[tuple[Any, ...]]] = field(default_factory=list)
    review_scores: list[dict[str, int] | None] = field(default_factory=list)
    notes: list[tuple[str, date, str, bool]] = field(default_factory=list)
    taf: list[tuple[int, int, str, date, date | None, str]] = field(default_factory=list)
    step_up: tuple[date, str, str] | None = None
    step_down: tuple[date, date, int, str] | None = None
    original_lead: int | None = None
    closure: str | None = None
    follow_up: tuple[date, datetime | None] | None = None
    changed: tuple[Any, ...] | None = None  # the episode's new (status, lead, external name)
    no_contact: bool = False
    #: (occurred at, kind, summary, significant, source: (model name, index) or None, by)
    chronology: list[tuple[Any, ...]] = field(default_factory=list)


def _pick(rng: random.Random, items: Any) -> Any:
    return items[int(len(items) * rng.random())]


def _world(context: SeedContext) -> _World | None:
    if not Episode.objects.exists():
        return None
    config = CouncilConfiguration.current()
    template = current_template()
    rng = random.Random(20261126)  # noqa: S311 - synthetic data, not secrets
    now = timezone.now()
    managers: dict[int, int] = {}
    team_members: dict[int, list[int]] = {}
    for team_id, user_id, role in (
        Membership.objects.filter(Membership.current_q(), team__isnull=False)
        .order_by("pk")
        .values_list("team_id", "user_id", "role")
    ):
        if role == Role.TEAM_MANAGER:
            managers.setdefault(team_id, user_id)
        team_members.setdefault(team_id, []).append(user_id)
    any_manager = next(iter(managers.values()), None)
    allocated_teams = set(
        Episode.objects.filter(allocated_team__isnull=False)
        .values_list("allocated_team_id", flat=True)
        .distinct()
    )
    for team_id in allocated_teams:
        if team_id not in managers and any_manager is not None:
            managers[team_id] = any_manager
    lead_ids = {u for t in allocated_teams for u in team_members.get(t, [])}
    names = {
        pk: name or email
        for pk, name, email in User.objects.filter(pk__in=lead_ids).values_list(
            "pk", "full_name", "email"
        )
    }
    partners = [
        (user_id, organisation_id, text.TAF_ROLES[kind], name or email)
        for user_id, organisation_id, kind, name, email in Membership.objects.filter(
            Membership.current_q(),
            role__in=(Role.PRACTITIONER, Role.DESIGNATED_SAFEGUARDING_LEAD),
            organisation__kind__in=list(text.TAF_ROLES),
        )
        .exclude(organisation__kind=OrganisationKind.COUNCIL)
        .order_by("pk")
        .values_list(
            "user_id", "organisation_id", "organisation__kind", "user__full_name", "user__email"
        )
    ]
    members: dict[int, tuple[list[tuple[int, str]], list[tuple[int, str]]]] = {}
    for family_id, person_id, role, given, family_name in (
        FamilyMember.objects.filter(left_on__isnull=True)
        .order_by("family_id", "person__date_of_birth", "person_id")
        .values_list("family_id", "person_id", "role", "person__given_name", "person__family_name")
        .iterator(chunk_size=50_000)
    ):
        children, parents = members.setdefault(family_id, ([], []))
        if role == FamilyRole.CHILD:
            children.append((person_id, f"{given} {family_name}"))
        elif role == FamilyRole.PARENT:
            parents.append((person_id, f"{given} {family_name}"))
    return _World(
        rng=rng,
        now=now,
        today=timezone.localdate(now),
        zone=timezone.get_current_timezone(),
        config=config,
        calendar=calendar_for_council(config),
        template_id=template.pk,
        areas=template.areas(),
        per_child={s["key"] for s in template.sections if s.get("per_child")},
        levels=dict(LevelOfNeed.objects.values_list("number", "pk")),
        reasons=dict(ClosureReason.objects.values_list("code", "pk")),
        reason_labels=dict(ClosureReason.objects.values_list("code", "label")),
        names=names,
        managers=managers,
        team_members=team_members,
        partners=partners,
        members=members,
    )


# --- Drawing one episode's story ---------------------------------------------------------------


def _local(world: _World, moment: datetime) -> date:
    return moment.astimezone(world.zone).date()


def _at(world: _World, day: date, hour: int = 12) -> datetime:
    if hour == 12:
        cached = world.at_cache.get(day)
        if cached is None:
            cached = world.at_cache[day] = datetime.combine(day, time(12), world.zone)
        return cached
    return datetime.combine(day, time(hour), world.zone)


def _due(world: _World, started: date) -> date:
    due = world.due_cache.get(started)
    if due is None:
        due = world.due_cache[started] = world.calendar.add_working_days(
            started, world.config.assessment_working_days
        )
    return due


def _answers(
    world: _World, story: _Story, scores: dict[str, int], complete: bool, step_up: bool
) -> tuple[dict[str, str], list[str]]:
    """Answers to the default template; an assessment in progress has only its first pages."""
    rng = world.rng
    answers: dict[str, str] = {
        "reason": _pick(rng, text.REASONS),
        "contributors": _pick(rng, text.CONTRIBUTORS),
    }
    sections = ["about"]
    area_keys = [key for key, _label in world.areas]
    filled_areas = area_keys if complete else area_keys[: 1 + int(rng.random() * 2)]
    for key in filled_areas:
        strengths, needs = text.AREAS.get(key, (text.REASONS, text.REASONS))
        answers[f"{key}_strengths"] = _pick(rng, strengths)
        answers[f"{key}_needs"] = _pick(rng, needs)
        answers[f"{key}_score"] = str(scores[key])
        sections.append(key)
    if not complete:
        return answers, sections
    for person_id, _level in story.children:
        answers[f"wishes_feelings__{person_id}"] = _pick(rng, text.WISHES)
        answers[f"how_heard__{person_id}"] = _pick(rng, text.HOW_HEARD)
    answers["parents_views"] = _pick(rng, text.PARENTS_VIEWS)
    answers["family_network"] = _pick(rng, text.NETWORK)
    answers["professionals"] = _pick(rng, text.PROFESSIONALS)
    answers["analysis"] = _pick(rng, text.ANALYSIS)
    answers["decision"] = "step_up" if step_up else "family_plan"
    answers["decision_reasons"] = _pick(
        rng, text.STEP_UP_DECISION_REASONS if step_up else text.DECISION_REASONS
    )
    sections += [
        *world.per_child,
        "parents_views",
        "family_network",
        "professionals",
        "analysis",
        "decision",
    ]
    return answers, sections


def _draw(world: _World, row: tuple[Any, ...]) -> _Story:
    pk, family, status, opened, team, lead, allocated, closed = row
    story = _Story(pk, family, team, lead, status, opened, allocated, closed)
    rng, now = world.rng, world.now
    children, parents = world.members.get(family, ([], []))
    if status == EpisodeStatus.AWAITING_ALLOCATION or allocated is None or lead is None:
        story.children = [(person_id, None) for person_id, _name in children]
        return story
    end = closed or now
    end_day = _local(world, end)
    allocated_day = _local(world, allocated)
    live_days = (end - allocated).days
    lead_name = world.names.get(lead, "the lead practitioner")
    manager = world.managers.get(team) if team is not None else None

    # Step ups and step downs, closure reason.
    stepped_up_now = stepped_down = False
    if status == EpisodeStatus.CLOSED:
        story.closure = rng.choices(
            list(CLOSURE_WEIGHTS), weights=list(CLOSURE_WEIGHTS.values()), k=1
        )[0]
        if live_days < 45 and story.closure == "outcomes-met":
            story.closure = "no-further-action"
        if story.closure == "stepped-up" and live_days < 20:
            story.closure = "other"
        stepped_down = story.closure != "stepped-up" and live_days > 150 and rng.random() < 0.04
    elif live_days > 60:
        draw = rng.random()
        stepped_up_now = draw < STEPPED_UP_SHARE
        stepped_down = (
            not stepped_up_now
            and live_days > 120
            and draw < (STEPPED_UP_SHARE + STEPPED_DOWN_SHARE)
        )
    step_up_day: date | None = None
    if stepped_up_now:
        step_up_day = end_day - timedelta(days=2 + int(rng.random() * min(50, live_days - 40)))
    elif story.closure == "stepped-up":
        step_up_day = end_day - timedelta(days=int(rng.random() * 10))
    elif stepped_down:
        step_up_day = allocated_day + timedelta(days=30 + int(rng.random() * (live_days - 110)))

    # Children and their levels of need.
    level = 3 if rng.random() < 0.45 else 2
    for person_id, _name in children:
        story.children.append((person_id, world.levels.get(4 if stepped_up_now else level)))
        story.level_changes.append(
            (person_id, None, world.levels[level], allocated_day, "Level agreed at allocation")
        )
        if stepped_up_now and step_up_day is not None:
            story.level_changes.append(
                (
                    person_id,
                    world.levels[level],
                    world.levels[4],
                    step_up_day,
                    "Stepped up to children's social care",
                )
            )
    story.chronology.append(
        (
            allocated,
            ChronologyKind.ALLOCATION,
            f"Allocated; lead practitioner {lead_name}",
            True,
            ("leadpractitionerspell", 0),
            manager,
        )
    )

    # The assessment.
    start_day = allocated_day + timedelta(days=1 + int(rng.random() * 6))
    scores = {key: 3 + int(rng.random() * 4) for key, _label in world.areas}
    submitted_on: date | None = None
    if start_day < end_day:
        due_on = _due(world, start_day)
        submit_day = start_day + timedelta(days=5 + int(rng.random() * 11))
        overdue = (
            status == EpisodeStatus.OPEN
            and not stepped_up_now
            and not stepped_down
            and rng.random() < ASSESSMENT_OVERDUE_SHARE
            and 20 <= live_days < 120
        )
        if overdue:
            start_day = max(allocated_day, min(start_day, world.today - timedelta(days=17)))
            due_on = _due(world, start_day)
        complete = not overdue and submit_day < end_day
        answers, sections = _answers(world, story, scores, complete, step_up=False)
        saved_at = _at(world, min(submit_day, end_day, world.today), 15)
        saved = {
            key: {"by": lead, "by_name": lead_name, "at": saved_at.isoformat()} for key in sections
        }
        versions = dict.fromkeys(sections, 1)
        assessment_status = AssessmentStatus.IN_PROGRESS
        submitted_at = signed_off_at = None
        signed_by = None
        agreed: tuple[Any, ...] = ("", "", None, None)
        if complete:
            submitted_on = submit_day
            submitted_at = _at(world, submit_day, 16)
            sign_day = submit_day + timedelta(days=1 + int(rng.random() * 4))
            if sign_day < end_day or status == EpisodeStatus.CLOSED:
                assessment_status = AssessmentStatus.SIGNED_OFF
                signed_off_at = _at(world, min(sign_day, end_day), 11)
                signed_by = manager
            else:
                assessment_status = AssessmentStatus.SUBMITTED
            parent = parents[0][1] if parents else "The family"
            agreed = (parent, "in_person", submit_day, lead)
        story.assessment = (
            story.pk,
            world.template_id,
            assessment_status,
            lead,
            start_day,
            due_on,
            answers,
            versions,
            saved,
            submitted_at,
            lead if complete else None,
            signed_off_at,
            signed_by,
            "Agreed: a clear analysis and a proportionate plan." if signed_by else "",
            *agreed,
        )
        story.assessment_scores = scores if complete else {}
        story.submitted_on = submitted_on
        story.chronology.append(
            (
                _at(world, start_day, 10),
                ChronologyKind.ASSESSMENT,
                f"Early help assessment started (due {due_on:%-d %B %Y})",
                False,
                ("assessment", 0),
                lead,
            )
        )
        if submitted_at is not None:
            story.chronology.append(
                (
                    submitted_at,
                    ChronologyKind.ASSESSMENT,
                    "Early help assessment submitted",
                    True,
                    ("assessment", 0),
                    lead,
                )
            )
        if signed_off_at is not None:
            story.chronology.append(
                (
                    signed_off_at,
                    ChronologyKind.ASSESSMENT,
                    "Early help assessment signed off",
                    True,
                    ("assessment", 0),
                    signed_by,
                )
            )

    # Partners on the team around the family (for most families with a plan).
    stepped_up_for_good = stepped_up_now or story.closure == "stepped-up"
    work_end = step_up_day if stepped_up_for_good and step_up_day is not None else end_day
    taf_day = (submitted_on + timedelta(days=3 + int(rng.random() * 8))) if submitted_on else None
    if taf_day is not None and taf_day >= work_end:
        taf_day = None
    if taf_day is not None and world.partners and rng.random() < 0.6:
        chosen = {_pick(rng, world.partners) for _ in range(1 + int(rng.random() * 2.5))}
        for user_id, organisation_id, role, name in sorted(chosen):
            left = end_day if status == EpisodeStatus.CLOSED else None
            story.taf.append((user_id, organisation_id, role, taf_day, left, name))

    # The plan, agreed at the team around the family meeting; then the reviews.
    trend = rng.random()
    step = 1 if trend < 0.6 else (-1 if trend < 0.72 else 0)
    if taf_day is not None:
        plan_at = _at(world, taf_day, 11)
        needs = []
        for need, outcome, headline in rng.sample(text.NEEDS, k=2 + int(rng.random() * 2)):
            actions = []
            for description, owner in rng.sample(text.ACTIONS, k=2 + int(rng.random() * 3)):
                due = taf_day + timedelta(days=14 + int(rng.random() * 84))
                if due < world.today:
                    # Most are done by their date; one in fifty is still going (past its date).
                    roll = rng.random()
                    state = (
                        ActionStatus.DONE
                        if roll < 0.86
                        else ActionStatus.NOT_DONE
                        if roll < 0.98 or status == EpisodeStatus.CLOSED
                        else ActionStatus.IN_PROGRESS
                    )
                else:
                    state = (
                        ActionStatus.IN_PROGRESS if rng.random() < 0.6 else ActionStatus.NOT_STARTED
                    )
                progress = "" if state == ActionStatus.NOT_STARTED else _pick(rng, text.PROGRESS)
                who: tuple[Any, ...]
                if owner == "family" and parents:
                    who = (ActionOwnerKind.FAMILY_MEMBER, None, "", parents[0][0], parents[0][1])
                elif owner == "agency":
                    agency = _pick(rng, text.AGENCIES)
                    who = (ActionOwnerKind.AGENCY, None, agency, None, agency)
                else:
                    who = (ActionOwnerKind.PRACTITIONER, lead, "", None, lead_name)
                actions.append((description, *who, due, state, progress))
            needs.append((need, outcome, headline, actions))
        story.plan = (plan_at, needs)
        story.chronology.append(
            (
                plan_at,
                ChronologyKind.PLAN,
                f"Family plan version 1 agreed with the family: {len(needs)} needs, "
                f"{sum(len(n[3]) for n in needs)} actions",
                True,
                ("planversion", 0),
                lead,
            )
        )
        _meetings(world, story, taf_day, work_end, parents, scores, step, stepped_up_now)

    # Step up, step down and the lead practitioners' spells.
    first_lead_end: datetime | None = None
    if step_up_day is not None:
        worker = _pick(rng, text.SOCIAL_WORKERS)
        reason = _pick(rng, text.STEP_UP_REASONS)
        story.step_up = (step_up_day, worker, reason)
        up_at = _at(world, step_up_day)
        first_lead_end = up_at
        story.chronology.append(
            (
                up_at,
                ChronologyKind.STEP_UP,
                f"Stepped up to children's social care; lead practitioner {worker}",
                True,
                ("stepup", 0),
                lead,
            )
        )
        if stepped_down:
            down_day = step_up_day + timedelta(days=28 + int(rng.random() * 60))
            down_day = min(down_day, end_day - timedelta(days=1))
            others = [u for u in world.team_members.get(team or 0, []) if u != lead]
            story.original_lead = _pick(rng, others) if others else None
            story.step_down = (
                down_day,
                down_day - timedelta(days=3),
                lead,
                _pick(rng, text.STEP_DOWN_REASONS),
            )
            down_at = _at(world, down_day)
            first = story.original_lead or lead
            story.chronology[0] = (
                allocated,
                ChronologyKind.ALLOCATION,
                f"Allocated; lead practitioner {world.names.get(first, lead_name)}",
                True,
                ("leadpractitionerspell", 0),
                manager,
            )
            story.spells = [
                (first, "", allocated, up_at, False, "Allocated"),
                (None, worker, up_at, down_at, False, f"Stepped up: {reason}"),
                (lead, "", down_at, None, True, "Stepped down to early help"),
            ]
            story.chronology.append(
                (
                    down_at,
                    ChronologyKind.STEP_DOWN,
                    f"Stepped down to early help; lead practitioner {lead_name}",
                    True,
                    ("stepdown", 0),
                    lead,
                )
            )
        else:
            story.spells = [
                (lead, "", allocated, up_at, False, "Allocated"),
                (None, worker, up_at, None, False, f"Stepped up: {reason}"),
            ]
            story.changed = (
                EpisodeStatus.STEPPED_UP if stepped_up_now else EpisodeStatus.CLOSED,
                None,
                worker,
            )
    if not story.spells:
        story.spells = [(lead, "", allocated, first_lead_end, False, "Allocated")]

    _notes(world, story, allocated_day, work_end, stepped_up_for_good)

    # Closure and the sustainment check.
    if story.closure is not None and closed is not None:
        label = world.reason_labels.get(story.closure, story.closure)
        story.chronology.append(
            (closed, ChronologyKind.CLOSURE, f"Episode closed: {label}", True, ("episode", 0), lead)
        )
        if story.closure not in ("stepped-up", "moved-out-of-area"):
            months = world.config.sustainment_check_months
            due = _add_months(_local(world, closed), months)
            if due <= world.today:
                late = (world.today - due).days
                done = (
                    None
                    if late < 20 and rng.random() < 0.5
                    else _at(world, due + timedelta(days=int(rng.random() * 10)), 14)
                )
                if done is not None and done > now:
                    done = None
                story.follow_up = (due, done)
    return story


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _meetings(
    world: _World,
    story: _Story,
    taf_day: date,
    end_day: date,
    parents: list[tuple[int, str]],
    scores: dict[str, int],
    step: int,
    stepped_up: bool,
) -> None:
    """The team around the family meeting, then reviews until the episode ended, or was
    stepped up, or today."""
    rng = world.rng
    drifting = story.status == EpisodeStatus.OPEN and not stepped_up
    review_overdue = drifting and rng.random() < REVIEW_OVERDUE_SHARE
    no_contact = story.no_contact = drifting and rng.random() < NO_CONTACT_SHARE
    cutoff = world.today - timedelta(days=36) if no_contact else end_day
    days = [taf_day]
    while len(days) <= MAX_REVIEWS + 1:  # the meeting, the reviews and the one after them
        weeks = REVIEW_WEEKS[min(len(days) - 1, len(REVIEW_WEEKS) - 1)]
        days.append(days[-1] + timedelta(weeks=weeks))
    held = [d for d in days[:-1] if d <= cutoff and d < world.today]
    if review_overdue and len(held) > 1:
        held.pop()
    current = dict(scores)
    for index, day in enumerate(held):
        kind = MeetingKind.TEAM_AROUND_THE_FAMILY if index == 0 else MeetingKind.REVIEW
        starts = _at(world, day, 10)
        next_review = days[index + 1] if kind == MeetingKind.REVIEW else None
        invitees: list[tuple[Any, ...]] = [
            (InviteeKind.PRACTITIONER, story.lead, None, world.names.get(story.lead or 0, ""))
        ]
        invitees += [
            (InviteeKind.PRACTITIONER, user, None, name) for user, _o, _r, _j, _l, name in story.taf
        ]
        invitees += [(InviteeKind.FAMILY_MEMBER, None, pid, name) for pid, name in parents[:2]]
        if kind == MeetingKind.TEAM_AROUND_THE_FAMILY:
            invitees.append((InviteeKind.AGENCY, None, None, _pick(rng, text.AGENCIES)))
        attended = 0
        with_attendance = []
        for invitee in invitees:
            roll = rng.random()
            came = (
                Attendance.ATTENDED
                if roll < 0.82
                else Attendance.APOLOGIES
                if roll < 0.92
                else Attendance.DID_NOT_ATTEND
            )
            attended += came == Attendance.ATTENDED
            with_attendance.append((*invitee, came))
        story.meetings.append(
            (
                kind,
                starts,
                starts + timedelta(hours=1, minutes=30),
                _pick(rng, text.MINUTES),
                _pick(rng, text.DECISIONS),
                next_review,
            )
        )
        story.meeting_invitees.append(with_attendance)
        if kind == MeetingKind.REVIEW:
            for key in current:
                if rng.random() < 0.6:
                    current[key] = max(1, min(10, current[key] + step))
            story.review_scores.append(dict(current))
        else:
            story.review_scores.append(None)
        label = "Team Around the Family meeting" if index == 0 else "Review"
        summary = f"{label} held on {day:%-d %B %Y}: {attended} attended"
        if next_review is not None:
            summary += f"; next review by {next_review:%-d %B %Y}"
        story.chronology.append(
            (starts, ChronologyKind.MEETING, summary, True, ("meeting", index), story.lead)
        )
    # The next review, arranged (for most open families).
    if drifting and not no_contact and not review_overdue and rng.random() < 0.6:
        upcoming = next((d for d in days if d >= world.today), None)
        if upcoming is not None:
            story.meetings.append(
                (MeetingKind.REVIEW, _at(world, upcoming, 10), None, "", "", None)
            )
            story.meeting_invitees.append(
                [
                    (
                        InviteeKind.PRACTITIONER,
                        story.lead,
                        None,
                        world.names.get(story.lead or 0, ""),
                        Attendance.INVITED,
                    ),
                    *[
                        (InviteeKind.FAMILY_MEMBER, None, pid, name, Attendance.INVITED)
                        for pid, name in parents[:1]
                    ],
                ]
            )
            story.review_scores.append(None)


def _notes(
    world: _World, story: _Story, allocated_day: date, end_day: date, stepped_up: bool
) -> None:
    rng = world.rng
    span = max(1, (end_day - allocated_day).days)
    count = min(6, 2 + span // 60)
    no_contact = story.no_contact
    last = end_day
    if no_contact:
        last = world.today - timedelta(days=36 + int(rng.random() * 20))
    elif story.status == EpisodeStatus.OPEN and not stepped_up:
        last = world.today - timedelta(days=int(rng.random() * 18))
    last = max(last, allocated_day)
    gap = max(1, (last - allocated_day).days)
    days = [
        *sorted(allocated_day + timedelta(days=int(rng.random() * gap)) for _ in range(count - 1)),
        last,
    ]
    for index, day in enumerate(days):
        kind = rng.choices(("visit", "call", "message", "observation"), weights=(5, 4, 2, 1))[0]
        note = _pick(rng, text.NOTES[kind])
        significant = rng.random() < 0.1
        story.notes.append((kind, day, note, significant))
        if significant:
            story.chronology.append(
                (
                    _at(world, day),
                    ChronologyKind.NOTE,
                    f"{kind.capitalize()}: {note[:200]}",
                    True,
                    ("casenote", index),
                    story.lead,
                )
            )


# --- Writing a chunk of stories ----------------------------------------------------------------


def _insert(
    model: type[models.Model], columns: tuple[str, ...], rows: list, now: datetime
) -> list[int]:
    return bulk.bulk_insert(model, columns, rows, reason=SEED_REASON, now=now)


def _write(world: _World, stories: list[_Story]) -> dict[str, int]:
    now = world.now
    counts: dict[str, int] = {}
    allocated = [s for s in stories if s.spells]

    # Children in scope and the levels of need.
    child_rows = [
        (s.pk, person, level, s.allocated or s.opened)
        for s in stories
        for person, level in s.children
    ]
    child_ids = _insert(
        EpisodeChild, ("episode_id", "person_id", "level_id", "added_at"), child_rows, now
    )
    child_of = {(row[0], row[1]): pk for pk, row in zip(child_ids, child_rows, strict=True)}
    changes = [
        (child_of[(s.pk, person)], from_level, to_level, on, reason, s.lead)
        for s in allocated
        for person, from_level, to_level, on, reason in s.level_changes
        if (s.pk, person) in child_of
    ]
    _insert(
        LevelChange,
        (
            "child_id",
            "from_level_id",
            "to_level_id",
            "changed_on",
            "reason",
            "changed_by_id",
        ),
        changes,
        now,
    )
    counts["children"] = len(child_rows)

    # Lead practitioners' spells.
    spell_rows = [
        (s.pk, user, name, started, ended, had_say, "", reason, world.managers.get(s.team or 0))
        for s in allocated
        for user, name, started, ended, had_say, reason in s.spells
    ]
    spell_ids = _insert(
        LeadPractitionerSpell,
        (
            "episode_id",
            "user_id",
            "name",
            "started_at",
            "ended_at",
            "family_had_say",
            "family_view",
            "reason",
            "recorded_by_id",
        ),
        spell_rows,
        now,
    )
    spells: dict[int, list[int]] = {}
    for pk, row in zip(spell_ids, spell_rows, strict=True):
        spells.setdefault(row[0], []).append(pk)

    # Assessments and their scores.
    assessed = [s for s in allocated if s.assessment is not None]
    assessment_ids = _insert(
        Assessment,
        (
            "episode_id",
            "template_id",
            "status",
            "started_by_id",
            "started_on",
            "due_on",
            "answers",
            "section_versions",
            "section_saved",
            "submitted_at",
            "submitted_by_id",
            "signed_off_at",
            "signed_off_by_id",
            "manager_comments",
            "agreed_by",
            "agreement_method",
            "agreed_on",
            "agreement_recorded_by_id",
        ),
        [s.assessment for s in assessed],
        now,
    )
    assessment_of = {s.pk: pk for s, pk in zip(assessed, assessment_ids, strict=True)}
    labels = dict(world.areas)
    score_rows = [
        (
            s.pk,
            key,
            labels[key],
            score,
            s.submitted_on,
            "assessment",
            str(assessment_of[s.pk]),
            s.lead,
        )
        for s in assessed
        if s.submitted_on is not None
        for key, score in s.assessment_scores.items()
    ]
    counts["assessments"] = len(assessment_ids)

    # Plans: needs, actions and the agreed version.
    planned = [s for s in allocated if s.plan is not None]
    plan_rows = []
    for s in planned:
        assert s.plan is not None
        plan_at, needs = s.plan
        changes_made = len(needs) + sum(len(n[3]) for n in needs)
        plan_rows.append((s.pk, s.family, changes_made, changes_made, plan_at, plan_at, s.lead))
    plan_ids = _insert(
        FamilyPlan,
        (
            "episode_id",
            "family_id",
            "version",
            "agreed_version",
            "created_at",
            "updated_at",
            "updated_by_id",
        ),
        plan_rows,
        now,
    )
    need_rows = []
    need_actions = []
    version_rows = []
    for plan_id, s in zip(plan_ids, planned, strict=True):
        assert s.plan is not None
        plan_at, needs = s.plan
        snapshot_needs = []
        for position, (need, outcome, headline, actions) in enumerate(needs, start=1):
            need_rows.append((plan_id, need, outcome, headline, position))
            need_actions.append(actions)
            snapshot_needs.append(
                {
                    "need": need,
                    "outcome": outcome,
                    "headline_outcome": headline.replace("_", " ").capitalize(),
                    "actions": [
                        {
                            "description": a[0],
                            "who": a[5],
                            "owner_kind": a[1],
                            "due_on": a[6].isoformat(),
                            "by_when": f"{a[6]:%-d %B %Y}",
                            "status": "Not started",
                            "progress": "",
                        }
                        for a in actions
                    ],
                }
            )
        parent = world.members.get(s.family, ([], []))[1]
        version_rows.append(
            (
                plan_id,
                1,
                {"needs": snapshot_needs},
                s.lead,
                plan_at,
                True,
                parent[0][1] if parent else "",
                "",
            )
        )
    need_ids = _insert(
        PlanNeed,
        ("plan_id", "need", "outcome", "headline_outcome", "position"),
        need_rows,
        now,
    )
    action_rows = [
        (need_id, a[0], a[1], a[2], a[3], a[4], a[6], a[7], a[8])
        for need_id, actions in zip(need_ids, need_actions, strict=True)
        for a in actions
    ]
    _insert(
        PlanAction,
        (
            "need_id",
            "description",
            "owner_kind",
            "owner_user_id",
            "owner_organisation",
            "owner_person_id",
            "due_on",
            "status",
            "progress",
        ),
        action_rows,
        now,
    )
    version_ids = _insert(
        PlanVersion,
        (
            "plan_id",
            "number",
            "snapshot",
            "agreed_by_id",
            "agreed_at",
            "agreed_with_family",
            "family_present",
            "note",
        ),
        version_rows,
        now,
    )
    version_of = {s.pk: pk for s, pk in zip(planned, version_ids, strict=True)}
    counts["plans"] = len(plan_ids)
    counts["actions"] = len(action_rows)

    # Meetings, who was invited and came, and the reviews' scores.
    meeting_rows: list[tuple[Any, ...]] = []
    meeting_owner = []
    for s in allocated:
        for index, (kind, starts, held, minutes, decisions, next_review) in enumerate(s.meetings):
            meeting_rows.append(
                (
                    s.pk,
                    s.family,
                    kind,
                    starts,
                    "Family hub" if index % 2 else "Family home",
                    held,
                    minutes,
                    decisions,
                    next_review,
                    s.lead,
                    s.lead if held else None,
                )
            )
            meeting_owner.append((s, index))
    meeting_ids = _insert(
        Meeting,
        (
            "episode_id",
            "family_id",
            "kind",
            "starts_at",
            "location",
            "held_at",
            "minutes",
            "decisions",
            "next_review_on",
            "scheduled_by_id",
            "recorded_by_id",
        ),
        meeting_rows,
        now,
    )
    meetings_of: dict[int, list[int]] = {}
    invitee_rows = []
    for meeting_id, (s, index), meeting in zip(
        meeting_ids, meeting_owner, meeting_rows, strict=True
    ):
        meetings_of.setdefault(s.pk, []).append(meeting_id)
        invitee_rows += [(meeting_id, *invitee) for invitee in s.meeting_invitees[index]]
        review = s.review_scores[index]
        if review:
            held_on = _local(world, meeting[3])
            score_rows += [
                (s.pk, key, labels[key], score, held_on, "review", str(meeting_id), s.lead)
                for key, score in review.items()
            ]
    _insert(
        Invitee,
        ("meeting_id", "kind", "user_id", "person_id", "name", "attendance"),
        invitee_rows,
        now,
    )
    _insert(
        AreaScore,
        (
            "episode_id",
            "area_key",
            "area_label",
            "score",
            "scored_on",
            "source",
            "source_id",
            "recorded_by_id",
        ),
        score_rows,
        now,
    )
    counts["meetings"] = len(meeting_ids)
    counts["scores"] = len(score_rows)

    # Case notes.
    note_rows = [
        (s.family, s.pk, kind, day, note, significant, s.lead)
        for s in allocated
        for kind, day, note, significant in s.notes
    ]
    note_ids = _insert(
        CaseNote,
        (
            "family_id",
            "episode_id",
            "kind",
            "occurred_on",
            "text",
            "significant",
            "recorded_by_id",
        ),
        note_rows,
        now,
    )
    notes_of: dict[int, list[int]] = {}
    for pk, note in zip(note_ids, note_rows, strict=True):
        notes_of.setdefault(note[1], []).append(pk)
    counts["notes"] = len(note_ids)

    # The team around the family: each partner's involvement, then their membership.
    involvement_rows: list[tuple[Any, ...]] = []
    member_rows: list[tuple[Any, ...]] = []
    for s in allocated:
        for user_id, organisation_id, role, joined, left, _name in s.taf:
            involvement_rows.append(
                (
                    s.family,
                    user_id,
                    InvolvementReason.TEAM_AROUND_FAMILY,
                    f"Team around the family: {role}",
                    _at(world, joined, 11),
                    _at(world, left, 17) if left else None,
                    s.lead,
                )
            )
            member_rows.append((s.pk, user_id, organisation_id, role, joined, left, s.lead))
        if s.original_lead is not None and s.step_up is not None:
            # The lead before the step up: their personal reason to see the family ended then.
            involvement_rows.append(
                (
                    s.family,
                    s.original_lead,
                    InvolvementReason.LEAD_PRACTITIONER,
                    "Lead practitioner until the step up",
                    s.allocated,
                    _at(world, s.step_up[0]),
                    world.managers.get(s.team or 0),
                )
            )
    involvement_ids = _insert(
        Involvement,
        ("family_id", "user_id", "reason", "note", "started_at", "ended_at", "recorded_by_id"),
        involvement_rows,
        now,
    )
    taf_involvements = [
        pk
        for pk, row in zip(involvement_ids, involvement_rows, strict=True)
        if row[2] == InvolvementReason.TEAM_AROUND_FAMILY
    ]
    _insert(
        TeamAroundFamilyMember,
        (
            "episode_id",
            "user_id",
            "organisation_id",
            "role",
            "joined_on",
            "left_on",
            "involvement_id",
            "added_by_id",
        ),
        [
            (*row[:6], involvement, row[6])
            for row, involvement in zip(member_rows, taf_involvements, strict=True)
        ],
        now,
    )
    counts["team around the family"] = len(member_rows)

    # Step ups and step downs.
    upped = [s for s in allocated if s.step_up is not None]
    step_up_ids = _insert(
        StepUp,
        (
            "episode_id",
            "decided_on",
            "decided_by",
            "reason",
            "handover_notes",
            "social_worker_name",
            "recorded_by_id",
            "recorded_at",
        ),
        [
            (
                s.pk,
                s.step_up[0],
                "Children's social care assessment team manager",
                s.step_up[2],
                "Chronology, assessment and plan shared; joint visit held.",
                s.step_up[1],
                s.lead,
                _at(world, s.step_up[0]),
            )
            for s in upped
            if s.step_up is not None
        ],
        now,
    )
    step_up_of = {s.pk: pk for s, pk in zip(upped, step_up_ids, strict=True)}
    downed = [s for s in allocated if s.step_down is not None]
    step_down_ids = _insert(
        StepDown,
        (
            "episode_id",
            "decided_on",
            "handover_meeting_on",
            "receiving_lead_id",
            "family_consent",
            "reason",
            "recorded_by_id",
            "recorded_at",
        ),
        [
            (
                s.pk,
                s.step_down[0],
                s.step_down[1],
                s.step_down[2],
                True,
                s.step_down[3],
                s.lead,
                _at(world, s.step_down[0]),
            )
            for s in downed
            if s.step_down is not None
        ],
        now,
    )
    step_down_of = {s.pk: pk for s, pk in zip(downed, step_down_ids, strict=True)}
    counts["step ups"] = len(step_up_ids)
    counts["step downs"] = len(step_down_ids)

    # Sustainment checks of closed episodes.
    tasks = [
        (
            s.pk,
            FollowUpKind.SUSTAINMENT,
            s.follow_up[0],
            s.lead,
            s.follow_up[1],
            _at(world, s.follow_up[0], 6),
        )
        for s in allocated
        if s.follow_up is not None
    ]
    _insert(
        FollowUpTask,
        ("episode_id", "kind", "due", "assigned_to_id", "done_at", "created_at"),
        tasks,
        now,
    )
    counts["sustainment checks"] = len(tasks)

    # The chronology, pointing at the records it came from.
    sources: dict[str, Any] = {
        "leadpractitionerspell": lambda s, i: spells[s.pk][i],
        "assessment": lambda s, i: assessment_of[s.pk],
        "planversion": lambda s, i: version_of[s.pk],
        "meeting": lambda s, i: meetings_of[s.pk][i],
        "casenote": lambda s, i: notes_of[s.pk][i],
        "stepup": lambda s, i: step_up_of[s.pk],
        "stepdown": lambda s, i: step_down_of[s.pk],
        "episode": lambda s, i: s.pk,
    }
    chronology = []
    for s in allocated:
        for occurred, kind, summary, significant, source, by in s.chronology:
            model_name, index = source
            chronology.append(
                (
                    s.family,
                    s.pk,
                    occurred,
                    kind,
                    summary,
                    "",
                    significant,
                    model_name,
                    str(sources[model_name](s, index)),
                    by,
                )
            )
    _insert(
        ChronologyEntry,
        (
            "family_id",
            "episode_id",
            "occurred_at",
            "kind",
            "summary",
            "detail",
            "significant",
            "source_type",
            "source_id",
            "recorded_by_id",
        ),
        chronology,
        now,
    )
    counts["chronology entries"] = len(chronology)

    _update_episodes(world, allocated)
    return counts


def _update_episodes(world: _World, stories: list[_Story]) -> None:
    """The episodes' own changes: who allocated them, the closure reason, a step up's new lead.
    Each changed episode gets a "~" history row with the reason, as a service would leave."""
    rows = []
    for s in stories:
        status, lead, external = s.changed or (s.status, s.lead, "")
        closing = s.closure is not None
        rows.append(
            (
                status,
                lead,
                external,
                world.managers.get(s.team or 0),
                "Allocation meeting: capacity in the team",
                world.reasons.get(s.closure) if closing and s.closure else None,
                text.CLOSURE_NOTES.get(s.closure or "", "") if closing else "",
                s.lead if closing else None,
                s.pk,
            )
        )
    table = connection.ops.quote_name(Episode._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET status = %s, lead_practitioner_id = %s, "  # noqa: S608
            "external_lead_name = %s, allocated_by_id = %s, allocation_note = %s, "
            "closure_reason_id = %s, closure_note = %s, closed_by_id = %s WHERE id = %s",
            rows,
        )
    _history(
        Episode, [s.pk for s in stories], "Demo data: allocated, worked with, stepped up or closed"
    )
    # A step up ends the early help lead's personal reason to see the family.
    ended = [
        (_at(world, s.step_up[0]), s.family, s.lead)
        for s in stories
        if s.step_up is not None and s.step_down is None and s.status == EpisodeStatus.OPEN
    ]
    if ended:
        involvements = connection.ops.quote_name(Involvement._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {involvements} SET ended_at = %s WHERE family_id = %s "  # noqa: S608
                f"AND user_id = %s AND reason = '{InvolvementReason.LEAD_PRACTITIONER}' "
                "AND ended_at IS NULL",
                ended,
            )


def _history(model: type[models.Model], ids: list[int], reason: str) -> None:
    """A "~" historical row for each of `ids` as it is now, with `reason`."""
    history_model = bulk._history_model(model)
    if history_model is None or not ids:
        return
    source_columns = {f.attname: f.column for f in model._meta.concrete_fields}
    extra = {
        "history_date": connection.ops.adapt_datetimefield_value(timezone.now()),
        "history_change_reason": reason,
        "history_type": "~",
        "history_user_id": None,
    }
    targets: list[str] = []
    selects: list[str] = []
    params: list[Any] = []
    quote = connection.ops.quote_name
    for f in history_model._meta.concrete_fields:
        if f.primary_key:
            continue
        targets.append(quote(str(f.column)))
        if f.attname in source_columns:
            selects.append(quote(str(source_columns[f.attname])))
        else:
            selects.append("%s")
            params.append(extra.get(f.attname))
    head = (
        f"INSERT INTO {quote(history_model._meta.db_table)} ({', '.join(targets)}) "  # noqa: S608
        f"SELECT {', '.join(selects)} FROM {quote(model._meta.db_table)} WHERE id IN "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 5_000):
            chunk = ids[start : start + 5_000]
            cursor.execute(head + f"({', '.join(['%s'] * len(chunk))})", [*params, *chunk])


def _episode_rows() -> Iterable[tuple[Any, ...]]:
    return (
        Episode.objects.order_by("pk")
        .values_list(
            "pk",
            "family_id",
            "status",
            "opened_at",
            "allocated_team_id",
            "lead_practitioner_id",
            "allocated_at",
            "closed_at",
        )
        .iterator(chunk_size=20_000)
    )


def seed_large_episodes(context: SeedContext) -> dict[str, int]:
    world = _world(context)
    totals: dict[str, int] = {}
    if world is None:
        return totals
    rows = list(_episode_rows())
    with bulk.sqlite_bulk_session():
        for start in range(0, len(rows), CHUNK):
            stories = [_draw(world, row) for row in rows[start : start + CHUNK]]
            for key, value in _write(world, stories).items():
                totals[key] = totals.get(key, 0) + value
    totals["episodes"] = len(rows)
    return totals
