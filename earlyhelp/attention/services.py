"""Reminders: the daily job that turns today's drift into reminders in the product and one
email per person, and marking reminders as read. The only write path for `Reminder`."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from earlyhelp.accounts.models import Membership, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.core.calendar import calendar_for_council
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.core.tasks import send_email
from earlyhelp.episodes.models import Episode, FollowUpTask

from .drift import MANAGER_KINDS, EpisodeAttention, Item, merged, needs_attention
from .drift import overdue_follow_ups as follow_ups
from .models import Reminder, ReminderKind, ReminderRun

#: Reminders older than this are deleted by the daily job (read or not).
KEEP_REMINDERS_DAYS = 60

#: Reminders written per transaction.
REMINDER_BATCH = 2000

#: How the email counts each kind: (one, many).
EMAIL_LINES = {
    ReminderKind.ASSESSMENT_OVERDUE: ("assessment overdue", "assessments overdue"),
    ReminderKind.ASSESSMENT_DUE: ("assessment due soon", "assessments due soon"),
    ReminderKind.ASSESSMENT_NOT_STARTED: ("assessment not started", "assessments not started"),
    ReminderKind.REVIEW_OVERDUE: ("review overdue", "reviews overdue"),
    ReminderKind.REVIEW_DUE: ("review due soon", "reviews due soon"),
    ReminderKind.ACTION_OVERDUE: ("plan action past its date", "plan actions past their date"),
    ReminderKind.NO_CONTACT: ("family with no recent contact", "families with no recent contact"),
    ReminderKind.SCORES_WORSE: (
        "family whose scores are getting worse",
        "families whose scores are getting worse",
    ),
    ReminderKind.FOLLOW_UP_OVERDUE: ("follow-up task overdue", "follow-up tasks overdue"),
}


def _managers_by_team(team_ids: set[int]) -> dict[int, set[int]]:
    managers: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id in Membership.objects.filter(
        Membership.current_q(),
        team_id__in=team_ids,
        role=Role.TEAM_MANAGER,
        organisation__kind=OrganisationKind.COUNCIL,
        user__is_active=True,
    ).values_list("team_id", "user_id"):
        managers[team_id].add(user_id)
    return managers


def who_is_reminded(found: list[EpisodeAttention]) -> list[tuple[int, Episode, Item]]:
    """(user id, episode, item): the lead practitioner of everything on their episodes, the
    allocated team's managers of what is overdue (assessments, reviews, follow-ups); a
    follow-up task's own assignee, or the managers when nobody is assigned."""
    managers = _managers_by_team(
        {a.episode.allocated_team_id for a in found if a.episode.allocated_team_id}
    )
    wanted: list[tuple[int, Episode, Item]] = []
    for attention in found:
        episode = attention.episode
        # A restricted family is seen only through personal reasons: never the team's managers.
        team_managers = (
            set()
            if episode.family.is_restricted
            else managers.get(episode.allocated_team_id or 0, set())
        )
        for item in attention.items:
            users: set[int] = set()
            if item.kind == ReminderKind.FOLLOW_UP_OVERDUE:
                assignee = getattr(attention, "assignee_id", None)
                users = {assignee} if assignee else set(team_managers)
            else:
                if episode.lead_practitioner_id:
                    users.add(episode.lead_practitioner_id)
                if item.kind in MANAGER_KINDS:
                    users |= team_managers
            wanted += [(user_id, episode, item) for user_id in sorted(users)]
    return wanted


def send_daily_reminders(today: date, *, again: bool = False) -> dict[str, int]:
    """The daily job. On a working day: a reminder in the product for each person and each
    thing that needs their attention today (new or still open), and one email per person
    summarising them. On a weekend or bank holiday it does nothing: the next working day's run
    finds everything still open. Safe to run many times a day: once a run of the day has
    finished, later ones return at once (`again=True` runs it anyway, still creating no
    reminder twice and sending nobody a second email that day).

    The drift is worked out outside any transaction and the reminders are written in short
    batches (on SQLite a write transaction blocks every other writer); the uniqueness rule
    makes a run that stopped half-way safe to run again. The emails are sent in one
    transaction holding the day's run row, so two runs at once cannot both email someone."""
    config = CouncilConfiguration.current()
    nothing = {"working_day": 1, "reminders": 0, "emails": 0}
    if not calendar_for_council(config).is_working_day(today):
        return {**nothing, "working_day": 0}
    if not again and ReminderRun.objects.filter(for_date=today, finished_at__isnull=False).exists():
        return nothing
    run, _ = ReminderRun.objects.get_or_create(for_date=today)
    found = merged(
        needs_attention(Episode.objects.all(), today, config=config),
        _tasks_with_assignees(today, config),
    )
    existing = set(Reminder.objects.filter(for_date=today).values_list("user_id", "key"))
    new = []
    for user_id, episode, item in who_is_reminded(found):
        if (user_id, item.key) in existing:
            continue
        existing.add((user_id, item.key))
        new.append(
            Reminder(
                user_id=user_id,
                episode_id=episode.pk,
                kind=item.kind,
                key=item.key,
                text=item.text[:500],
                link=item.link,
                for_date=today,
            )
        )
    for start in range(0, len(new), REMINDER_BATCH):
        with transaction.atomic():
            Reminder.objects.bulk_create(new[start : start + REMINDER_BATCH], ignore_conflicts=True)
    # Reminders are prompts, not case records: a still-open item is reminded afresh each day.
    Reminder.objects.filter(for_date__lt=today - timedelta(days=KEEP_REMINDERS_DAYS)).delete()
    with transaction.atomic():
        run = ReminderRun.objects.select_for_update().get(pk=run.pk)
        emails = _email_summaries(today, config)
        run.finished_at = timezone.now()
        run.reminders += len(new)
        run.emails += emails
        run.save()
    return {"working_day": 1, "reminders": len(new), "emails": emails}


def _tasks_with_assignees(today: date, config: CouncilConfiguration) -> list[EpisodeAttention]:
    """Overdue follow-up tasks, grouped by episode and assignee (each group knows whom to
    remind), in one query."""
    attention = follow_ups(FollowUpTask.objects.all(), today, config=config)
    assignees = dict(
        FollowUpTask.objects.filter(done_at__isnull=True, due__lt=today).values_list(
            "pk", "assigned_to_id"
        )
    )
    found = []
    for entry in attention:
        by_assignee: dict[int | None, EpisodeAttention] = {}
        for item in entry.items:
            assignee = assignees.get(int(item.key.split(":")[1]))
            group = by_assignee.setdefault(assignee, EpisodeAttention(entry.episode))
            group.items.append(item)
        for assignee, group in by_assignee.items():
            group.assignee_id = assignee  # type: ignore[attr-defined]
            found.append(group)
    return found


def _email_summaries(today: date, config: CouncilConfiguration) -> int:
    """One email per person per day: to everyone with reminders today who has not been
    emailed today, counting their reminders by kind (no names: it goes by email)."""
    todays = Reminder.objects.filter(for_date=today)
    emailed = set(todays.filter(emailed_at__isnull=False).values_list("user_id", flat=True))
    kinds: dict[int, Counter[str]] = defaultdict(Counter)
    for user_id, kind in todays.filter(emailed_at__isnull=True).values_list("user_id", "kind"):
        if user_id not in emailed:
            kinds[user_id][kind] += 1
    if not kinds:
        return 0
    addresses = dict(
        User.objects.filter(pk__in=kinds, is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    sent = 0
    for user_id, counts in kinds.items():
        address = addresses.get(user_id)
        if not address:
            continue
        subject, body = email_text(counts, today, config)
        transaction.on_commit(
            lambda s=subject, b=body, to=address: send_email.enqueue(s, b, [to])  # type: ignore[misc]
        )
        sent += 1
    todays.filter(user_id__in=[u for u in kinds if u in addresses]).update(
        emailed_at=timezone.now()
    )
    return sent


def email_text(counts: Counter[str], today: date, config: CouncilConfiguration) -> tuple[str, str]:
    total = sum(counts.values())
    things = "thing needs" if total == 1 else "things need"
    subject = f"{config.service_name}: {total} {things} your attention today"
    lines = [
        f"{n} {EMAIL_LINES[ReminderKind(kind)][0 if n == 1 else 1]}"
        for kind, n in sorted(counts.items(), key=lambda kv: ReminderKind.values.index(kv[0]))
    ]
    body = "\n".join(
        [
            f"On {date_format(today, 'l j F Y')}, on the families you work with:",
            "",
            *(f"- {line}" for line in lines),
            "",
            f'Sign in to {config.service_name} and open "Needs attention" (from My caseload) '
            "to see them.",
            "",
            "You get this email once a day, on working days, when something needs your attention.",
        ]
    )
    return subject, body


@transaction.atomic
def mark_read(*, user: User, reminder_ids: list[int] | None = None) -> int:
    """Mark some (or, with None, all) of `user`'s unread reminders as read. A reminder about
    the same thing on an earlier day is read with it. Someone else's reminder is never
    touched."""
    unread = Reminder.objects.filter(user=user, read_at__isnull=True)
    if reminder_ids is not None:
        keys = list(unread.filter(pk__in=reminder_ids).values_list("key", flat=True))
        unread = unread.filter(key__in=keys)
    return unread.update(read_at=timezone.now())
