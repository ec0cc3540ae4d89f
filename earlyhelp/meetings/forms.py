"""Forms for arranging a meeting and recording it."""

import re
from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from earlyhelp.accounts.models import User
from earlyhelp.core.forms import GovukDateField, GovukFormMixin
from earlyhelp.people.models import Person
from earlyhelp.plans.codes import ActionStatus
from earlyhelp.plans.models import PlanAction

from .codes import Attendance, MeetingKind
from .models import Invitee

TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def govuk_options(field: forms.Field, **options: Any) -> None:
    field.govuk = options  # type: ignore[attr-defined]


class ScheduleForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What kind of meeting", choices=MeetingKind.choices, widget=forms.RadioSelect
    )
    day = GovukDateField(label="Date", help_text="For example, 27 3 2027", error_name="the date")
    start_time = forms.CharField(
        label="Start time", max_length=5, help_text="Use the 24-hour clock, for example 14:30"
    )
    location = forms.CharField(label="Where (optional)", required=False, max_length=200)
    practitioners = forms.ModelMultipleChoiceField(
        label="Practitioners invited",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    family_members = forms.ModelMultipleChoiceField(
        label="Family members invited",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Not for a professional meeting.",
    )
    agencies = forms.CharField(
        label="Other agencies invited (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One on each line, for example Riverside Primary School.",
    )
    family_not_invited_reason = forms.CharField(
        label="Professional meetings: why the family is not invited",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    family_told = forms.ChoiceField(
        label="Professional meetings: was the family told about the meeting?",
        required=False,
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args: Any, practitioners: list[User], family_members: list[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        users = self.fields["practitioners"]
        assert isinstance(users, forms.ModelMultipleChoiceField)
        users.queryset = User.objects.filter(pk__in=[u.pk for u in practitioners])
        people = self.fields["family_members"]
        assert isinstance(people, forms.ModelMultipleChoiceField)
        people.queryset = Person.objects.filter(pk__in=[p.pk for p in family_members])
        people.label_from_instance = lambda row: row.full_name  # type: ignore[method-assign,assignment]
        for name in ("kind", "day", "practitioners", "family_members", "family_told"):
            govuk_options(self.fields[name], label_classes="govuk-fieldset__legend--s")
        govuk_options(self.fields["start_time"], classes="govuk-input--width-5")
        self.fields["kind"].error_messages["required"] = "Select what kind of meeting"

    def clean_start_time(self) -> time:
        match = TIME.match(self.cleaned_data["start_time"])
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError("Enter a start time like 14:30")
        return time(int(match[1]), int(match[2]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == MeetingKind.PROFESSIONAL:
            if not (data.get("family_not_invited_reason") or "").strip():
                self.add_error("family_not_invited_reason", "Enter why the family is not invited")
            if not data.get("family_told"):
                self.add_error("family_told", "Select whether the family was told")
        return data

    def starts_at(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["day"], self.cleaned_data["start_time"])
        )

    def agency_names(self) -> list[str]:
        return [line for line in self.cleaned_data["agencies"].splitlines() if line.strip()]

    def family_told_value(self) -> bool | None:
        value = self.cleaned_data.get("family_told")
        return None if not value else value == "yes"


SCORE_CHOICES = [("", "Not scored at this review"), *((str(n), str(n)) for n in range(1, 11))]
ATTENDANCE_CHOICES = [
    (value, label) for value, label in Attendance.choices if value != Attendance.INVITED
]


class RecordMeetingForm(GovukFormMixin, forms.Form):
    """Attendance for each invitee, minutes, decisions, each plan action's progress and, at a
    review, a score for each assessment area and the next review date."""

    def __init__(
        self,
        *args: Any,
        invitees: list[Invitee],
        actions: list[PlanAction],
        areas: list[tuple[str, str, int | None]],
        is_review: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.invitees, self.actions, self.areas = invitees, actions, areas
        for invitee in invitees:
            field = forms.ChoiceField(
                label=f"{invitee.name} ({invitee.get_kind_display().lower()})",
                choices=ATTENDANCE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select whether {invitee.name} attended"},
            )
            govuk_options(
                field, label_classes="govuk-fieldset__legend--s", classes="govuk-radios--inline"
            )
            self.fields[f"attendance_{invitee.pk}"] = field
        self.fields["minutes"] = forms.CharField(
            label="Minutes", widget=forms.Textarea(attrs={"rows": 5})
        )
        self.fields["decisions"] = forms.CharField(
            label="Decisions", required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
        for action in actions:
            status = forms.ChoiceField(
                label=f"Status: {action.description[:80]} ({action.owner_name})",
                choices=ActionStatus.choices,
            )
            self.fields[f"status_{action.pk}"] = status
            self.fields[f"note_{action.pk}"] = forms.CharField(
                label=f"Progress: {action.description[:80]} (optional)",
                required=False,
                max_length=500,
            )
        for key, label, latest in areas:
            self.fields[f"score_{key}"] = forms.ChoiceField(
                label=f"Score for {label}",
                choices=SCORE_CHOICES,
                required=False,
                help_text=f"Last score: {latest}" if latest is not None else "Not scored yet",
            )
        if is_review:
            self.fields["next_review_on"] = GovukDateField(
                label="Next review by (optional)",
                required=False,
                help_text="Leave empty for the usual interval after this review.",
                error_name="the next review date",
            )
            govuk_options(self.fields["next_review_on"], label_classes="govuk-fieldset__legend--s")

    def attendance(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data[f"attendance_{i.pk}"] for i in self.invitees}

    def scores(self) -> dict[str, int]:
        return {
            key: int(self.cleaned_data[f"score_{key}"])
            for key, _label, _latest in self.areas
            if self.cleaned_data.get(f"score_{key}")
        }

    def field_groups(self) -> dict[str, list[Any]]:
        groups: dict[str, list[Any]] = {"attendance": [], "record": [], "actions": [], "scores": []}
        for bound in self:
            name = bound.name
            key = (
                "attendance"
                if name.startswith("attendance_")
                else "actions"
                if name.startswith(("status_", "note_"))
                else "scores"
                if name.startswith("score_") or name == "next_review_on"
                else "record"
            )
            groups[key].append(bound)
        return groups
