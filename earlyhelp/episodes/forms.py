"""Forms for allocating an episode (first the team, then its lead practitioner and why) and for
the rest of the episode: levels, lead, team around the family, step up and down, closure, notes."""

from typing import Any

from django import forms

from earlyhelp.accounts.models import Membership, Team, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.core.forms import GovukDateField, GovukFormMixin
from earlyhelp.core.models import ClosureReason, LevelOfNeed

from .models import AttemptMethod, AttemptOutcome, NoteKind, OversightKind


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


YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


def staff_choices(*, council_only: bool, exclude: frozenset[int] = frozenset()) -> list[User]:
    """Users with a current practitioner or manager role (in the council, or anywhere)."""
    memberships = Membership.objects.filter(
        Membership.current_q(),
        role__in=(Role.PRACTITIONER, Role.TEAM_MANAGER, Role.DESIGNATED_SAFEGUARDING_LEAD),
    )
    if council_only:
        memberships = memberships.filter(organisation__kind=OrganisationKind.COUNCIL)
    return list(
        User.objects.filter(memberships__in=memberships, is_active=True)
        .exclude(pk__in=exclude)
        .distinct()
        .order_by("full_name", "pk")
    )


class UserChoiceField(forms.ChoiceField):
    """A select of users, by name and email; `.user(value)` gives the chosen one back."""

    def set_users(self, users: list[User], empty: str) -> None:
        self.users = {str(u.pk): u for u in users}
        self.choices = [("", empty)] + [
            (pk, f"{u.full_name} ({u.email})" if u.full_name else u.email)
            for pk, u in self.users.items()
        ]

    def user(self, value: str) -> User | None:
        return self.users.get(value or "")


class LevelForm(GovukFormMixin, forms.Form):
    level = forms.ModelChoiceField(
        label="Level of need",
        queryset=LevelOfNeed.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    changed_on = GovukDateField(label="Date of the change", past=False)
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The lead practitioner "
        "stays the same; change them separately if that is needed too.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_options(self.fields["level"], label_classes="govuk-fieldset__legend--m")


class ChangeLeadForm(GovukFormMixin, forms.Form):
    new_lead = UserChoiceField(label="New lead practitioner")
    reason = forms.CharField(
        label="Why the lead practitioner is changing", widget=forms.Textarea(attrs={"rows": 3})
    )
    family_had_say = forms.TypedChoiceField(
        label="Did the family have a say in who it is?",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
    )
    family_view = forms.CharField(
        label="What the family said (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_lead"]
        assert isinstance(field, UserChoiceField)
        field.set_users(candidates, "Choose a practitioner")

    def lead(self) -> User | None:
        field = self.fields["new_lead"]
        assert isinstance(field, UserChoiceField)
        return field.user(self.cleaned_data.get("new_lead", ""))


class TeamMemberForm(GovukFormMixin, forms.Form):
    user = UserChoiceField(
        label="Practitioner",
        help_text="From any agency: school, health, police, housing, a charity or the council.",
    )
    role = forms.CharField(
        label="Their role for the family", max_length=120, help_text="For example school nurse."
    )
    joined_on = GovukDateField(label="Date they joined", past=False)

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, UserChoiceField)
        field.set_users(candidates, "Choose a practitioner")

    def member(self) -> User | None:
        field = self.fields["user"]
        assert isinstance(field, UserChoiceField)
        return field.user(self.cleaned_data.get("user", ""))


class StepUpForm(GovukFormMixin, forms.Form):
    decided_on = GovukDateField(label="Date of the decision", past=False)
    decided_by = forms.CharField(label="Who decided", max_length=200, help_text="Name and role.")
    reason = forms.CharField(
        label="Why the family is stepping up", widget=forms.Textarea(attrs={"rows": 4})
    )
    handover_notes = forms.CharField(
        label="Handover notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    social_worker = UserChoiceField(
        label="Social worker who becomes lead practitioner",
        required=False,
        help_text="If they do not use this service, leave this and type their name below.",
    )
    social_worker_name = forms.CharField(
        label="Social worker's name and team (if not listed)", max_length=200, required=False
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["social_worker"]
        assert isinstance(field, UserChoiceField)
        field.set_users(candidates, "Not listed")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("social_worker") and not data.get("social_worker_name", "").strip():
            self.add_error("social_worker", "Choose the social worker or type their name")
        return data

    def chosen_social_worker(self) -> User | None:
        field = self.fields["social_worker"]
        assert isinstance(field, UserChoiceField)
        return field.user(self.cleaned_data.get("social_worker", ""))


class StepDownForm(GovukFormMixin, forms.Form):
    decided_on = GovukDateField(label="Date of the decision", past=False)
    handover_meeting_on = GovukDateField(label="Date of the handover meeting", past=False)
    receiving_lead = UserChoiceField(label="Receiving lead practitioner")
    family_consent = forms.TypedChoiceField(
        label="Does the family consent to early help?",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why the family is stepping down", widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["receiving_lead"]
        assert isinstance(field, UserChoiceField)
        field.set_users(candidates, "Choose a practitioner")

    def lead(self) -> User | None:
        field = self.fields["receiving_lead"]
        assert isinstance(field, UserChoiceField)
        return field.user(self.cleaned_data.get("receiving_lead", ""))


class ClosureForm(GovukFormMixin, forms.Form):
    reason = forms.ModelChoiceField(
        label="Why is the episode closing?",
        queryset=ClosureReason.objects.filter(active=True),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    note = forms.CharField(
        label="Closing summary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_options(self.fields["reason"], label_classes="govuk-fieldset__legend--m")


class CaseNoteForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Type of note", choices=NoteKind.choices, widget=forms.RadioSelect
    )
    occurred_on = GovukDateField(label="When it happened", past=False)
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 5}))
    significant = forms.BooleanField(
        label="Significant: add it to the family's chronology", required=False
    )


class EngagementForm(GovukFormMixin, forms.Form):
    attempted_on = GovukDateField(label="Date of the attempt", past=False)
    method = forms.ChoiceField(label="How", choices=AttemptMethod.choices, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        label="What happened", choices=AttemptOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SupervisionForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Type", choices=OversightKind.choices, widget=forms.RadioSelect)
    occurred_on = GovukDateField(label="Date", past=False)
    text = forms.CharField(
        label="Discussion and analysis", widget=forms.Textarea(attrs={"rows": 5})
    )
    actions = forms.CharField(
        label="Actions agreed (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ManualEntryForm(GovukFormMixin, forms.Form):
    occurred_on = GovukDateField(label="When it happened", past=False)
    summary = forms.CharField(label="What happened", max_length=500)
    detail = forms.CharField(
        label="More detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApprovalDecisionForm(GovukFormMixin, forms.Form):
    """A manager's decision on a step up or closure waiting for approval. `approval` names the
    request the manager saw, so a decision never lands on a different one."""

    approval = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: it takes effect now"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select approve or decline"},
    )
    comments = forms.CharField(
        label="Comments",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="If you decline, say why: the practitioner who asked will read it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_options(self.fields["decision"], label_classes="govuk-fieldset__legend--m")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not data.get("comments", "").strip():
            self.add_error("comments", "Enter why you are declining the request")
        return data
