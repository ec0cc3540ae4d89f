from django import forms

from .models import Organisation, Team
from .roles import Role


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


# Lets phones offer the code from the authenticator app and show a number pad.
ONE_TIME_CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "spellcheck": "false",
}


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or one of your 8-digit backup codes.",
        max_length=12,
        error_messages={"required": "Enter the security code from your authenticator app"},
        widget=forms.TextInput(attrs=ONE_TIME_CODE_ATTRS),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not code.isdigit() or len(code) not in (6, 8):
            raise forms.ValidationError(
                "Enter the 6-digit code from your app, or an 8-digit backup code"
            )
        return code


class SetUpTwoFactorForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="After scanning the QR code, your app shows a 6-digit code.",
        max_length=10,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs=ONE_TIME_CODE_ATTRS),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        return code


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name for the token",
        max_length=100,
        help_text='Say what will use it, for example "School safeguarding log".',
        error_messages={"required": "Enter a name for the token"},
    )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "urn", "ods_code", "charity_number", "email", "phone"]
        widgets = {"kind": forms.RadioSelect}
        error_messages = {
            "name": {"required": "Enter the organisation's name"},
            "kind": {"required": "Select the kind of organisation"},
        }


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "description", "is_front_door"]
        error_messages = {"name": {"required": "Enter the team's name"}}


class AddPersonForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name"},
    )
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        error_messages={
            "required": "Enter the person's work email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="Not in a team",
        help_text="Leave blank for a role across the whole organisation.",
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["team"].queryset = organisation.teams.filter(is_active=True)  # type: ignore[attr-defined]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class EndMembershipForm(forms.Form):
    reason = forms.CharField(
        label="Why is this role ending?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why this role is ending"},
    )
