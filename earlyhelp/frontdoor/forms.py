"""Forms for screening at the front door: the queue's filters, RAG ratings, decisions and
approvals. Rendered as GOV.UK components by the project's form renderer."""

from typing import Any

from django import forms

from earlyhelp.core.forms import GovukDateField, GovukFormMixin
from earlyhelp.people.codes import Sex
from earlyhelp.people.matching import PersonRecord

from .codes import ContactStatus, Outcome, Rag


def govuk_options(field: forms.Field, **options: Any) -> None:
    """Options for the GOV.UK component a field renders as (see earlyhelp.core.forms)."""
    field.govuk = options  # type: ignore[attr-defined]


SORTS = {
    "time_left": "Time left",
    "received": "Oldest first",
    "-received": "Newest first",
}


class QueueFilterForm(GovukFormMixin, forms.Form):
    """The queue's filters, read from the query string (the page works without JavaScript)."""

    rag = forms.MultipleChoiceField(
        label="RAG rating",
        required=False,
        choices=[*Rag.choices, ("none", "Not rated yet")],
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.MultipleChoiceField(
        label="Status",
        required=False,
        choices=[
            (s.value, s.label)
            for s in (
                ContactStatus.AWAITING_SCREENING,
                ContactStatus.SCREENING,
                ContactStatus.AWAITING_APPROVAL,
            )
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    claimed = forms.ChoiceField(
        label="Claimed",
        required=False,
        choices=[("", "Anyone or nobody"), ("me", "Claimed by me"), ("nobody", "Unclaimed")],
        widget=forms.RadioSelect,
    )
    overdue = forms.BooleanField(label="Only overdue contacts", required=False)
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()), widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("rag", "status", "claimed"):
            govuk_options(self.fields[name], label_classes="govuk-fieldset__legend--s")


class RagForm(GovukFormMixin, forms.Form):
    rag = forms.ChoiceField(label="RAG rating", choices=Rag.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(
        label="Why this rating",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you know so far that makes it this urgent. You can change the rating "
        "as information arrives; every rating is kept.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_options(
            self.fields["rag"],
            label_classes="govuk-fieldset__legend--s",
            item_hints={
                Rag.RED: "Urgent: a child may need protecting now",
                Rag.AMBER: "More information needed, not urgent",
                Rag.GREEN: "Early help or universal services",
            },
        )
        self.fields["rationale"].error_messages["required"] = "Enter why you chose this rating"


class DecisionForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(label="Decision", choices=Outcome.choices, widget=forms.RadioSelect)
    signposted_to = forms.CharField(
        label="Services you are signposting to",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only for a signpost: which universal or community services, and how to "
        "reach them.",
    )
    rationale = forms.CharField(
        label="Why this decision",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The referrer is told the outcome; your reasons stay on the record.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_options(self.fields["outcome"], label_classes="govuk-fieldset__legend--m")
        self.fields["outcome"].error_messages["required"] = "Select the decision"
        self.fields["rationale"].error_messages["required"] = "Enter why you made this decision"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Outcome.SIGNPOST and not data.get("signposted_to", "").strip():
            self.add_error("signposted_to", "Enter the services you are signposting to")
        return data


class ApprovalForm(GovukFormMixin, forms.Form):
    answer = forms.ChoiceField(
        label="Do you approve this decision?",
        choices=[("approve", "Yes, approve it"), ("return", "No, return it to the screener")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Your note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you return a decision: say what to look at again.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_options(self.fields["answer"], label_classes="govuk-fieldset__legend--m")
        self.fields["answer"].error_messages["required"] = "Select whether you approve"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == "return" and not data.get("note", "").strip():
            self.add_error("note", "Enter why you are returning the decision")
        return data


class NewSubjectForm(GovukFormMixin, forms.Form):
    """A new person record for someone named on a request, when the search found nobody."""

    given_name = forms.CharField(label="Given name", max_length=100)
    family_name = forms.CharField(label="Family name", max_length=100)
    date_of_birth = GovukDateField(label="Date of birth", required=False, past=True)
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.RadioSelect
    )

    def record(self) -> PersonRecord:
        data = self.cleaned_data
        return PersonRecord(
            given_name=data.get("given_name", ""),
            family_name=data.get("family_name", ""),
            date_of_birth=data.get("date_of_birth"),
        )
