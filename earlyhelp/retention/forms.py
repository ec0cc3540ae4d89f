from django import forms

from earlyhelp.core.forms import GovukFormMixin


def _reason(label: str, required: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        error_messages={"required": required},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class KeepForm(GovukFormMixin, forms.Form):
    years = forms.IntegerField(
        label="For how many more years?",
        min_value=1,
        max_value=50,
        help_text="The family will not be due for review again before then.",
        error_messages={
            "required": "Enter how many more years to keep the records",
            "invalid": "Enter the number of years as a whole number, like 2",
            "min_value": "Enter a number of years, 1 or more",
            "max_value": "Enter a number of years, 50 or fewer",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    reason = _reason("Why keep these records?", "Enter why the records are being kept")


class HoldForm(GovukFormMixin, forms.Form):
    reason = _reason(
        "Why must these records be kept?",
        "Enter why the records must be kept",
        "For example a court case, an inquiry, a complaint or a subject access request.",
    )


class LiftHoldForm(GovukFormMixin, forms.Form):
    reason = _reason("Why can the legal hold be lifted?", "Enter why the legal hold can be lifted")


class AnonymiseForm(GovukFormMixin, forms.Form):
    reason = _reason(
        "Why are these records being anonymised?",
        "Enter why the records are being anonymised",
        "Recorded with your name. Do not include names or other personal details.",
    )
