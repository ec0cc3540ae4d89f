"""Forms built from an assessment template's section, and the small fixed forms."""

from typing import Any

from django import forms

from earlyhelp.core.forms import GovukDateField, GovukFormMixin

from .models import SCORE_MAX, SCORE_MIN, AgreementMethod, QuestionKind
from .services import MAX_ANSWER_LENGTH, section_answer_keys


def _field(question: dict[str, Any], label: str) -> forms.Field:
    kind = question["kind"]
    hint = question.get("hint", "")
    field: forms.Field
    if kind == QuestionKind.LONG_TEXT:
        field = forms.CharField(
            label=label,
            help_text=hint,
            required=False,
            strip=False,
            widget=forms.Textarea(attrs={"rows": 6}),
        )
        field.govuk = {"spellcheck": True}  # type: ignore[attr-defined]
    elif kind == QuestionKind.TEXT:
        field = forms.CharField(label=label, help_text=hint, required=False, max_length=500)
    elif kind == QuestionKind.SCORE:
        field = forms.ChoiceField(
            label=label,
            help_text=hint,
            required=False,
            choices=[(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)],
            widget=forms.RadioSelect,
        )
        field.govuk = {"classes": "govuk-radios--inline"}  # type: ignore[attr-defined]
    else:
        field = forms.ChoiceField(
            label=label,
            help_text=hint,
            required=False,
            choices=[(str(value), text) for value, text in question["choices"]],
            widget=forms.RadioSelect,
        )
    return field


class SectionForm(GovukFormMixin, forms.Form):
    """One page of the assessment: a field per answer key, plus the section's version."""

    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, section: dict[str, Any], children: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[str | None, list[str]]] = []
        for key, question, child in section_answer_keys(section, children):
            label = question["label"] if child is None else f"{question['label']} ({child[1]})"
            self.fields[key] = _field(question, label)
            heading = child[1] if child else None
            if not self.groups or self.groups[-1][0] != heading:
                self.groups.append((heading, []))
            self.groups[-1][1].append(key)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in cleaned.items():
            if isinstance(value, str) and len(value) > MAX_ANSWER_LENGTH:
                self.add_error(name, f"Must be {MAX_ANSWER_LENGTH} characters or less")
        return cleaned

    def answers(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def grouped(self) -> list[tuple[str | None, list[Any]]]:
        return [(heading, [self[name] for name in names]) for heading, names in self.groups]


class SignOffForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Do you sign off this assessment?",
        choices=[("approve", "Yes, sign it off"), ("return", "No, return it for changes")],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label="Comments",
        help_text="Required when you return it: say what needs to change.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AgreementForm(GovukFormMixin, forms.Form):
    agreed_by = forms.CharField(
        label="Who in the family agreed the assessment?",
        help_text="Their name and relationship, for example Kim Hughes (mum).",
        max_length=200,
    )
    method = forms.ChoiceField(
        label="How did they agree?", choices=AgreementMethod.choices, widget=forms.RadioSelect
    )
    agreed_on = GovukDateField(label="When did they agree?", help_text="For example, 27 3 2026")
    comments = forms.CharField(
        label="Anything the family wanted to add (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
