"""Forms for allocating an episode: first the team, then its lead practitioner and why."""

from typing import Any

from django import forms

from earlyhelp.accounts.models import Team, User
from earlyhelp.accounts.roles import OrganisationKind
from earlyhelp.core.forms import GovukFormMixin


def govuk_options(field: forms.Field, **options: Any) -> None:
    """Options for the GOV.UK component a field renders as (see earlyhelp.core.forms)."""
    field.govuk = options  # type: ignore[attr-defined]


def allocatable_teams() -> Any:
    """Council teams that take cases (not the front door)."""
    return Team.objects.filter(
        is_active=True, is_front_door=False, organisation__kind=OrganisationKind.COUNCIL
    ).select_related("organisation")


class TeamForm(GovukFormMixin, forms.Form):
    team = forms.ModelChoiceField(
        label="Which team will work with the family?",
        queryset=Team.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = allocatable_teams()
        govuk_options(field, label_classes="govuk-fieldset__legend--m")
        field.error_messages["required"] = "Select a team"
        field.error_messages["invalid_choice"] = "Select a team from the list"


class AllocationForm(GovukFormMixin, forms.Form):
    lead_practitioner = forms.ChoiceField(
        label="Lead practitioner",
        required=False,
        help_text="A current member of the team. Leave it for now to put the family on the "
        "team's waiting list.",
    )
    note = forms.CharField(
        label="Why this team and practitioner",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example the allocation meeting's reasons, or the family's wishes.",
    )

    def __init__(self, *args: Any, members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(user.pk): user for user in members}
        field = self.fields["lead_practitioner"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Not yet: put the family on the team's waiting list")] + [
            (pk, user.full_name or user.email) for pk, user in self.members.items()
        ]

    def lead(self) -> User | None:
        return self.members.get(self.cleaned_data.get("lead_practitioner") or "")
