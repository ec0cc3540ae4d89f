"""Family plan pages: the plan (add needs and actions, agree a version), changing an action
(with a conflict page when someone else saved first), agreed versions, and the family copy.
Every page starts from the episodes policy (plans.access) and is recorded in the access log."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_object_access
from earlyhelp.core.models import AccessAction, CouncilConfiguration
from earlyhelp.episodes.models import Episode
from earlyhelp.episodes.services import team_members
from earlyhelp.people.models import Person

from . import pdf, services
from .access import action_or_404, family_episode, may_change, plan_or_404
from .forms import ActionForm, AgreeForm, ChangeActionForm, NeedForm
from .models import FamilyPlan, PlanAction, PlanNeed
from .pdf import FamilyCopy


def practitioners_for(episode: Episode) -> list[User]:
    people = team_members(episode.allocated_team) if episode.allocated_team else []
    if episode.lead_practitioner and episode.lead_practitioner not in people:
        people.insert(0, episode.lead_practitioner)
    return people


def family_members_for(episode: Episode) -> list[Person]:
    return [
        member.person
        for member in episode.family.members.filter(left_on__isnull=True)
        .select_related("person")
        .order_by("pk")
    ]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _action_form(episode: Episode, plan: FamilyPlan | None, data: Any = None, **kw: Any) -> Any:
    return ActionForm(
        data,
        prefix="action",
        needs=plan.needs.all() if plan else PlanNeed.objects.none(),
        practitioners=practitioners_for(episode),
        family_members=family_members_for(episode),
        **kw,
    )


def _needs(plan: FamilyPlan | None) -> list[PlanNeed]:
    if plan is None:
        return []
    return list(
        plan.needs.prefetch_related("actions__owner_user", "actions__owner_person").order_by(
            "position", "pk"
        )
    )


@require_http_methods(["GET", "POST"])
def family_plan(request: HttpRequest, family_pk: int) -> HttpResponse:
    user = _user(request) if request.user.is_authenticated else None
    episode = family_episode(request.user, family_pk)
    plan = services.plan_for(episode)
    can_change = may_change(request.user, episode)
    version = {"plan_version": plan.version if plan else 0}
    need_form = NeedForm(prefix="need", initial=version)
    action_form = _action_form(episode, plan, initial=version)
    agree_form = AgreeForm(prefix="agree", initial=version)
    stale = False
    if request.method == "POST":
        if not can_change or user is None:
            raise Http404("No such page")
        which = request.POST.get("form", "need")
        try:
            if which == "action" and plan is not None:
                action_form = _action_form(episode, plan, request.POST)
                if action_form.is_valid():
                    data = action_form.cleaned_data
                    services.add_action(
                        actor=user,
                        need=data["need"],
                        expected_version=action_form.expected_version(),
                        description=data["description"],
                        owner_kind=data["owner_kind"],
                        owner_user=data["owner_user"],
                        owner_organisation=data["owner_organisation"],
                        owner_person=data["owner_person"],
                        due_on=data["due_on"],
                    )
                    messages.success(request, "Action added to the plan.")
                    return redirect("plans:family", family_pk)
            elif which == "agree" and plan is not None:
                agree_form = AgreeForm(request.POST, prefix="agree")
                if agree_form.is_valid():
                    data = agree_form.cleaned_data
                    agreed = services.agree_version(
                        actor=user,
                        plan=plan,
                        expected_version=agree_form.expected_version(),
                        agreed_with_family=data["agreed_with_family"],
                        family_present=data["family_present"],
                        note=data["note"],
                    )
                    messages.success(request, f"Version {agreed.number} of the plan agreed.")
                    return redirect("plans:family", family_pk)
            else:
                need_form = NeedForm(request.POST, prefix="need")
                if need_form.is_valid():
                    data = need_form.cleaned_data
                    plan = plan or services.start_plan(actor=user, episode=episode)
                    services.add_need(
                        actor=user,
                        plan=plan,
                        expected_version=need_form.expected_version(),
                        need=data["need"],
                        outcome=data["outcome"],
                        headline_outcome=data["headline_outcome"],
                    )
                    messages.success(request, "Need added to the plan.")
                    return redirect("plans:family", family_pk)
        except services.StalePlan as conflict:
            # Someone else changed the plan since this page was opened: show the plan as it
            # is now, keep what this user typed, and let them decide whether to save it.
            stale = True
            plan = conflict.plan
            for form in (need_form, action_form, agree_form):
                if form.is_bound:
                    data = request.POST.copy()
                    data[form.add_prefix("plan_version")] = str(plan.version)
                    form.data = data
        except ValidationError as error:
            agree_form.add_error(None, error)
    if plan is not None:
        record_object_access(request, plan)
    else:
        record_object_access(request, episode)
    return render(
        request,
        "plans/family_plan.html",
        {
            "episode": episode,
            "family": episode.family,
            "plan": plan,
            "needs": _needs(plan),
            "versions": list(plan.versions.select_related("agreed_by")[:1]) if plan else [],
            "can_change": can_change,
            "need_form": need_form,
            "action_form": action_form if plan is not None and plan.needs.exists() else None,
            "agree_form": agree_form,
            "forms": [need_form, action_form, agree_form],
            "stale": stale,
        },
    )


def _action_values(action: PlanAction) -> dict[str, str]:
    return {
        "What will be done": action.description,
        "Who will do it": action.owner_name,
        "By when": services.describe_date(action.due_on),
        "Status": action.get_status_display(),
        "Progress": action.progress,
    }


@require_http_methods(["GET", "POST"])
def change_action(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_or_404(request.user, pk)
    plan = action.need.plan
    episode = plan.episode
    if request.method == "POST" and not may_change(request.user, episode):
        raise Http404("No such page")
    kwargs = {
        "needs": plan.needs.all(),
        "practitioners": practitioners_for(episode),
        "family_members": family_members_for(episode),
    }
    initial = {
        "plan_version": plan.version,
        "description": action.description,
        "owner_kind": action.owner_kind,
        "owner_user": action.owner_user_id,
        "owner_organisation": action.owner_organisation,
        "owner_person": action.owner_person_id,
        "due_on": action.due_on,
        "status": action.status,
        "progress": action.progress,
    }
    form = ChangeActionForm(
        request.POST if request.method == "POST" else None, initial=initial, **kwargs
    )
    conflict: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_action(
                actor=_user(request),
                action=action,
                expected_version=form.expected_version(),
                description=data["description"],
                owner_kind=data["owner_kind"],
                owner_user=data["owner_user"],
                owner_organisation=data["owner_organisation"],
                owner_person=data["owner_person"],
                due_on=data["due_on"],
                status=data["status"],
                progress=data["progress"],
            )
        except services.StalePlan as stale:
            action.refresh_from_db()
            theirs = _action_values(action)
            mine_action = PlanAction(
                need=action.need,
                description=data["description"],
                owner_kind=data["owner_kind"],
                owner_user=data["owner_user"],
                owner_organisation=data["owner_organisation"] or "",
                owner_person=data["owner_person"],
                due_on=data["due_on"],
                status=data["status"],
                progress=data["progress"],
            )
            mine = _action_values(mine_action)
            conflict = {
                "rows": [(key, mine[key], theirs[key], mine[key] != theirs[key]) for key in mine],
                "by": stale.plan.updated_by,
                "at": stale.plan.updated_at,
            }
            # "Keep my changes" posts what they typed again, against the version now saved.
            conflict["carry"] = [
                (name, str(stale.plan.version) if name == "plan_version" else value)
                for name, values in request.POST.lists()
                if name != "csrfmiddlewaretoken"
                for value in values
            ]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Action saved.")
            return redirect("plans:family", plan.family_id)
    record_object_access(request, action)
    return render(
        request,
        "plans/change_action.html",
        {
            "action": action,
            "plan": plan,
            "family": plan.family,
            "form": form,
            "conflict": conflict,
            "can_change": may_change(request.user, episode),
            "updates": list(action.updates.select_related("recorded_by")[:10]),
        },
    )


@require_http_methods(["GET"])
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request.user, pk)
    record_object_access(request, plan)
    return render(
        request,
        "plans/versions.html",
        {
            "plan": plan,
            "family": plan.family,
            "versions": list(plan.versions.select_related("agreed_by")),
        },
    )


def _family_copy(request: HttpRequest, pk: int) -> tuple[FamilyPlan, Any, FamilyCopy]:
    """The plan and what its family copy says: the last agreed version, else the plan now."""
    plan = plan_or_404(request.user, pk)
    agreed = plan.versions.select_related("agreed_by").first()
    lead = plan.episode.lead_practitioner
    copy = FamilyCopy(
        council_name=CouncilConfiguration.current().council_name,
        family_name=plan.family.name,
        agreed_on=timezone.localtime(agreed.agreed_at).date() if agreed else None,
        lead_name=(lead.full_name or lead.email) if lead else "",
        needs=agreed.snapshot["needs"] if agreed else services.snapshot(plan)["needs"],
    )
    return plan, agreed, copy


@require_http_methods(["GET"])
def family_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan written for the family to read: the last agreed version, in plain words."""
    plan, agreed, copy = _family_copy(request, pk)
    record_object_access(request, plan)
    return render(
        request,
        "plans/family_copy.html",
        {
            "plan": plan,
            "family": plan.family,
            "agreed": agreed,
            "copy": copy,
            "needs": copy.needs,
            "lead": plan.episode.lead_practitioner,
            "plan_url": reverse("plans:family", args=[plan.family_id]),
        },
    )


@require_http_methods(["GET"])
def family_copy_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The family copy as a PDF to download, keep or send to the family: an export."""
    plan, _agreed, copy = _family_copy(request, pk)
    content = pdf.family_copy_pdf(copy)
    record_object_access(request, plan, AccessAction.EXPORT)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="family-plan-{plan.pk}.pdf"'
    return response
