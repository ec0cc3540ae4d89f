"""`{% episode_approvals episode as approvals %}`: what the episode page says about approvals:
a step up or closure waiting for a manager (and whether the signed-in user may decide it), or
the latest request declined, with the manager's reasons, so the practitioner who asked is told.
One query (two when something is waiting)."""

from dataclasses import dataclass
from typing import Any

from django import template

from earlyhelp.episodes.access import manages
from earlyhelp.episodes.models import ApprovalDecision, ApprovalKind, EpisodeApproval
from earlyhelp.episodes.services import APPROVAL_TITLES

register = template.Library()


@dataclass
class EpisodeApprovals:
    pending: EpisodeApproval | None = None
    declined: EpisodeApproval | None = None
    title: str = ""
    can_decide: bool = False


@register.simple_tag(takes_context=True)
def episode_approvals(context: template.Context, episode: Any) -> EpisodeApprovals:
    if episode is None or not getattr(episode, "pk", None):
        return EpisodeApprovals()
    latest = (
        EpisodeApproval.objects.filter(episode=episode)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
        .first()
    )
    if latest is None:
        return EpisodeApprovals()
    title = APPROVAL_TITLES[ApprovalKind(latest.kind)]
    if latest.decision == ApprovalDecision.PENDING:
        request = context.get("request")
        user = getattr(request, "user", None) or context.get("user")
        return EpisodeApprovals(pending=latest, title=title, can_decide=manages(user, episode))
    if latest.decision == ApprovalDecision.DECLINED and episode.is_live:
        return EpisodeApprovals(declined=latest, title=title)
    return EpisodeApprovals()
