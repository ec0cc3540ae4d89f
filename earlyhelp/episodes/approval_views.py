"""Approvals of step up and closure, when the council asks for them: the list of requests
waiting for a council team manager (their own teams' families only), and one family's request
page, where the team's managers approve or decline and the people doing the work read what was
asked and decided. A family the user has no reason to see is a 404; every page writes an
AccessEvent."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_access
from earlyhelp.core.forms import posted
from earlyhelp.core.models import AccessAction
from earlyhelp.people.access import families

from . import services
from .access import allocates, episodes, managed_team_ids, manages, reads_supervision
from .forms import ApprovalDecisionForm
from .models import ApprovalDecision, ApprovalKind, EpisodeApproval

NOT_FOUND = "No such record, or you do not have a reason to see it."
#: Decided requests shown under the waiting ones on the list.
RECENTLY_DECIDED = 20


@dataclass
class Row:
    approval: EpisodeApproval
    title: str


def _rows(approvals: list[EpisodeApproval]) -> list[Row]:
    return [Row(a, services.APPROVAL_TITLES[ApprovalKind(a.kind)]) for a in approvals]


@require_http_methods(["GET"])
def approvals(request: HttpRequest) -> HttpResponse:
    """Step ups and closures waiting for approval in the teams the user manages, oldest
    first, and the latest decided."""
    user = request.user
    if not allocates(user):
        raise Http404("No such page")
    team_ids = managed_team_ids(user)
    # From the episodes the manager may see: a restricted family's request never shows here.
    mine = EpisodeApproval.objects.filter(
        episode__in=episodes.visible_to(user), episode__allocated_team_id__in=team_ids
    ).select_related("episode__family", "episode__allocated_team", "requested_by", "decided_by")
    waiting = list(mine.filter(decision=ApprovalDecision.PENDING).order_by("requested_at", "pk"))
    decided = list(
        mine.exclude(decision=ApprovalDecision.PENDING).order_by("-decided_at", "-pk")[
            :RECENTLY_DECIDED
        ]
    )
    record_access(
        request,
        AccessAction.VIEW,
        object_type="approvals",
        object_id=",".join(str(t) for t in team_ids)[:64],
        description=f"Approvals: {len(waiting)} waiting",
    )
    return render(
        request,
        "episodes/approvals.html",
        {"waiting": _rows(waiting), "decided": _rows(decided)},
    )


@require_http_methods(["GET", "POST"])
def approval(request: HttpRequest, pk: int) -> HttpResponse:
    """The family's request waiting for approval (if any) and the episode's earlier requests.
    The council people doing the work and the auditor read it; the team's managers decide."""
    family = families.get_or_404(request.user, pk=pk)
    episode = services.current_episode(family)
    if episode is None or not reads_supervision(request.user, episode):
        raise Http404(NOT_FOUND)
    can_decide = manages(request.user, episode)
    if request.method == "POST" and not can_decide:
        raise Http404(NOT_FOUND)
    record_access(
        request,
        AccessAction.VIEW,
        object_type="family",
        object_id=family.pk,
        description=f"Approvals: {family}"[:255],
        family_id=family.pk,
    )
    pending = services.pending_approval(episode)
    form = None
    if pending is not None and can_decide:
        form = ApprovalDecisionForm(posted(request), initial={"approval": pending.pk})
    if request.method == "POST":
        if form is None:
            messages.info(request, "Nothing is waiting for approval.")
            return redirect("episodes:approval", family.pk)
        if form.is_valid():
            done = _decide(request, form, pending, family.pk)
            if done is not None:
                return done
    history = list(
        EpisodeApproval.objects.filter(episode=episode)
        .exclude(decision=ApprovalDecision.PENDING)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    )
    return render(
        request,
        "episodes/approval.html",
        {
            "family": family,
            "current": "episode",
            "episode": episode,
            "pending": pending,
            "title": services.APPROVAL_TITLES[ApprovalKind(pending.kind)] if pending else "",
            "proposal": services.describe_proposal(pending) if pending else [],
            "form": form,
            "history": _rows(history),
        },
    )


def _decide(
    request: HttpRequest,
    form: ApprovalDecisionForm,
    pending: EpisodeApproval | None,
    family_pk: int,
) -> HttpResponse | None:
    """Carry out the manager's decision and go back to the episode; None (the form holds the
    reason) when it cannot be done."""
    user = request.user
    assert isinstance(user, User) and pending is not None
    if form.cleaned_data["approval"] != pending.pk:
        messages.info(
            request,
            "The request changed while you were deciding. Read the request below and decide again.",
        )
        return redirect("episodes:approval", family_pk)
    title = services.APPROVAL_TITLES[ApprovalKind(pending.kind)]
    try:
        if form.cleaned_data["decision"] == "approve":
            services.approve(actor=user, approval=pending, comments=form.cleaned_data["comments"])
            messages.success(request, f"{title}: approved. It has taken effect.")
        else:
            services.decline(actor=user, approval=pending, comments=form.cleaned_data["comments"])
            messages.success(request, f"{title}: declined. The practitioner who asked is told.")
    except ValidationError as error:
        form.add_error(None, ValidationError(error.messages))
        return None
    return redirect("episodes:family_episode", family_pk)
