"""The only write path for episodes: opening one from a front-door decision, allocating it to a
team and a lead practitioner, and the rest of the episode up to closure (with a manager's
approval of step up and closure when the council asks for it).

Allocation is the moment the people who will do the work get a reason to see the family: the
team's and the lead practitioner's involvements start in the same transaction."""

import calendar
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from earlyhelp.accounts.models import Membership, Organisation, Team, User
from earlyhelp.accounts.roles import Role
from earlyhelp.consent import services as consent_services
from earlyhelp.core.models import ClosureReason, CouncilConfiguration, LevelOfNeed
from earlyhelp.core.tasks import send_email
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole, InvolvementReason
from earlyhelp.people.models import Family, Involvement, Person

from .access import manages
from .models import (
    ApprovalDecision,
    ApprovalKind,
    CaseNote,
    ChronologyEntry,
    ChronologyKind,
    EngagementAttempt,
    Episode,
    EpisodeApproval,
    EpisodeChild,
    EpisodeStatus,
    FollowUpKind,
    FollowUpTask,
    LeadPractitionerSpell,
    LevelChange,
    StepDown,
    StepUp,
    SupervisionNote,
    TeamAroundFamilyMember,
)


def _reason(obj: Any, reason: str) -> None:
    obj._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"


@transaction.atomic
def open_episode(
    *,
    actor: User | None,
    family: Family,
    source_contact: Any = None,
    opened_at: datetime | None = None,
) -> Episode:
    """Open the family's early help episode, waiting for allocation. A family already waiting
    or already open keeps its episode: work is never started twice."""
    current = (
        Episode.objects.select_for_update()
        .filter(family=family)
        .exclude(status=EpisodeStatus.CLOSED)
        .order_by("opened_at", "pk")
        .first()
    )
    if current is not None:
        return current
    episode = Episode(
        family=family,
        status=EpisodeStatus.AWAITING_ALLOCATION,
        source_contact=source_contact,
        opened_at=opened_at or timezone.now(),
    )
    episode.full_clean()
    _reason(episode, "Opened by the front door's decision")
    episode.save()
    add_children_in_scope(episode)
    return episode


def team_members(team: Team) -> list[User]:
    """Current members of `team`, who may be its episodes' lead practitioners."""
    return list(
        User.objects.filter(
            memberships__in=Membership.objects.filter(Membership.current_q(), team=team)
        )
        .distinct()
        .order_by("full_name", "pk")
    )


@transaction.atomic
def allocate(
    *,
    actor: User,
    episode: Episode,
    team: Team,
    lead_practitioner: User | None,
    note: str = "",
) -> Episode:
    """Give the episode a team and, when known, a lead practitioner.

    With a lead practitioner the episode is open; without one it waits on the team's own
    waiting list (still "waiting for allocation", now with a team). Either way the team, and the
    lead practitioner personally, can see the family from now on."""
    if episode.status == EpisodeStatus.CLOSED:
        raise ValidationError("A closed episode cannot be allocated.")
    if lead_practitioner is not None and lead_practitioner.pk not in {
        u.pk for u in team_members(team)
    }:
        raise ValidationError(
            {"lead_practitioner": f"{lead_practitioner} is not a current member of {team}."}
        )
    now = timezone.now()
    episode.allocated_team = team
    episode.allocated_by = actor
    episode.allocated_at = now
    episode.allocation_note = note
    if lead_practitioner is not None:
        episode.lead_practitioner = lead_practitioner
        episode.status = EpisodeStatus.OPEN
    episode.full_clean()
    _reason(episode, note or f"Allocated to {team}")
    episode.save()
    people_services.start_involvement(
        actor=actor,
        reason=InvolvementReason.ALLOCATED_TEAM,
        family=episode.family,
        team=team,
        note=f"Episode allocated to {team}",
    )
    if lead_practitioner is not None:
        people_services.start_involvement(
            actor=actor,
            reason=InvolvementReason.LEAD_PRACTITIONER,
            family=episode.family,
            user=lead_practitioner,
            note=f"Lead practitioner for {episode.family}",
        )
        record_first_lead(episode, actor)
    add_children_in_scope(episode)
    return episode


@transaction.atomic
def add_chronology_entry(
    *,
    family: Family,
    kind: str,
    summary: str,
    occurred_at: datetime | None = None,
    episode: Episode | None = None,
    detail: str = "",
    significant: bool = True,
    source: Any = None,
    actor: User | None = None,
) -> ChronologyEntry:
    """Add an event to the family's chronology. `source` is the record it came from (its model
    name and id are kept, so the chronology can link to it)."""
    entry = ChronologyEntry(
        family=family,
        episode=episode,
        kind=kind,
        summary=summary[:500],
        detail=detail,
        significant=significant,
        occurred_at=occurred_at or timezone.now(),
        source_type=source._meta.model_name if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
        recorded_by=actor,
    )
    entry.full_clean()
    _reason(entry, f"Chronology: {entry.get_kind_display()}")
    entry.save()
    return entry


# --- Children in scope and their levels of need -------------------------------------------------


def add_children_in_scope(episode: Episode) -> None:
    """Every child currently in the family is in the episode's scope until said otherwise."""
    have = set(episode.children.values_list("person_id", flat=True))
    for member in episode.family.members.filter(role=FamilyRole.CHILD, left_on__isnull=True):
        if member.person_id not in have:
            child = EpisodeChild(episode=episode, person_id=member.person_id)
            _reason(child, "Child in the family when the episode opened")
            child.save()


@transaction.atomic
def set_level(
    *,
    actor: User | None,
    episode: Episode,
    person: Person,
    level: LevelOfNeed,
    changed_on: date,
    reason: str,
) -> LevelChange:
    """Set or change one child's level of need. The lead practitioner stays the same: changing
    them is a separate, deliberate act (`change_lead`)."""
    child, _ = EpisodeChild.objects.get_or_create(episode=episode, person=person)
    if child.level_id == level.pk:
        raise ValidationError({"level": f"{person} is already at {level}."})
    change = LevelChange(
        child=child,
        from_level=child.level,
        to_level=level,
        changed_on=changed_on,
        reason=reason,
        changed_by=actor,
    )
    change.full_clean()
    _reason(change, reason)
    change.save()
    first = child.level_id is None
    child.level = level
    _reason(child, reason)
    child.save()
    add_chronology_entry(
        family=episode.family,
        episode=episode,
        kind=ChronologyKind.LEVEL_CHANGE,
        summary=(
            f"{person.full_name}: level of need set to {level}"
            if first
            else f"{person.full_name}: level of need changed to {level}"
        ),
        detail=reason,
        occurred_at=_at(changed_on),
        source=change,
        actor=actor,
    )
    return change


def _at(day: date) -> datetime:
    """Midday on `day` (local time): an event known only by its date."""
    now = timezone.localtime()
    if day == now.date():
        return now
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


# --- Lead practitioner ------------------------------------------------------------------------


def _current_spell(episode: Episode) -> LeadPractitionerSpell | None:
    return episode.lead_spells.filter(ended_at__isnull=True).order_by("-started_at").first()


def _end_lead_access(actor: User | None, episode: Episode, why: str) -> None:
    if episode.lead_practitioner_id is None:
        return
    still_leading = (
        Episode.objects.filter(family=episode.family, lead_practitioner=episode.lead_practitioner)
        .exclude(pk=episode.pk)
        .exclude(status=EpisodeStatus.CLOSED)
        .exists()
    )
    if still_leading:
        return
    for involvement in Involvement.objects.filter(
        family=episode.family,
        user_id=episode.lead_practitioner_id,
        reason=InvolvementReason.LEAD_PRACTITIONER,
        ended_at__isnull=True,
    ):
        people_services.end_involvement(actor=actor, involvement=involvement, reason=why)


def record_first_lead(episode: Episode, actor: User | None) -> None:
    """The lead history starts with whoever allocation chose."""
    if episode.lead_practitioner_id is None or _current_spell(episode) is not None:
        return
    spell = LeadPractitionerSpell(
        episode=episode,
        user_id=episode.lead_practitioner_id,
        started_at=episode.allocated_at or timezone.now(),
        reason=episode.allocation_note or "Allocated",
        recorded_by=actor,
    )
    _reason(spell, "First lead practitioner")
    spell.save()


@transaction.atomic
def change_lead(
    *,
    actor: User | None,
    episode: Episode,
    new_lead: User | None,
    external_name: str = "",
    reason: str,
    family_had_say: bool = False,
    family_view: str = "",
    kind: str = ChronologyKind.MANUAL,
) -> LeadPractitionerSpell:
    """Hand the family to a new lead practitioner. The old lead's personal reason to see the
    family ends and the new lead's starts, in one transaction."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.status == EpisodeStatus.CLOSED:
        raise ValidationError("A closed episode has no lead practitioner to change.")
    if new_lead is None and not external_name.strip():
        raise ValidationError({"new_lead": "Choose the new lead practitioner"})
    if new_lead is not None and new_lead.pk == episode.lead_practitioner_id:
        raise ValidationError({"new_lead": f"{new_lead} is already the lead practitioner"})
    now = timezone.now()
    record_first_lead(episode, actor)
    current = _current_spell(episode)
    if current is None and episode.external_lead_name:
        current = LeadPractitionerSpell(
            episode=episode, name=episode.external_lead_name, started_at=episode.opened_at
        )
        _reason(current, "Lead practitioner with no account here")
        current.save()
    if current is not None:
        current.ended_at = now
        _reason(current, f"Lead practitioner spell ended: {reason}")
        current.save(update_fields=["ended_at"])
    _end_lead_access(actor, episode, f"No longer lead practitioner: {reason}")
    episode.lead_practitioner = new_lead
    episode.external_lead_name = "" if new_lead is not None else external_name.strip()
    _reason(episode, f"Lead practitioner changed: {reason}")
    episode.save()
    spell = LeadPractitionerSpell(
        episode=episode,
        user=new_lead,
        name="" if new_lead is not None else external_name.strip(),
        started_at=now,
        family_had_say=family_had_say,
        family_view=family_view,
        reason=reason,
        recorded_by=actor,
    )
    spell.full_clean()
    _reason(spell, f"Lead practitioner: {reason}")
    spell.save()
    if new_lead is not None:
        people_services.start_involvement(
            actor=actor,
            reason=InvolvementReason.LEAD_PRACTITIONER,
            family=episode.family,
            user=new_lead,
            note=f"Lead practitioner for {episode.family}",
        )
    if kind == ChronologyKind.MANUAL:
        add_chronology_entry(
            family=episode.family,
            episode=episode,
            kind=ChronologyKind.ALLOCATION,
            summary=f"Lead practitioner changed to {spell.display_name}",
            detail=reason,
            source=spell,
            actor=actor,
        )
    return spell


# --- Team around the family -------------------------------------------------------------------


@transaction.atomic
def join_team_around_family(
    *,
    actor: User | None,
    episode: Episode,
    user: User,
    role: str,
    organisation: Organisation | None = None,
    joined_on: date | None = None,
) -> TeamAroundFamilyMember:
    """Add a practitioner to the team around the family: they may see the family from now on
    (while the family's consent to share with their agency allows; see consent.services)."""
    if not episode.is_live:
        raise ValidationError("Only an open episode has a team around the family.")
    if TeamAroundFamilyMember.objects.filter(
        episode=episode, user=user, left_on__isnull=True
    ).exists():
        raise ValidationError({"user": f"{user} is already on the team around the family"})
    if organisation is None:
        membership = user.active_memberships().first()
        organisation = membership.organisation if membership is not None else None
    involvement = people_services.start_involvement(
        actor=actor,
        reason=InvolvementReason.TEAM_AROUND_FAMILY,
        family=episode.family,
        user=user,
        note=f"Team around the family: {role}",
    )
    member = TeamAroundFamilyMember(
        episode=episode,
        user=user,
        organisation=organisation,
        role=role,
        joined_on=joined_on or timezone.localdate(),
        involvement=involvement,
        added_by=actor,
    )
    member.full_clean()
    _reason(member, f"Joined the team around the family as {role}")
    member.save()
    # Consent may already rule this agency out: the new involvement follows the family's choice.
    consent_services.apply_consent_to_access(actor=actor, family=episode.family)
    return member


@transaction.atomic
def leave_team_around_family(
    *, actor: User | None, member: TeamAroundFamilyMember, left_on: date | None = None
) -> TeamAroundFamilyMember:
    """The practitioner leaves the team around the family and loses that reason to see it."""
    if member.left_on is not None:
        return member
    member.left_on = left_on or timezone.localdate()
    _reason(member, "Left the team around the family")
    member.save()
    others = TeamAroundFamilyMember.objects.filter(
        episode__family_id=member.episode.family_id, user_id=member.user_id, left_on__isnull=True
    ).exclude(pk=member.pk)
    if not others.exists():
        for involvement in Involvement.objects.filter(
            family_id=member.episode.family_id,
            user_id=member.user_id,
            reason=InvolvementReason.TEAM_AROUND_FAMILY,
            ended_at__isnull=True,
        ):
            people_services.end_involvement(
                actor=actor, involvement=involvement, reason="Left the team around the family"
            )
    return member


# --- Step up, step down, closure --------------------------------------------------------------


@transaction.atomic
def step_up(
    *,
    actor: User | None,
    episode: Episode,
    decided_on: date,
    decided_by: str,
    reason: str,
    handover_notes: str = "",
    social_worker: User | None = None,
    social_worker_name: str = "",
) -> StepUp:
    """Step the family up to children's social care. The social worker (a user here, or named)
    becomes the lead practitioner; the early help lead's personal access ends."""
    if episode.status != EpisodeStatus.OPEN:
        raise ValidationError("Only an open early help episode can be stepped up.")
    if social_worker is None and not social_worker_name.strip():
        raise ValidationError({"social_worker": "Choose or name the social worker"})
    record = StepUp(
        episode=episode,
        decided_on=decided_on,
        decided_by=decided_by,
        reason=reason,
        handover_notes=handover_notes,
        social_worker=social_worker,
        social_worker_name="" if social_worker else social_worker_name.strip(),
        recorded_by=actor,
    )
    record.full_clean()
    _reason(record, "Stepped up to children's social care")
    record.save()
    change_lead(
        actor=actor,
        episode=episode,
        new_lead=social_worker,
        external_name=social_worker_name,
        reason=f"Stepped up to children's social care: {reason}",
        kind=ChronologyKind.STEP_UP,
    )
    episode.refresh_from_db()
    episode.status = EpisodeStatus.STEPPED_UP
    _reason(episode, "Stepped up to children's social care")
    episode.save()
    add_chronology_entry(
        family=episode.family,
        episode=episode,
        kind=ChronologyKind.STEP_UP,
        summary=f"Stepped up to children's social care; lead practitioner {episode.lead_name}",
        detail=reason + (f"\n\nHandover: {handover_notes}" if handover_notes else ""),
        occurred_at=_at(decided_on),
        source=record,
        actor=actor,
    )
    return record


@transaction.atomic
def step_down(
    *,
    actor: User | None,
    episode: Episode,
    decided_on: date,
    handover_meeting_on: date,
    receiving_lead: User,
    family_consent: bool,
    reason: str,
) -> StepDown:
    """Children's social care hands the family back to early help, to a receiving lead."""
    if episode.status != EpisodeStatus.STEPPED_UP:
        raise ValidationError("Only a stepped-up episode can be stepped down.")
    record = StepDown(
        episode=episode,
        decided_on=decided_on,
        handover_meeting_on=handover_meeting_on,
        receiving_lead=receiving_lead,
        family_consent=family_consent,
        reason=reason,
        recorded_by=actor,
    )
    record.full_clean()
    _reason(record, "Stepped down to early help")
    record.save()
    if receiving_lead.pk != episode.lead_practitioner_id:
        change_lead(
            actor=actor,
            episode=episode,
            new_lead=receiving_lead,
            reason=f"Stepped down to early help: {reason}",
            family_had_say=family_consent,
            kind=ChronologyKind.STEP_DOWN,
        )
    episode.refresh_from_db()
    episode.status = EpisodeStatus.OPEN
    _reason(episode, "Stepped down to early help")
    episode.save()
    add_chronology_entry(
        family=episode.family,
        episode=episode,
        kind=ChronologyKind.STEP_DOWN,
        summary=f"Stepped down to early help; lead practitioner {episode.lead_name}",
        detail=reason,
        occurred_at=_at(decided_on),
        source=record,
        actor=actor,
    )
    return record


@transaction.atomic
def close_episode(
    *,
    actor: User | None,
    episode: Episode,
    reason: ClosureReason,
    note: str = "",
    closed_on: date | None = None,
) -> Episode:
    """Close the episode. The team around the family stand down (their access ends); the lead
    practitioner keeps theirs for the sustainment check, which the periodic job creates."""
    if episode.status == EpisodeStatus.CLOSED:
        raise ValidationError("This episode is already closed.")
    when = _at(closed_on) if closed_on else timezone.now()
    for member in episode.taf_members.filter(left_on__isnull=True):
        leave_team_around_family(actor=actor, member=member, left_on=when.date())
    episode.status = EpisodeStatus.CLOSED
    episode.closed_at = when
    episode.closure_reason = reason
    episode.closure_note = note
    episode.closed_by = actor
    episode.full_clean()
    _reason(episode, f"Closed: {reason}")
    episode.save()
    add_chronology_entry(
        family=episode.family,
        episode=episode,
        kind=ChronologyKind.CLOSURE,
        summary=f"Episode closed: {reason.label}",
        detail=note,
        occurred_at=when,
        source=episode,
        actor=actor,
    )
    return episode


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def create_sustainment_tasks(today: date | None = None) -> int:
    """The periodic job: for each episode closed N months ago (or more) without a sustainment
    check yet, a follow-up task for its former lead practitioner, due N months after closure.
    Idempotent."""
    today = today or timezone.localdate()
    months = CouncilConfiguration.current().sustainment_check_months
    created = 0
    candidates = (
        Episode.objects.filter(status=EpisodeStatus.CLOSED, closed_at__isnull=False)
        .exclude(follow_ups__kind=FollowUpKind.SUSTAINMENT)
        .exclude(closure_reason__code__in=NO_SUSTAINMENT_CHECK)
        .only("pk", "closed_at", "lead_practitioner_id")
    )
    for episode in candidates.iterator():
        assert episode.closed_at is not None
        due = add_months(timezone.localtime(episode.closed_at).date(), months)
        if due > today:
            continue
        task = FollowUpTask(
            episode=episode,
            kind=FollowUpKind.SUSTAINMENT,
            due=due,
            assigned_to_id=episode.lead_practitioner_id,
        )
        _reason(task, "Sustainment check due")
        task.save()
        created += 1
    return created


#: Closures where the family is no longer ours to check on.
NO_SUSTAINMENT_CHECK = ("stepped-up", "moved-out-of-area")


@transaction.atomic
def complete_follow_up(*, actor: User, task: FollowUpTask) -> FollowUpTask:
    if task.done_at is None:
        task.done_at = timezone.now()
        _reason(task, "Follow-up done")
        task.save(update_fields=["done_at"])
    return task


# --- Notes ------------------------------------------------------------------------------------


def current_episode(family: Family) -> Episode | None:
    """The family's episode that is going on now, or else its latest."""
    live = (
        Episode.objects.filter(family=family)
        .exclude(status=EpisodeStatus.CLOSED)
        .order_by("-opened_at", "-pk")
        .first()
    )
    return live or Episode.objects.filter(family=family).order_by("-opened_at", "-pk").first()


@transaction.atomic
def record_case_note(
    *,
    actor: User,
    family: Family,
    kind: str,
    occurred_on: date,
    text: str,
    significant: bool = False,
) -> CaseNote:
    """A case note; a significant one also goes on the family's chronology."""
    note = CaseNote(
        family=family,
        episode=current_episode(family),
        kind=kind,
        occurred_on=occurred_on,
        text=text,
        significant=significant,
        recorded_by=actor,
    )
    note.full_clean()
    _reason(note, "Case note recorded")
    note.save()
    if significant:
        add_chronology_entry(
            family=family,
            episode=note.episode,
            kind=ChronologyKind.NOTE,
            summary=f"{note.get_kind_display()}: {text[:200]}",
            detail=text,
            occurred_at=_at(occurred_on),
            source=note,
            actor=actor,
        )
    return note


@transaction.atomic
def record_engagement_attempt(
    *,
    actor: User,
    family: Family,
    attempted_on: date,
    method: str,
    outcome: str,
    note: str = "",
) -> EngagementAttempt:
    attempt = EngagementAttempt(
        family=family,
        episode=current_episode(family),
        attempted_on=attempted_on,
        method=method,
        outcome=outcome,
        note=note,
        recorded_by=actor,
    )
    attempt.full_clean()
    _reason(attempt, f"Engagement attempt: {attempt.get_outcome_display()}")
    attempt.save()
    return attempt


@transaction.atomic
def record_supervision_note(
    *,
    actor: User,
    family: Family,
    kind: str,
    occurred_on: date,
    text: str,
    actions: str = "",
) -> SupervisionNote:
    note = SupervisionNote(
        family=family,
        episode=current_episode(family),
        kind=kind,
        occurred_on=occurred_on,
        text=text,
        actions=actions,
        recorded_by=actor,
    )
    note.full_clean()
    _reason(note, f"{note.get_kind_display()} note recorded")
    note.save()
    return note


@transaction.atomic
def add_manual_entry(
    *, actor: User, family: Family, occurred_on: date, summary: str, detail: str = ""
) -> ChronologyEntry:
    return add_chronology_entry(
        family=family,
        episode=current_episode(family),
        kind=ChronologyKind.MANUAL,
        summary=summary,
        detail=detail,
        occurred_at=_at(occurred_on),
        actor=actor,
    )


# --- Approvals of step up and closure ---------------------------------------------------------
#
# When the council asks for it (`CouncilConfiguration.step_up_needs_approval`,
# `closure_needs_approval`), a step up or closure recorded by anyone but a manager of the
# episode's team waits as an `EpisodeApproval` until one of those managers approves it (it then
# takes effect through `step_up` or `close_episode`, with the requester's details) or declines
# it with a reason. One request waits at a time per episode.

APPROVAL_TITLES = {
    ApprovalKind.STEP_UP: "Step up to children's social care",
    ApprovalKind.CLOSURE: "Closure of the episode",
}


def approval_required(actor: User | None, episode: Episode, kind: str) -> bool:
    """Does `actor` need a manager's approval to do `kind` on this episode? Never when the
    council does not ask for it, nor for a manager of the episode's team."""
    config = CouncilConfiguration.current()
    required = (
        config.step_up_needs_approval
        if kind == ApprovalKind.STEP_UP
        else config.closure_needs_approval
    )
    # An episode with no team yet has no manager to ask (and nobody working on it). A
    # restricted family is seen only through personal reasons, so the team's managers could
    # neither read nor decide the request: the lead practitioner's own decision stands.
    return (
        required
        and episode.allocated_team_id is not None
        and not episode.family.is_restricted
        and not manages(actor, episode)
    )


def pending_approval(episode: Episode) -> EpisodeApproval | None:
    return (
        EpisodeApproval.objects.filter(episode=episode, decision=ApprovalDecision.PENDING)
        .select_related("requested_by")
        .first()
    )


def _refuse_while_pending(episode: Episode) -> None:
    pending = pending_approval(episode)
    if pending is not None:
        what = APPROVAL_TITLES[ApprovalKind(pending.kind)].lower()
        raise ValidationError(
            f"A request for {what} is already waiting for a manager's approval. "
            "It must be approved or declined before anything else is asked for or done."
        )


def _team_manager_emails(episode: Episode) -> list[str]:
    if episode.allocated_team_id is None:
        return []
    return list(
        User.objects.filter(
            memberships__in=Membership.objects.filter(
                Membership.current_q(), team_id=episode.allocated_team_id, role=Role.TEAM_MANAGER
            ),
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def _email_on_commit(subject: str, body: str, to: list[str]) -> None:
    """Emails never name the family or the children: the details are behind sign-in."""
    if to:
        transaction.on_commit(lambda: send_email.enqueue(subject, body, to))


def _request_approval(
    *, actor: User, episode: Episode, kind: str, details: dict[str, Any]
) -> EpisodeApproval:
    approval = EpisodeApproval(
        episode=episode,
        kind=kind,
        details=details,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    # The one-waiting-per-episode constraint is the database's (below), for racing requests.
    approval.full_clean(validate_constraints=False)
    title = APPROVAL_TITLES[ApprovalKind(kind)]
    _reason(approval, f"{title}: asked for a manager's approval")
    try:
        with transaction.atomic():
            approval.save()
    except IntegrityError:
        # Someone else's request got in first (the one-waiting-per-episode constraint).
        _refuse_while_pending(episode)
        raise
    add_chronology_entry(
        family=episode.family,
        episode=episode,
        kind=ChronologyKind.APPROVAL,
        summary=f"{title} sent to a manager for approval",
        detail=details["reason"] if kind == ApprovalKind.STEP_UP else details.get("note", ""),
        significant=False,
        source=approval,
        actor=actor,
    )
    _email_on_commit(
        f"Waiting for your approval: {title.lower()}",
        f"A practitioner in your team has asked for your approval: {title.lower()}.\n\n"
        "Sign in and open Approvals to approve or decline it.",
        _team_manager_emails(episode),
    )
    return approval


@transaction.atomic
def record_step_up(
    *,
    actor: User,
    episode: Episode,
    decided_on: date,
    decided_by: str,
    reason: str,
    handover_notes: str = "",
    social_worker: User | None = None,
    social_worker_name: str = "",
) -> StepUp | EpisodeApproval:
    """A step up from the episode's pages: done now (`step_up`), or, when the council asks for
    a manager's approval and `actor` is not a manager of the team, a request waiting for it."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    _refuse_while_pending(episode)
    if not approval_required(actor, episode, ApprovalKind.STEP_UP):
        return step_up(
            actor=actor,
            episode=episode,
            decided_on=decided_on,
            decided_by=decided_by,
            reason=reason,
            handover_notes=handover_notes,
            social_worker=social_worker,
            social_worker_name=social_worker_name,
        )
    if episode.status != EpisodeStatus.OPEN:
        raise ValidationError("Only an open early help episode can be stepped up.")
    if social_worker is None and not social_worker_name.strip():
        raise ValidationError({"social_worker": "Choose or name the social worker"})
    return _request_approval(
        actor=actor,
        episode=episode,
        kind=ApprovalKind.STEP_UP,
        details={
            "decided_on": decided_on.isoformat(),
            "decided_by": decided_by,
            "reason": reason,
            "handover_notes": handover_notes,
            "social_worker": social_worker.pk if social_worker is not None else None,
            "social_worker_name": "" if social_worker is not None else social_worker_name.strip(),
        },
    )


@transaction.atomic
def record_closure(
    *, actor: User, episode: Episode, reason: ClosureReason, note: str = ""
) -> Episode | EpisodeApproval:
    """A closure from the episode's pages: done now (`close_episode`), or a request waiting for
    a manager's approval when the council asks for one and `actor` does not manage the team."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    _refuse_while_pending(episode)
    if not approval_required(actor, episode, ApprovalKind.CLOSURE):
        return close_episode(actor=actor, episode=episode, reason=reason, note=note)
    if episode.status == EpisodeStatus.CLOSED:
        raise ValidationError("This episode is already closed.")
    return _request_approval(
        actor=actor,
        episode=episode,
        kind=ApprovalKind.CLOSURE,
        details={"reason": reason.pk, "reason_label": reason.label, "note": note},
    )


def describe_proposal(approval: EpisodeApproval) -> list[tuple[str, str]]:
    """What was asked for, as (label, value) rows for a page."""
    details = approval.details
    if approval.kind == ApprovalKind.STEP_UP:
        worker = details.get("social_worker_name", "")
        if details.get("social_worker"):
            user = User.objects.filter(pk=details["social_worker"]).first()
            worker = (user.full_name or user.email) if user is not None else "(no longer listed)"
        rows = [
            ("Date of the decision", date_format(date.fromisoformat(details["decided_on"]))),
            ("Who decided", details.get("decided_by", "")),
            ("Why", details.get("reason", "")),
            ("Social worker who becomes lead practitioner", worker),
        ]
        if details.get("handover_notes"):
            rows.append(("Handover notes", details["handover_notes"]))
        return rows
    rows = [("Why the episode is closing", details.get("reason_label", ""))]
    if details.get("note"):
        rows.append(("Closing summary", details["note"]))
    return rows


def _locked_pending(approval: EpisodeApproval) -> EpisodeApproval:
    approval = (
        EpisodeApproval.objects.select_for_update()
        .select_related("episode__family", "requested_by")
        .get(pk=approval.pk)
    )
    if approval.decision == ApprovalDecision.WITHDRAWN:
        raise ValidationError(f"This request is no longer needed: {approval.comments}")
    if not approval.is_pending:
        raise ValidationError(
            f"This request was already {approval.get_decision_display().lower()}."
        )
    return approval


def _check_manager(actor: User, approval: EpisodeApproval) -> None:
    if not manages(actor, approval.episode):
        raise ValidationError("Only a manager of the family's team can decide this request.")


@transaction.atomic
def approve(*, actor: User, approval: EpisodeApproval, comments: str = "") -> EpisodeApproval:
    """A manager of the episode's team approves: the step up or closure takes effect now,
    exactly as the requester asked (recorded as theirs)."""
    approval = _locked_pending(approval)
    _check_manager(actor, approval)
    episode = Episode.objects.select_for_update().get(pk=approval.episode_id)
    details = approval.details
    requester = approval.requested_by
    if approval.kind == ApprovalKind.STEP_UP:
        social_worker = None
        if details.get("social_worker"):
            social_worker = User.objects.filter(pk=details["social_worker"]).first()
            if social_worker is None:
                raise ValidationError("The social worker asked for is no longer listed.")
        step_up(
            actor=requester,
            episode=episode,
            decided_on=date.fromisoformat(details["decided_on"]),
            decided_by=details.get("decided_by", ""),
            reason=details.get("reason", ""),
            handover_notes=details.get("handover_notes", ""),
            social_worker=social_worker,
            social_worker_name=details.get("social_worker_name", ""),
        )
    else:
        reason = ClosureReason.objects.filter(pk=details.get("reason")).first()
        if reason is None:
            raise ValidationError("The closure reason asked for no longer exists.")
        close_episode(actor=requester, episode=episode, reason=reason, note=details.get("note", ""))
    return _decide(actor, approval, ApprovalDecision.APPROVED, comments)


@transaction.atomic
def decline(*, actor: User, approval: EpisodeApproval, comments: str) -> EpisodeApproval:
    """A manager of the episode's team declines, saying why. Nothing changes on the episode;
    the requester is told (the episode page, the chronology, an email)."""
    comments = comments.strip()
    if not comments:
        raise ValidationError({"comments": "Enter why you are declining the request"})
    approval = _locked_pending(approval)
    _check_manager(actor, approval)
    return _decide(actor, approval, ApprovalDecision.DECLINED, comments)


def _decide(
    actor: User, approval: EpisodeApproval, decision: str, comments: str
) -> EpisodeApproval:
    approval.decision = decision
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.comments = comments.strip()
    approval.full_clean()
    title = APPROVAL_TITLES[ApprovalKind(approval.kind)]
    verb = approval.get_decision_display().lower()
    manager = actor.full_name or actor.email
    _reason(approval, f"{title} {verb} by {manager}")
    approval.save()
    declined = decision == ApprovalDecision.DECLINED
    add_chronology_entry(
        family=approval.episode.family,
        episode=approval.episode,
        kind=ChronologyKind.APPROVAL,
        summary=f"{title} {verb} by {manager}",
        detail=approval.comments,
        significant=declined,
        source=approval,
        actor=actor,
    )
    if approval.requested_by.email:
        _email_on_commit(
            f"Your request was {verb}: {title.lower()}",
            f"A manager has {verb} your request: {title.lower()}.\n\n"
            + (
                "Sign in to see their reasons on the family's episode page."
                if declined
                else "It has taken effect. Sign in to see the family's episode page."
            ),
            [approval.requested_by.email],
        )
    return approval


@transaction.atomic
def withdraw_pending_approval(
    *, actor: User | None, episode: Episode, why: str
) -> EpisodeApproval | None:
    """Something else settled the episode while a request waited (the front door referred the
    family to children's social care): the request is closed as no longer needed, with why, so
    it neither blocks new requests nor waits for a decision that can no longer be carried out.
    The requester is told (the episode's history, the chronology, an email)."""
    pending = (
        EpisodeApproval.objects.select_for_update()
        .select_related("episode__family", "requested_by")
        .filter(episode=episode, decision=ApprovalDecision.PENDING)
        .first()
    )
    if pending is None:
        return None
    pending.decision = ApprovalDecision.WITHDRAWN
    pending.decided_by = actor
    pending.decided_at = timezone.now()
    pending.comments = why
    title = APPROVAL_TITLES[ApprovalKind(pending.kind)]
    _reason(pending, f"{title}: no longer needed")
    pending.save()
    add_chronology_entry(
        family=episode.family,
        episode=episode,
        kind=ChronologyKind.APPROVAL,
        summary=f"{title} no longer needed",
        detail=why,
        significant=False,
        source=pending,
        actor=actor,
    )
    if pending.requested_by.email:
        _email_on_commit(
            f"Your request is no longer needed: {title.lower()}",
            f"Your request ({title.lower()}) was waiting for a manager's approval, but the "
            "family's episode has changed since, so it has been closed.\n\n"
            "Sign in to see why on the family's episode page.",
            [pending.requested_by.email],
        )
    return pending
