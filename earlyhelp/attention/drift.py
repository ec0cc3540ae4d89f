"""Drift detection: what on a set of live episodes needs someone's attention as of a given day.

An episode drifts when its work stalls: the assessment is late, the review date has passed
without a review, plan actions are past their date, nobody has been in touch with the family
for weeks, or the family's scores are getting worse. `needs_attention` finds all of these for
any number of episodes in a fixed number of queries (one for the episodes with their latest
contact and review dates as subqueries, then one each for assessments, plan actions and area
scores), so a team page or the daily job costs the same whether a team has 3 families or 300.

Dates are counted on the council's working calendar (`core.calendar`): "overdue by 3 working
days" skips weekends and bank holidays. Something is overdue once its date has passed (a review
due on Christmas Day is overdue on the next working day); "due soon" is due today or within
`DUE_SOON_WORKING_DAYS` working days.

Pass `today` explicitly: nothing in here reads the clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from earlyhelp.assessments.models import EDITABLE, AreaScore, Assessment
from earlyhelp.core.calendar import WorkingCalendar, calendar_for_council
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.episodes.models import (
    CaseNote,
    EngagementAttempt,
    Episode,
    EpisodeStatus,
    FollowUpTask,
    NoteKind,
)
from earlyhelp.meetings.codes import MeetingKind
from earlyhelp.meetings.models import Meeting
from earlyhelp.plans.codes import ActionOwnerKind, ActionStatus
from earlyhelp.plans.models import PlanAction

from .models import ReminderKind as Kind

LIVE = (EpisodeStatus.OPEN, EpisodeStatus.STEPPED_UP)
#: Case notes that are contact with the family (an observation is not).
CONTACT_NOTES = (NoteKind.VISIT, NoteKind.CALL, NoteKind.MESSAGE)
#: Plan actions still to do (done and "not done" are both finished with).
OPEN_ACTIONS = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
DUE_SOON_WORKING_DAYS = 2
#: Kinds a team manager is reminded about too (the lead practitioner is reminded of all).
MANAGER_KINDS = frozenset({Kind.ASSESSMENT_OVERDUE, Kind.REVIEW_OVERDUE, Kind.FOLLOW_UP_OVERDUE})


class Severity:
    OVERDUE = "overdue"
    CONCERN = "concern"
    DUE_SOON = "due_soon"


#: severity → (GOV.UK tag colour, tag text, rank for sorting: higher first)
SEVERITY_TAGS = {
    Severity.OVERDUE: ("govuk-tag--red", "Overdue", 3),
    Severity.CONCERN: ("govuk-tag--orange", "Check", 2),
    Severity.DUE_SOON: ("govuk-tag--yellow", "Due soon", 1),
}


@dataclass(frozen=True)
class Item:
    """One reason an episode needs attention."""

    kind: str
    severity: str
    text: str
    date: date
    link: str
    key: str
    #: Working days past the date (0 when not overdue): "most overdue" sorts on it.
    overdue_by: int = 0
    #: For a plan action owned by a practitioner: who.
    owner_id: int | None = None

    @property
    def tag_class(self) -> str:
        return SEVERITY_TAGS[self.severity][0]

    @property
    def tag_text(self) -> str:
        return SEVERITY_TAGS[self.severity][1]

    @property
    def rank(self) -> int:
        return SEVERITY_TAGS[self.severity][2]


@dataclass
class EpisodeAttention:
    episode: Episode
    items: list[Item] = field(default_factory=list)

    @property
    def most_overdue(self) -> int:
        return max((item.overdue_by for item in self.items), default=0)

    @property
    def worst(self) -> int:
        return max((item.rank for item in self.items), default=0)

    def sort_key(self) -> tuple[int, int, str]:
        """Most overdue first, then the worst severity, then by family name."""
        return (-self.most_overdue, -self.worst, self.episode.family.name.lower())


_PLACEHOLDER = 2_147_483_646


@cache
def _link_pattern(name: str, prefix: str) -> str:
    return reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")


def _link(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` without resolving the pattern again for every row."""
    return _link_pattern(name, get_script_prefix()).format(pk)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def day_label(day: date, today: date) -> str:
    """ "Tue 1 September", with the year when it is not this year's. (Spelt out here rather
    than with Django's date format: a large team's list formats thousands of dates.)"""
    label = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
    return label if day.year == today.year else f"{label} {day.year}"


def _working_days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def _due_item(
    cal: WorkingCalendar,
    today: date,
    due: date,
    *,
    what: str,
    overdue_kind: str,
    due_kind: str,
    link: str,
    key: str,
) -> Item | None:
    """Overdue, due today or due soon, or None while there is time."""
    when = day_label(due, today)
    if today > due:
        late = cal.working_days_between(due, today)
        text = (
            f"{what} overdue by {_working_days(late)} (due {when})"
            if late
            else (f"{what} overdue (due {when})")
        )
        return Item(overdue_kind, Severity.OVERDUE, text, due, link, key, overdue_by=late)
    if today == due:
        return Item(due_kind, Severity.DUE_SOON, f"{what} due today ({when})", due, link, key)
    if cal.working_days_between(today, due) <= DUE_SOON_WORKING_DAYS:
        text = f"{what} due within {DUE_SOON_WORKING_DAYS} working days ({when})"
        return Item(due_kind, Severity.DUE_SOON, text, due, link, key)
    return None


def _local_date(moment: datetime | None) -> date | None:
    return None if moment is None else timezone.localtime(moment).date()


def live(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    return episodes.filter(status__in=LIVE)


def _annotated(episodes: QuerySet[Episode], today: date) -> QuerySet[Episode]:
    """The episodes with, as subqueries, the latest contact of each sort and the review dates."""
    end_of_today = timezone.make_aware(
        datetime.combine(today + timedelta(days=1), datetime.min.time())
    )
    held = Meeting.objects.filter(episode=OuterRef("pk"), held_at__isnull=False)
    return (
        episodes.select_related("family", "lead_practitioner")
        .only(
            "pk",
            "status",
            "opened_at",
            "allocated_at",
            "allocated_team_id",
            "external_lead_name",
            "family__name",
            "family__is_restricted",
            "lead_practitioner__full_name",
            "lead_practitioner__email",
        )
        .annotate(
            last_note_on=Subquery(
                CaseNote.objects.filter(
                    family=OuterRef("family_id"), kind__in=CONTACT_NOTES, occurred_on__lte=today
                )
                .order_by("-occurred_on")
                .values("occurred_on")[:1]
            ),
            last_attempt_on=Subquery(
                EngagementAttempt.objects.filter(
                    family=OuterRef("family_id"), attempted_on__lte=today
                )
                .order_by("-attempted_on")
                .values("attempted_on")[:1]
            ),
            last_meeting_at=Subquery(
                held.filter(starts_at__lt=end_of_today)
                .order_by("-starts_at")
                .values("starts_at")[:1]
            ),
            # As meetings.services.next_review_due: set by the latest review held, else the review
            # interval after the first team around the family meeting held.
            next_review_on=Subquery(
                held.filter(kind=MeetingKind.REVIEW)
                .order_by("-starts_at", "-pk")
                .values("next_review_on")[:1]
            ),
            first_taf_at=Subquery(
                held.filter(kind=MeetingKind.TEAM_AROUND_THE_FAMILY)
                .order_by("starts_at", "pk")
                .values("starts_at")[:1]
            ),
            has_assessment=Exists(Assessment.objects.filter(episode=OuterRef("pk"))),
        )
    )


def needs_attention(
    episodes: QuerySet[Episode],
    today: date,
    *,
    config: CouncilConfiguration | None = None,
    actions_of: int | None = None,
) -> list[EpisodeAttention]:
    """Every live episode among `episodes` that needs attention on `today`, with its reasons,
    most overdue first. With `actions_of` (a user's id) only the plan actions that user owns
    are looked at (a partner on the team around the family sees just their own actions)."""
    config = config or CouncilConfiguration.current()
    cal = calendar_for_council(config)
    base = live(episodes)
    ids = base.values("pk")
    found: dict[int, EpisodeAttention] = {
        episode.pk: EpisodeAttention(episode) for episode in _annotated(base, today).order_by("pk")
    }
    if not found:
        return []

    if actions_of is None:
        for attention in found.values():
            _episode_checks(attention, today, cal, config)
        _assessment_checks(found, ids, today, cal)
        _score_checks(found, ids, today)
    _action_checks(found, ids, today, cal, actions_of)

    result = [attention for attention in found.values() if attention.items]
    for attention in result:
        attention.items.sort(key=lambda item: (-item.overdue_by, -item.rank, item.date))
    result.sort(key=EpisodeAttention.sort_key)
    return result


def _episode_checks(
    attention: EpisodeAttention, today: date, cal: WorkingCalendar, config: CouncilConfiguration
) -> None:
    """What the annotations tell: the review, contact, and an assessment never started."""
    episode = attention.episode
    family_id = episode.family_id
    row = episode.__dict__  # the annotations of `_annotated`
    if episode.status == EpisodeStatus.OPEN:
        # Stepped up: children's social care's own timescales apply to reviews and assessment.
        review_due = row["next_review_on"]
        if review_due is None and row["first_taf_at"] is not None:
            first_taf = _local_date(row["first_taf_at"])
            assert first_taf is not None
            review_due = first_taf + timedelta(weeks=config.review_interval_weeks)
        if review_due is not None:
            item = _due_item(
                cal,
                today,
                review_due,
                what="Review",
                overdue_kind=Kind.REVIEW_OVERDUE,
                due_kind=Kind.REVIEW_DUE,
                link=_link("meetings:family", family_id),
                key=f"review:{episode.pk}:{review_due.isoformat()}",
            )
            if item is not None:
                attention.items.append(item)
        allocated = _local_date(episode.allocated_at)
        if not row["has_assessment"] and allocated is not None:
            due = cal.add_working_days(allocated, config.assessment_working_days)
            if today > due:
                late = cal.working_days_between(due, today)
                text = (
                    f"Assessment not started: allocated {day_label(allocated, today)}, "
                    f"{_working_days(config.assessment_working_days)} ago or more"
                )
                attention.items.append(
                    Item(
                        Kind.ASSESSMENT_NOT_STARTED,
                        Severity.OVERDUE,
                        text,
                        due,
                        _link("assessments:family", family_id),
                        f"assessment_start:{episode.pk}",
                        overdue_by=late,
                    )
                )
    contacts = [
        row["last_note_on"],
        row["last_attempt_on"],
        _local_date(row["last_meeting_at"]),
    ]
    last_contact = max((d for d in contacts if d is not None), default=None)
    since = last_contact or _local_date(episode.allocated_at) or _local_date(episode.opened_at)
    weeks = config.no_contact_weeks
    if since is not None and weeks and (today - since).days > 7 * weeks:
        gone = (today - since).days // 7
        if last_contact is not None:
            text = f"No contact for {gone} weeks (last contact {day_label(since, today)})"
        else:
            text = f"No contact recorded since allocation on {day_label(since, today)}"
        threshold = since + timedelta(weeks=weeks)
        attention.items.append(
            Item(
                Kind.NO_CONTACT,
                Severity.CONCERN,
                text,
                since,
                _link("episodes:notes", family_id),
                f"no_contact:{episode.pk}:{since.isoformat()}",
                overdue_by=max(cal.working_days_between(threshold, today), 0),
            )
        )


def _assessment_checks(
    found: dict[int, EpisodeAttention], ids: QuerySet, today: date, cal: WorkingCalendar
) -> None:
    assessments = Assessment.objects.filter(
        episode__in=ids, status__in=EDITABLE, episode__status=EpisodeStatus.OPEN
    ).values_list("pk", "episode_id", "due_on")
    for pk, episode_id, due_on in assessments:
        attention = found[episode_id]
        item = _due_item(
            cal,
            today,
            due_on,
            what="Assessment",
            overdue_kind=Kind.ASSESSMENT_OVERDUE,
            due_kind=Kind.ASSESSMENT_DUE,
            link=_link("assessments:assessment", pk),
            key=f"assessment:{pk}",
        )
        if item is not None:
            attention.items.append(item)


def _action_checks(
    found: dict[int, EpisodeAttention],
    ids: QuerySet,
    today: date,
    cal: WorkingCalendar,
    owner: int | None,
) -> None:
    actions = PlanAction.objects.filter(
        need__plan__episode__in=ids, status__in=OPEN_ACTIONS, due_on__lt=today
    ).order_by("due_on", "pk")
    if owner is not None:
        actions = actions.filter(owner_kind=ActionOwnerKind.PRACTITIONER, owner_user_id=owner)
    # Plain rows, not models: a large team can have thousands of late actions.
    for row in actions.values_list(
        "pk",
        "need__plan__episode_id",
        "description",
        "due_on",
        "owner_kind",
        "owner_user_id",
        "owner_user__full_name",
        "owner_user__email",
        "owner_organisation",
        "owner_person__given_name",
        "owner_person__family_name",
    ):
        pk, episode_id, description, due_on, kind, user_id, full_name, email = row[:8]
        organisation, given_name, family_name = row[8:]
        if kind == ActionOwnerKind.PRACTITIONER:
            who = full_name or email or ""
        elif kind == ActionOwnerKind.FAMILY_MEMBER:
            who = f"{given_name or ''} {family_name or ''}".strip()
        else:
            who = organisation
        text = f"Plan action past its date: “{_shorten(description)}”"
        if who:
            text += f" ({who})"
        text += f", due {day_label(due_on, today)}"
        found[episode_id].items.append(
            Item(
                Kind.ACTION_OVERDUE,
                Severity.OVERDUE,
                text,
                due_on,
                _link("plans:action", pk),
                f"action:{pk}",
                overdue_by=cal.working_days_between(due_on, today),
                owner_id=user_id if kind == ActionOwnerKind.PRACTITIONER else None,
            )
        )


def _score_checks(found: dict[int, EpisodeAttention], ids: QuerySet, today: date) -> None:
    """Any area whose latest score is lower than the one before it."""
    history: dict[tuple[int, str], list[tuple[date, int, str]]] = defaultdict(list)
    latest_two = (
        AreaScore.objects.filter(episode__in=ids, scored_on__lte=today)
        .annotate(
            newness=Window(
                RowNumber(),
                partition_by=[F("episode_id"), F("area_key")],
                order_by=[F("scored_on").desc(), F("pk").desc()],
            )
        )
        .filter(newness__lte=2)
        .order_by("episode_id", "area_key", "scored_on", "pk")
    )
    for episode_id, key, label, score, scored_on in latest_two.values_list(
        "episode_id", "area_key", "area_label", "score", "scored_on"
    ):
        history[(episode_id, key)].append((scored_on, score, label))
    worse: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for (episode_id, _key), scores in history.items():
        if len(scores) >= 2 and scores[-1][1] < scores[-2][1]:
            (_, before, _), (on, now, label) = scores[-2], scores[-1]
            worse[episode_id].append((on, f"{label} {before} to {now}"))
    for episode_id, areas in worse.items():
        latest = max(on for on, _ in areas)
        family_id = found[episode_id].episode.family_id
        found[episode_id].items.append(
            Item(
                Kind.SCORES_WORSE,
                Severity.CONCERN,
                f"Scores getting worse: {'; '.join(text for _, text in sorted(areas))} "
                f"(scored {day_label(latest, today)})",
                latest,
                _link("meetings:distance_travelled", family_id),
                f"scores:{episode_id}:{latest.isoformat()}",
            )
        )


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def overdue_follow_ups(
    tasks: QuerySet[FollowUpTask], today: date, *, config: CouncilConfiguration | None = None
) -> list[EpisodeAttention]:
    """Follow-up tasks (sustainment checks on closed episodes) past their date and not done."""
    cal = calendar_for_council(config)
    by_episode: dict[int, EpisodeAttention] = {}
    for task in (
        tasks.filter(done_at__isnull=True, due__lt=today)
        .select_related("episode__family", "episode__lead_practitioner")
        .order_by("due", "pk")
    ):
        attention = by_episode.setdefault(task.episode_id, EpisodeAttention(task.episode))
        late = cal.working_days_between(task.due, today)
        attention.items.append(
            Item(
                Kind.FOLLOW_UP_OVERDUE,
                Severity.OVERDUE,
                f"{task.get_kind_display()} overdue by {_working_days(late)} "
                f"(due {day_label(task.due, today)})",
                task.due,
                _link("episodes:family_episode", task.episode.family_id),
                f"follow_up:{task.pk}",
                overdue_by=late,
            )
        )
    return sorted(by_episode.values(), key=EpisodeAttention.sort_key)


def merged(*lists: Iterable[EpisodeAttention]) -> list[EpisodeAttention]:
    """Several lists as one, most overdue first."""
    return sorted((a for found in lists for a in found), key=EpisodeAttention.sort_key)
