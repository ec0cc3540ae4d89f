"""Family plans through the API, with the same rules as the pages (`plans.access`): whoever may
see an allocated episode may read its plan; anyone else gets a 404. Changing it needs a working
reason (not the auditor's) and an open episode. Every read is written to the access log.

No lost updates: recording an action's progress names the plan `version` the caller last saw.
If the plan changed since, nothing is saved and the answer is 409 with the plan as it is now
(`services.change_action` raises `StalePlan`: one conditional UPDATE decides, on SQLite and
PostgreSQL alike).
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from ninja import P, PathEx, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_object_access
from earlyhelp.core.models import AccessAction
from earlyhelp.episodes.api import EpisodeId, NamedOut, user_ref
from earlyhelp.episodes.models import EpisodeStatus
from earlyhelp.people.api import MAX_ID

from . import services
from .access import plan_or_404, working_episodes
from .codes import ActionOwnerKind, ActionStatus, SupportingFamiliesOutcome
from .models import FamilyPlan, PlanAction, PlanNeed

episode_router = Router(tags=["Family plans"])
router = Router(tags=["Family plans"])

PlanId = PathEx[int, P(ge=1, le=MAX_ID)]
ActionId = PathEx[int, P(ge=1, le=MAX_ID)]
# Progress may run over lines; no other control characters (PostgreSQL refuses NUL).
ProgressText = Annotated[
    str, StringConstraints(max_length=20_000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")
]


# --- Out ----------------------------------------------------------------------------------------


class OwnerOut(Schema):
    kind: ActionOwnerKind
    name: str
    user_id: int | None = Field(description="A practitioner's account.")
    person_id: int | None = Field(description="Someone in the family.")


class ActionOut(Schema):
    id: int
    description: str
    owner: OwnerOut
    due_on: date
    status: ActionStatus
    status_label: str
    progress: str = Field(description="Progress so far: the latest word.")
    updated_at: datetime


class NeedOut(Schema):
    id: int
    need: str
    outcome: str
    headline_outcome: SupportingFamiliesOutcome | None = Field(
        description="A Supporting Families headline outcome, when the plan names one."
    )
    actions: list[ActionOut]


class AgreedVersionOut(Schema):
    number: int
    agreed_at: datetime
    agreed_by: NamedOut | None
    agreed_with_family: bool
    family_present: str


class PlanOut(Schema):
    id: int
    episode_id: int
    family_id: int
    version: int = Field(description="Send it back as `expected_version` when changing the plan.")
    agreed_version: int = Field(description="The version last agreed with the family (0: never).")
    has_draft_changes: bool
    updated_at: datetime
    updated_by: NamedOut | None
    last_agreed: AgreedVersionOut | None
    needs: list[NeedOut]


class PlanConflictOut(Schema):
    detail: str
    code: Literal["conflict"]
    yours: "ProgressIn"
    plan: PlanOut = Field(description="The plan as it is now, with its current version.")


# --- In -----------------------------------------------------------------------------------------


class ProgressIn(Schema):
    expected_version: int = Field(ge=1, description="The plan's `version` you last saw.")
    status: ActionStatus
    progress: ProgressText | None = Field(
        default=None, description="The latest word on progress. Left out: unchanged."
    )


PlanConflictOut.model_rebuild()


# --- Helpers ------------------------------------------------------------------------------------


def _caller(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _action(action: PlanAction) -> ActionOut:
    return ActionOut(
        id=action.pk,
        description=action.description,
        owner=OwnerOut(
            kind=ActionOwnerKind(action.owner_kind),
            name=action.owner_name,
            user_id=action.owner_user_id,
            person_id=action.owner_person_id,
        ),
        due_on=action.due_on,
        status=ActionStatus(action.status),
        status_label=action.get_status_display(),
        progress=action.progress,
        updated_at=action.updated_at,
    )


def _out(plan: FamilyPlan) -> PlanOut:
    needs = plan.needs.prefetch_related(
        Prefetch(
            "actions",
            queryset=PlanAction.objects.select_related("owner_user", "owner_person").order_by(
                "due_on", "pk"
            ),
        )
    ).order_by("position", "pk")
    agreed = plan.versions.select_related("agreed_by").first()
    return PlanOut(
        id=plan.pk,
        episode_id=plan.episode_id,
        family_id=plan.family_id,
        version=plan.version,
        agreed_version=plan.agreed_version,
        has_draft_changes=plan.has_draft_changes,
        updated_at=plan.updated_at,
        updated_by=user_ref(plan.updated_by),
        last_agreed=AgreedVersionOut(
            number=agreed.number,
            agreed_at=agreed.agreed_at,
            agreed_by=user_ref(agreed.agreed_by),
            agreed_with_family=agreed.agreed_with_family,
            family_present=agreed.family_present,
        )
        if agreed
        else None,
        needs=[_need(need) for need in needs],
    )


def _need(need: PlanNeed) -> NeedOut:
    return NeedOut(
        id=need.pk,
        need=need.need,
        outcome=need.outcome,
        headline_outcome=SupportingFamiliesOutcome(need.headline_outcome)
        if need.headline_outcome
        else None,
        actions=[_action(action) for action in need.actions.all()],
    )


def _read(request: HttpRequest, plan: FamilyPlan) -> PlanOut:
    out = _out(plan)
    record_object_access(request, plan, AccessAction.API_READ)
    return out


# --- Operations ---------------------------------------------------------------------------------


@episode_router.get(
    "/{episode_id}/plan",
    response=PlanOut,
    summary="An episode's family plan",
    description="Needs, the outcome wanted for each, and the actions: who, by when, status and "
    "progress; the plan's version and the version last agreed with the family. 404 when the "
    "episode has no plan yet.",
)
def episode_plan(request: HttpRequest, episode_id: EpisodeId) -> PlanOut:
    episode = working_episodes(_caller(request)).filter(pk=episode_id).first()
    if episode is None:
        raise Http404("No such record, or you do not have a reason to see it.")
    plan = FamilyPlan.objects.filter(episode=episode).select_related("updated_by").first()
    if plan is None:
        raise HttpError(404, "This episode has no family plan yet.")
    return _read(request, plan)


@router.post(
    "/{plan_id}/actions/{action_id}/progress",
    response={200: PlanOut, 409: PlanConflictOut},
    summary="Record an action's progress",
    description="Send the plan's `version` you last saw as `expected_version`. If the plan "
    "changed since, nothing is saved: 409 with the plan as it is now (look, then send again "
    "with its version). Only an open episode's plan can be changed (422 otherwise).",
)
def record_progress(
    request: HttpRequest, plan_id: PlanId, action_id: ActionId, payload: ProgressIn
) -> Status[PlanOut] | Status[PlanConflictOut]:
    user = _caller(request)
    plan = plan_or_404(user, plan_id)
    action = (
        PlanAction.objects.filter(pk=action_id, need__plan=plan)
        .select_related("need__plan", "owner_user", "owner_person")
        .first()
    )
    if action is None or user.is_auditor:
        raise Http404("No such record, or you do not have a reason to see it.")
    if plan.episode.status != EpisodeStatus.OPEN:
        raise ValidationError("Only an open episode's plan can be changed.")
    try:
        services.change_action(
            actor=user,
            action=action,
            expected_version=payload.expected_version,
            description=action.description,
            owner_kind=action.owner_kind,
            due_on=action.due_on,
            status=payload.status,
            progress=action.progress if payload.progress is None else payload.progress,
            owner_user=action.owner_user,
            owner_organisation=action.owner_organisation,
            owner_person=action.owner_person,
        )
    except services.StalePlan as stale:
        # The answer shows the plan as it is now: a read of case data.
        return Status(
            409,
            PlanConflictOut(
                detail="Someone else changed this plan since the version you sent. Nothing was "
                "saved. Look at the plan as it is now, then send again with its version.",
                code="conflict",
                yours=payload,
                plan=_read(request, stale.plan),
            ),
        )
    plan.refresh_from_db()
    return Status(200, _read(request, plan))
