"""Forms for finding, adding and changing people and families. They parse and check what was
typed; services.py writes it."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from earlyhelp.core.forms import GovukDateField, GovukFormMixin

from .codes import Disability, Ethnicity, FamilyRole, RelationshipKind, Sex
from .identifiers import normalise_postcode, validate_nhs_number, validate_upn
from .matching import PersonRecord
from .models import Person


def _looks_like_identifier(value: str) -> dict[str, str]:
    """Which identifier a typed value is: an NHS number, a UPN, or the council's own id."""
    compact = value.replace(" ", "").upper()
    try:
        return {"nhs_number": validate_nhs_number(compact)}
    except ValidationError:
        pass
    try:
        return {"upn": validate_upn(compact)}
    except ValidationError:
        return {"council_person_id": value.strip()}


class FindPersonForm(GovukFormMixin, forms.Form):
    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, past=True, help_text="For example, 27 3 2019"
    )
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    identifier = forms.CharField(
        label="NHS number, UPN or council person ID", max_length=50, required=False
    )

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        if value and normalise_postcode(value) is None:
            raise ValidationError("Enter a real postcode, like SW1A 1AA")
        return normalise_postcode(value) or ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(name) for name in self.fields):
            raise ValidationError(
                "Enter a name, date of birth, postcode or identifier to search for"
            )
        return data

    def record(self) -> PersonRecord:
        data = self.cleaned_data
        identifier = _looks_like_identifier(data["identifier"]) if data.get("identifier") else {}
        return PersonRecord(
            given_name=data.get("given_name", ""),
            family_name=data.get("family_name", ""),
            date_of_birth=data.get("date_of_birth"),
            postcode=data.get("postcode", ""),
            nhs_number=identifier.get("nhs_number", ""),
            upn=identifier.get("upn", ""),
            council_person_id=identifier.get("council_person_id", ""),
        )

    def describe(self) -> str:
        data = self.cleaned_data
        parts = [
            " ".join(p for p in (data.get("given_name"), data.get("family_name")) if p),
            data["date_of_birth"].strftime("%-d %B %Y") if data.get("date_of_birth") else "",
            data.get("postcode", ""),
            data.get("identifier", ""),
        ]
        return ", ".join(p for p in parts if p)


class PersonForm(GovukFormMixin, forms.ModelForm):
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, past=True, help_text="For example, 27 3 2019"
    )
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth",
        required=False,
        help_text="Only for an unborn child. For example, 14 2 2027",
    )
    date_of_death = GovukDateField(label="Date of death", required=False, past=True)
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=Ethnicity.choices,
        required=False,
        # The model's default: without it the browser picks the first option, White - British.
        initial=Ethnicity.NOBT,
    )
    disabilities = forms.MultipleChoiceField(
        label="Disability",
        choices=Disability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "other_names",
            "date_of_birth",
            "date_of_birth_estimated",
            "expected_date_of_birth",
            "sex",
            "gender",
            "ethnicity",
            "first_language",
            "interpreter_needed",
            "religion",
            "disabilities",
            "nhs_number",
            "upn",
            "council_person_id",
            "phone",
            "email",
            "is_restricted",
            "date_of_death",
        ]
        labels = {
            "given_name": "First name",
            "family_name": "Last name",
            "other_names": "Other or previous names",
            "date_of_birth_estimated": "The date of birth is an estimate",
            "gender": "Gender (optional)",
            "first_language": "First language",
            "interpreter_needed": "Needs an interpreter",
            "religion": "Religion (optional)",
            "council_person_id": "Council person ID",
            "phone": "Phone number",
            "email": "Email address",
            "is_restricted": "This record needs extra protection (restricted)",
        }
        help_texts = {
            "nhs_number": "10 digits, for example 943 476 5919",
            "upn": "Unique pupil number: a letter and 12 more characters",
            "is_restricted": "For example, a member of staff or their family. Only people "
            "with a personal reason will see it.",
        }
        widgets = {"other_names": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("given_name") or data.get("family_name")):
            self.add_error("given_name", "Enter the person's first name or last name")
        born, expected = data.get("date_of_birth"), data.get("expected_date_of_birth")
        if born and expected:
            self.add_error(
                "expected_date_of_birth",
                "Enter either a date of birth or an expected date of birth, not both",
            )
        if expected and expected < date.today():
            self.add_error("expected_date_of_birth", "Expected date of birth must be in the future")
        return data

    def record(self, postcode: str = "") -> PersonRecord:
        data = self.cleaned_data
        return PersonRecord(
            given_name=data.get("given_name", ""),
            family_name=data.get("family_name", ""),
            other_names=tuple(
                line for line in (data.get("other_names") or "").splitlines() if line.strip()
            ),
            date_of_birth=data.get("date_of_birth"),
            sex=str(data.get("sex") or "").replace(Sex.UNKNOWN, ""),
            postcode=normalise_postcode(postcode) or "",
            nhs_number=(data.get("nhs_number") or "").replace(" ", ""),
            upn=(data.get("upn") or "").replace(" ", "").upper(),
            council_person_id=data.get("council_person_id") or "",
        )


class ChangeReasonForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you making this change?",
        max_length=100,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="This is kept in the record's history.",
        error_messages={"required": "Enter why you are making this change"},
    )


class AddressForm(GovukFormMixin, forms.Form):
    line_1 = forms.CharField(label="Address line 1", max_length=200)
    line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter a postcode"},
    )
    from_date = GovukDateField(label="Lived here from (optional)", required=False, past=True)
    is_confidential = forms.BooleanField(
        label="The address is confidential",
        required=False,
        help_text="For example, the family has fled domestic abuse. Only the lead practitioner, "
        "the managers of the team working with the family and the data protection officer "
        "will see it.",
    )

    def clean_postcode(self) -> str:
        value = normalise_postcode(self.cleaned_data["postcode"])
        if value is None:
            raise ValidationError("Enter a real postcode, like SW1A 1AA")
        return value


class NewPersonAddressForm(AddressForm):
    """The address on the add-person form: optional as a whole."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in ("line_1", "postcode"):
            self.fields[field].required = False
        self.fields["line_1"].label = "Address line 1 (optional)"
        self.fields["postcode"].label = "Postcode (optional)"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("line_1") and not data.get("postcode"):
            self.add_error("postcode", "Enter a postcode")
        if data.get("postcode") and not data.get("line_1"):
            self.add_error("line_1", "Enter the first line of the address")
        return data

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        if not value:
            return ""
        return super().clean_postcode()


class FamilyForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Family name",
        max_length=200,
        help_text='How the family is known, for example "Fairweather family".',
        error_messages={"required": "Enter a name for the family"},
    )
    is_restricted = forms.BooleanField(
        label="This family's record needs extra protection (restricted)",
        required=False,
        help_text="For example, a member of staff's family. Only people with a personal reason, "
        "such as the lead practitioner, will see it.",
    )


class MemberRoleForm(GovukFormMixin, forms.Form):
    role = forms.ChoiceField(
        label="Role in the family",
        choices=FamilyRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role in the family"},
    )


class AddExistingMemberForm(MemberRoleForm):
    person = forms.IntegerField(widget=forms.HiddenInput)


class RelationshipForm(GovukFormMixin, forms.Form):
    person = forms.TypedChoiceField(label="Whose relationship", coerce=int)
    kind = forms.ChoiceField(
        label="Relationship",
        choices=RelationshipKind.choices,
        error_messages={"required": "Select the relationship"},
    )
    related_person = forms.TypedChoiceField(label="Related person", coerce=int)
    has_parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False
    )

    def __init__(self, *args: Any, members: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a person")] + [(p.pk, p.full_name) for p in members]
        for name in ("person", "related_person"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        self.fields["person"].error_messages["required"] = "Select whose relationship it is"
        self.fields["related_person"].error_messages["required"] = "Select the related person"
        self.fields["kind"].help_text = "The related person is the first person's ..."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("person") and data.get("person") == data.get("related_person"):
            self.add_error("related_person", "Choose two different people")
        return data


class BreakGlassForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why do you need to see this record now?",
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        max_length=2000,
        error_messages={
            "required": "Enter why you need to see this record",
            "min_length": "Explain in a sentence why you need to see this record",
        },
        help_text="The data protection officer is told straight away and reads your reason.",
    )
