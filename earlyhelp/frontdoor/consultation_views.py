"""Pages for the consultation line and professional disagreements.

Thin views: forms parse, `consultation` decides who may see what (anything else is a 404) and
writes; reading a call about a child, or a disagreement about a request, writes an AccessEvent."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.forms import posted
from earlyhelp.core.models import AccessAction
from earlyhelp.people.access import people, search_people
from earlyhelp.people.matching import PersonRecord

from . import consultation
from .access import contacts, is_front_door
from .codes import DisagreementStage, DisagreementStatus
from .consultation_forms import (
    ConsultationFilterForm,
    ConsultationForm,
    DisagreementNoteForm,
    EscalateForm,
    FindChildForm,
    RaiseDisagreementForm,
    ResolveForm,
)
from .models import ConsultationCall, Disagreement

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _require_front_door(request: HttpRequest) -> None:
    if not is_front_door(request.user):
        raise Http404("No such page")


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Consultation line -------------------------------------------------------------------------


@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    _require_front_door(request)
    filters = ConsultationFilterForm(request.GET or None)
    calls: QuerySet[ConsultationCall] = consultation.consultations_visible_to(
        request.user
    ).select_related("caller_organisation", "recorded_by", "person")
    threshold, agency = "", ""
    if filters.is_valid():
        threshold = filters.cleaned_data["threshold_met"]
        agency = filters.cleaned_data["agency"].strip()
    if threshold:
        calls = calls.filter(threshold_met=threshold)
    if agency:
        calls = calls.filter(
            Q(caller_agency__icontains=agency) | Q(caller_organisation__name__icontains=agency)
        )
    page = Paginator(calls.order_by("-called_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_access(
        request,
        AccessAction.VIEW,
        object_type="consultation_calls",
        description=f"Consultation line, page {page.number}",
    )
    return render(
        request,
        "frontdoor/consultation_list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": bool(threshold or agency),
            "filter_query": urlencode(
                {k: v for k, v in (("threshold_met", threshold), ("agency", agency)) if v}
            ),
        },
    )


def _child_search(request: HttpRequest) -> tuple[FindChildForm, list[Any], Any]:
    """The search for the child (GET parameters), the candidates as the user may see them,
    and the queryset of those the user may link (only people they may open)."""
    find = FindChildForm(request.GET if "search" in request.GET else None, prefix="child")
    candidates: list[Any] = []
    linkable = None
    if find.is_bound and find.is_valid():
        data = find.cleaned_data
        record = PersonRecord(
            given_name=data.get("given_name", ""),
            family_name=data.get("family_name", ""),
            date_of_birth=data.get("date_of_birth"),
        )
        found = search_people(request.user, record, limit=10)
        ids = [person.pk for person, _ in found]
        openable = set(
            people.visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        record_access(
            request,
            AccessAction.SEARCH,
            object_type="person_search",
            description=f"Consultation call: child search ({len(ids)} found)",
        )
        candidates = [(person, person.pk in openable) for person, _ in found]
        linkable = people.visible_to(request.user).filter(pk__in=openable)
    return find, candidates, linkable


@require_http_methods(["GET", "POST"])
def record_consultation(request: HttpRequest) -> HttpResponse:
    _require_front_door(request)
    find, candidates, linkable = _child_search(request)
    # The child chosen must be among the people found that the user may open: anyone else
    # is not a valid choice (and the service checks again).
    now = timezone.localtime()
    form = ConsultationForm(
        posted(request),
        children=linkable,
        initial={"called_on": now.date(), "called_time": now.strftime("%H:%M")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            call = consultation.record_consultation(
                actor=_user(request), **form.service_arguments()
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Consultation call recorded.")
            return redirect("frontdoor:consultation", call.pk)
    return render(
        request,
        "frontdoor/consultation_form.html",
        {
            "form": form,
            "find": find,
            "candidates": candidates,
            "searched": find.is_bound and find.is_valid(),
            "search_query": request.GET.urlencode() if "search" in request.GET else "",
        },
    )


@require_GET
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_front_door(request)
    call = get_object_or_404(
        consultation.consultations_visible_to(request.user).select_related(
            "caller_organisation", "recorded_by", "person"
        ),
        pk=pk,
    )
    can_open_person = False
    if call.person_id:
        record_access(
            request,
            AccessAction.VIEW,
            object_type="consultationcall",
            object_id=call.pk,
            description=str(call),
            person_id=call.person_id,
        )
        can_open_person = people.visible_to(request.user).filter(pk=call.person_id).exists()
    return render(
        request,
        "frontdoor/consultation_detail.html",
        {"call": call, "can_open_person": can_open_person},
    )


# --- Professional disagreements -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def raise_disagreement(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(contacts.visible_to(request.user).select_related("decision"), pk=pk)
    user = _user(request)
    if contact.referrer_id != user.pk or not consultation.is_decided(contact):
        raise Http404("No such page")
    open_one = contact.disagreements.filter(status=DisagreementStatus.OPEN).first()
    if open_one:
        messages.info(request, "You have already raised a disagreement about this decision.")
        return redirect("frontdoor:disagreement", open_one.pk)
    form = RaiseDisagreementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            disagreement = consultation.raise_disagreement(
                actor=user, contact=contact, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, "Disagreement raised. The screener who decided has been told."
            )
            return redirect("frontdoor:disagreement", disagreement.pk)
    record_object_access(request, contact)
    return render(
        request,
        "frontdoor/disagreement_raise.html",
        {"form": form, "contact": contact, "decision": contact.decision},
    )


@require_GET
def disagreement_list(request: HttpRequest) -> HttpResponse:
    _require_front_door(request)
    disagreements = (
        consultation.disagreements_visible_to(request.user)
        .select_related("contact", "raised_by")
        .annotate(
            open_first=Case(
                When(status=DisagreementStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "-raised_at", "-pk")
    )
    page = Paginator(disagreements, PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(
        request,
        AccessAction.VIEW,
        object_type="disagreements",
        description=f"Professional disagreements, page {page.number}",
    )
    return render(request, "frontdoor/disagreement_list.html", {"page": page})


STEPS = {"reply": DisagreementNoteForm, "escalate": EscalateForm, "resolve": ResolveForm}


@require_http_methods(["GET", "POST"])
def disagreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    disagreement = get_object_or_404(
        consultation.disagreements_visible_to(request.user).select_related(
            "contact",
            "contact__decision",
            "contact__decision__decided_by",
            "raised_by",
            "resolved_by",
        ),
        pk=pk,
    )
    user = _user(request)
    is_open = disagreement.status == DisagreementStatus.OPEN
    takes_part = is_open and consultation.may_take_part(user, disagreement)
    can_resolve = is_open and consultation.is_front_door_manager(user)
    can_escalate = takes_part and disagreement.stage < DisagreementStage.SENIOR
    allowed = {
        "reply": takes_part,
        "escalate": can_escalate,
        "resolve": can_resolve,
    }
    forms = {name: form_class(prefix=name) for name, form_class in STEPS.items()}
    if request.method == "POST":
        if not consultation.may_take_part(user, disagreement):
            raise Http404("No such page")
        step = request.POST.get("step", "")
        if step in STEPS:
            if not allowed[step]:
                raise Http404("No such page")
            form = STEPS[step](request.POST, prefix=step)
            forms[step] = form
            if form.is_valid():
                try:
                    _take_step(user, disagreement, step, form.cleaned_data)
                except ValidationError as error:
                    _apply_errors(form, error)
                else:
                    messages.success(request, _DONE[step])
                    return redirect("frontdoor:disagreement", disagreement.pk)
    record_object_access(request, disagreement.contact)
    return render(
        request,
        "frontdoor/disagreement_detail.html",
        {
            "disagreement": disagreement,
            "contact": disagreement.contact,
            "notes": disagreement.notes.select_related("written_by"),
            "forms": forms,
            "allowed": allowed,
            "next_stage": DisagreementStage(disagreement.stage + 1).label if can_escalate else "",
            "form": next((f for f in forms.values() if f.is_bound), None),
        },
    )


_DONE = {
    "reply": "Your reply has been added. The other side has been told.",
    "escalate": "The disagreement has been escalated. The other side has been told.",
    "resolve": "The disagreement is resolved. The referrer has been told.",
}


def _take_step(user: User, disagreement: Disagreement, step: str, data: dict[str, Any]) -> None:
    if step == "reply":
        consultation.add_note(actor=user, disagreement=disagreement, note=data["note"])
    elif step == "escalate":
        consultation.escalate(actor=user, disagreement=disagreement, note=data["note"])
    else:
        consultation.resolve(
            actor=user,
            disagreement=disagreement,
            outcome=data["outcome"],
            resolution=data["resolution"],
        )
