"""The only write path for screening at the front door: targets, claiming, RAG ratings, matching
the children a request names to people records, decisions (with manager approval when the
council asks for it), and telling the referrer.

Targets are counted in working hours (earlyhelp.core.calendar):

- every contact is due a decision `front_door_decision_working_days` working days after it was
  received (`decision_due_at`; one working day is the length of the council's working day);
- a RAG rating sets the contact's own target (`due_at`): red 4, amber 24, green 72 working
  hours after receipt, as configured. A new rating moves the target, always from receipt;
- the target a contact is held to (`target_at`) is its RAG target once rated, and the decision
  target until then. The decision's time in working hours is recorded against that target.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from earlyhelp.accounts.models import Membership, Team, User
from earlyhelp.accounts.roles import Role
from earlyhelp.core.calendar import WorkingCalendar, calendar_for_council
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.core.tasks import send_email
from earlyhelp.episodes import services as episode_services
from earlyhelp.episodes.models import Episode, EpisodeStatus
from earlyhelp.people import services as people_services
from earlyhelp.people.access import active_involvements
from earlyhelp.people.codes import FamilyRole, InvolvementReason
from earlyhelp.people.models import Family, FamilyMember, Person

from .codes import ContactStatus, Outcome, Rag
from .models import Contact, ContactDecision, ContactSubject, Notification, RagRating

#: Contacts still with the front door: the queue.
OPEN_STATUSES = (
    ContactStatus.AWAITING_SCREENING,
    ContactStatus.SCREENING,
    ContactStatus.AWAITING_APPROVAL,
)
#: Statuses in which a screener may still rate, match and decide.
SCREENING_STATUSES = (ContactStatus.AWAITING_SCREENING, ContactStatus.SCREENING)


def _reason(obj: Any, reason: str) -> None:
    obj._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"


def _save(obj: Any, reason: str) -> None:
    obj.full_clean()
    _reason(obj, reason)
    obj.save()


# --- Targets ------------------------------------------------------------------------------------


def rag_hours(config: CouncilConfiguration, rag: str) -> int:
    return {
        Rag.RED: config.rag_red_working_hours,
        Rag.AMBER: config.rag_amber_working_hours,
        Rag.GREEN: config.rag_green_working_hours,
    }[Rag(rag)]


def rag_due(
    received_at: datetime, rag: str, *, config: CouncilConfiguration, calendar: WorkingCalendar
) -> datetime:
    """When a contact rated `rag` is due: its working hours after receipt."""
    return calendar.add_working_hours(received_at, rag_hours(config, rag))


def decision_due(
    received_at: datetime, *, config: CouncilConfiguration, calendar: WorkingCalendar
) -> datetime:
    """When a decision is due: the configured working days, each as long as the working day."""
    return calendar.add_working_hours(
        received_at, config.front_door_decision_working_days * calendar.day_length
    )


def target_at(contact: Contact) -> datetime | None:
    """The target the contact is held to: its RAG target once rated, else the decision's."""
    return contact.due_at or contact.decision_due_at


def time_left(
    due: datetime | None, calendar: WorkingCalendar, now: datetime | None = None
) -> timedelta | None:
    """Working time until `due`; negative once breached."""
    if due is None:
        return None
    return calendar.time_left(due, now or timezone.now())


def is_overdue(due: datetime | None, now: datetime | None = None) -> bool:
    """Past its target. (At a weekend a breached target has 0 working hours left, not fewer,
    so "overdue" compares instants.)"""
    return due is not None and due < (now or timezone.now())


def set_decision_target(contact: Contact, *, config: CouncilConfiguration | None = None) -> None:
    """Fill in `decision_due_at` (and the RAG target) from `received_at`, in memory. Callers
    save; the request-form services may call this when a contact is submitted."""
    if contact.received_at is None:
        return
    config = config or CouncilConfiguration.current()
    calendar = calendar_for_council(config)
    contact.decision_due_at = decision_due(contact.received_at, config=config, calendar=calendar)
    if contact.rag:
        contact.due_at = rag_due(contact.received_at, contact.rag, config=config, calendar=calendar)


def fill_missing_targets(contacts: Sequence[Contact]) -> None:
    """Give open contacts that arrived without a decision target one (one UPDATE for all)."""
    missing = [c for c in contacts if c.decision_due_at is None and c.received_at is not None]
    if not missing:
        return
    config = CouncilConfiguration.current()
    for contact in missing:
        set_decision_target(contact, config=config)
    Contact.objects.bulk_update(missing, ["decision_due_at", "due_at"])


# --- Screening ----------------------------------------------------------------------------------


def _require_screening(contact: Contact) -> None:
    if contact.status not in SCREENING_STATUSES:
        raise ValidationError(
            f"{contact.reference} is {contact.get_status_display().lower()}; it cannot be changed."
        )


@transaction.atomic
def claim(*, actor: User, contact: Contact) -> Contact:
    """The screener takes the contact (or takes it over from a colleague)."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _require_screening(contact)
    contact.claimed_by = actor
    contact.claimed_at = timezone.now()
    contact.status = ContactStatus.SCREENING
    if contact.decision_due_at is None:
        set_decision_target(contact)
    _save(contact, f"Claimed by {actor.full_name}")
    return contact


@transaction.atomic
def rate(*, actor: User, contact: Contact, rag: str, rationale: str) -> RagRating:
    """Rate the contact red, amber or green, with the reason. Each rating is kept; the latest
    is the contact's current RAG and sets its target."""
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError({"rationale": "Enter why you chose this rating"})
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _require_screening(contact)
    rating = RagRating(contact=contact, rag=rag, rationale=rationale, rated_by=actor)
    rating.full_clean()
    rating.save()
    contact.rag = rag
    set_decision_target(contact)
    if contact.status == ContactStatus.AWAITING_SCREENING:
        contact.status = ContactStatus.SCREENING
        contact.claimed_by = contact.claimed_by or actor
        contact.claimed_at = contact.claimed_at or timezone.now()
    _save(contact, f"Rated {Rag(rag).label.lower()}")
    return rating


def _front_door_teams(actor: User) -> list[Team]:
    return list(
        Team.objects.filter(
            is_front_door=True,
            memberships__in=Membership.objects.filter(Membership.current_q(), user=actor),
        ).distinct()
    )


def _involve_front_door(actor: User, person: Person) -> None:
    for team in _front_door_teams(actor):
        people_services.start_involvement(
            actor=actor, reason=InvolvementReason.FRONT_DOOR, person=person, team=team
        )


def _unmatched(contact: Contact) -> list[dict[str, Any]]:
    return list((contact.draft or {}).get("unmatched") or [])


@transaction.atomic
def match_subject(*, actor: User, contact: Contact, index: int, person: Person) -> ContactSubject:
    """Link a child or adult named on the request to an existing person record."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _require_screening(contact)
    unmatched = _unmatched(contact)
    if not 0 <= index < len(unmatched):
        raise ValidationError("That person has already been matched.")
    named = unmatched.pop(index)
    subject = ContactSubject.objects.filter(contact=contact, person=person).first()
    if subject is None:
        subject = ContactSubject(
            contact=contact, person=person, is_child=bool(named.get("is_child", True))
        )
        _save(subject, "Matched to a person record at the front door")
    contact.draft = {**(contact.draft or {}), "unmatched": unmatched}
    _save(contact, f"Matched {person.full_name}")
    _involve_front_door(actor, person)
    return subject


@transaction.atomic
def create_subject(*, actor: User, contact: Contact, index: int, **fields: Any) -> ContactSubject:
    """Add a new person record for someone the request names (after a search found nobody)."""
    person = people_services.create_person(
        actor=actor, reason=f"Named on request {contact.reference}", **fields
    )
    return match_subject(actor=actor, contact=contact, index=index, person=person)


# --- Decisions ----------------------------------------------------------------------------------


def is_front_door_manager(user: Any) -> bool:
    """A current team manager of a front-door team: approves decisions."""
    return bool(getattr(user, "is_authenticated", False)) and (
        Membership.objects.filter(
            Membership.current_q(), user=user, role=Role.TEAM_MANAGER, team__is_front_door=True
        ).exists()
    )


@transaction.atomic
def decide(
    *,
    actor: User,
    contact: Contact,
    outcome: str,
    rationale: str,
    signposted_to: str = "",
) -> ContactDecision:
    """Record the screener's decision. When the council asks for manager approval (and the
    decider is not a front-door manager), it waits for approval; otherwise it is final now."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _require_screening(contact)
    if not contact.rag:
        raise ValidationError("Rate the contact red, amber or green before you decide.")
    if outcome == Outcome.SIGNPOST and not signposted_to.strip():
        raise ValidationError({"signposted_to": "Enter the services you are signposting to"})
    config = CouncilConfiguration.current()
    needs_approval = config.front_door_decisions_need_approval and not is_front_door_manager(actor)
    decision = ContactDecision.objects.filter(contact=contact).first() or ContactDecision(
        contact=contact
    )
    decision.outcome = outcome
    decision.rationale = rationale.strip()
    decision.signposted_to = signposted_to.strip() if outcome == Outcome.SIGNPOST else ""
    decision.decided_by = actor
    decision.decided_at = timezone.now()
    decision.needs_approval = needs_approval
    decision.approved_by = None
    decision.approved_at = None
    decision.approval_note = ""
    _save(decision, f"Decided: {Outcome(outcome).label}")
    if needs_approval:
        contact.status = ContactStatus.AWAITING_APPROVAL
        _save(contact, "Decision sent for a manager's approval")
        return decision
    _finalise(actor=actor, contact=contact, decision=decision, config=config)
    return decision


@transaction.atomic
def approve(*, actor: User, contact: Contact, note: str = "") -> ContactDecision:
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.status != ContactStatus.AWAITING_APPROVAL:
        raise ValidationError("This decision is not waiting for approval.")
    decision = contact.decision
    decision.approved_by = actor
    decision.approved_at = timezone.now()
    decision.approval_note = note.strip()
    _save(decision, f"Approved by {actor.full_name}")
    _finalise(
        actor=actor, contact=contact, decision=decision, config=CouncilConfiguration.current()
    )
    return decision


@transaction.atomic
def return_decision(*, actor: User, contact: Contact, note: str) -> ContactDecision:
    """The manager sends the decision back to the screener, saying why."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Enter why you are returning the decision"})
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.status != ContactStatus.AWAITING_APPROVAL:
        raise ValidationError("This decision is not waiting for approval.")
    decision = contact.decision
    decision.approval_note = note
    _save(decision, f"Returned by {actor.full_name}")
    contact.status = ContactStatus.SCREENING
    _save(contact, "Decision returned to the screener")
    return decision


@dataclass(frozen=True)
class DecisionTime:
    working_hours: Decimal
    within_target: bool | None


def measure(contact: Contact, decided_at: datetime, calendar: WorkingCalendar) -> DecisionTime:
    """Working hours from receipt to `decided_at`, and whether that met the contact's target."""
    if contact.received_at is None:
        return DecisionTime(Decimal("0.00"), None)
    taken = calendar.working_hours_between(contact.received_at, decided_at)
    hours = (Decimal(taken.total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))
    target = target_at(contact)
    return DecisionTime(hours, None if target is None else decided_at <= target)


def _finalise(
    *, actor: User, contact: Contact, decision: ContactDecision, config: CouncilConfiguration
) -> None:
    final_at = decision.approved_at or decision.decided_at
    if contact.decision_due_at is None:
        set_decision_target(contact, config=config)
    timing = measure(contact, final_at, calendar_for_council(config))
    decision.working_hours_taken = timing.working_hours
    decision.within_target = timing.within_target
    contact.status = ContactStatus.DECIDED
    _save(contact, f"Decided: {decision.get_outcome_display()}")
    if decision.outcome == Outcome.OPEN_EARLY_HELP:
        family = _family_for(actor, contact)
        episode_services.open_episode(actor=actor, family=family, source_contact=contact)
    else:
        if decision.outcome == Outcome.SOCIAL_CARE:
            _step_up_live_episodes(actor, contact, decision, final_at)
        _end_front_door_involvement(actor, contact)
    _tell_referrer(contact, decision)
    _save(decision, "Decision final; referrer told")


#: Who becomes lead practitioner when the front door steps a family up: a service, not a user.
SOCIAL_CARE_LEAD = "Children's social care (referred by the front door)"


def _step_up_live_episodes(
    actor: User, contact: Contact, decision: ContactDecision, decided_at: datetime
) -> None:
    """Referred to children's social care: a family already in early help (an open episode,
    the contact's family or a named child's) is stepped up on that episode, so the episode and
    its chronology show it. A family with no open episode: nothing changes here."""
    family_ids = set(
        FamilyMember.objects.filter(
            person_id__in=contact.subjects.filter(is_child=True).values("person_id"),
            left_on__isnull=True,
        ).values_list("family_id", flat=True)
    )
    if contact.family_id:
        family_ids.add(contact.family_id)
    if not family_ids:
        return
    screener = decision.decided_by
    decided_by = screener.full_name or screener.email
    for episode in Episode.objects.filter(
        family_id__in=family_ids, status=EpisodeStatus.OPEN
    ).order_by("pk"):
        episode_services.withdraw_pending_approval(
            actor=actor,
            episode=episode,
            why=f"The front door referred the family to children's social care "
            f"({contact.reference}), which steps the episode up.",
        )
        episode_services.step_up(
            actor=actor,
            episode=episode,
            decided_on=timezone.localtime(decided_at).date(),
            decided_by=f"{decided_by}, front door ({contact.reference})",
            reason=decision.rationale
            or f"Referred to children's social care by the front door ({contact.reference})",
            social_worker_name=SOCIAL_CARE_LEAD,
        )


def _family_for(actor: User, contact: Contact) -> Family:
    """The contact's family: the one it names, else the first child's current family, else a
    new one named after the first child's surname. Every subject becomes a member."""
    subjects = list(contact.subjects.select_related("person").order_by("-is_child", "pk"))
    if not subjects:
        raise ValidationError(
            "Match at least one child to a person record before opening early help."
        )
    family = contact.family
    if family is None:
        first = subjects[0].person
        membership = (
            FamilyMember.objects.filter(person=first, left_on__isnull=True)
            .select_related("family")
            .order_by("pk")
            .first()
        )
        if membership is not None:
            family = membership.family
        else:
            family = people_services.create_family(
                actor=actor,
                name=f"{first.family_name or first.full_name} family",
                reason=f"Opened for early help from {contact.reference}",
            )
        contact.family = family
        _save(contact, "Family recorded for early help")
    members = set(
        FamilyMember.objects.filter(family=family, left_on__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    for subject in subjects:
        if subject.person_id not in members:
            people_services.add_family_member(
                actor=actor,
                family=family,
                person=subject.person,
                role=FamilyRole.CHILD if subject.is_child else FamilyRole.PARENT,
                reason=f"Named on request {contact.reference}",
            )
    return family


def _end_front_door_involvement(actor: User, contact: Contact) -> None:
    """The front door's reason to see these people ends with its decision, unless another
    contact about them is still open."""
    person_ids = list(contact.subjects.values_list("person_id", flat=True))
    still_open = set(
        ContactSubject.objects.filter(person_id__in=person_ids, contact__status__in=OPEN_STATUSES)
        .exclude(contact=contact)
        .values_list("person_id", flat=True)
    )
    ending = active_involvements().filter(
        reason=InvolvementReason.FRONT_DOOR, person_id__in=set(person_ids) - still_open
    )
    if contact.family_id and not (
        Contact.objects.filter(family_id=contact.family_id, status__in=OPEN_STATUSES)
        .exclude(pk=contact.pk)
        .exists()
    ):
        ending = ending | active_involvements().filter(
            reason=InvolvementReason.FRONT_DOOR, family_id=contact.family_id
        )
    for involvement in ending:
        people_services.end_involvement(
            actor=actor,
            involvement=involvement,
            reason=f"Front door decided {contact.reference}",
        )


# --- Telling the referrer -----------------------------------------------------------------------

OUTCOME_MESSAGES = {
    Outcome.OPEN_EARLY_HELP: "we will offer the family early help. A lead practitioner will be "
    "chosen and will contact the family.",
    Outcome.PARTNER_LED: "an early help advisor will contact you to support your agency to lead "
    "early help for the family.",
    Outcome.SIGNPOST: "we have suggested universal or community services that can help the family.",
    Outcome.NO_FURTHER_ACTION: "we will take no further action at the front door. Contact us "
    "again if things change.",
    Outcome.SOCIAL_CARE: "we have referred the family to children's social care, who will "
    "follow this up.",
}


def outcome_message(contact: Contact, decision: ContactDecision) -> str:
    """The outcome in plain English. Names stay out of it: it goes by email."""
    text = f"Your request for support {contact.reference}: {OUTCOME_MESSAGES[Outcome(decision.outcome)]}"
    return text


def _tell_referrer(contact: Contact, decision: ContactDecision) -> None:
    message = outcome_message(contact, decision)
    if contact.referrer_id:
        Notification.objects.create(user_id=contact.referrer_id, contact=contact, message=message)
    email = contact.referrer_email or (contact.referrer.email if contact.referrer else "")
    if email:
        body = message
        if decision.outcome == Outcome.SIGNPOST and decision.signposted_to:
            body += f"\n\nServices suggested:\n{decision.signposted_to}"
        body += "\n\nSign in to see the decision."
        subject = f"Outcome of your request for support {contact.reference}"
        transaction.on_commit(lambda: send_email.enqueue(subject, body, [email]))
    decision.referrer_told_at = timezone.now()


# --- Read helpers for pages -------------------------------------------------------------------


def open_episodes_for(person_ids: list[int]) -> list[Episode]:
    """Episodes not yet closed for families these people belong to, with who leads them."""
    return list(
        Episode.objects.filter(
            family__members__person_id__in=person_ids, family__members__left_on__isnull=True
        )
        .exclude(status=EpisodeStatus.CLOSED)
        .select_related("family", "lead_practitioner", "allocated_team")
        .distinct()
        .order_by("opened_at")
    )
