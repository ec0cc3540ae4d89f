"""Pages for merging two records of the same person, and undoing a merge.

Only a team manager who may change both records sees these pages; everyone else gets a 404, as
for any record they have no reason to see. Every page that shows a person writes an AccessEvent,
and looking for possible duplicates writes one for the search. merge.py does the work."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.forms import GovukFormMixin
from earlyhelp.core.models import AccessAction

from . import access
from .access import people
from .matching import Match
from .merge import can_merge, can_see_merge, can_undo, is_manager, merge_people, undo_merge
from .models import FamilyMember, Involvement, Person, PersonMerge, Relationship
from .search import find_candidates

NOT_FOUND = "No such record, or you do not have a reason to see it."


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _require_manager(request: HttpRequest) -> User:
    if not is_manager(request.user):
        raise Http404(NOT_FOUND)
    return _user(request)


def _changeable_or_404(user: User, pk: int) -> Person:
    person = people.get_or_404(user, pk=pk)
    if not people.can(user, "change", person):
        raise Http404(NOT_FOUND)
    return person


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            name = field if field in form.fields else None
            for message in errors:
                form.add_error(name, message)
    else:
        form.add_error(None, error)


# --- Forms ------------------------------------------------------------------------------------


class ChooseRecordForm(GovukFormMixin, forms.Form):
    other = forms.TypedChoiceField(
        label="Which record is the same person?",
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    record_number = forms.IntegerField(
        label="Or enter the other record's number",
        help_text="The number in the address of the person's record, for example 1042.",
        required=False,
        min_value=1,
        error_messages={"invalid": "Enter the record number in figures, for example 1042"},
    )

    def __init__(self, *args: Any, candidates: list["Candidate"], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["other"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (c.person.pk, f"{c.person.full_name} (record {c.person.pk})") for c in candidates
        ]
        field.govuk = {  # type: ignore[attr-defined]
            "label_classes": "govuk-fieldset__legend--m",
            "item_hints": {
                str(c.person.pk): f"Score {c.match.score:.2f}: {'; '.join(c.match.reasons)}"
                for c in candidates
            },
        }
        if not candidates:
            del self.fields["other"]
            self.fields["record_number"].label = "Enter the other record's number"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, number = data.get("other"), data.get("record_number")
        if self.errors:
            return data
        if chosen and number and chosen != number:
            self.add_error(
                "record_number", "Choose a record from the list or enter a number, not both"
            )
        elif not chosen and not number:
            target = "other" if "other" in self.fields else "record_number"
            message = (
                "Select the record that is the same person, or enter its number"
                if target == "other"
                else "Enter the other record's number"
            )
            self.add_error(target, message)
        else:
            data["chosen"] = chosen or number
        return data


class MergeForm(GovukFormMixin, forms.Form):
    keep = forms.TypedChoiceField(
        label="Which record do you want to keep?",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Everything linked to the other record moves to the one you keep.",
        error_messages={"required": "Select the record to keep"},
    )
    reason = forms.CharField(
        label="Why are these records the same person?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter why these records are the same person"},
    )

    def __init__(self, *args: Any, first: Person, second: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["keep"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (p.pk, f"Keep {p.full_name or 'the record'} (record {p.pk})") for p in (first, second)
        ]
        field.govuk = {"label_classes": "govuk-fieldset__legend--m"}  # type: ignore[attr-defined]


class UndoMergeForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you undoing this merge?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why you are undoing this merge"},
    )


# --- What the pages show ----------------------------------------------------------------------


@dataclass
class Candidate:
    person: Person
    match: Match


@dataclass
class Side:
    """One record as the comparison shows it."""

    person: Person
    postcode: str
    confidential: bool
    addresses: int
    families: list[str]
    relationships: int
    involvements: int


def _side(user: User, person: Person) -> Side:
    addresses = access.addresses_for(user, person)
    current = next((a for a in addresses if a.is_current), None)
    withheld = current is not None and current.is_confidential and not current.postcode
    return Side(
        person=person,
        postcode="" if current is None else current.postcode,
        confidential=withheld,
        addresses=len(addresses),
        families=[
            f"{m.family} ({m.get_role_display().lower()}{', left' if m.left_on else ''})"
            for m in person.family_memberships.select_related("family").order_by("pk")
        ],
        relationships=Relationship.objects.filter(person=person).count()
        + Relationship.objects.filter(related_person=person).count(),
        involvements=access.active_involvements().filter(person=person).count(),
    )


def _differences(first: Person, second: Person) -> list[str]:
    notes = []
    labels = {"nhs_number": "NHS number", "upn": "UPN", "council_person_id": "council person ID"}
    for name, label in labels.items():
        a, b = getattr(first, name), getattr(second, name)
        if a and b and a != b:
            notes.append(
                f"The records have different {label}s. The kept record keeps its own; the other "
                "stays with the merged record."
            )
    if first.date_of_birth and second.date_of_birth and first.date_of_birth != second.date_of_birth:
        notes.append("The dates of birth are different. Check they are not twins or siblings.")
    return notes


def _moved_summary(merge: PersonMerge) -> list[tuple[str, list[str]]]:
    """What moved, in words. Addresses are counted, never listed: one may be confidential."""
    moved = merge.moved or {}
    rows: list[tuple[str, list[str]]] = []
    if count := len(moved.get("addresses", [])):
        rows.append(("Addresses moved", [f"{count} address{'es' if count != 1 else ''}"]))
    members = FamilyMember.objects.select_related("family")
    if ids := moved.get("memberships"):
        rows.append(("Families moved", [str(m.family) for m in members.filter(pk__in=ids)]))
    if ids := moved.get("memberships_ended"):
        rows.append(
            (
                "Memberships ended (already in the family)",
                [str(m.family) for m in members.filter(pk__in=ids)],
            )
        )
    if count := len(moved.get("relationships", [])):
        rows.append(("Relationships moved", [f"{count} relationship{'s' if count != 1 else ''}"]))
    if dropped := moved.get("relationships_dropped", []):
        duplicates = sum(1 for r in dropped if r["why"] == "duplicate")
        selves = len(dropped) - duplicates
        items = []
        if duplicates:
            items.append(f"{duplicates} already recorded on the kept record")
        if selves:
            items.append(f"{selves} between the two records themselves")
        rows.append(("Relationships removed", items))
    if ids := moved.get("involvements"):
        involvements = Involvement.objects.filter(pk__in=ids).select_related(
            "user", "team", "organisation"
        )
        rows.append(
            (
                "Involvements moved",
                [
                    f"{i.get_reason_display()}: {i.user or i.team or i.organisation}"
                    for i in involvements
                ],
            )
        )
    labels = {"nhs_number": "NHS number", "upn": "UPN", "council_person_id": "Council person ID"}
    if identifiers := moved.get("identifiers"):
        rows.append(("Identifiers copied", [f"{labels[k]} {v}" for k, v in identifiers.items()]))
    if names := moved.get("other_names_added"):
        rows.append(("Other names added", list(names)))
    return rows


# --- Pages ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def merge_choose(request: HttpRequest, pk: int) -> HttpResponse:
    """Possible duplicates of a person, to choose the one that is the same person."""
    user = _require_manager(request)
    person = _changeable_or_404(user, pk)
    record_object_access(request, person)
    found = find_candidates(
        person.as_record(), people=people.visible_to(user), exclude_id=person.pk, limit=10
    )
    record_access(
        request,
        AccessAction.SEARCH,
        object_type="person_search",
        description=f"Possible duplicates of record {person.pk} ({len(found)} found)",
        person_id=person.pk,
    )
    candidates = [Candidate(p, m) for p, m in found]
    form = ChooseRecordForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    if request.method == "POST" and form.is_valid():
        other_pk = form.cleaned_data["chosen"]
        other = people.visible_to(user).filter(pk=other_pk).first()
        if other_pk == person.pk:
            form.add_error(None, "Choose a different record: you cannot merge a record into itself")
        elif other is None:
            form.add_error(
                "record_number", f"There is no record {other_pk} that you have a reason to see"
            )
        elif not people.can(user, "change", other):
            form.add_error(None, f"You cannot change record {other_pk}, so you cannot merge it")
        else:
            return redirect("people:merge_confirm", person.pk, other.pk)
    return render(
        request,
        "people/merge_choose.html",
        {"person": person, "candidates": candidates, "form": form},
    )


@require_http_methods(["GET", "POST"])
def merge_confirm(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """The two records side by side; the manager chooses which to keep and says why."""
    user = _require_manager(request)
    if pk == other_pk:
        raise Http404(NOT_FOUND)
    first = _changeable_or_404(user, pk)
    second = _changeable_or_404(user, other_pk)
    if not can_merge(user, first, second):
        raise Http404(NOT_FOUND)
    for person in (first, second):
        record_object_access(request, person)
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        first=first,
        second=second,
        initial={"keep": first.pk},
    )
    if request.method == "POST" and form.is_valid():
        kept, merged = (first, second) if form.cleaned_data["keep"] == first.pk else (second, first)
        try:
            merge = merge_people(
                actor=user, kept=kept, merged=merged, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Record {merged.pk} has been merged into record {kept.pk} ({kept.full_name}).",
            )
            return redirect("people:merge_detail", merge.pk)
    return render(
        request,
        "people/merge_confirm.html",
        {
            "first": first,
            "second": second,
            "sides": [_side(user, first), _side(user, second)],
            "differences": _differences(first, second),
            "form": form,
        },
    )


def _merge_or_404(user: User, pk: int) -> PersonMerge:
    merge = get_object_or_404(
        PersonMerge.objects.select_related("kept", "merged", "merged_by", "undone_by"), pk=pk
    )
    if not can_see_merge(user, merge):
        raise Http404(NOT_FOUND)
    return merge


def _render_detail(
    request: HttpRequest, merge: PersonMerge, form: UndoMergeForm, status: int = 200
) -> HttpResponse:
    user = _user(request)
    for person in (merge.kept, merge.merged):
        record_access(
            request,
            AccessAction.VIEW,
            object_type="personmerge",
            object_id=merge.pk,
            description=str(merge),
            person_id=person.pk,
        )
    return render(
        request,
        "people/merge_detail.html",
        {
            "merge": merge,
            "moved": _moved_summary(merge),
            "form": form,
            "can_undo": merge.undone_at is None and can_undo(user, merge),
            "kept_visible": people.can(user, "view", merge.kept),
            "merged_visible": people.can(user, "view", merge.merged),
        },
        status=status,
    )


@require_http_methods(["GET"])
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What was merged, by whom and when, what moved, and a form to undo it."""
    user = _require_manager(request)
    return _render_detail(request, _merge_or_404(user, pk), UndoMergeForm())


@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_manager(request)
    merge = _merge_or_404(user, pk)
    if not can_undo(user, merge) and merge.undone_at is None:
        raise Http404(NOT_FOUND)
    form = UndoMergeForm(request.POST)
    if form.is_valid():
        try:
            undo_merge(actor=user, merge=merge, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"The merge has been undone. Record {merge.merged_id} is separate again.",
            )
            return redirect("people:merge_detail", merge.pk)
    merge.refresh_from_db()
    return _render_detail(request, merge, form)
