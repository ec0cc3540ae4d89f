from typing import Any

from django import forms
from django.utils import timezone

from earlyhelp.core.forms import GovukDateField, GovukFormMixin
from earlyhelp.people.models import Person

from .codes import RequesterRelationship, RequestStatus
from .redact import ThirdParty


class NewRequestForm(GovukFormMixin, forms.Form):
    person_id = forms.IntegerField(
        label="Record number of the person the request is about",
        min_value=1,
        help_text="Shown on the person's record, under their name. You confirm the name and "
        "date of birth next.",
        error_messages={"invalid": "Enter the record number as digits, like 1234"},
    )
    requester_name = forms.CharField(label="Name of the person asking", max_length=200)
    requester_relationship = forms.ChoiceField(
        label="Who is asking?",
        choices=RequesterRelationship.choices,
        widget=forms.RadioSelect,
    )
    received_on = GovukDateField(
        label="Date the request was received",
        help_text="The one-month deadline counts from this day. For example, 31 1 2026",
    )
    identity_checked = forms.BooleanField(
        label="The requester's identity (and authority to act) has been checked", required=False
    )
    identity_check_method = forms.CharField(
        label="How was it checked? (optional until it has been)", max_length=200, required=False
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        self.person: Person | None = None

    def clean_person_id(self) -> int:
        pk = self.cleaned_data["person_id"]
        person = Person.objects.filter(pk=pk).first()
        if person is not None and person.merged_into_id:
            raise forms.ValidationError(
                f"Record {pk} was merged into record {person.merged_into_id}: use that number"
            )
        person = self.people.filter(pk=pk).first()
        if person is None:
            raise forms.ValidationError("There is no person with that record number")
        self.person = person
        return pk

    def clean_received_on(self) -> Any:
        received = self.cleaned_data["received_on"]
        if received and received > timezone.localdate():
            raise forms.ValidationError("Date the request was received must be today or earlier")
        return received

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("identity_checked") and not data.get("identity_check_method", "").strip():
            self.add_error("identity_check_method", "Say how the identity was checked")
        return data


class RedactionForm(GovukFormMixin, forms.Form):
    release = forms.MultipleChoiceField(
        label="Whose details may be released?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone not ticked appears as '[redacted: family member]', with no name, "
        "date of birth, address or identifiers. Release someone only if they agreed, or it is "
        "reasonable to release without their agreement (for example, it is already known to "
        "the requester). Another person's confidential address is never released.",
    )
    withhold_own_confidential = forms.BooleanField(
        label="Withhold the person's own confidential addresses (for example, if the requester "
        "is a parent who must not learn where the child lives)",
        required=False,
    )

    def __init__(self, *args: Any, parties: list[ThirdParty], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["release"].choices = [  # type: ignore[attr-defined]
            (str(p.person_id), _describe(p)) for p in parties
        ]


def _describe(party: ThirdParty) -> str:
    born = ""
    if party.date_of_birth:
        d = party.date_of_birth.split("-")
        born = f", born {int(d[2])}/{int(d[1])}/{d[0]}"
    times = "once" if party.mentions == 1 else f"{party.mentions} times"
    return f"{party.name}{born} ({party.redact_as}, mentioned {times})"


class UpdateRequestForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Status", choices=RequestStatus.choices, widget=forms.RadioSelect
    )
    released_on = GovukDateField(label="Date released (when released)", required=False)
    identity_checked = forms.BooleanField(
        label="The requester's identity (and authority to act) has been checked", required=False
    )
    identity_check_method = forms.CharField(
        label="How was it checked?", max_length=200, required=False
    )
    extended = forms.BooleanField(
        label="Extended because the request is complex (up to two further months)",
        required=False,
    )
    extension_reason = forms.CharField(
        label="Why is more time needed? (when extended)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Tell the requester within the first month, with the reason.",
    )
    extended_due_on = GovukDateField(label="New due date (when extended)", required=False)
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
