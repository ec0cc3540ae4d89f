from typing import Any

from django import forms

from earlyhelp.accounts.models import Membership, Organisation, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.core.forms import GovukDateField, GovukFormMixin
from earlyhelp.people.models import Family, Person

from .codes import (
    ConsentDecision,
    ConsentGivenBy,
    ConsentMethod,
    ConsentScope,
    LawfulBasis,
    SharingOutcome,
)

_PARTNER_KINDS = [(k, label) for k, label in OrganisationKind.choices if k != "council"]


def _family_people(family: Family) -> Any:
    return (
        Person.objects.filter(family_memberships__family=family)
        .distinct()
        .order_by("date_of_birth")
    )


def _partners() -> Any:
    return Organisation.objects.exclude(kind=OrganisationKind.COUNCIL).order_by("name")


class ConsentForm(GovukFormMixin, forms.Form):
    scope = forms.ChoiceField(
        label="What is the consent to?", choices=ConsentScope.choices, widget=forms.RadioSelect
    )
    decision = forms.ChoiceField(
        label="Decision", choices=ConsentDecision.choices, widget=forms.RadioSelect
    )
    person = forms.ModelChoiceField(
        label="Who is it about? (optional)",
        queryset=Person.objects.none(),
        required=False,
        empty_label="The whole family",
    )
    share_with_organisation = forms.ModelChoiceField(
        label="Share with which organisation? (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not one organisation",
        help_text="Only for consent to share. Leave both blank to mean every partner agency.",
    )
    share_with_kind = forms.ChoiceField(
        label="Or with any agency of this kind (optional)",
        choices=[("", "Not a kind of agency"), *_PARTNER_KINDS],
        required=False,
    )
    given_by = forms.ChoiceField(
        label="Who decided?", choices=ConsentGivenBy.choices, widget=forms.RadioSelect
    )
    given_by_name = forms.CharField(label="Their name", max_length=200)
    method = forms.ChoiceField(
        label="How?", choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    decided_on = GovukDateField(label="Date of the decision", past=False)
    review_on = GovukDateField(
        label="Review or expiry date (optional)", required=False, help_text="For example, 1 6 2027"
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _family_people(family)  # type: ignore[attr-defined]
        self.fields["share_with_organisation"].queryset = _partners()  # type: ignore[attr-defined]


class OverrideForm(GovukFormMixin, forms.Form):
    share_with_organisation = forms.ModelChoiceField(
        label="Which organisation keeps access? (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not one organisation",
    )
    share_with_kind = forms.ChoiceField(
        label="Or every agency of this kind (optional)",
        choices=[("", "Not a kind of agency"), *_PARTNER_KINDS],
        required=False,
        help_text="Leave both blank to keep access for every partner on the team around the family.",
    )
    reason = forms.CharField(
        label="Why does the child's safety need this?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the override is needed"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["share_with_organisation"].queryset = _partners()  # type: ignore[attr-defined]


class EndOverrideForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the override ending?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the override is ending"},
    )


class SharingDecisionForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Decision", choices=SharingOutcome.choices, widget=forms.RadioSelect
    )
    information = forms.CharField(
        label="What information?", widget=forms.Textarea(attrs={"rows": 3})
    )
    person = forms.ModelChoiceField(
        label="About whom? (optional)",
        queryset=Person.objects.none(),
        required=False,
        empty_label="The whole family",
    )
    shared_with_organisation = forms.ModelChoiceField(
        label="With which organisation?",
        queryset=Organisation.objects.none(),
        error_messages={"required": "Select the organisation"},
    )
    shared_with_name = forms.CharField(
        label="With whom there? (optional)", max_length=200, required=False
    )
    purpose = forms.CharField(label="Purpose", widget=forms.Textarea(attrs={"rows": 2}))
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        help_text="Usually public task, not consent.",
    )
    with_consent = forms.TypedChoiceField(
        label="Did the family consent?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    without_consent_reason = forms.CharField(
        label="If not: why share without consent?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    approved_by = forms.ModelChoiceField(
        label="If not: which manager approved it?",
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose a manager",
    )
    rationale = forms.CharField(
        label="Why did you decide this?", widget=forms.Textarea(attrs={"rows": 3})
    )
    family_told = forms.TypedChoiceField(
        label="Was the family told?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    family_not_told_reason = forms.CharField(
        label="If not: why not?", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_on = GovukDateField(label="Date of the decision")

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _family_people(family)  # type: ignore[attr-defined]
        self.fields["shared_with_organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        managers = Membership.objects.filter(Membership.current_q(), role=Role.TEAM_MANAGER)
        self.fields["approved_by"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=managers.values("user_id")
        ).order_by("full_name")
