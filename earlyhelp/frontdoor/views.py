"""Screening pages: the front-door queue, a contact with the existing involvement of the
children it names, the decision and its approval.

Only members of a front-door team may use these pages; everyone else gets a 404. Every contact
page view, and the existing-involvement panel for each child, writes an AccessEvent."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.consent.models import ConsentRecord, current_position
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.calendar import WorkingCalendar, calendar_for_council
from earlyhelp.core.forms import posted
from earlyhelp.core.models import AccessAction, CouncilConfiguration
from earlyhelp.episodes.models import Episode
from earlyhelp.people import access as people_access
from earlyhelp.people.matching import POSSIBLE_MATCH, Match, PersonRecord
from earlyhelp.people.models import Person

from . import services
from .access import contacts, is_front_door
from .codes import ContactSource, ContactStatus, Outcome, Rag, Worry
from .forms import SORTS, ApprovalForm, DecisionForm, NewSubjectForm, QueueFilterForm, RagForm
from .models import Contact, ContactSubject

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _require_front_door(request: HttpRequest) -> None:
    if not is_front_door(request.user):
        raise Http404("No such page")


def _screenable(request: HttpRequest, pk: int) -> Contact:
    """A submitted contact, for a member of the front door; anything else is a 404."""
    _require_front_door(request)
    contact = contacts.get_or_404(request.user, pk=pk)
    if contact.status == ContactStatus.DRAFT:
        raise Http404("No such page")
    return contact


def hours_and_minutes(amount: timedelta | None) -> str:
    if amount is None:
        return ""
    minutes = int(abs(amount).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


# --- The queue ----------------------------------------------------------------------------------


@dataclass
class QueueRow:
    contact: Contact
    children: list[Person]
    target: datetime | None
    left: timedelta | None
    overdue: bool
    age: timedelta | None

    @property
    def left_text(self) -> str:
        return hours_and_minutes(self.left)

    @property
    def age_text(self) -> str:
        return hours_and_minutes(self.age)


def _sorted(queue: QuerySet[Contact], sort: str) -> QuerySet[Contact]:
    if sort == "received":
        return queue.order_by("received_at", "pk")
    if sort == "-received":
        return queue.order_by("-received_at", "-pk")
    # Time left only falls as the target comes nearer, so sorting by the target instant is
    # sorting by working time left.
    return queue.order_by(F("target").asc(nulls_last=True), "received_at", "pk")


def _sort_links(request: HttpRequest, sort: str) -> dict[str, dict[str, str]]:
    """For the sortable headers: each column's link (toggling direction) and aria-sort."""
    params = {k: request.GET.getlist(k) for k in request.GET if k not in ("sort", "page")}

    def link(value: str) -> str:
        return "?" + urlencode({**params, "sort": value}, doseq=True)

    received_next = "-received" if sort == "received" else "received"
    return {
        "time_left": {
            "href": link("time_left"),
            "aria": "ascending" if sort == "time_left" else "none",
        },
        "received": {
            "href": link(received_next),
            "aria": {"received": "ascending", "-received": "descending"}.get(sort, "none"),
        },
    }


@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    _require_front_door(request)
    user = _user(request)
    now = timezone.now()
    form = QueueFilterForm(request.GET)
    sort = request.GET.get("sort", "time_left")
    if sort not in SORTS:
        sort = "time_left"
    queryset = (
        contacts.visible_to(user)
        .filter(status__in=services.OPEN_STATUSES)
        .annotate(target=Coalesce("due_at", "decision_due_at"))
    )
    filtered = _apply(form, queryset, user, now)
    paginator = Paginator(
        _sorted(filtered, sort)
        .select_related("claimed_by")
        .prefetch_related(
            Prefetch(
                "subjects",
                queryset=ContactSubject.objects.filter(is_child=True)
                .select_related("person")
                .order_by("pk"),
                to_attr="child_subjects",
            )
        ),
        PAGE_SIZE,
    )
    page = paginator.get_page(request.GET.get("page"))
    rows_contacts = list(page.object_list)
    services.fill_missing_targets(rows_contacts)
    calendar = calendar_for_council()
    rows = [_row(contact, calendar, now) for contact in rows_contacts]
    page_params = urlencode(
        {k: request.GET.getlist(k) for k in request.GET if k != "page"}, doseq=True
    )
    return render(
        request,
        "frontdoor/queue.html",
        {
            "filter_form": form,
            "rows": rows,
            "page": page,
            "paginator": paginator,
            "page_params": page_params,
            "sort": sort,
            "sort_label": SORTS[sort],
            "sort_links": _sort_links(request, sort),
            "filtered": any(v for k, v in request.GET.items() if k not in ("sort", "page")),
            "now": now,
        },
    )


def _apply(
    form: QueueFilterForm, queryset: QuerySet[Contact], user: User, now: datetime
) -> QuerySet[Contact]:
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data["rag"]:
        rags = [r for r in data["rag"] if r != "none"]
        wanted = Q(rag__in=rags)
        if "none" in data["rag"]:
            wanted |= Q(rag="")
        queryset = queryset.filter(wanted)
    if data["status"]:
        queryset = queryset.filter(status__in=data["status"])
    if data["claimed"] == "me":
        queryset = queryset.filter(claimed_by=user)
    elif data["claimed"] == "nobody":
        queryset = queryset.filter(claimed_by__isnull=True)
    if data["overdue"]:
        queryset = queryset.filter(
            Q(due_at__lt=now) | Q(due_at__isnull=True, decision_due_at__lt=now)
        )
    return queryset


def _row(contact: Contact, calendar: WorkingCalendar, now: datetime) -> QueueRow:
    target = services.target_at(contact)
    return QueueRow(
        contact=contact,
        children=[s.person for s in getattr(contact, "child_subjects", [])],
        target=target,
        left=services.time_left(target, calendar, now),
        overdue=services.is_overdue(target, now),
        age=calendar.working_hours_between(contact.received_at, now)
        if contact.received_at
        else None,
    )


# --- A contact ------------------------------------------------------------------------------------


@dataclass
class EarlierContact:
    contact: Contact
    outcome: str


@dataclass
class ChildPanel:
    """What the front door must know about a child before deciding anything."""

    person: Person
    is_child: bool
    can_open: bool
    known: people_access.KnownSummary
    episodes: list[Episode] = field(default_factory=list)
    earlier: list[EarlierContact] = field(default_factory=list)
    contacts_last_12_months: int = 0
    consent: list[ConsentRecord] = field(default_factory=list)


def _panels(
    request: HttpRequest, contact: Contact, subjects: list[ContactSubject]
) -> list[ChildPanel]:
    ids = [s.person_id for s in subjects]
    known = people_access.known_summaries(ids)
    openable = set(
        people_access.people.visible_to(request.user)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    year_ago = timezone.now() - timedelta(days=365)
    panels = []
    for subject in subjects:
        person = subject.person
        earlier_contacts = list(
            Contact.objects.filter(subjects__person=person)
            .exclude(pk=contact.pk)
            .exclude(status=ContactStatus.DRAFT)
            .select_related("decision")
            .order_by("-received_at")
        )
        family_ids = list(
            person.family_memberships.filter(left_on__isnull=True).values_list(
                "family_id", flat=True
            )
        )
        consent = current_position(
            list(
                ConsentRecord.objects.filter(family_id__in=family_ids).select_related(
                    "share_with_organisation", "family"
                )
            )
        )
        panels.append(
            ChildPanel(
                person=person,
                is_child=subject.is_child,
                can_open=person.pk in openable,
                known=known[person.pk],
                episodes=services.open_episodes_for([person.pk]),
                earlier=[
                    EarlierContact(
                        c,
                        c.decision.get_outcome_display()
                        if hasattr(c, "decision")
                        else c.get_status_display(),
                    )
                    for c in earlier_contacts[:10]
                ],
                contacts_last_12_months=sum(
                    1 for c in earlier_contacts if c.received_at and c.received_at >= year_ago
                ),
                consent=consent,
            )
        )
        record_access(
            request,
            AccessAction.VIEW,
            object_type="person",
            object_id=person.pk,
            description=f"Existing involvement, screening {contact.reference}",
            person_id=person.pk,
        )
    return panels


@dataclass
class Candidate:
    person: Person
    match: Match
    known: people_access.KnownSummary


def _search(request: HttpRequest, record: PersonRecord, description: str) -> list[Candidate]:
    found = people_access.search_people(request.user, record, limit=10)
    ids = [person.pk for person, _ in found]
    known = people_access.known_summaries(ids)
    record_access(
        request,
        AccessAction.SEARCH,
        object_type="person_search",
        description=f"{description} ({len(ids)} found)",
    )
    return [Candidate(person, match, known[person.pk]) for person, match in found]


def _named_record(named: dict[str, Any]) -> PersonRecord:
    born = named.get("date_of_birth") or ""
    try:
        date_of_birth = datetime.strptime(born, "%Y-%m-%d").date() if born else None
    except ValueError:
        date_of_birth = None
    return PersonRecord(
        given_name=named.get("given_name", ""),
        family_name=named.get("family_name", ""),
        date_of_birth=date_of_birth,
    )


def _index(value: Any, unmatched: list[Any]) -> int | None:
    text = str(value or "")
    if text.isdigit() and int(text) < len(unmatched):
        return int(text)
    return None


@require_http_methods(["GET", "POST"])
def contact_page(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _screenable(request, pk)
    user = _user(request)
    rag_form = RagForm(prefix="rag")
    new_subject_form: NewSubjectForm | None = None
    unmatched = list((contact.draft or {}).get("unmatched") or [])
    action = request.POST.get("action") if request.method == "POST" else None
    can_screen = contacts.can_screen(user, contact) and contact.status in (
        services.SCREENING_STATUSES
    )
    matching = _index(request.GET.get("match") or request.POST.get("index"), unmatched)
    try:
        if action and not can_screen:
            raise ValidationError(f"{contact.reference} can no longer be changed.")
        if action == "claim":
            services.claim(actor=user, contact=contact)
            messages.success(request, f"You have claimed {contact.reference}.")
            return redirect("frontdoor:contact", contact.pk)
        if action == "rate":
            rag_form = RagForm(request.POST, prefix="rag")
            if rag_form.is_valid():
                services.rate(
                    actor=user,
                    contact=contact,
                    rag=rag_form.cleaned_data["rag"],
                    rationale=rag_form.cleaned_data["rationale"],
                )
                messages.success(
                    request, f"Rated {Rag(rag_form.cleaned_data['rag']).label.lower()}."
                )
                return redirect("frontdoor:contact", contact.pk)
        if action == "match" and matching is not None:
            chosen = str(request.POST.get("person", ""))
            person = (
                people_access.people.searchable_by(user).filter(pk=int(chosen)).first()
                if chosen.isdigit()
                else None
            )
            if person is None:
                raise ValidationError("Choose a person from the search results.")
            services.match_subject(actor=user, contact=contact, index=matching, person=person)
            messages.success(request, f"Matched {person.full_name}.")
            return redirect("frontdoor:contact", contact.pk)
        if action == "create" and matching is not None:
            new_subject_form = NewSubjectForm(request.POST, prefix="new")
            if new_subject_form.is_valid():
                response = _create_subject(request, contact, matching, new_subject_form)
                if response is not None:
                    return response
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("frontdoor:contact", contact.pk)

    record_object_access(request, contact)
    subjects = list(contact.subjects.select_related("person").order_by("-is_child", "pk"))
    candidates: list[Candidate] | None = None
    if matching is not None and can_screen:
        named = unmatched[matching]
        candidates = _search(
            request,
            _named_record(named),
            f"Matching a person named on {contact.reference}",
        )
        if new_subject_form is None:
            record = _named_record(named)
            new_subject_form = NewSubjectForm(
                prefix="new",
                initial={
                    "given_name": record.given_name,
                    "family_name": record.family_name,
                    "date_of_birth": record.date_of_birth,
                },
            )
    calendar = calendar_for_council()
    now = timezone.now()
    target = services.target_at(contact)
    decision = getattr(contact, "decision", None)
    return render(
        request,
        "frontdoor/contact.html",
        {
            "contact": contact,
            "subjects": subjects,
            "panels": _panels(request, contact, subjects),
            "worries": [_worry_label(code) for code in contact.worries or []],
            "attachments": list(contact.attachments.order_by("uploaded_at", "pk")),
            "ratings": list(contact.rag_ratings.select_related("rated_by")),
            "rag_form": rag_form,
            "can_screen": can_screen,
            "unmatched": list(enumerate(unmatched)),
            "matching": matching,
            "candidates": candidates,
            "new_subject_form": new_subject_form,
            "target": target,
            "time_left": hours_and_minutes(services.time_left(target, calendar, now)),
            "overdue": services.is_overdue(target, now),
            "decision": decision,
            "can_approve": contact.status == ContactStatus.AWAITING_APPROVAL
            and services.is_front_door_manager(user),
            "claimed_by_me": contact.claimed_by_id == user.pk,
            "source_label": _source_label(contact.source),
        },
    )


def _create_subject(
    request: HttpRequest, contact: Contact, index: int, form: NewSubjectForm
) -> HttpResponse | None:
    """Search before create: a new record only when nobody possible was found, or the
    screener says none of them is the person."""
    found = [
        c
        for c in _search(
            request, form.record(), f"Before adding a person named on {contact.reference}"
        )
        if c.match.score >= POSSIBLE_MATCH
    ]
    if found and request.POST.get("confirmed_new") != "yes":
        form.add_error(
            None,
            "Someone already recorded may be this person: choose them, or confirm that none of "
            "them is the person",
        )
        return None
    data = form.cleaned_data
    subject = services.create_subject(
        actor=_user(request),
        contact=contact,
        index=index,
        given_name=data["given_name"],
        family_name=data["family_name"],
        date_of_birth=data.get("date_of_birth"),
        sex=data["sex"],
    )
    messages.success(request, f"Added {subject.person.full_name}.")
    return redirect("frontdoor:contact", contact.pk)


def _worry_label(code: str) -> str:
    try:
        return Worry(code).label
    except ValueError:
        return code


def _source_label(code: str) -> str:
    try:
        return ContactSource(code).label
    except ValueError:
        return code or "Not recorded"


# --- Decision and approval ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _screenable(request, pk)
    user = _user(request)
    if contact.status not in services.SCREENING_STATUSES:
        messages.info(request, f"{contact.reference} is {contact.get_status_display().lower()}.")
        return redirect("frontdoor:contact", contact.pk)
    form = DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decide(
                actor=user,
                contact=contact,
                outcome=form.cleaned_data["outcome"],
                rationale=form.cleaned_data["rationale"],
                signposted_to=form.cleaned_data.get("signposted_to", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if decision.needs_approval and decision.approved_at is None:
                messages.success(request, "Your decision has been sent to a manager to approve.")
            else:
                messages.success(
                    request,
                    f"Decision recorded: {decision.get_outcome_display()}. The referrer has "
                    "been told.",
                )
            return redirect("frontdoor:queue")
    record_object_access(request, contact)
    config = CouncilConfiguration.current()
    return render(
        request,
        "frontdoor/decision.html",
        {
            "contact": contact,
            "form": form,
            "needs_approval": config.front_door_decisions_need_approval
            and not services.is_front_door_manager(user),
            "children": [
                s.person for s in contact.subjects.select_related("person").filter(is_child=True)
            ],
            "outcomes": Outcome,
        },
    )


@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _screenable(request, pk)
    user = _user(request)
    if not services.is_front_door_manager(user):
        raise Http404("No such page")
    if contact.status != ContactStatus.AWAITING_APPROVAL:
        messages.info(request, f"{contact.reference} is not waiting for approval.")
        return redirect("frontdoor:contact", contact.pk)
    form = ApprovalForm(posted(request))
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data.get("note", "")
        if form.cleaned_data["answer"] == "approve":
            services.approve(actor=user, contact=contact, note=note)
            messages.success(request, "Decision approved. The referrer has been told.")
        else:
            services.return_decision(actor=user, contact=contact, note=note)
            messages.success(request, "Decision returned to the screener.")
        return redirect("frontdoor:queue")
    record_object_access(request, contact)
    return render(
        request,
        "frontdoor/approve.html",
        {"contact": contact, "decision": contact.decision, "form": form},
    )
