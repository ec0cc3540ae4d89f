"""The write path for the consultation line and for professional disagreements.

Consultation calls: advice the front door gives to a professional on the phone, recorded by a
front-door user, linked to a child only when the recorder may open the child's record.

Professional disagreements: the referrer of a decided request for support disagrees with the
decision. Escalation follows the local resolution policy in three stages (practitioners,
managers, senior managers). Each step is a `DisagreementNote`; the other side is told in the
product and by email (sent on commit, so a rolled-back step tells nobody). A front-door team
manager records the resolution."""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.models import Membership, Organisation, User
from earlyhelp.accounts.roles import Role
from earlyhelp.core.tasks import send_email
from earlyhelp.people.access import people
from earlyhelp.people.models import Person

from .access import is_front_door
from .codes import ContactStatus, DisagreementStage, DisagreementStatus, ThresholdMet
from .models import (
    ConsultationCall,
    Contact,
    Disagreement,
    DisagreementNote,
    Notification,
)

#: What a front-door manager decides when resolving a disagreement.
UPHELD = "upheld"
CHANGED = "changed"
RESOLUTION_OUTCOMES = [
    (UPHELD, "The decision is upheld"),
    (CHANGED, "The decision is changed"),
]
_OUTCOME_PREFIX = {UPHELD: "Decision upheld", CHANGED: "Decision changed"}


def _reason(obj: Any, reason: str) -> None:
    # The history's reason column holds 100 characters.
    obj._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"


def disagreements_visible_to(user: Any) -> QuerySet[Disagreement]:
    """Its raiser, the front door and auditors see a disagreement; everyone else gets a 404."""
    if not getattr(user, "is_authenticated", False):
        return Disagreement.objects.none()
    if user.is_auditor or is_front_door(user):
        return Disagreement.objects.all()
    return Disagreement.objects.filter(raised_by=user)


def consultations_visible_to(user: Any) -> QuerySet[ConsultationCall]:
    """The consultation line's record is the front door's own working record."""
    if not is_front_door(user):
        return ConsultationCall.objects.none()
    return ConsultationCall.objects.all()


def is_front_door_manager(user: Any) -> bool:
    """A current team manager of a front-door team: records a disagreement's resolution."""
    return is_front_door(user) and (
        Membership.objects.filter(
            Membership.current_q(),
            user=user,
            team__is_front_door=True,
            role=Role.TEAM_MANAGER,
        ).exists()
    )


def front_door_managers() -> QuerySet[User]:
    managers = Membership.objects.filter(
        Membership.current_q(), team__is_front_door=True, role=Role.TEAM_MANAGER
    )
    return User.objects.filter(pk__in=managers.values("user_id"), is_active=True).order_by("pk")


# --- Consultation line -------------------------------------------------------------------------


@transaction.atomic
def record_consultation(
    *,
    actor: User,
    caller_name: str,
    question: str,
    advice: str,
    threshold_met: str,
    called_at: datetime,
    caller_organisation: Organisation | None = None,
    caller_agency: str = "",
    caller_phone: str = "",
    person: Person | None = None,
    follow_up: str = "",
) -> ConsultationCall:
    if not is_front_door(actor):
        raise ValidationError("Only the front door records consultation calls")
    errors: dict[str, str] = {}
    if not caller_organisation and not caller_agency.strip():
        errors["caller_agency"] = "Choose the caller's organisation or type their agency"
    if threshold_met not in ThresholdMet.values:
        errors["threshold_met"] = "Select whether the threshold for a referral appeared to be met"
    if called_at > timezone.now() + timedelta(minutes=5):
        errors["called_at"] = "The call cannot be in the future"
    if person is not None and not people.visible_to(actor).filter(pk=person.pk).exists():
        # Never link a child the recorder may not open; name them in the question instead.
        errors["person"] = "You cannot link this child: write their name in the question"
    if errors:
        raise ValidationError(errors)
    call = ConsultationCall(
        caller_name=caller_name.strip(),
        caller_organisation=caller_organisation,
        caller_agency=caller_agency.strip(),
        caller_phone=caller_phone.strip(),
        person=person,
        question=question.strip(),
        advice=advice.strip(),
        threshold_met=threshold_met,
        follow_up=follow_up.strip(),
        called_at=called_at,
        recorded_by=actor,
    )
    _reason(call, f"Consultation call recorded by {actor.full_name}")
    call.save()
    return call


# --- Professional disagreements -----------------------------------------------------------------


def is_decided(contact: Contact) -> bool:
    """Decided and, where a manager's approval was needed, approved: the referrer has been
    (or is being) told the outcome."""
    return contact.status == ContactStatus.DECIDED and hasattr(contact, "decision")


def can_raise(user: Any, contact: Contact) -> bool:
    """Only the referrer of a decided request may disagree with its decision, once at a time."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and contact.referrer_id == user.pk
        and is_decided(contact)
        and not contact.disagreements.filter(status=DisagreementStatus.OPEN).exists()
    )


def _tell(users: list[User], disagreement: Disagreement, message: str) -> None:
    """In the product now; by email once the step is committed."""
    if not users:
        return
    Notification.objects.bulk_create(
        [Notification(user=u, contact=disagreement.contact, message=message) for u in users]
    )
    recipients = sorted({u.email for u in users if u.email})
    if not recipients:
        return
    path = reverse("frontdoor:disagreement", args=[disagreement.pk])
    subject = f"Professional disagreement about {disagreement.contact.reference}"
    body = f"{message}\n\nSign in to Early Help to read it and reply: {path}"
    # One email each: the two sides need not see each other's addresses.
    for recipient in recipients:
        transaction.on_commit(
            lambda to=recipient: send_email.enqueue(subject, body, [to])  # type: ignore[misc]
        )


def _front_door_side(disagreement: Disagreement) -> list[User]:
    """Who answers for the front door at the disagreement's stage: the screener who decided
    at stage 1, the front door's managers after that."""
    if disagreement.stage == DisagreementStage.PRACTITIONERS:
        decision = disagreement.contact.decision
        return [decision.decided_by] if decision.decided_by.is_active else []
    return list(front_door_managers())


def _other_side(disagreement: Disagreement, actor: User) -> list[User]:
    if actor.pk == disagreement.raised_by_id:
        users = _front_door_side(disagreement)
    else:
        users = [disagreement.raised_by]
    return [u for u in users if u.pk != actor.pk]


def _add_note(disagreement: Disagreement, actor: User, note: str) -> DisagreementNote:
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Enter your note"})
    return DisagreementNote.objects.create(
        disagreement=disagreement, stage=disagreement.stage, note=note, written_by=actor
    )


def may_take_part(user: Any, disagreement: Disagreement) -> bool:
    """The raiser and the front door write notes and escalate; auditors only read."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.pk == disagreement.raised_by_id or is_front_door(user)
    )


def _require_open(disagreement: Disagreement, actor: User) -> None:
    if disagreement.status != DisagreementStatus.OPEN:
        raise ValidationError("This disagreement has been resolved")
    if not may_take_part(actor, disagreement):
        raise ValidationError("Only the referrer and the front door take part")


@transaction.atomic
def raise_disagreement(*, actor: User, contact: Contact, reason: str) -> Disagreement:
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not can_raise(actor, contact):
        raise ValidationError(
            "Only the referrer of a decided request may raise a disagreement, one at a time"
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you disagree with the decision"})
    disagreement = Disagreement(contact=contact, raised_by=actor, reason=reason)
    _reason(disagreement, "Disagreement raised by the referrer")
    disagreement.save()
    _add_note(disagreement, actor, reason)
    _tell(
        _other_side(disagreement, actor),
        disagreement,
        f"{actor.full_name} disagrees with the decision on {contact.reference} "
        f"({DisagreementStage.PRACTITIONERS.label}).",
    )
    return disagreement


@transaction.atomic
def add_note(*, actor: User, disagreement: Disagreement, note: str) -> DisagreementNote:
    """A reply at the current stage, without escalating."""
    _require_open(disagreement, actor)
    written = _add_note(disagreement, actor, note)
    _tell(
        _other_side(disagreement, actor),
        disagreement,
        f"{actor.full_name} replied to the disagreement about "
        f"{disagreement.contact.reference} ({disagreement.get_stage_display()}).",
    )
    return written


@transaction.atomic
def escalate(*, actor: User, disagreement: Disagreement, note: str) -> Disagreement:
    disagreement = Disagreement.objects.select_for_update().get(pk=disagreement.pk)
    _require_open(disagreement, actor)
    if disagreement.stage >= DisagreementStage.SENIOR:
        raise ValidationError("This disagreement is already with senior managers")
    if not note.strip():
        raise ValidationError({"note": "Enter why you are escalating the disagreement"})
    disagreement.stage = disagreement.stage + 1
    _reason(disagreement, f"Escalated to stage {disagreement.stage} by {actor.full_name}")
    disagreement.save(update_fields=["stage"])
    _add_note(disagreement, actor, note)
    message = (
        f"{actor.full_name} escalated the disagreement about {disagreement.contact.reference} "
        f"to {disagreement.get_stage_display()}."
    )
    # At a new stage the front door's side changes (managers join), and the raiser always hears.
    told = set()
    users = []
    for user in [*_front_door_side(disagreement), disagreement.raised_by]:
        if user.pk != actor.pk and user.pk not in told:
            told.add(user.pk)
            users.append(user)
    _tell(users, disagreement, message)
    return disagreement


@transaction.atomic
def resolve(
    *, actor: User, disagreement: Disagreement, outcome: str, resolution: str
) -> Disagreement:
    disagreement = Disagreement.objects.select_for_update().get(pk=disagreement.pk)
    if disagreement.status != DisagreementStatus.OPEN:
        raise ValidationError("This disagreement has already been resolved")
    if not is_front_door_manager(actor):
        raise ValidationError("Only a front-door team manager records the resolution")
    errors = {}
    if outcome not in _OUTCOME_PREFIX:
        errors["outcome"] = "Select whether the decision is upheld or changed"
    if not resolution.strip():
        errors["resolution"] = "Enter the resolution"
    if errors:
        raise ValidationError(errors)
    text = f"{_OUTCOME_PREFIX[outcome]}: {resolution.strip()}"
    disagreement.status = DisagreementStatus.RESOLVED
    disagreement.resolution = text
    disagreement.resolved_by = actor
    disagreement.resolved_at = timezone.now()
    _reason(disagreement, f"Resolved by {actor.full_name}: {_OUTCOME_PREFIX[outcome].lower()}")
    disagreement.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    _add_note(disagreement, actor, text)
    users = [disagreement.raised_by]
    decided_by = disagreement.contact.decision.decided_by
    if decided_by.pk != disagreement.raised_by_id:
        users.append(decided_by)
    _tell(
        [u for u in users if u.pk != actor.pk],
        disagreement,
        f"The disagreement about {disagreement.contact.reference} is resolved. "
        f"{_OUTCOME_PREFIX[outcome]}.",
    )
    return disagreement
