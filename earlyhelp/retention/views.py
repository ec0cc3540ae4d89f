"""Retention pages for the data protection officer (an auditor). Everyone else gets a 404.

The review page shows one family's members, the rule, its last activity and any legal hold, and
takes the decisions: keep for longer, place or lift a legal hold, anonymise. Each showing of a
family's details writes an AccessEvent."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.forms import posted
from earlyhelp.core.models import AccessAction
from earlyhelp.people.access import families
from earlyhelp.people.models import Family

from . import services
from .forms import AnonymiseForm, HoldForm, KeepForm, LiftHoldForm
from .models import LegalHold, RetentionReview, ReviewStatus

SORTS = {"due": ("due_since", "pk"), "-due": ("-due_since", "-pk")}


def _auditor(request: HttpRequest) -> User:
    if not getattr(request.user, "is_auditor", False):
        raise Http404("No such page")
    assert isinstance(request.user, User)
    return request.user


def _family(request: HttpRequest, pk: int) -> Family:
    return families.get_or_404(request.user, pk=pk)


def reviews(request: HttpRequest) -> HttpResponse:
    """Families due for review, oldest due first (or newest first)."""
    _auditor(request)
    sort = request.GET.get("sort", "due")
    if sort not in SORTS:
        sort = "due"
    due = (
        RetentionReview.objects.filter(status=ReviewStatus.DUE)
        .select_related("family", "rule")
        .order_by(*SORTS[sort])
    )
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    record_access(
        request,
        AccessAction.VIEW,
        object_type="retention_reviews",
        description=f"Families due for retention review, page {page.number}",
    )
    return render(
        request,
        "retention/reviews.html",
        {"page": page, "sort": sort, "rule": services.active_rule()},
    )


def _render_review(request: HttpRequest, family: Family, **forms: Any) -> HttpResponse:
    record_object_access(request, family)
    youngest_child_dob, last_activity = services.family_facts(family)
    rule = services.active_rule()
    hold = services.current_hold(family)
    context = {
        "family": family,
        "members": family.members.select_related("person").order_by("person__date_of_birth", "pk"),
        "rule": rule,
        "youngest_child_dob": youngest_child_dob,
        "last_activity": last_activity,
        "due_on": services.due_on(rule, youngest_child_dob, last_activity) if rule else None,
        "review": services.open_review(family),
        "anonymised": RetentionReview.objects.filter(
            family=family, status__in=services.CLOSED
        ).exists(),
        "hold": hold,
        "past_holds": LegalHold.objects.filter(family=family)
        .exclude(lifted_on=None)
        .select_related("placed_by", "lifted_by"),
        "decisions": RetentionReview.objects.filter(family=family)
        .exclude(status=ReviewStatus.DUE)
        .select_related("decided_by"),
        "keep_form": forms.get("keep_form") or KeepForm(prefix="keep"),
        "hold_form": forms.get("hold_form") or HoldForm(prefix="hold"),
        "lift_form": forms.get("lift_form") or LiftHoldForm(prefix="lift"),
    }
    return render(request, "retention/review.html", context)


def review(request: HttpRequest, pk: int) -> HttpResponse:
    _auditor(request)
    return _render_review(request, _family(request, pk))


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_POST
def keep(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _auditor(request)
    family = _family(request, pk)
    form = KeepForm(request.POST, prefix="keep")
    if form.is_valid():
        try:
            decision = services.keep_family(actor=actor, family=family, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            until = decision.next_review_on
            assert until is not None
            messages.success(
                request, f"Kept. The family is not due again before {until.day} {until:%B %Y}."
            )
            return redirect("retention:review", family.pk)
    return _render_review(request, family, keep_form=form)


@require_POST
def place_hold(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _auditor(request)
    family = _family(request, pk)
    form = HoldForm(request.POST, prefix="hold")
    if form.is_valid():
        try:
            services.place_legal_hold(actor=actor, family=family, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Legal hold placed. These records cannot be removed.")
            return redirect("retention:review", family.pk)
    return _render_review(request, family, hold_form=form)


@require_POST
def lift_hold(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _auditor(request)
    family = _family(request, pk)
    form = LiftHoldForm(request.POST, prefix="lift")
    if form.is_valid():
        try:
            services.lift_legal_hold(actor=actor, family=family, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Legal hold lifted.")
            return redirect("retention:review", family.pk)
    return _render_review(request, family, lift_form=form)


@require_http_methods(["GET", "POST"])
def anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, with a reason, then anonymise. Shows who will be changed and who left alone."""
    actor = _auditor(request)
    family = _family(request, pk)
    form = AnonymiseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            record = services.anonymise_family(actor=actor, family=family, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Anonymised: {_count(record.people_anonymised, 'person', 'people')},"
                f" {_count(record.addresses_deleted, 'address', 'addresses')} removed,"
                f" {_count(record.people_left_alone, 'person', 'people')} left alone.",
            )
            return redirect("retention:review", family.pk)
    record_object_access(request, family)
    scope = services.anonymisation_scope(family)
    return render(
        request,
        "retention/anonymise.html",
        {
            "family": family,
            "form": form,
            "review": services.open_review(family),
            "hold": services.current_hold(family),
            "people": family.members.filter(person_id__in=scope.people).select_related("person"),
            "left_alone": family.members.filter(person_id__in=scope.left_alone).select_related(
                "person"
            ),
        },
    )
