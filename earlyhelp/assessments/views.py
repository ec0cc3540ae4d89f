"""Assessment pages. Every page starts from `access.assessments` (or the family's visible
episodes): an assessment the user may not see is a 404, and so is a form they may not use.

Saving never loses words: each section page posts its section's version; a save from an older
version shows both versions to choose from (`_conflict`), and the autosave endpoint answers 409
with both. See docs/assessments.md."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_object_access
from earlyhelp.core.calendar import calendar_for_council
from earlyhelp.core.forms import posted
from earlyhelp.episodes.access import episodes
from earlyhelp.episodes.models import EpisodeStatus
from earlyhelp.people.access import families

from . import services
from .access import assessments
from .forms import AgreementForm, SectionForm, SignOffForm
from .models import Assessment, AssessmentSettings, AssessmentStatus

STATE_LABELS = {
    "completed": ("Completed", ""),
    "in_progress": ("In progress", "govuk-tag--light-blue"),
    "not_started": ("Not yet started", "govuk-tag--blue"),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _assessment(request: HttpRequest, pk: int, *, write: bool = False) -> Assessment:
    """The assessment, if the user may see it (and, with `write`, change it); else 404.
    Recorded in the access log."""
    assessment = assessments.get_or_404(
        request.user,
        pk=pk,
    )
    assessment = (
        Assessment.objects.select_related("template", "episode__family", "started_by")
        .filter(pk=assessment.pk)
        .get()
    )
    if write and not services.may_write(request.user, assessment.episode):
        raise Http404("No such record, or you do not have a reason to see it.")
    record_object_access(request, assessment)
    return assessment


def _section(assessment: Assessment, key: str) -> dict[str, Any]:
    section = assessment.template.section(key)
    if section is None:
        raise Http404("No such section")
    return section


def _next_section(assessment: Assessment, key: str) -> str | None:
    keys = [s["key"] for s in assessment.template.sections]
    index = keys.index(key)
    return keys[index + 1] if index + 1 < len(keys) else None


def _working_days_left(assessment: Assessment) -> int:
    today = timezone.localdate()
    calendar = calendar_for_council()
    if assessment.due_on >= today:
        return calendar.working_days_between(today, assessment.due_on)
    return -calendar.working_days_between(assessment.due_on, today)


def _saved_at_text(value: str) -> str:
    moment = parse_datetime(value) if value else None
    return f"{timezone.localtime(moment):%-d %B %Y at %H:%M}" if moment else ""


# --- The family's assessments -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def family(request: HttpRequest, family_pk: int) -> HttpResponse:
    user = _user(request)
    family = families.get_or_404(user, pk=family_pk)
    visible = episodes.visible_to(user).filter(family=family)
    open_episode = visible.filter(status=EpisodeStatus.OPEN).order_by("-opened_at").first()
    can_start = open_episode is not None and services.may_write(user, open_episode)
    if request.method == "POST":
        if not can_start:
            raise Http404("No such page")
        assert open_episode is not None
        try:
            assessment = services.start_assessment(actor=user, episode=open_episode)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("assessments:family", family_pk=family.pk)
        return redirect("assessments:assessment", pk=assessment.pk)
    record_object_access(request, family)
    rows = (
        Assessment.objects.filter(episode__in=visible)
        .select_related("template", "started_by")
        .order_by("-started_on", "-pk")
    )
    under_way = any(a.editable for a in rows)
    return render(
        request,
        "assessments/family.html",
        {
            "family": family,
            "assessments": rows,
            "open_episode": open_episode,
            "can_start": can_start and not under_way,
        },
    )


# --- One assessment ---------------------------------------------------------------------------


@require_http_methods(["GET"])
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    assessment = _assessment(request, pk)
    children = services.children_in_scope(assessment.episode)
    sections = [
        {
            "section": section,
            "state": STATE_LABELS[services.section_state(assessment, section, children)],
        }
        for section in assessment.template.sections
    ]
    return render(
        request,
        "assessments/assessment.html",
        {
            "assessment": assessment,
            "sections": sections,
            "days_left": _working_days_left(assessment),
            "can_write": services.may_write(user, assessment.episode),
            "can_sign_off": services.may_sign_off(user, assessment.episode),
            "areas": services.current_areas(assessment.episode),
            "sign_off_needed": AssessmentSettings.current().managers_sign_off,
        },
    )


def _posted_answers(form: SectionForm) -> dict[str, str]:
    """The posted text as typed, even where the form found an error (to show it back)."""
    return {name: form.data.get(name, "") for name in form.fields if name != "version"}


def _conflict(
    request: HttpRequest,
    assessment: Assessment,
    section: dict[str, Any],
    form: SectionForm,
    conflict: services.SaveConflict,
) -> HttpResponse:
    labels = {name: str(form.fields[name].label) for name in form.fields}
    rows = [
        {
            "key": key,
            "label": labels.get(key, key),
            "yours": conflict.yours[key],
            "stored": conflict.stored.get(key, ""),
        }
        for key in conflict.differing()
    ]
    same = {k: v for k, v in conflict.yours.items() if k not in conflict.differing()}
    return render(
        request,
        "assessments/conflict.html",
        {
            "assessment": assessment,
            "section": section,
            "rows": rows,
            "same": same,
            "version": conflict.stored_version,
            "saved_by": conflict.saved_by,
            "saved_at": _saved_at_text(conflict.saved_at),
        },
    )


@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    user = _user(request)
    assessment = _assessment(request, pk, write=True)
    page = _section(assessment, section)
    if not assessment.editable:
        messages.info(
            request, "This assessment has been submitted, so it can no longer be changed."
        )
        return redirect("assessments:assessment", pk=assessment.pk)
    children = services.children_in_scope(assessment.episode)
    data = posted(request)
    if data is not None and "resolve" in data:
        # The conflict page: for each differing field, keep yours or the saved words.
        data = data.copy()
        for key in list(data):
            if key.startswith("keep-") and data[key] == "stored":
                data[key.removeprefix("keep-")] = assessment.answers.get(
                    key.removeprefix("keep-"), ""
                )
    initial = {
        key: assessment.answers.get(key, "")
        for key, _q, _c in services.section_answer_keys(page, children)
    }
    initial["version"] = assessment.version_of(section)
    form = SectionForm(data, section=page, children=children, initial=initial)
    if data is not None and form.is_valid():
        try:
            services.save_section(
                actor=user,
                assessment=assessment,
                section_key=section,
                answers=form.answers(),
                base_version=form.cleaned_data.get("version") or 0,
            )
        except services.SaveConflict as conflict:
            return _conflict(request, assessment, page, form, conflict)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            following = _next_section(assessment, section)
            if following is None or "overview" in data:
                return redirect("assessments:assessment", pk=assessment.pk)
            return redirect("assessments:section", pk=assessment.pk, section=following)
    saved = assessment.section_saved.get(section, {})
    return render(
        request,
        "assessments/section.html",
        {
            "assessment": assessment,
            "section": page,
            "form": form,
            "saved_at": _saved_at_text(saved.get("at", "")),
            "storage_key": f"earlyhelp:assessment:{user.pk}:{assessment.pk}:{section}",
        },
    )


@require_http_methods(["POST"])
def autosave(request: HttpRequest, pk: int, section: str) -> JsonResponse:
    """Save a section as the user types (JSON). 200 with the new version; 409 with both
    versions when someone else saved first; 400 when the answers are invalid or locked."""
    user = _user(request)
    assessment = assessments.get_or_404(user, pk=pk)
    if not services.may_write(user, assessment.episode):
        raise Http404("No such record, or you do not have a reason to see it.")
    page = _section(assessment, section)
    children = services.children_in_scope(assessment.episode)
    answers = {
        key: request.POST.get(key, "")
        for key, _q, _c in services.section_answer_keys(page, children)
    }
    version = request.POST.get("version", "0")
    try:
        saved = services.save_section(
            actor=user,
            assessment=assessment,
            section_key=section,
            answers=answers,
            base_version=int(version) if version.isdigit() else 0,
        )
    except services.SaveConflict as conflict:
        # The reply shows the stored words: a read of case data, so it is recorded.
        record_object_access(request, assessment)
        return JsonResponse(
            {
                "status": "conflict",
                "version": conflict.stored_version,
                "yours": conflict.yours,
                "stored": conflict.stored,
                "saved_by": conflict.saved_by,
                "saved_at": _saved_at_text(conflict.saved_at),
            },
            status=409,
        )
    except ValidationError as error:
        return JsonResponse({"status": "invalid", "errors": error.messages}, status=400)
    return JsonResponse(
        {
            "status": "saved",
            "version": saved.version_of(section),
            "saved_at": f"{timezone.localtime():%H:%M}",
        }
    )


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    assessment = _assessment(request, pk, write=True)
    if not assessment.editable:
        messages.info(request, "This assessment has already been submitted.")
        return redirect("assessments:assessment", pk=assessment.pk)
    missing = services.missing_answers(assessment)
    error = ""
    if request.method == "POST":
        try:
            services.submit(actor=user, assessment=assessment)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, "Assessment submitted")
            return redirect("assessments:assessment", pk=assessment.pk)
    return render(
        request,
        "assessments/submit.html",
        {
            "assessment": assessment,
            "missing": missing,
            "error": error,
            "sign_off_needed": AssessmentSettings.current().managers_sign_off,
        },
    )


@require_http_methods(["GET", "POST"])
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    assessment = assessments.get_or_404(user, pk=pk)
    if not services.may_sign_off(user, assessment.episode):
        raise Http404("No such record, or you do not have a reason to see it.")
    assessment = _assessment(request, pk)
    ready = assessment.status == AssessmentStatus.SUBMITTED
    form = SignOffForm(posted(request) if ready else None)
    if ready and request.method == "POST" and form.is_valid():
        try:
            services.sign_off(
                actor=user,
                assessment=assessment,
                approve=form.cleaned_data["decision"] == "approve",
                comments=form.cleaned_data["comments"],
            )
        except ValidationError as error:
            form.add_error("comments" if hasattr(error, "error_dict") else None, error.messages[0])
        else:
            messages.success(
                request,
                "Assessment signed off"
                if form.cleaned_data["decision"] == "approve"
                else "Assessment returned for changes",
            )
            return redirect("assessments:assessment", pk=assessment.pk)
    return render(
        request,
        "assessments/sign_off.html",
        {"assessment": assessment, "form": form if ready else None},
    )


@require_http_methods(["GET", "POST"])
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    assessment = _assessment(request, pk, write=True)
    initial = {
        "agreed_by": assessment.agreed_by,
        "method": assessment.agreement_method,
        "agreed_on": assessment.agreed_on,
        "comments": assessment.agreement_comments,
    }
    form = AgreementForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_agreement(
                actor=user,
                assessment=assessment,
                agreed_by=form.cleaned_data["agreed_by"],
                method=form.cleaned_data["method"],
                agreed_on=form.cleaned_data["agreed_on"],
                comments=form.cleaned_data["comments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Family agreement recorded")
            return redirect("assessments:assessment", pk=assessment.pk)
    return render(request, "assessments/agreement.html", {"assessment": assessment, "form": form})


@require_http_methods(["GET"])
def print_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    children = services.children_in_scope(assessment.episode)
    sections = []
    for section in assessment.template.sections:
        answers = []
        for key, question, child in services.section_answer_keys(section, children):
            value = str(assessment.answers.get(key, ""))
            if question["kind"] == "choice":
                value = dict((str(v), t) for v, t in question["choices"]).get(value, value)
            label = question["label"] + (f" ({child[1]})" if child else "")
            answers.append((label, value))
        sections.append((section, answers))
    return render(
        request,
        "assessments/print.html",
        {
            "assessment": assessment,
            "sections": sections,
            "areas": services.current_areas(assessment.episode),
            "back": reverse("assessments:assessment", args=[assessment.pk]),
        },
    )
