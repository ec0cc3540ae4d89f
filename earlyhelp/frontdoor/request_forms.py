"""Forms for requests for support: the practitioner's question pages, a screener's phone or
email contact, and a family's own request. They parse and check; submission.py writes."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from earlyhelp.core.forms import GovukDateField, GovukFormMixin
from earlyhelp.people.codes import Sex

from .codes import ContactMethod, ContactSource, FamilyConsent, Urgency, Worry
from .submission import ACCEPTED_DESCRIPTION, attachment_max_bytes

W = Worry

#: The worries, grouped the way a referrer thinks about them (all are CIN assessment factors).
WORRY_GROUPS: list[tuple[str, str, list[Worry]]] = [
    (
        "worries_child",
        "About the child",
        [
            W.MENTAL_HEALTH_CHILD,
            W.SELF_HARM,
            W.BEHAVIOUR,
            W.MISSING,
            W.ALCOHOL_CHILD,
            W.DRUGS_CHILD,
            W.LEARNING_DISABILITY_CHILD,
            W.PHYSICAL_CHILD,
            W.YOUNG_CARER,
            W.PRIVATELY_FOSTERED,
            W.UNACCOMPANIED,
        ],
    ),
    (
        "worries_home",
        "About a parent, carer or someone else at home",
        [
            W.DOMESTIC_ABUSE_PARENT,
            W.DOMESTIC_ABUSE_OTHER,
            W.MENTAL_HEALTH_PARENT,
            W.MENTAL_HEALTH_OTHER,
            W.ALCOHOL_PARENT,
            W.ALCOHOL_OTHER,
            W.DRUGS_PARENT,
            W.DRUGS_OTHER,
            W.LEARNING_DISABILITY_PARENT,
            W.LEARNING_DISABILITY_OTHER,
            W.PHYSICAL_PARENT,
            W.PHYSICAL_OTHER,
        ],
    ),
    (
        "worries_harm",
        "Abuse, neglect and exploitation",
        [
            W.NEGLECT,
            W.EMOTIONAL_ABUSE,
            W.PHYSICAL_ABUSE,
            W.SEXUAL_ABUSE,
            W.DOMESTIC_ABUSE_CHILD,
            W.CSE,
            W.CCE,
            W.GANGS,
            W.TRAFFICKING,
            W.FGM,
            W.FAITH,
        ],
    ),
    ("worries_other", "Something else", [W.OTHER]),
]


def _textarea(label: str, *, help_text: str = "", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )


class YouForm(GovukFormMixin, forms.Form):
    """A practitioner's own request: how to reach them, and the contact source code."""

    referrer_phone = forms.CharField(
        label="Your phone number",
        max_length=50,
        required=False,
        help_text="So the front door can call you about this request.",
    )
    source = forms.ChoiceField(
        label="Contact source",
        choices=ContactSource.choices,
        help_text="Worked out from your organisation. Change it if it is not right.",
    )


class CallerForm(GovukFormMixin, forms.Form):
    """Who called or emailed the front door (typed by a screener)."""

    method = forms.ChoiceField(
        label="How was the request made?",
        choices=[(ContactMethod.PHONE, "Phone call"), (ContactMethod.EMAIL, "Email")],
        widget=forms.RadioSelect,
    )
    referrer_name = forms.CharField(label="Caller's name", max_length=200)
    referrer_agency = forms.CharField(
        label="Caller's organisation or relationship to the child", max_length=200, required=False
    )
    referrer_phone = forms.CharField(label="Caller's phone number", max_length=50, required=False)
    referrer_email = forms.EmailField(label="Caller's email address", required=False)
    source = forms.ChoiceField(label="Contact source", choices=ContactSource.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referrer_email"].govuk = {"autocomplete": "off"}  # type: ignore[attr-defined]
        self.fields["referrer_name"].govuk = {"autocomplete": "off"}  # type: ignore[attr-defined]
        self.fields["referrer_phone"].govuk = {"autocomplete": "off"}  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("referrer_phone") or data.get("referrer_email")):
            self.add_error("referrer_phone", "Enter the caller's phone number or email address")
        return data


class NewPersonForm(GovukFormMixin, forms.Form):
    """Just enough to record someone new for a request; the rest comes with screening."""

    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, past=True, help_text="For example, 27 3 2016"
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("given_name", "family_name"):
            self.fields[name].govuk = {"autocomplete": "off"}  # type: ignore[attr-defined]


class WorriesForm(GovukFormMixin, forms.Form):
    worries_detail = _textarea(
        "Tell us more about what you are worried about",
        help_text="What you have seen or been told, since when, and how it affects the child.",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        detail = self.fields.pop("worries_detail")
        for name, label, worries in WORRY_GROUPS:
            field = forms.MultipleChoiceField(
                label=label,
                choices=[(w.value, w.label) for w in worries],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            field.govuk = {"label_classes": "govuk-fieldset__legend--s"}  # type: ignore[attr-defined]
            self.fields[name] = field
        self.fields["worries_detail"] = detail

    @staticmethod
    def initial_for(worries: list[str], detail: str) -> dict[str, Any]:
        initial: dict[str, Any] = {"worries_detail": detail}
        for name, _label, group in WORRY_GROUPS:
            initial[name] = [w.value for w in group if w.value in worries]
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [code for name, _l, _g in WORRY_GROUPS for code in data.get(name, [])]
        if not self.errors and not chosen and not data.get("worries_detail", "").strip():
            raise ValidationError("Select what you are worried about, or describe it")
        data["worries"] = chosen
        return data


class TriedForm(GovukFormMixin, forms.Form):
    already_tried = _textarea(
        "What has been tried already?",
        help_text="Support your organisation or others have given, and how it went. "
        "If nothing has been tried yet, say so.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["already_tried"].govuk = {  # type: ignore[attr-defined]
            "label_classes": "govuk-label--l",
            "label_is_page_heading": True,
        }


class ConsentForm(GovukFormMixin, forms.Form):
    family_consent = forms.ChoiceField(
        label="Does the family know about this request, and agree to it?",
        choices=FamilyConsent.choices,
        widget=forms.RadioSelect,
    )
    consent_detail = _textarea(
        "Who agreed, and when? (optional)",
        help_text="For a safeguarding concern, say why the family has not been asked.",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family_consent"].govuk = {  # type: ignore[attr-defined]
            "label_classes": "govuk-fieldset__legend--l",
            "label_is_page_heading": True,
        }


class UrgencyForm(GovukFormMixin, forms.Form):
    urgency = forms.ChoiceField(
        label="How urgent is this?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        help_text="If a child is in immediate danger, call the police on 999.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["urgency"].govuk = {  # type: ignore[attr-defined]
            "label_classes": "govuk-fieldset__legend--l",
            "label_is_page_heading": True,
        }


class AttachmentForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=f"It must be {ACCEPTED_DESCRIPTION}, smaller than "
        f"{attachment_max_bytes() // (1024 * 1024)} MB.",
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty",
        },
    )


# --- A family's own request ---------------------------------------------------------------------

#: How many children the public form has room for (no JavaScript needed to add more).
CHILD_SLOTS = 4


class SelfRequestForm(GovukFormMixin, forms.Form):
    """Plain words: a family asking for help, with no account. Reading age about 9."""

    parent_name = forms.CharField(label="Your name", max_length=200)
    relationship = forms.CharField(
        label="Who are you to the children?",
        max_length=100,
        help_text="For example, mum, dad, grandparent or carer.",
    )
    phone = forms.CharField(label="Phone number (optional)", max_length=50, required=False)
    email = forms.EmailField(label="Email address (optional)", required=False)
    postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    contact_preference = forms.ChoiceField(
        label="How should we contact you?",
        choices=[("phone", "Phone call"), ("text", "Text message"), ("email", "Email")],
        widget=forms.RadioSelect,
    )
    safe_to_contact = forms.ChoiceField(
        label="Is it safe for us to contact you this way?",
        choices=[("yes", "Yes"), ("no", "No, or only at some times")],
        widget=forms.RadioSelect,
    )
    safe_contact_detail = _textarea(
        "When and how is it safe to contact you? (optional)",
        help_text="For example, only after 3pm, or do not leave a message.",
        required=False,
    )
    help_wanted = _textarea(
        "What help would you like?",
        help_text="Tell us in your own words what is hard at the moment.",
    )
    # The honeypot: hidden from people (and screen readers); a bot filling every box fills it.
    website = forms.CharField(label="Leave this empty", required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, CHILD_SLOTS + 1):
            optional = "" if number == 1 else " (optional)"
            self.fields[f"child_{number}_given_name"] = forms.CharField(
                label=f"First name{optional}", max_length=100, required=False
            )
            self.fields[f"child_{number}_family_name"] = forms.CharField(
                label=f"Last name{optional}", max_length=100, required=False
            )
            self.fields[f"child_{number}_date_of_birth"] = GovukDateField(
                label=f"Date of birth{optional}",
                required=False,
                past=True,
                help_text="For example, 27 3 2016",
                error_name=f"child {number}'s date of birth",
            )
        for name in ("parent_name", "relationship"):
            self.fields[name].govuk = {"autocomplete": "off"}  # type: ignore[attr-defined]
        self.fields["parent_name"].govuk = {"autocomplete": "name"}  # type: ignore[attr-defined]
        self.fields["phone"].govuk = {"autocomplete": "tel"}  # type: ignore[attr-defined]
        self.fields["website"].widget.attrs.update({"tabindex": "-1"})
        self.fields["website"].govuk = {"autocomplete": "off"}  # type: ignore[attr-defined]

    def child_slots(self) -> list[list[Any]]:
        return [
            [self[f"child_{n}_{part}"] for part in ("given_name", "family_name", "date_of_birth")]
            for n in range(1, CHILD_SLOTS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        children = []
        for number in range(1, CHILD_SLOTS + 1):
            given = data.get(f"child_{number}_given_name", "")
            family = data.get(f"child_{number}_family_name", "")
            born = data.get(f"child_{number}_date_of_birth")
            if given or family or born:
                if not given:
                    self.add_error(f"child_{number}_given_name", "Enter the child's first name")
                children.append({"given_name": given, "family_name": family, "date_of_birth": born})
        if not children and "child_1_given_name" not in self.errors:
            self.add_error("child_1_given_name", "Enter the first name of at least one child")
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors:
            self.add_error("phone", "Enter a phone number or an email address")
        data["children"] = children
        return data
