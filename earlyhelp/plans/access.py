"""Who may see and change a family plan: exactly who may see the episode (episodes policy).
Changing needs a working reason: auditors read only. Episodes still waiting for allocation
have no plan yet, so the allocation queue's managers do not get one."""

from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404

from earlyhelp.episodes.access import episodes
from earlyhelp.episodes.models import Episode, EpisodeStatus

from .models import FamilyPlan, PlanAction


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def working_episodes(user: Any) -> QuerySet[Episode]:
    """Allocated episodes (open or closed) the user may see."""
    return episodes.visible_to(user).exclude(status=EpisodeStatus.AWAITING_ALLOCATION)


def family_episode(user: Any, family_pk: int) -> Episode:
    """The family's current episode (the open one, else the latest), or 404."""
    episode = (
        working_episodes(user)
        .filter(family_id=family_pk)
        .select_related("family", "lead_practitioner", "allocated_team")
        .order_by(F("closed_at").desc(nulls_first=True), "-opened_at", "-pk")
        .first()
    )
    if episode is None:
        raise Http404("No such record, or you do not have a reason to see it.")
    return episode


def may_change(user: Any, episode: Episode) -> bool:
    return _authenticated(user) and not user.is_auditor and episode.status == EpisodeStatus.OPEN


def plans_visible_to(user: Any) -> QuerySet[FamilyPlan]:
    return FamilyPlan.objects.filter(episode__in=working_episodes(user))


def plan_or_404(user: Any, pk: int) -> FamilyPlan:
    try:
        return plans_visible_to(user).select_related("episode", "family").get(pk=pk)
    except FamilyPlan.DoesNotExist as exc:
        raise Http404("No such record, or you do not have a reason to see it.") from exc


def action_or_404(user: Any, pk: int) -> PlanAction:
    try:
        return (
            PlanAction.objects.filter(need__plan__in=plans_visible_to(user))
            .select_related("need__plan__episode", "need__plan__family", "owner_user")
            .get(pk=pk)
        )
    except PlanAction.DoesNotExist as exc:
        raise Http404("No such record, or you do not have a reason to see it.") from exc
