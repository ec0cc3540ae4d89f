"""Subject access request pages, for the data protection officer only: the disclosure log, a
new request, the request itself (status, deadline, what is held, the redaction step) and the
disclosure as HTML, PDF and JSON. Every disclosure download is recorded as an export."""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_access
from earlyhelp.core.forms import posted
from earlyhelp.core.models import AccessAction, CouncilConfiguration
from earlyhelp.people.access import people

from . import services
from .access import require_officer
from .codes import OPEN_STATUSES
from .dates import latest_extended_due_date
from .forms import NewRequestForm, RedactionForm, UpdateRequestForm
from .gather import counts, gather
from .models import SubjectAccessRequest
from .pdf import build_pdf
from .redact import redact, third_parties
from .render import readable


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_GET
def disclosure_log(request: HttpRequest) -> HttpResponse:
    require_officer(request.user)
    today = timezone.localdate()
    requests = list(SubjectAccessRequest.objects.select_related("person"))
    # Open requests first, soonest deadline first; then closed ones, newest first.
    requests.sort(
        key=lambda r: (0, r.deadline.toordinal()) if r.is_open else (1, -r.received_on.toordinal())
    )
    rows = [
        {"sar": r, "overdue": r.is_overdue(today), "days_left": (r.deadline - today).days}
        for r in requests
    ]
    return render(
        request,
        "subject_access/log.html",
        {"rows": rows, "overdue": sum(r["overdue"] for r in rows), "today": today},
    )


@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    require_officer(request.user)
    form = NewRequestForm(posted(request), people=people.visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        assert form.person is not None
        if request.POST.get("confirmed") == "yes":
            try:
                sar = services.record_request(
                    actor=_user(request),
                    person=form.person,
                    **{k: v for k, v in form.cleaned_data.items() if k != "person_id"},
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, "Subject access request recorded.")
                return redirect("subject_access:request", sar.pk)
        else:
            hidden = [(k, v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"]
            return render(
                request,
                "subject_access/confirm.html",
                {"form": form, "person": form.person, "hidden": hidden},
            )
    return render(request, "subject_access/new.html", {"form": form})


def _redaction_initial(sar: SubjectAccessRequest) -> dict[str, Any]:
    return {
        "release": [str(pk) for pk in sar.released_person_ids],
        "withhold_own_confidential": sar.withhold_own_confidential,
    }


def _update_initial(sar: SubjectAccessRequest) -> dict[str, Any]:
    return {name: getattr(sar, name) for name in services.UPDATABLE}


@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    require_officer(request.user)
    sar = get_object_or_404(SubjectAccessRequest.objects.select_related("person"), pk=pk)
    document = gather(sar.person)
    parties = third_parties(document)
    which = request.POST.get("form") if request.method == "POST" else None
    redaction_form = RedactionForm(
        request.POST if which == "redaction" else None,
        initial=_redaction_initial(sar),
        parties=parties,
        prefix="redaction",
    )
    update_form = UpdateRequestForm(
        request.POST if which == "update" else None, initial=_update_initial(sar), prefix="update"
    )
    if which == "redaction" and redaction_form.is_valid():
        services.record_redactions(
            actor=_user(request),
            sar=sar,
            release=[int(pk) for pk in redaction_form.cleaned_data["release"]],
            withhold_own_confidential=redaction_form.cleaned_data["withhold_own_confidential"],
        )
        messages.success(request, "Redactions saved. Check the document before releasing it.")
        return redirect("subject_access:request", sar.pk)
    if which == "update" and update_form.is_valid():
        try:
            services.update_request(actor=_user(request), sar=sar, **update_form.cleaned_data)
        except ValidationError as error:
            _apply_errors(update_form, error)
        else:
            messages.success(request, f"Request updated: {sar.get_status_display().lower()}.")
            return redirect("subject_access:request", sar.pk)
    record_access(
        request,
        AccessAction.VIEW,
        object_type="subject_access",
        object_id=sar.pk,
        description=f"Subject access request about {sar.person}",
        person_id=sar.person_id,
    )
    today = timezone.localdate()
    return render(
        request,
        "subject_access/request.html",
        {
            "sar": sar,
            "counts": counts(document),
            "parties": parties,
            "redaction_form": redaction_form,
            "update_form": update_form,
            "overdue": sar.is_overdue(today),
            "latest_extension": latest_extended_due_date(sar.received_on),
            "is_open": sar.status in OPEN_STATUSES,
        },
    )


def _disclosure(request: HttpRequest, pk: int, what: str) -> tuple[SubjectAccessRequest, dict]:
    """The redacted document, with the download written to the access log as an export."""
    require_officer(request.user)
    sar = get_object_or_404(SubjectAccessRequest.objects.select_related("person"), pk=pk)
    document = redact(
        gather(sar.person),
        release=sar.released_person_ids,
        withhold_own_confidential=sar.withhold_own_confidential,
    )
    document["request"] = {
        "reference": sar.pk,
        "requester": sar.requester_name,
        "requester_relationship": sar.get_requester_relationship_display(),
        "received_on": sar.received_on.isoformat(),
        "due_on": sar.deadline.isoformat(),
    }
    record_access(
        request,
        AccessAction.EXPORT,
        object_type="subject_access",
        object_id=sar.pk,
        description=f"Subject access disclosure ({what}) about {sar.person}",
        person_id=sar.person_id,
    )
    return sar, document


def _intro(sar: SubjectAccessRequest, document: dict) -> list[str]:
    council = CouncilConfiguration.current()
    return [
        f"{council.council_name}, {council.service_name}.",
        f"The personal information we hold about {document['subject']['name']}, in answer to "
        f"subject access request {sar.pk} from {sar.requester_name} "
        f"({sar.get_requester_relationship_display().lower()}), received "
        f"{sar.received_on.day} {sar.received_on:%B %Y}.",
        "Information about other people has been removed where we may not share it; it "
        "shows as [redacted: ...].",
    ]


def _filename(sar: SubjectAccessRequest, extension: str) -> str:
    return f"subject-access-request-{sar.pk}.{extension}"


@require_GET
def document_html(request: HttpRequest, pk: int) -> HttpResponse:
    sar, document = _disclosure(request, pk, "HTML")
    return render(
        request,
        "subject_access/document.html",
        {"sar": sar, "intro": _intro(sar, document), "sections": readable(document)},
    )


@require_GET
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    sar, document = _disclosure(request, pk, "PDF")
    content = build_pdf(
        document, heading="Subject access request: your information", intro=_intro(sar, document)
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(sar, "pdf")}"'
    return response


@require_GET
def document_json(request: HttpRequest, pk: int) -> HttpResponse:
    sar, document = _disclosure(request, pk, "JSON")
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(sar, "json")}"'
    return response
