"""Forms for the family plan: a need and its outcome, an action, agreeing a version."""

from typing import Any

from django import forms

from earlyhelp.accounts.models import User
from earlyhelp.core.forms import GovukDateField, GovukFormMixin
from earlyhelp.people.models import Person

from .codes import ActionOwnerKind, ActionStatus, SupportingFamiliesOutcome
from .models import PlanNeed


def govuk_options(field: forms.Field, **options: Any) -> None:
    field.govuk = options  # type: ignore[attr-defined]


class VersionedForm(GovukFormMixin, forms.Form):
    """Carries the plan version the user was looking at (see services._claim)."""

    plan_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def expected_version(self) -> int:
        # 0: the plan did not exist yet when the page was opened (it starts at 1).
        return self.cleaned_data.get("plan_version") or 1


class NeedForm(VersionedForm):
    need = forms.CharField(
        label="What are we worried about?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The need, in words the family would use.",
    )
    outcome = forms.CharField(
        label="What do we want to be different?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The outcome wanted, so everyone will know when it has happened.",
    )
    headline_outcome = forms.ChoiceField(
        label="Supporting Families headline outcome (optional)",
        required=False,
        choices=[("", "None"), *SupportingFamiliesOutcome.choices],
    )


class ActionForm(VersionedForm):
    need = forms.ModelChoiceField(
        label="Which need is this action for?", queryset=PlanNeed.objects.none(), empty_label=None
    )
    description = forms.CharField(
        label="What will be done", widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_kind = forms.ChoiceField(
        label="Who will do it", choices=ActionOwnerKind.choices, widget=forms.RadioSelect
    )
    owner_user = forms.ModelChoiceField(
        label="Practitioner",
        queryset=User.objects.none(),
        required=False,
        help_text="If a practitioner will do it.",
    )
    owner_organisation = forms.CharField(
        label="Agency or organisation",
        required=False,
        max_length=200,
        help_text="If an agency will do it, for example Riverside Primary School.",
    )
    owner_person = forms.ModelChoiceField(
        label="Family member",
        queryset=Person.objects.none(),
        required=False,
        help_text="If someone in the family will do it.",
    )
    due_on = GovukDateField(
        label="By when", help_text="For example, 27 3 2027", error_name="the date it is due by"
    )

    def __init__(
        self,
        *args: Any,
        needs: Any,
        practitioners: list[User],
        family_members: list[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        need = self.fields["need"]
        assert isinstance(need, forms.ModelChoiceField)
        need.queryset = needs
        need.label_from_instance = lambda row: row.need[:80]  # type: ignore[method-assign,assignment]
        user = self.fields["owner_user"]
        assert isinstance(user, forms.ModelChoiceField)
        user.queryset = User.objects.filter(pk__in=[u.pk for u in practitioners])
        user.empty_label = "Choose a practitioner"
        person = self.fields["owner_person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = Person.objects.filter(pk__in=[p.pk for p in family_members])
        person.empty_label = "Choose someone in the family"
        person.label_from_instance = lambda row: row.full_name  # type: ignore[method-assign,assignment]
        govuk_options(self.fields["owner_kind"], label_classes="govuk-fieldset__legend--s")
        govuk_options(self.fields["due_on"], label_classes="govuk-fieldset__legend--s")
        self.fields["owner_kind"].error_messages["required"] = "Select who will do it"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("owner_kind")
        if kind == ActionOwnerKind.PRACTITIONER and not data.get("owner_user"):
            self.add_error("owner_user", "Select the practitioner")
        if kind == ActionOwnerKind.AGENCY and not (data.get("owner_organisation") or "").strip():
            self.add_error("owner_organisation", "Enter the agency or organisation")
        if kind == ActionOwnerKind.FAMILY_MEMBER and not data.get("owner_person"):
            self.add_error("owner_person", "Select who in the family")
        return data


class ChangeActionForm(ActionForm):
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    progress = forms.CharField(
        label="Progress",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What has happened so far.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["need"]
        govuk_options(self.fields["status"], label_classes="govuk-fieldset__legend--s")


class AgreeForm(VersionedForm):
    agreed_with_family = forms.TypedChoiceField(
        label="Did the family agree this plan?",
        choices=[("yes", "Yes"), ("no", "No, it was agreed without them")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    family_present = forms.CharField(
        label="Who in the family agreed it (optional)", required=False, max_length=300
    )
    note = forms.CharField(
        label="Anything to note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_options(
            self.fields["agreed_with_family"],
            label_classes="govuk-fieldset__legend--s",
            classes="govuk-radios--inline",
        )
        self.fields["agreed_with_family"].error_messages["required"] = (
            "Select whether the family agreed the plan"
        )
