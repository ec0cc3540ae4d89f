"""Pages for asking the front door for help.

- A practitioner's request for support: question pages, one thing per page, each "Save and
  continue" saving the draft; check your answers; sent with a reference. Their requests list
  and each request's status and outcome.
- A screener's record of a phone call or an email, continuing on the same question pages.
- A family's own request, public and without an account (honeypot, minimum time to fill, and a
  per-address rate limit instead of a CAPTCHA).

Thin views: forms parse, `access` decides, `submission` writes. Someone else's request is a 404.
"""

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.forms import posted
from earlyhelp.core.models import AccessAction
from earlyhelp.people import access as people_access
from earlyhelp.people.forms import FindPersonForm
from earlyhelp.people.matching import POSSIBLE_MATCH, Match, PersonRecord
from earlyhelp.people.models import Person

from . import submission
from .access import contacts, is_front_door
from .codes import ContactMethod, ContactStatus, FamilyConsent, Worry
from .models import Attachment, Contact, Notification
from .request_forms import (
    AttachmentForm,
    CallerForm,
    ConsentForm,
    NewPersonForm,
    SelfRequestForm,
    TriedForm,
    UrgencyForm,
    WorriesForm,
    YouForm,
)

#: The question pages, in order: (slug, title).
STEPS: list[tuple[str, str]] = [
    ("you", "About you"),
    ("children", "Children"),
    ("adults", "Adults"),
    ("worries", "What you are worried about"),
    ("tried", "What has been tried"),
    ("consent", "The family's agreement"),
    ("urgency", "How urgent"),
]
STEP_SLUGS = [slug for slug, _ in STEPS]
STEP_HEADINGS = {
    "you": "About you",
    "worries": "What are you worried about?",
    "tried": "What has been tried already?",
    "consent": "Does the family know about this request, and agree to it?",
    "urgency": "How urgent is this?",
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _own(request: HttpRequest, pk: int) -> Contact:
    """One of the user's own requests (started or recorded by them), or 404."""
    user = request.user
    contact = (
        contacts.visible_to(user)
        .filter(Q(referrer=user) | Q(created_by=user), pk=pk)
        .select_related("referrer_organisation")
        .first()
    )
    if contact is None:
        raise Http404("No such request")
    return contact


def _own_draft(request: HttpRequest, pk: int) -> Contact | None:
    """The user's draft, or None when it has been sent (the caller redirects to it)."""
    contact = _own(request, pk)
    if contact.status != ContactStatus.DRAFT:
        return None
    if not people_access.can_record_people(request.user):
        raise Http404("No such page")
    return contact


def _after(contact: Contact, slug: str, request: HttpRequest) -> HttpResponse:
    """Where "Save and continue" goes: back to check answers if that is where they came from."""
    if request.GET.get("from") == "check":
        return redirect("frontdoor:request_check", contact.pk)
    index = STEP_SLUGS.index(slug)
    if index + 1 < len(STEP_SLUGS):
        return redirect("frontdoor:request_step", contact.pk, STEP_SLUGS[index + 1])
    return redirect("frontdoor:request_attachment", contact.pk)


def _back(contact: Contact, slug: str) -> str:
    index = STEP_SLUGS.index(slug)
    if index == 0:
        return reverse("frontdoor:requests")
    return reverse("frontdoor:request_step", args=[contact.pk, STEP_SLUGS[index - 1]])


# --- The list, the start page, one request --------------------------------------------------


@require_GET
def requests(request: HttpRequest) -> HttpResponse:
    mine = list(
        submission.requests_of(_user(request))
        .select_related("decision")
        .prefetch_related("subjects__person")[:200]
    )
    record_access(
        request,
        AccessAction.VIEW,
        object_type="contact_list",
        description=f"Own requests for support ({len(mine)})",
    )
    return render(
        request,
        "frontdoor/request_list.html",
        {
            "drafts": [c for c in mine if c.status == ContactStatus.DRAFT],
            "sent": [c for c in mine if c.status != ContactStatus.DRAFT],
            "can_request": people_access.can_record_people(request.user),
            "can_record_contact": is_front_door(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def request_start(request: HttpRequest) -> HttpResponse:
    if not people_access.can_record_people(request.user):
        raise Http404("No such page")
    if request.method == "POST":
        contact = submission.start_draft(actor=_user(request))
        return redirect("frontdoor:request_step", contact.pk, STEP_SLUGS[0])
    return render(request, "frontdoor/request_start.html")


def _people_on(contact: Contact) -> dict[str, list[dict[str, Any]]]:
    """The children and adults named on a request, with or without a record."""
    named: dict[str, list[dict[str, Any]]] = {"children": [], "adults": []}
    for subject in contact.subjects.select_related("person").order_by("pk"):
        person = subject.person
        named["children" if subject.is_child else "adults"].append(
            {
                "name": person.full_name,
                "date_of_birth": person.date_of_birth,
                "person": person,
                "subject": subject,
            }
        )
    for index, entry in enumerate(submission.unmatched(contact)):
        named["children" if entry.get("is_child") else "adults"].append(
            {
                "name": f"{entry['given_name']} {entry['family_name']}".strip(),
                "date_of_birth": entry.get("date_of_birth") or None,
                "unmatched_index": index,
            }
        )
    return named


def _answers(contact: Contact) -> dict[str, Any]:
    return {
        "people": _people_on(contact),
        "worries": [Worry(code).label for code in contact.worries if code in Worry.values],
        "attachments": list(contact.attachments.order_by("uploaded_at", "pk")),
        "agency": contact.draft.get("referrer_agency", ""),
        "steps": dict(STEPS),
    }


@require_GET
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _own(request, pk)
    record_object_access(request, contact)
    decision = getattr(contact, "decision", None) if contact.status == "decided" else None
    return render(
        request,
        "frontdoor/request_page.html",
        {
            "contact": contact,
            "decision": decision,
            "notifications": Notification.objects.filter(contact=contact, user=_user(request)),
            **_answers(contact),
        },
    )


# --- The question pages ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_SLUGS:
        raise Http404("No such question")
    contact = _own_draft(request, pk)
    if contact is None:
        return redirect("frontdoor:request", pk)
    if step in ("children", "adults"):
        return _people_step(request, contact, step)
    form_class, initial = _step_form(contact, step)
    form = form_class(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _save_step(request, contact, step, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if step == "consent" and contact.family_consent == FamilyConsent.NO:
                return render(
                    request,
                    "frontdoor/request_cannot_proceed.html",
                    {"contact": contact, "back_url": request.get_full_path()},
                )
            return _after(contact, step, request)
    if request.method == "GET":
        record_object_access(request, contact)
    return render(
        request,
        "frontdoor/request_step.html",
        {
            "contact": contact,
            "form": form,
            "step": step,
            "title": STEP_HEADINGS[step],
            "heading_in_form": step in ("tried", "consent", "urgency"),
            "back_url": _back(contact, step),
            "from_check": request.GET.get("from") == "check",
        },
    )


def _step_form(contact: Contact, step: str) -> tuple[Any, dict[str, Any]]:
    if step == "you":
        if contact.method == ContactMethod.ONLINE:
            return YouForm, {"referrer_phone": contact.referrer_phone, "source": contact.source}
        return CallerForm, {
            "method": contact.method,
            "referrer_name": contact.referrer_name,
            "referrer_agency": contact.draft.get("referrer_agency", ""),
            "referrer_phone": contact.referrer_phone,
            "referrer_email": contact.referrer_email,
            "source": contact.source,
        }
    if step == "worries":
        return WorriesForm, WorriesForm.initial_for(contact.worries, contact.worries_detail)
    if step == "tried":
        return TriedForm, {"already_tried": contact.already_tried}
    if step == "consent":
        return ConsentForm, {
            "family_consent": contact.family_consent,
            "consent_detail": contact.consent_detail,
        }
    return UrgencyForm, {"urgency": contact.urgency}


def _save_step(request: HttpRequest, contact: Contact, step: str, data: dict[str, Any]) -> None:
    actor = _user(request)
    save = submission.save_draft
    if step == "you":
        if contact.method == ContactMethod.ONLINE:
            save(
                actor=actor,
                contact=contact,
                referrer_phone=data["referrer_phone"],
                source=data["source"],
            )
        else:
            contact.method = data["method"]  # the draft's method: phone or email
            save(
                actor=actor,
                contact=contact,
                referrer_name=data["referrer_name"],
                referrer_phone=data["referrer_phone"],
                referrer_email=data["referrer_email"],
                source=data["source"],
                draft={"referrer_agency": data["referrer_agency"]},
            )
    elif step == "worries":
        save(
            actor=actor,
            contact=contact,
            worries=data["worries"],
            worries_detail=data["worries_detail"],
        )
    elif step == "tried":
        save(actor=actor, contact=contact, already_tried=data["already_tried"])
    elif step == "consent":
        save(
            actor=actor,
            contact=contact,
            family_consent=data["family_consent"],
            consent_detail=data["consent_detail"],
        )
    elif step == "urgency":
        save(actor=actor, contact=contact, urgency=data["urgency"])


@dataclass
class Candidate:
    person: Person
    match: Match
    can_open: bool
    known: people_access.KnownSummary


def _search(request: HttpRequest, record: PersonRecord, description: str) -> list[Candidate]:
    """People the user may learn about, best first, and which they may open (audited)."""
    found = people_access.search_people(request.user, record, limit=10)
    ids = [person.pk for person, _ in found]
    openable = set(
        people_access.people.visible_to(request.user)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    known = people_access.known_summaries(ids)
    record_access(
        request,
        AccessAction.SEARCH,
        object_type="person_search",
        description=f"Request for support: {description} ({len(ids)} found)",
    )
    return [Candidate(p, m, p.pk in openable, known[p.pk]) for p, m in found]


def _people_step(request: HttpRequest, contact: Contact, step: str) -> HttpResponse:
    """Children or adults: search first; choose someone found you may open, name someone you
    may not open (the front door matches them), or add someone new after seeing who is there."""
    is_child = step == "children"
    actor = _user(request)
    problem = ""
    new_form: NewPersonForm | None = None
    candidates: list[Candidate] | None = None
    action = request.POST.get("action", "")
    if request.method == "POST":
        try:
            done = _people_action(request, contact, action, is_child)
        except ValidationError as error:
            problem = "; ".join(error.messages)
        else:
            if done is not None:
                return done
        if action == "new":
            new_form = NewPersonForm(request.POST)
            if new_form.is_valid():
                data = new_form.cleaned_data
                record = PersonRecord(
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    date_of_birth=data["date_of_birth"],
                    sex=data["sex"] if data["sex"] != "U" else "",
                )
                candidates = [
                    c
                    for c in _search(request, record, f"before adding {data['given_name']}")
                    if c.match.score >= POSSIBLE_MATCH
                ]
                if not candidates or request.POST.get("confirmed_new") == "yes":
                    fields = {k: v for k, v in data.items() if v not in (None, "")}
                    submission.record_new_person(
                        actor=actor, contact=contact, is_child=is_child, **fields
                    )
                    messages.success(request, f"{data['given_name']} has been added.")
                    return redirect(_here(request))
    find = FindPersonForm(request.GET if "search" in request.GET else None)
    if find.is_bound and find.is_valid():
        candidates = _search(request, find.record(), find.describe())
    if request.GET.get("new") and new_form is None:
        initial = {k: v for k, v in request.GET.items() if k in ("given_name", "family_name") and v}
        if find.is_bound and find.is_valid() and find.cleaned_data.get("date_of_birth"):
            initial["date_of_birth"] = find.cleaned_data["date_of_birth"]
        new_form = NewPersonForm(initial=initial)
    if request.method == "GET":
        record_object_access(request, contact)
    named = _people_on(contact)[step]
    return render(
        request,
        "frontdoor/request_step_people.html",
        {
            "contact": contact,
            "step": step,
            "is_child": is_child,
            "title": "Which children is this request about?"
            if is_child
            else "Which adults are involved?",
            "named": named,
            "find": find,
            "candidates": candidates,
            "new_form": new_form,
            "problem": problem,
            "problem_list": [{"text": problem}] if problem else [],
            "back_url": _back(contact, step),
            "query": request.GET.urlencode(),
            "from_check": request.GET.get("from") == "check",
        },
    )


def _people_action(
    request: HttpRequest, contact: Contact, action: str, is_child: bool
) -> HttpResponse | None:
    actor = _user(request)
    if action == "add":
        person = people_access.people.get_or_404(actor, pk=_int(request.POST.get("person")))
        submission.add_subject(actor=actor, contact=contact, person=person, is_child=is_child)
        messages.success(request, f"{person.full_name} has been added.")
        return redirect(_here(request))
    if action == "name":
        # Someone found whose record the user may not open: named with the details they saw.
        found = (
            people_access.people.searchable_by(actor)
            .filter(pk=_int(request.POST.get("person")))
            .first()
        )
        if found is None:
            raise Http404("No such person")
        submission.add_unmatched(
            actor=actor,
            contact=contact,
            given_name=found.given_name,
            family_name=found.family_name,
            date_of_birth=found.date_of_birth,
            is_child=is_child,
        )
        messages.success(request, f"{found.full_name} has been named on the request.")
        return redirect(_here(request))
    if action == "remove":
        subject = contact.subjects.filter(pk=_int(request.POST.get("subject"))).first()
        if subject is None:
            raise Http404("No such person on this request")
        submission.remove_subject(actor=actor, contact=contact, subject=subject)
        return redirect(_here(request))
    if action == "remove_unmatched":
        submission.remove_unmatched(
            actor=actor, contact=contact, index=_int(request.POST.get("index"))
        )
        return redirect(_here(request))
    if action == "continue":
        if is_child and not _people_on(contact)["children"]:
            raise ValidationError("Add at least one child: search for them first")
        return _after(contact, "children" if is_child else "adults", request)
    return None


def _here(request: HttpRequest) -> str:
    """This question page again, still on the way back to check answers if it was."""
    return request.path + ("?from=check" if request.GET.get("from") == "check" else "")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


# --- Attachments, check answers, sent -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _own_draft(request, pk)
    if contact is None:
        return redirect("frontdoor:request", pk)
    actor = _user(request)
    form = AttachmentForm()
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            attachment = contact.attachments.filter(pk=_int(request.POST.get("attachment"))).first()
            if attachment is None:
                raise Http404("No such file")
            submission.remove_attachment(actor=actor, contact=contact, attachment=attachment)
            messages.success(request, f"{attachment.original_name} has been removed.")
            return redirect(request.get_full_path())
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment = submission.add_attachment(
                    actor=actor, contact=contact, uploaded_file=form.cleaned_data["file"]
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, f"{attachment.original_name} has been uploaded.")
                return redirect(request.get_full_path())
    else:
        record_object_access(request, contact)
    return render(
        request,
        "frontdoor/request_attachment.html",
        {
            "contact": contact,
            "form": form,
            "attachments": contact.attachments.order_by("uploaded_at", "pk"),
            "back_url": reverse("frontdoor:request_step", args=[contact.pk, STEP_SLUGS[-1]]),
        },
    )


@require_http_methods(["GET", "POST"])
def request_check(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _own_draft(request, pk)
    if contact is None:
        return redirect("frontdoor:request", pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            contact = submission.submit_contact(actor=_user(request), contact=contact)
        except ValidationError as error:
            errors = {key: "; ".join(value) for key, value in error.message_dict.items()}
        else:
            return redirect("frontdoor:request_submitted", contact.pk)
    else:
        record_object_access(request, contact)
        errors = {}
    return render(
        request,
        "frontdoor/request_check.html",
        {
            "contact": contact,
            "errors": errors,
            "error_list": [
                {"text": text, "href": f"#answer-{key}"} for key, text in errors.items()
            ],
            **_answers(contact),
        },
    )


@require_GET
def request_submitted(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _own(request, pk)
    if contact.status == ContactStatus.DRAFT:
        return redirect("frontdoor:request_check", contact.pk)
    record_object_access(request, contact)
    return render(
        request,
        "frontdoor/request_submitted.html",
        {"contact": contact, "panel_html": _reference_html(contact.reference)},
    )


def _reference_html(reference: str) -> str:
    return format_html("Your reference<br><strong>{}</strong>", reference)


@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Download a file sent with a request, for anyone who may see that request."""
    found = (
        Attachment.objects.filter(pk=pk, contact__in=contacts.visible_to(request.user))
        .select_related("contact")
        .first()
    )
    if found is None:
        raise Http404("No such file")
    record_access(
        request,
        AccessAction.EXPORT,
        object_type="attachment",
        object_id=found.pk,
        description=f"{found.original_name} on {found.contact.reference}",
        family_id=found.contact.family_id,
    )
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- A screener's phone or email contact -----------------------------------------------------


@require_http_methods(["GET", "POST"])
def record_contact(request: HttpRequest) -> HttpResponse:
    if not is_front_door(request.user):
        raise Http404("No such page")
    form = CallerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = submission.record_phone_or_email_contact(
            actor=_user(request),
            method=data["method"],
            referrer_name=data["referrer_name"],
            referrer_phone=data["referrer_phone"],
            referrer_email=data["referrer_email"],
            referrer_agency=data["referrer_agency"],
            source=data["source"],
        )
        messages.success(request, "Caller's details saved. Now add the children.")
        return redirect("frontdoor:request_step", contact.pk, "children")
    return render(request, "frontdoor/request_record_contact.html", {"form": form})


# --- A family's own request -------------------------------------------------------------------

_SIGNER_SALT = "frontdoor.self_request.started"


def _min_seconds() -> int:
    return int(getattr(settings, "EARLYHELP_SELF_REQUEST_MIN_SECONDS", 5))


def _hourly_limit() -> int:
    return int(getattr(settings, "EARLYHELP_SELF_REQUEST_LIMIT_PER_HOUR", 5))


def _rate_key(request: HttpRequest) -> str:
    # The proxy in front of the app sets REMOTE_ADDR; a client-supplied header is never trusted.
    return f"frontdoor:self-request:{request.META.get('REMOTE_ADDR', 'unknown')}"


def _started_token() -> str:
    return signing.dumps(time.time(), salt=_SIGNER_SALT)


def _filled_too_fast(token: str) -> bool:
    try:
        started = float(signing.loads(token, salt=_SIGNER_SALT, max_age=24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return True
    return time.time() - started < _min_seconds()


@login_not_required
@require_GET
def help_start(request: HttpRequest) -> HttpResponse:
    return render(request, "frontdoor/self_request_start.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def self_request(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and cache.get(_rate_key(request), 0) >= _hourly_limit():
        return render(request, "frontdoor/self_request_limit.html", status=429)
    form = SelfRequestForm(posted(request), initial={"started": _started_token()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            # A bot filled the hidden box: say thank you, keep nothing.
            request.session["self_request_reference"] = ""
            return redirect("frontdoor:self_request_sent")
        if _filled_too_fast(data["started"]):
            form.add_error(None, "Check your answers, then send the form again")
        else:
            try:
                contact = submission.submit_self_request(
                    parent_name=data["parent_name"],
                    relationship=data["relationship"],
                    children=data["children"],
                    help_wanted=data["help_wanted"],
                    phone=data["phone"],
                    email=data["email"],
                    contact_preference=data["contact_preference"],
                    safe_to_contact=data["safe_to_contact"] == "yes",
                    safe_contact_detail=data["safe_contact_detail"],
                    postcode=data["postcode"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _count_request(request)
                request.session["self_request_reference"] = contact.reference
                return redirect("frontdoor:self_request_sent")
    if request.method == "POST":
        # A fresh start time, so a person who was told to check their answers can send it.
        data = request.POST.copy()
        data["started"] = _started_token()
        form.data = data
    return render(
        request,
        "frontdoor/self_request_form.html",
        {"form": form, "children": form.child_slots()},
    )


def _count_request(request: HttpRequest) -> None:
    key = _rate_key(request)
    if not cache.add(key, 1, timeout=3600):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=3600)


@login_not_required
@require_GET
def self_request_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get("self_request_reference")
    if reference is None:
        return redirect("frontdoor:help")
    return render(
        request,
        "frontdoor/self_request_sent.html",
        {"reference": reference, "panel_html": _reference_html(reference) if reference else ""},
    )
