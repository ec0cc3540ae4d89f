"""Forms for the consultation line and professional disagreements."""

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from earlyhelp.accounts.models import Organisation
from earlyhelp.accounts.roles import OrganisationKind
from earlyhelp.core.forms import GovukDateField, GovukFormMixin
from earlyhelp.people.models import Person

from .codes import ThresholdMet
from .consultation import RESOLUTION_OUTCOMES

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def partner_organisations() -> Any:
    return Organisation.objects.exclude(kind=OrganisationKind.COUNCIL).order_by("name")


class FindChildForm(GovukFormMixin, forms.Form):
    """Search for the child the call is about (GET, so it works without JavaScript)."""

    given_name = forms.CharField(label="Child's first name", max_length=100, required=False)
    family_name = forms.CharField(label="Child's last name", max_length=100, required=False)
    date_of_birth = GovukDateField(
        label="Child's date of birth", required=False, past=True, help_text="For example, 27 3 2019"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(name) for name in self.fields):
            raise ValidationError("Enter the child's name or date of birth to search for")
        return data


class ConsultationForm(GovukFormMixin, forms.Form):
    caller_name = forms.CharField(label="Caller's name", max_length=200)
    caller_organisation = forms.ModelChoiceField(
        label="Caller's organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not listed: type the agency below",
        help_text="Choose a partner organisation, or type the agency if it is not listed.",
    )
    caller_agency = forms.CharField(label="Agency (if not listed)", max_length=200, required=False)
    caller_phone = forms.CharField(
        label="Caller's phone number (optional)", max_length=50, required=False
    )
    person = forms.ModelChoiceField(
        label="Which child is the call about?",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        blank=True,
        empty_label="None of these: I will write the child's name in the question",
    )
    question = forms.CharField(
        label="What did the caller ask?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="If the child is not linked above, write their name here.",
    )
    advice = forms.CharField(
        label="What advice was given?", widget=forms.Textarea(attrs={"rows": 4})
    )
    threshold_met = forms.ChoiceField(
        label="Did the threshold for a referral appear to be met?",
        choices=ThresholdMet.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the threshold for a referral appeared to be met"
        },
    )
    follow_up = forms.CharField(
        label="Follow-up (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the caller will submit a request for support today.",
    )
    called_on = GovukDateField(label="Date of the call")
    called_time = forms.CharField(
        label="Time of the call",
        max_length=5,
        help_text="Use the 24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )

    def __init__(self, *args: Any, children: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["caller_organisation"].queryset = partner_organisations()  # type: ignore[attr-defined]
        if children is not None:
            self.fields["person"].queryset = children  # type: ignore[attr-defined]
            self.fields["person"].label_from_instance = _describe_child  # type: ignore[attr-defined]
        else:
            del self.fields["person"]

    def clean_called_time(self) -> datetime.time:
        match = _TIME.match(self.cleaned_data["called_time"])
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError("Enter the time of the call like 14:30")
        return datetime.time(int(match[1]), int(match[2]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("caller_organisation") and not (data.get("caller_agency") or "").strip():
            self.add_error("caller_agency", "Choose the caller's organisation or type their agency")
        day, time = data.get("called_on"), data.get("called_time")
        if day and time:
            data["called_at"] = timezone.make_aware(datetime.datetime.combine(day, time))
            if data["called_at"] > timezone.now() + datetime.timedelta(minutes=5):
                self.add_error("called_time", "The time of the call must be in the past")
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "caller_name": data["caller_name"],
            "caller_organisation": data.get("caller_organisation"),
            "caller_agency": data.get("caller_agency", ""),
            "caller_phone": data.get("caller_phone", ""),
            "person": data.get("person"),
            "question": data["question"],
            "advice": data["advice"],
            "threshold_met": data["threshold_met"],
            "follow_up": data.get("follow_up", ""),
            "called_at": data["called_at"],
        }


def _describe_child(person: Person) -> str:
    born = person.date_of_birth.strftime("%-d %B %Y") if person.date_of_birth else "not known"
    return f"{person.full_name}, born {born}"


class ConsultationFilterForm(forms.Form):
    threshold_met = forms.ChoiceField(
        label="Threshold met",
        choices=[("", "Any"), *ThresholdMet.choices],
        required=False,
    )
    agency = forms.CharField(
        label="Caller's agency or organisation", max_length=200, required=False
    )


class RaiseDisagreementForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why do you disagree with the decision?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Say what you think the right response is and why. The screener who decided "
        "will reply first.",
        error_messages={"required": "Enter why you disagree with the decision"},
    )


class DisagreementNoteForm(GovukFormMixin, forms.Form):
    note = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your reply"},
    )


class EscalateForm(GovukFormMixin, forms.Form):
    note = forms.CharField(
        label="Why are you escalating it?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you are escalating the disagreement"},
    )


class ResolveForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=RESOLUTION_OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the decision is upheld or changed"},
    )
    resolution = forms.CharField(
        label="Resolution",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was agreed, and what happens next.",
        error_messages={"required": "Enter the resolution"},
    )
