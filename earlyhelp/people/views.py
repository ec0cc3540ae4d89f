"""Pages for finding, reading, adding and changing people and families.

Thin views: forms parse, `access` decides who may see what (a record the user has no reason to
see is a 404), `services` write, and every read of a record or a search writes an AccessEvent."""

from dataclasses import dataclass
from datetime import timedelta
from statistics import median
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from earlyhelp.accounts.models import User
from earlyhelp.accounts.roles import Role
from earlyhelp.core.access import Action
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.forms import posted
from earlyhelp.core.models import AccessAction, AccessEvent

from . import access, services
from .access import families, people
from .codes import Disability, InvolvementReason
from .forms import (
    AddExistingMemberForm,
    AddressForm,
    BreakGlassForm,
    ChangeReasonForm,
    FamilyForm,
    FindPersonForm,
    MemberRoleForm,
    NewPersonAddressForm,
    PersonForm,
    RelationshipForm,
)
from .matching import POSSIBLE_MATCH, Match, PersonRecord
from .models import Family, Person, Relationship


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _require_recorder(request: HttpRequest) -> None:
    if not access.can_record_people(request.user):
        raise Http404("No such page")


@dataclass
class Candidate:
    """One search result as this user may see it."""

    person: Person
    match: Match
    can_open: bool
    known: access.KnownSummary


def _search(request: HttpRequest, record: PersonRecord, description: str) -> list[Candidate]:
    """Ranked candidates from everyone the user may learn about, with what they may open. The
    search itself is audited (what was searched for, and who came back)."""
    found = access.search_people(request.user, record, limit=10)
    ids = [person.pk for person, _ in found]
    openable = set(people.visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    known = access.known_summaries(ids)
    record_access(
        request,
        AccessAction.SEARCH,
        object_type="person_search",
        description=f"{description} ({len(ids)} found)",
    )
    return [
        Candidate(person, match, person.pk in openable, known[person.pk]) for person, match in found
    ]


def _query_string(request: HttpRequest, **extra: str) -> str:
    """The search typed so far, to carry into "add a new person" so nothing is typed twice."""
    values = {str(k): str(v) for k, v in request.GET.items() if k != "page" and v}
    return urlencode({**values, **extra})


def find_person(request: HttpRequest) -> HttpResponse:
    form = FindPersonForm(request.GET or None)
    candidates: list[Candidate] | None = None
    if form.is_bound and form.is_valid():
        candidates = _search(request, form.record(), form.describe())
    return render(
        request,
        "people/find.html",
        {
            "form": form,
            "candidates": candidates,
            "can_record": access.can_record_people(request.user),
            "add_query": _query_string(request),
        },
    )


def _visible_family(request: HttpRequest) -> Family | None:
    family_id = request.GET.get("family") or request.POST.get("family")
    if not family_id or not str(family_id).isdigit():
        return None
    family = families.get_or_404(request.user, pk=int(family_id))
    families.require(request.user, Action.CHANGE, family)
    return family


@require_http_methods(["GET", "POST"])
def add_person(request: HttpRequest) -> HttpResponse:
    """Add a person, but only after seeing anyone already recorded who may be them."""
    _require_recorder(request)
    family = _visible_family(request)
    initial = _initial_from_search(request)
    data = request.POST if request.method == "POST" else None
    form = PersonForm(data, initial=initial)
    address_form = NewPersonAddressForm(data, prefix="address")
    role_form = MemberRoleForm(data, prefix="member") if family else None
    candidates: list[Candidate] = []
    if request.method == "POST":
        forms_valid = all(f.is_valid() for f in (form, address_form, role_form) if f)
        if forms_valid:
            candidates = [
                c
                for c in _search(
                    request,
                    form.record(address_form.cleaned_data.get("postcode", "")),
                    f"Before adding {form.cleaned_data.get('given_name', '')} "
                    f"{form.cleaned_data.get('family_name', '')}",
                )
                if c.match.score >= POSSIBLE_MATCH
            ]
            if not candidates or request.POST.get("confirmed_new") == "yes":
                try:
                    person = _create_person(request, form, address_form, family, role_form)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, f"{person.full_name} has been added.")
                    if family:
                        return redirect("people:family", family.pk)
                    return redirect("people:person", person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "address_form": address_form,
            "role_form": role_form,
            "family": family,
            "candidates": candidates,
            "adding": True,
        },
    )


def _initial_from_search(request: HttpRequest) -> dict[str, Any]:
    find = FindPersonForm(request.GET or None)
    if not find.is_bound or not find.is_valid():
        return {}
    data = find.cleaned_data
    return {
        name: data[name] for name in ("given_name", "family_name", "date_of_birth") if data[name]
    }


@transaction.atomic
def _create_person(
    request: HttpRequest,
    form: PersonForm,
    address_form: NewPersonAddressForm,
    family: Family | None,
    role_form: MemberRoleForm | None,
) -> Person:
    actor = _user(request)
    fields = {k: v for k, v in form.cleaned_data.items() if v is not None}
    person = services.create_person(actor=actor, reason=f"Added by {actor.full_name}", **fields)
    address = address_form.cleaned_data
    if address.get("line_1"):
        services.add_address(
            actor=actor,
            person=person,
            line_1=address["line_1"],
            line_2=address.get("line_2", ""),
            town=address.get("town", ""),
            postcode=address["postcode"],
            from_date=address.get("from_date"),
            is_confidential=address.get("is_confidential", False),
            reason="Address given when the person was added",
        )
    if family and role_form:
        services.add_family_member(
            actor=actor, family=family, person=person, role=role_form.cleaned_data["role"]
        )
    else:
        services.start_involvement(
            actor=actor, reason=InvolvementReason.RECORDED_BY, person=person, user=actor
        )
    return person


def person_record(request: HttpRequest, pk: int) -> HttpResponse:
    kept_id = Person.objects.filter(pk=pk).values_list("merged_into_id", flat=True).first()
    if kept_id and people.visible_to(request.user).filter(pk=kept_id).exists():
        # An old link to a merged record: take the user to the record it was merged into.
        messages.info(request, f"Record {pk} was merged into this record.")
        return redirect("people:person", kept_id)
    person = people.get_or_404(request.user, pk=pk)
    record_object_access(request, person)
    memberships = list(
        person.family_memberships.select_related("family").order_by("left_on", "-joined_on")
    )
    visible_families = set(
        families.visible_to(request.user)
        .filter(pk__in=[m.family_id for m in memberships])
        .values_list("pk", flat=True)
    )
    relationships = list(person.relationships.select_related("related_person").order_by("kind")) + [
        r
        for r in Relationship.objects.filter(related_person=person)
        .select_related("person")
        .order_by("kind")
    ]
    addresses = access.addresses_for(request.user, person)
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "addresses": addresses,
            "has_confidential_address": any(a.is_confidential for a in addresses),
            "disabilities": [Disability(code).label for code in person.disabilities],
            "memberships": memberships,
            "visible_families": visible_families,
            "relationships": relationships,
            "involvements": access.active_involvements()
            .filter(Q(person=person) | Q(family__members__person=person))
            .select_related("user", "team", "organisation", "family")
            .distinct()
            .order_by("reason"),
            "known": access.known_summaries([person.pk])[person.pk],
            "can_change": people.can(request.user, Action.CHANGE, person),
            "can_merge": _can_merge(request.user),
        },
    )


def _can_merge(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.TEAM_MANAGER)


@require_http_methods(["GET", "POST"])
def edit_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = people.get_or_404(request.user, pk=pk)
    people.require(request.user, Action.CHANGE, person)
    data = request.POST if request.method == "POST" else None
    form = PersonForm(data, instance=Person.objects.get(pk=person.pk))
    reason_form = ChangeReasonForm(data)
    if request.method == "POST" and form.is_valid() and reason_form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            try:
                services.update_person(
                    actor=_user(request),
                    person=person,
                    reason=reason_form.cleaned_data["reason"],
                    **changes,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{person.full_name}'s details have been changed.")
                return redirect("people:person", person.pk)
        else:
            messages.info(request, "Nothing was changed.")
            return redirect("people:person", person.pk)
    else:
        record_object_access(request, person)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "reason_form": reason_form, "person": person, "adding": False},
    )


_FIELD_LABELS = {
    **{f.name: str(f.verbose_name) for f in Person._meta.get_fields() if f.concrete},
    **{name: str(field.label) for name, field in PersonForm.base_fields.items() if field.label},
}


def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    person = people.get_or_404(request.user, pk=pk)
    record_object_access(request, person)
    records = list(person.history.select_related("history_user").order_by("-history_date")[:100])
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changed: list[str] = []
        if older is not None:
            delta = newer.diff_against(older)
            hidden = {"family_name_key", "given_name_key", "postcode_district", "updated_at"}
            changed = [
                _FIELD_LABELS.get(c.field, c.field) for c in delta.changes if c.field not in hidden
            ]
        entries.append({"record": newer, "changed": changed})
    return render(
        request,
        "people/history.html",
        {
            "person": person,
            "entries": entries,
            "has_confidential_address": person.addresses.filter(is_confidential=True).exists(),
        },
    )


def access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Auditor: everyone who viewed, searched for or exported this person, or their family."""
    if not getattr(request.user, "is_auditor", False):
        raise Http404("No such page")
    person = people.get_or_404(request.user, pk=pk)
    family_ids = list(person.family_memberships.values_list("family_id", flat=True))
    events = (
        AccessEvent.objects.filter(Q(person_id=person.pk) | Q(family_id__in=family_ids))
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
    record_access(
        request,
        AccessAction.VIEW,
        object_type="access_log",
        object_id=person.pk,
        description=f"Who accessed {person}",
        person_id=person.pk,
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "people/access_log.html", {"person": person, "page": page})


#: A day with at least this many views and searches, and three times the user's usual day.
SPIKE_MINIMUM = 50


def unusual_access(request: HttpRequest) -> HttpResponse:
    """Auditor: break-glass use, views of records the user has no reason to see, and days with
    far more views or searches than the user's usual, over a period (default: 30 days)."""
    if not getattr(request.user, "is_auditor", False):
        raise Http404("No such page")
    try:
        days = max(1, min(int(request.GET.get("days", "30")), 366))
    except ValueError:
        days = 30
    since = timezone.now() - timedelta(days=days)
    record_access(
        request,
        AccessAction.VIEW,
        object_type="unusual_access",
        description=f"Unusual access report, last {days} days",
    )
    events = AccessEvent.objects.filter(occurred_at__gte=since).exclude(actor=None)
    break_glass = events.filter(action=AccessAction.BREAK_GLASS).select_related("actor")[:200]
    return render(
        request,
        "people/unusual_access.html",
        {
            "days": days,
            "break_glass": break_glass,
            "outside": _views_outside_caseload(events),
            "spikes": _volume_spikes(events),
        },
    )


def _views_outside_caseload(events: Any) -> list[dict[str, Any]]:
    """Views of people the viewer has no reason to see today (latest 5,000 views checked)."""
    viewed = list(
        events.filter(action__in=[AccessAction.VIEW, AccessAction.API_READ])
        .exclude(person_id=None)
        .exclude(object_type="access_log")
        .order_by("-id")
        .values_list("actor_id", "person_id", "occurred_at")[:5000]
    )
    by_actor: dict[int, dict[int, Any]] = {}
    for actor_id, person_id, occurred_at in viewed:
        by_actor.setdefault(actor_id, {}).setdefault(person_id, occurred_at)
    users = User.objects.in_bulk(list(by_actor))
    found = []
    for actor_id, seen in by_actor.items():
        actor = users[actor_id]
        if actor.is_auditor:
            continue
        allowed = set(
            people.visible_to(actor).filter(pk__in=list(seen)).values_list("pk", flat=True)
        )
        for person_id, when in seen.items():
            if person_id not in allowed:
                found.append({"actor": actor, "person_id": person_id, "when": when})
    return sorted(found, key=lambda row: row["when"], reverse=True)[:200]


def _volume_spikes(events: Any) -> list[dict[str, Any]]:
    daily = (
        events.filter(action__in=[AccessAction.VIEW, AccessAction.SEARCH, AccessAction.API_READ])
        .annotate(day=TruncDate("occurred_at"))
        .values("actor_id", "day")
        .annotate(count=Count("id"))
        .order_by()
    )
    per_actor: dict[int, list[tuple[Any, int]]] = {}
    for row in daily:
        per_actor.setdefault(row["actor_id"], []).append((row["day"], row["count"]))
    users = User.objects.in_bulk(list(per_actor))
    spikes = []
    for actor_id, days in per_actor.items():
        usual = median(count for _, count in days)
        for day, count in days:
            if count >= SPIKE_MINIMUM and count >= 3 * usual:
                spikes.append(
                    {"actor": users[actor_id], "day": day, "count": count, "usual": usual}
                )
    return sorted(spikes, key=lambda row: row["count"], reverse=True)[:100]


@require_http_methods(["GET", "POST"])
def add_address(request: HttpRequest, pk: int) -> HttpResponse:
    person = people.get_or_404(request.user, pk=pk)
    people.require(request.user, Action.CHANGE, person)
    form = AddressForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_address(
                actor=_user(request),
                person=person,
                line_1=data["line_1"],
                line_2=data["line_2"],
                town=data["town"],
                postcode=data["postcode"],
                from_date=data["from_date"],
                is_confidential=data["is_confidential"],
                reason=f"New address recorded by {_user(request).full_name}",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The address has been added.")
            return redirect("people:person", person.pk)
    return render(request, "people/address_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """Emergency access to a record found in a search that the user has no reason to see."""
    _require_recorder(request)
    person = people.searchable_by(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404("No such record")
    if people.visible_to(request.user).filter(pk=pk).exists():
        return redirect("people:person", pk)
    form = BreakGlassForm(posted(request))
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        services.break_glass(actor=_user(request), person=person, reason=reason)
        record_access(
            request,
            AccessAction.BREAK_GLASS,
            object_type="person",
            object_id=person.pk,
            description=str(person),
            person_id=person.pk,
            reason=reason,
        )
        messages.warning(
            request,
            "You have break-glass access to this record for "
            f"{services.BREAK_GLASS_HOURS} hours. The data protection officer has been told.",
        )
        return redirect("people:person", person.pk)
    return render(request, "people/break_glass.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def add_family(request: HttpRequest) -> HttpResponse:
    _require_recorder(request)
    form = FamilyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        actor = _user(request)
        with transaction.atomic():
            family = services.create_family(
                actor=actor,
                name=form.cleaned_data["name"],
                is_restricted=form.cleaned_data["is_restricted"],
            )
            services.start_involvement(
                actor=actor, reason=InvolvementReason.RECORDED_BY, family=family, user=actor
            )
        messages.success(request, f"{family.name} has been added. Now add the people in it.")
        return redirect("people:family", family.pk)
    return render(request, "people/family_form.html", {"form": form})


def family_page(request: HttpRequest, pk: int) -> HttpResponse:
    family = families.get_or_404(request.user, pk=pk)
    record_object_access(request, family)
    members = list(
        family.members.select_related("person").order_by("left_on", "role", "person__date_of_birth")
    )
    current_ids = [m.person_id for m in members if m.left_on is None]
    relationships = (
        Relationship.objects.filter(person_id__in=current_ids, related_person_id__in=current_ids)
        .select_related("person", "related_person")
        .order_by("person__given_name", "kind")
    )
    return render(
        request,
        "people/family.html",
        {
            "family": family,
            "members": members,
            "relationships": relationships,
            "can_change": families.can(request.user, Action.CHANGE, family),
            "involvements": access.active_involvements()
            .filter(family=family)
            .select_related("user", "team", "organisation")
            .order_by("reason"),
        },
    )


@require_http_methods(["GET", "POST"])
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    """Add someone to a family: search first; choose someone found, or add someone new."""
    family = families.get_or_404(request.user, pk=pk)
    families.require(request.user, Action.CHANGE, family)
    if request.method == "POST":
        chosen = AddExistingMemberForm(request.POST)
        if chosen.is_valid():
            person = people.get_or_404(request.user, pk=chosen.cleaned_data["person"])
            try:
                services.add_family_member(
                    actor=_user(request),
                    family=family,
                    person=person,
                    role=chosen.cleaned_data["role"],
                )
            except ValidationError:
                messages.error(request, f"{person.full_name} is already in this family.")
            else:
                messages.success(request, f"{person.full_name} has been added to the family.")
            return redirect("people:family", family.pk)
        messages.error(request, "Select the person's role in the family")
    form = FindPersonForm(request.GET or None)
    candidates: list[Candidate] | None = None
    if form.is_bound and form.is_valid():
        candidates = _search(request, form.record(), form.describe())
    return render(
        request,
        "people/add_member.html",
        {
            "family": family,
            "form": form,
            "candidates": candidates,
            "role_form": MemberRoleForm(),
            "add_query": _query_string(request, family=str(family.pk)),
        },
    )


@require_http_methods(["GET", "POST"])
def add_relationship(request: HttpRequest, pk: int) -> HttpResponse:
    family = families.get_or_404(request.user, pk=pk)
    families.require(request.user, Action.CHANGE, family)
    members = [
        m.person
        for m in family.members.filter(left_on__isnull=True)
        .select_related("person")
        .order_by("person__date_of_birth")
    ]
    form = RelationshipForm(posted(request), members=members)
    if request.method == "POST" and form.is_valid():
        by_pk = {p.pk: p for p in members}
        data = form.cleaned_data
        try:
            relationship = services.add_relationship(
                actor=_user(request),
                person=by_pk[data["person"]],
                related_person=by_pk[data["related_person"]],
                kind=data["kind"],
                has_parental_responsibility=data["has_parental_responsibility"],
            )
        except ValidationError:
            form.add_error(None, "That relationship is already recorded")
        else:
            messages.success(request, f"Recorded: {relationship}.")
            return redirect("people:family", family.pk)
    return render(request, "people/relationship_form.html", {"form": form, "family": family})
