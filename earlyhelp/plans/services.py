"""The only write path for family plans.

No lost updates: every change to the working copy names the plan `version` it was made
against. `_claim` moves the counter on with one conditional UPDATE, so of two people saving
against the same number exactly one wins (on SQLite and PostgreSQL alike); the other gets
`StalePlan` carrying the current state, and the page shows both and lets them choose."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.formats import date_format

from earlyhelp.accounts.models import User
from earlyhelp.episodes.models import ChronologyKind, Episode, EpisodeStatus
from earlyhelp.episodes.services import add_chronology_entry
from earlyhelp.people.models import Person

from .codes import ActionOwnerKind, ActionStatus
from .models import ActionUpdate, FamilyPlan, PlanAction, PlanNeed, PlanVersion


class StalePlan(Exception):
    """The plan changed since the user opened it."""

    def __init__(self, plan: FamilyPlan) -> None:
        super().__init__("Someone else changed this plan since you opened it.")
        self.plan = plan


def _reason(obj: Any, reason: str) -> None:
    obj._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"


def plan_for(episode: Episode) -> FamilyPlan | None:
    return FamilyPlan.objects.filter(episode=episode).first()


@transaction.atomic
def start_plan(*, actor: User | None, episode: Episode) -> FamilyPlan:
    """The episode's plan, started empty the first time. Only open episodes get one."""
    if episode.status != EpisodeStatus.OPEN:
        raise ValidationError("Only an open episode can have a plan.")
    plan, _created = FamilyPlan.objects.get_or_create(
        episode=episode, defaults={"family": episode.family, "updated_by": actor}
    )
    return plan


def _claim(plan: FamilyPlan, expected_version: int, actor: User | None) -> None:
    """Move the plan on one version, or raise StalePlan if someone else already did."""
    claimed = FamilyPlan.objects.filter(pk=plan.pk, version=expected_version).update(
        version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
    )
    plan.refresh_from_db()
    if not claimed:
        raise StalePlan(plan)


@transaction.atomic
def add_need(
    *,
    actor: User,
    plan: FamilyPlan,
    expected_version: int,
    need: str,
    outcome: str,
    headline_outcome: str = "",
) -> PlanNeed:
    _claim(plan, expected_version, actor)
    row = PlanNeed(
        plan=plan,
        need=need,
        outcome=outcome,
        headline_outcome=headline_outcome,
        position=plan.needs.count() + 1,
    )
    row.full_clean()
    _reason(row, "Need added to the plan")
    row.save()
    return row


def _owner_fields(
    owner_kind: str, owner_user: User | None, owner_organisation: str, owner_person: Person | None
) -> dict[str, Any]:
    if owner_kind == ActionOwnerKind.PRACTITIONER and owner_user is None:
        raise ValidationError({"owner_user": "Select the practitioner"})
    if owner_kind == ActionOwnerKind.AGENCY and not owner_organisation.strip():
        raise ValidationError({"owner_organisation": "Enter the agency or organisation"})
    if owner_kind == ActionOwnerKind.FAMILY_MEMBER and owner_person is None:
        raise ValidationError({"owner_person": "Select who in the family"})
    return {
        "owner_kind": owner_kind,
        "owner_user": owner_user if owner_kind == ActionOwnerKind.PRACTITIONER else None,
        "owner_organisation": owner_organisation.strip()
        if owner_kind == ActionOwnerKind.AGENCY
        else "",
        "owner_person": owner_person if owner_kind == ActionOwnerKind.FAMILY_MEMBER else None,
    }


@transaction.atomic
def add_action(
    *,
    actor: User,
    need: PlanNeed,
    expected_version: int,
    description: str,
    owner_kind: str,
    due_on: date,
    owner_user: User | None = None,
    owner_organisation: str = "",
    owner_person: Person | None = None,
) -> PlanAction:
    owner = _owner_fields(owner_kind, owner_user, owner_organisation, owner_person)
    _claim(need.plan, expected_version, actor)
    action = PlanAction(need=need, description=description, due_on=due_on, **owner)
    action.full_clean()
    _reason(action, "Action added to the plan")
    action.save()
    return action


@transaction.atomic
def change_action(
    *,
    actor: User,
    action: PlanAction,
    expected_version: int,
    description: str,
    owner_kind: str,
    due_on: date,
    status: str,
    progress: str,
    owner_user: User | None = None,
    owner_organisation: str = "",
    owner_person: Person | None = None,
) -> PlanAction:
    owner = _owner_fields(owner_kind, owner_user, owner_organisation, owner_person)
    _claim(action.need.plan, expected_version, actor)
    action.refresh_from_db()
    changed_progress = status != action.status or progress.strip() != action.progress.strip()
    action.description = description
    action.due_on = due_on
    action.status = status
    action.progress = progress
    for name, value in owner.items():
        setattr(action, name, value)
    action.full_clean()
    _reason(action, "Action changed")
    action.save()
    if changed_progress:
        ActionUpdate.objects.create(
            action=action, status=status, note=progress, source="Plan page", recorded_by=actor
        )
    return action


@transaction.atomic
def record_progress(
    *, actor: User, action: PlanAction, status: str, note: str = "", source: str = ""
) -> PlanAction:
    """Progress from a meeting: the action's status and latest word, kept as an update.
    Moves the plan's version on (so an edit opened before the meeting is shown as a conflict)
    but never refuses: the meeting's record is the newer word."""
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Select the action's status"})
    plan = action.need.plan
    FamilyPlan.objects.filter(pk=plan.pk).update(
        version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
    )
    action.refresh_from_db()
    action.status = status
    if note.strip():
        action.progress = note
    _reason(action, f"Progress recorded: {source}" if source else "Progress recorded")
    action.save()
    ActionUpdate.objects.create(
        action=action, status=status, note=note, source=source, recorded_by=actor
    )
    return action


def snapshot(plan: FamilyPlan) -> dict[str, Any]:
    """The plan as it is now, in plain values (what a PlanVersion keeps)."""
    needs = plan.needs.prefetch_related("actions__owner_user", "actions__owner_person")
    return {
        "needs": [
            {
                "need": need.need,
                "outcome": need.outcome,
                "headline_outcome": need.get_headline_outcome_display()
                if need.headline_outcome
                else "",
                "actions": [
                    {
                        "description": action.description,
                        "who": action.owner_name,
                        "owner_kind": action.owner_kind,
                        "due_on": action.due_on.isoformat(),
                        "by_when": describe_date(action.due_on),
                        "status": action.get_status_display(),
                        "progress": action.progress,
                    }
                    for action in need.actions.all()
                ],
            }
            for need in needs
        ]
    }


@transaction.atomic
def agree_version(
    *,
    actor: User,
    plan: FamilyPlan,
    expected_version: int,
    agreed_with_family: bool,
    family_present: str = "",
    note: str = "",
) -> PlanVersion:
    """Keep the plan as it is now as the next agreed version, and note it in the chronology.
    `expected_version` is the plan the user looked at: if it changed meanwhile they must look
    again before agreeing something they have not seen."""
    locked = FamilyPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.version != expected_version:
        raise StalePlan(locked)
    if not locked.needs.exists():
        raise ValidationError("Add at least one need before agreeing the plan.")
    number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    agreed = PlanVersion.objects.create(
        plan=locked,
        number=number,
        snapshot=snapshot(locked),
        agreed_by=actor,
        agreed_at=timezone.now(),
        agreed_with_family=agreed_with_family,
        family_present=family_present,
        note=note,
    )
    locked.agreed_version = locked.version
    locked.updated_by = actor
    _reason(locked, f"Version {number} agreed")
    locked.save()
    plan.refresh_from_db()
    needs = len(agreed.snapshot["needs"])
    actions = sum(len(need["actions"]) for need in agreed.snapshot["needs"])
    with_family = "with the family" if agreed_with_family else "without the family"
    add_chronology_entry(
        family=locked.family,
        episode=locked.episode,
        kind=ChronologyKind.PLAN,
        summary=(
            f"Family plan version {number} agreed {with_family}: "
            f"{needs} need{pluralize(needs)}, {actions} action{pluralize(actions)}"
        ),
        detail=note,
        source=agreed,
        actor=actor,
    )
    return agreed


def open_actions(episode: Episode) -> list[PlanAction]:
    """The episode's plan actions, for meetings to update."""
    return list(
        PlanAction.objects.filter(need__plan__episode=episode)
        .select_related("need", "owner_user", "owner_person")
        .order_by("need__position", "need__pk", "due_on", "pk")
    )


def describe_date(day: date) -> str:
    return date_format(day, "j F Y")
