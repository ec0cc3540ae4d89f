"""Consent and information-sharing pages for a family. Anyone who may see the family sees its
consent position and sharing log; anyone who may change it records consent and decisions; only
team managers record or end safeguarding overrides."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.core.access import Action
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.forms import posted
from earlyhelp.core.models import AccessAction
from earlyhelp.people.access import families
from earlyhelp.people.models import Family

from . import services
from .forms import ConsentForm, EndOverrideForm, OverrideForm, SharingDecisionForm
from .models import SafeguardingOverride, current_position


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _family_to_change(request: HttpRequest, pk: int) -> Family:
    family = families.get_or_404(request.user, pk=pk)
    families.require(request.user, Action.CHANGE, family)
    return family


def family_consent(request: HttpRequest, pk: int) -> HttpResponse:
    family = families.get_or_404(request.user, pk=pk)
    record_object_access(request, family)
    records = list(
        family.consent_records.select_related("person", "share_with_organisation", "recorded_by")
    )
    return render(
        request,
        "consent/family.html",
        {
            "family": family,
            "current": current_position(records),
            "records": records,
            "overrides": family.safeguarding_overrides.select_related(
                "approved_by", "share_with_organisation"
            ),
            "decisions": family.sharing_decisions.select_related(
                "shared_with_organisation", "approved_by", "recorded_by", "person"
            ),
            "can_change": families.can(request.user, Action.CHANGE, family),
            "is_manager": services.is_manager(_user(request)),
        },
    )


def _audit_override(request: HttpRequest, override: SafeguardingOverride, what: str) -> None:
    """Overrides belong in the access log beside the reads they make possible."""
    record_access(
        request,
        AccessAction.OVERRIDE,
        object_type="safeguarding_override",
        object_id=override.pk,
        description=f"{what} for {override.family}",
        family_id=override.family_id,
        reason=override.end_reason or override.reason,
    )


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
def record_consent(request: HttpRequest, pk: int) -> HttpResponse:
    family = _family_to_change(request, pk)
    form = ConsentForm(posted(request), family=family)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_consent(
                actor=_user(request), family=family, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Recorded: consent {record}.")
            return redirect("consent:family", family.pk)
    return render(request, "consent/consent_form.html", {"form": form, "family": family})


@require_http_methods(["GET", "POST"])
def record_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    family = _family_to_change(request, pk)
    form = SharingDecisionForm(posted(request), family=family)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.record_sharing_decision(
                actor=_user(request), family=family, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Sharing decision recorded: {decision}.")
            return redirect("consent:family", family.pk)
    return render(request, "consent/sharing_form.html", {"form": form, "family": family})


@require_http_methods(["GET", "POST"])
def record_override(request: HttpRequest, pk: int) -> HttpResponse:
    family = _family_to_change(request, pk)
    if not services.is_manager(_user(request)):
        raise Http404("No such page")
    form = OverrideForm(posted(request))
    if request.method == "POST" and form.is_valid():
        override = services.record_override(
            actor=_user(request), family=family, **form.cleaned_data
        )
        _audit_override(request, override, "Safeguarding override recorded")
        messages.success(request, "Safeguarding override recorded. Partners it covers keep access.")
        return redirect("consent:family", family.pk)
    return render(request, "consent/override_form.html", {"form": form, "family": family})


@require_http_methods(["GET", "POST"])
def end_override(request: HttpRequest, pk: int) -> HttpResponse:
    override = get_object_or_404(SafeguardingOverride, pk=pk, ended_at__isnull=True)
    family = _family_to_change(request, override.family_id)
    if not services.is_manager(_user(request)):
        raise Http404("No such page")
    form = EndOverrideForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.end_override(
            actor=_user(request), override=override, reason=form.cleaned_data["reason"]
        )
        _audit_override(request, override, "Safeguarding override ended")
        messages.success(request, "The safeguarding override has ended.")
        return redirect("consent:family", family.pk)
    return render(
        request,
        "consent/end_override.html",
        {"form": form, "family": family, "override": override},
    )
