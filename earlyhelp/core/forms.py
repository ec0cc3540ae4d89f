"""Django forms rendered as GOV.UK components.

``GovukFormRenderer`` is the FORM_RENDERER. In a page template::

    {% error_summary form %}            {# base.html does this for a context variable "form" #}
    <form method="post" novalidate>
      {% csrf_token %}
      {{ form }}                        {# every field as its GOV.UK component #}
      {% govuk "button" text="Continue" %}
    </form>

or a field at a time: ``{{ form.email.as_field_group }}``, or with options for this page:
``{% govuk_field form.email label_classes="govuk-label--l" label_is_page_heading=True %}``.
(``{{ form.email }}`` is still Django's bare widget, which the admin relies on.)

Which component a field gets follows from its widget: text-like inputs → input (email gets
``type=email``, ``spellcheck=false`` and ``autocomplete=email``; integers ``inputmode=numeric``),
``Textarea`` → textarea, or character count when the field has ``max_length``; ``RadioSelect`` →
radios; ``CheckboxSelectMultiple`` → checkboxes; a ``BooleanField`` → a single checkbox; ``Select``
→ select; ``GovukDateInput`` (use ``GovukDateField``) → date input; file inputs → file upload;
``PasswordInput`` → input type=password. ``help_text`` becomes the hint. Anything else is
Django's widget inside a GOV.UK form group.

Options for a field, from ``field.govuk = {...}`` (set in the form) merged with the keywords of
``{% govuk_field %}``:

- ``label_classes`` / ``label_is_page_heading``: the label, or the legend for fieldsets
  (radios, checkboxes, dates). ``label_is_page_heading`` makes it the page's ``<h1>``.
- ``classes``, ``form_group_classes``: classes for the control and its form group.
- ``item_hints``, ``conditionals``, ``dividers``: for radios and checkboxes, dicts keyed by
  choice value giving a hint (text), trusted conditional-reveal HTML, or a divider ("or")
  shown before that choice.
- any other key is a govuk-frontend option and is merged into the component's params as it is
  (``prefix``, ``suffix``, ``autocomplete``, ``rows``, ``threshold``, ``spellcheck``...).

Widget ``attrs`` other than the ones the component sets itself become ``attributes``.
Browser validation (``required``, ``maxlength``) is left off: GOV.UK pages validate on the
server and show the error summary, so give forms ``novalidate``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.utils import pretty_name
from django.forms.widgets import ChoiceWidget, Input
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from . import kept_work
from .templatetags.govuk import render_component

# Attributes the components set themselves (or that GOV.UK advises against).
HANDLED_ATTRIBUTES = {
    "class",
    "id",
    "name",
    "type",
    "value",
    "required",
    "maxlength",
    "cols",
    "rows",
    "disabled",
    "autocomplete",
    "inputmode",
    "spellcheck",
    "pattern",
    "aria-describedby",
    "aria-invalid",
    "multiple",
}

# Field name → autocomplete token (WCAG 1.3.5 identify input purpose).
AUTOCOMPLETE_BY_NAME = {
    "email": "email",
    "full_name": "name",
    "name": "name",
    "given_name": "given-name",
    "first_name": "given-name",
    "family_name": "family-name",
    "last_name": "family-name",
    "phone": "tel",
    "telephone": "tel",
    "mobile": "tel",
    "postcode": "postal-code",
    "job_title": "organization-title",
    "password": "current-password",
    "new_password": "new-password",
    "new_password1": "new-password",
    "new_password2": "new-password",
    "otp_token": "one-time-code",
    "code": "one-time-code",
}

SHORTCUT_OPTIONS = {
    "label_classes",
    "label_is_page_heading",
    "classes",
    "form_group_classes",
    "item_hints",
    "conditionals",
    "dividers",
}


class GovukFormRenderer(DjangoTemplates):
    """Renders ``{{ form }}`` and ``field.as_field_group`` as GOV.UK components."""

    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"

    @cached_property
    def engine(self) -> Any:
        # Django's own renderer engine (so admin widgets still find their templates), plus our
        # template tags as builtins, as in the TEMPLATES setting.
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [Path(forms.__file__).parent / "templates"],
                "NAME": "govukforms",
                "OPTIONS": {"builtins": ["earlyhelp.core.templatetags.govuk"]},
            }
        )


class GovukFormMixin:
    """Replaces Django's "This field is required." with GOV.UK-style messages that name the
    field: "Enter email address", "Select colour". Fields with their own message keep it.

    ``class MyForm(GovukFormMixin, forms.Form): ...``
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = forms.Field.default_error_messages["required"]
        for name, field in self.fields.items():
            if field.error_messages.get("required") != default:
                continue
            label = _lower_first(str(field.label or pretty_name(name)))
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue  # "Confirm that..." depends on the question; set it on the field
            if isinstance(widget, ChoiceWidget):
                message = f"Select {label}"
            elif isinstance(widget, forms.FileInput):
                message = f"Choose {label}"
            else:
                message = f"Enter {label}"
            field.error_messages["required"] = message


def _lower_first(label: str) -> str:
    """ "Date of birth" → "date of birth", but "NHS number" keeps its capitals."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


# -------------------------------------------------------------------------------------------
# Dates


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes, named ``<name>-day``, ``<name>-month``, ``<name>-year``."""

    parts = ("day", "month", "year")

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)
        self.widgets_names = [f"-{part}" for part in self.parts]

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def format_value(self, value: Any) -> list[str]:
        if not isinstance(value, list | tuple):
            value = self.decompress(value)
        return ["" if part is None else str(part) for part in value]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-day" if id_ else ""


MONTH_NAMES = {
    name: number
    for number in range(1, 13)
    for name in (
        datetime.date(2000, number, 1).strftime("%B").lower(),
        datetime.date(2000, number, 1).strftime("%b").lower(),
    )
}


class GovukDateField(forms.Field):
    """A date entered in three boxes, with GOV.UK's error messages.

    ``error_name`` is how messages refer to the date ("date of birth"; defaults to the label).
    ``past=True`` / ``future=True`` reject dates on the wrong side of today. An error names the
    boxes to highlight in ``params["parts"]``.
    """

    widget = GovukDateInput
    default_error_messages = {
        "required": "Enter {name}",
        "missing": "{Name} must include {parts}",
        "invalid": "{Name} must be a real date",
        "year": "Year must include 4 numbers",
        "past": "{Name} must be in the past",
        "future": "{Name} must be in the future",
    }

    def __init__(
        self, *, error_name: str | None = None, past: bool = False, future: bool = False, **kwargs
    ) -> None:
        self.error_name = error_name
        self.past, self.future = past, future
        super().__init__(**kwargs)

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> BoundField:
        if not self.error_name:
            self.error_name = _lower_first(str(self.label or pretty_name(field_name)))
        return super().get_bound_field(form, field_name)

    def _error(self, code: str, boxes: Iterable[str] = (), **extra: str) -> ValidationError:
        name = self.error_name or "the date"
        message = self.error_messages[code].format(
            name=name, Name=name[:1].upper() + name[1:], **extra
        )
        return ValidationError(message, code=code, params={"parts": list(boxes)})

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        if not value:
            return None
        day, month, year = (str(part or "").strip() for part in value)
        if not (day or month or year):
            return None
        missing = [
            part
            for part, text in zip(GovukDateInput.parts, (day, month, year), strict=True)
            if not text
        ]
        if missing:
            raise self._error("missing", missing, parts="a " + " and ".join(missing))
        month_number = MONTH_NAMES.get(month.lower())  # "Jan", "january" are fine too
        bad = [
            part
            for part, text in (("day", day), ("month", month), ("year", year))
            if not text.isdigit() and not (part == "month" and month_number)
        ]
        if bad:
            raise self._error("invalid", bad)
        if len(year) != 4:
            raise self._error("year", ["year"])
        month_number = month_number or int(month)
        try:
            return datetime.date(int(year), month_number, int(day))
        except ValueError:
            raise self._error("invalid", self._impossible_parts(day, month_number)) from None

    @staticmethod
    def _impossible_parts(day: str, month: int) -> list[str]:
        if not 1 <= month <= 12:
            return ["month"] if 1 <= int(day) <= 31 else ["day", "month"]
        return ["day"]

    def validate(self, value: datetime.date | None) -> None:
        if value is None:
            if self.required:
                raise self._error("required")
            return
        today = timezone.localdate()
        if self.past and value >= today:
            raise self._error("past")
        if self.future and value <= today:
            raise self._error("future")

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        return initial != data


# -------------------------------------------------------------------------------------------
# Field → component


def govuk_options(bound_field: BoundField, overrides: Mapping[str, Any] | None = None) -> dict:
    options = dict(getattr(bound_field.field, "govuk", None) or {})
    options.update(overrides or {})
    return options


def field_id(bound_field: BoundField) -> str:
    return str(bound_field.auto_id or bound_field.html_name)


def _error_message(bound_field: BoundField) -> dict | None:
    if not bound_field.errors:
        return None
    messages = [conditional_escape(str(error)) for error in bound_field.errors]
    return {"html": mark_safe("<br>".join(messages))}  # noqa: S308 - escaped above


def _hint(bound_field: BoundField) -> dict | None:
    help_text = bound_field.help_text
    return {"text": help_text} if help_text else None


def _other_attributes(widget: forms.Widget) -> dict:
    return {
        name: value
        for name, value in widget.attrs.items()
        if name not in HANDLED_ATTRIBUTES and value is not None and value is not False
    }


def _merge(params: dict, extra: Mapping[str, Any]) -> dict:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(params.get(key), Mapping):
            params[key] = _merge(dict(params[key]), value)
        else:
            params[key] = value
    return params


def _label(bound_field: BoundField, options: Mapping[str, Any]) -> dict:
    return {
        "text": str(bound_field.label),
        "classes": options.get("label_classes"),
        "isPageHeading": bool(options.get("label_is_page_heading")),
    }


def _fieldset(bound_field: BoundField, options: Mapping[str, Any]) -> dict:
    classes = options.get("label_classes") or ""
    classes = classes.replace("govuk-label--", "govuk-fieldset__legend--")
    return {
        "legend": {
            "text": str(bound_field.label),
            "classes": classes,
            "isPageHeading": bool(options.get("label_is_page_heading")),
        }
    }


def _choice_options(bound_field: BoundField) -> list[dict]:
    widget = bound_field.field.widget
    value = widget.format_value(bound_field.value())
    choices = []
    for _group, options, _index in widget.optgroups(bound_field.html_name, value):
        choices.extend(options)
    return choices


def _choice_items(bound_field: BoundField, options: Mapping[str, Any], radios: bool) -> list:
    hints = options.get("item_hints") or {}
    conditionals = options.get("conditionals") or {}
    dividers = options.get("dividers") or {}
    items: list[dict] = []
    for choice in _choice_options(bound_field):
        value = "" if choice["value"] is None else str(choice["value"])
        if radios and value == "":
            continue  # an empty radio is the same as choosing none
        if value in dividers:
            items.append({"divider": dividers[value]})
        item: dict[str, Any] = {
            "value": value,
            "text": str(choice["label"]),
            "checked": bool(choice["selected"]),
        }
        if value in hints:
            item["hint"] = {"text": hints[value]}
        if value in conditionals:
            item["conditional"] = {"html": conditionals[value]}
        if bound_field.field.disabled:
            item["disabled"] = True
        items.append(item)
    return items


def _input_params(bound_field: BoundField, widget: forms.Widget, params: dict) -> dict:
    field = bound_field.field
    input_type = getattr(widget, "input_type", "text")
    params["type"] = input_type
    autocomplete = widget.attrs.get("autocomplete") or AUTOCOMPLETE_BY_NAME.get(bound_field.name)
    if isinstance(field, forms.EmailField):
        params.update(type="email", spellcheck=False)
        autocomplete = widget.attrs.get("autocomplete") or "email"
    elif isinstance(
        field, forms.FloatField | forms.DecimalField
    ):  # before IntegerField, their base
        params.update(type="text", inputmode="decimal", spellcheck=False)
    elif isinstance(field, forms.IntegerField):
        params.update(type="text", inputmode="numeric", spellcheck=False)
    elif isinstance(field, forms.URLField):
        params.update(type="url", spellcheck=False)
    elif input_type == "password":
        params["spellcheck"] = False
    elif input_type == "tel":
        autocomplete = autocomplete or "tel"
    if input_type == "number":
        # GOV.UK asks for text inputs for numbers; number-only attributes mean nothing there.
        for name in ("step", "min", "max"):
            params["attributes"].pop(name, None)
    for name in ("inputmode", "pattern", "autocapitalize"):
        if widget.attrs.get(name):
            params[name] = widget.attrs[name]
    if "spellcheck" in widget.attrs:
        params["spellcheck"] = str(widget.attrs["spellcheck"]).lower() == "true"
    if autocomplete:
        params["autocomplete"] = autocomplete
    if input_type != "password" or getattr(widget, "render_value", False):
        params["value"] = widget.format_value(bound_field.value())
    return params


def field_component(
    bound_field: BoundField, overrides: Mapping[str, Any] | None = None
) -> tuple[str, dict] | None:
    """The component name and params for a form field, or None to use Django's own widget."""
    field, widget = bound_field.field, bound_field.field.widget
    options = govuk_options(bound_field, overrides)
    element_id = field_id(bound_field)
    params: dict[str, Any] = {
        "name": bound_field.html_name,
        "hint": _hint(bound_field),
        "errorMessage": _error_message(bound_field),
        "classes": options.get("classes") or widget.attrs.get("class"),
        "formGroup": {"classes": options.get("form_group_classes")},
        "attributes": _other_attributes(widget),
    }
    if field.disabled:
        params["disabled"] = True

    if isinstance(widget, GovukDateInput):
        name = "date-input"
        values = widget.format_value(bound_field.value())
        params.update(
            id=element_id,
            namePrefix=bound_field.html_name,
            fieldset=_fieldset(bound_field, options),
            items=_date_items(bound_field, values),
        )
        del params["name"]
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        radios = not isinstance(widget, forms.CheckboxSelectMultiple)
        name = "radios" if radios else "checkboxes"
        params.update(
            idPrefix=element_id,
            fieldset=_fieldset(bound_field, options),
            items=_choice_items(bound_field, options, radios),
        )
    elif isinstance(widget, forms.CheckboxInput):
        name = "checkboxes"
        item: dict[str, Any] = {
            "value": "true",
            "text": str(bound_field.label),
            "checked": bool(widget.check_test(bound_field.value())),
            "label": {"classes": options.get("label_classes")},
        }
        if params.pop("hint"):
            item["hint"] = {"text": bound_field.help_text}
        params.update(idPrefix=element_id, items=[item])
    elif isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        name = "select"
        params.update(
            id=element_id,
            label=_label(bound_field, options),
            items=[
                {
                    "value": "" if choice["value"] is None else str(choice["value"]),
                    "text": str(choice["label"]),
                    "selected": bool(choice["selected"]),
                }
                for choice in _choice_options(bound_field)
            ],
        )
    elif isinstance(widget, forms.Textarea):
        max_length = getattr(field, "max_length", None)
        name = "character-count" if max_length else "textarea"
        params.update(
            id=element_id,
            label=_label(bound_field, options),
            value=widget.format_value(bound_field.value()) or "",
        )
        if max_length:
            params["maxlength"] = max_length
        if widget.attrs.get("autocomplete"):
            params["autocomplete"] = widget.attrs["autocomplete"]
    elif isinstance(widget, forms.FileInput):
        name = "file-upload"
        params.update(
            id=element_id,
            label=_label(bound_field, options),
            multiple=bool(getattr(widget, "allow_multiple_selected", False)),
        )
    elif isinstance(widget, Input) and not widget.is_hidden:
        name = "input"
        params.update(id=element_id, label=_label(bound_field, options))
        _input_params(bound_field, widget, params)
    else:
        return None
    extra = {key: value for key, value in options.items() if key not in SHORTCUT_OPTIONS}
    return name, _merge(params, extra)


def _date_items(bound_field: BoundField, values: list[str]) -> list[dict]:
    errors = (
        bound_field.form.errors.as_data().get(bound_field.name, []) if bound_field.errors else []
    )
    parts: set[str] = set()
    for error in errors:
        parts.update((error.params or {}).get("parts", []))
    items = []
    for part, value in zip(GovukDateInput.parts, values, strict=True):
        item: dict[str, Any] = {"name": part, "value": value}
        if bound_field.errors:
            item["error"] = not parts or part in parts  # no parts named: the whole date
        if part == "year":
            item["classes"] = "govuk-input--width-4"
        items.append(item)
    autocomplete = {"day": "bday-day", "month": "bday-month", "year": "bday-year"}
    if "birth" in bound_field.name:
        for item in items:
            item["autocomplete"] = autocomplete[item["name"]]
    return items


def error_anchor(bound_field: BoundField) -> str:
    """The id an error summary link should land on: the first box or option of a group."""
    if isinstance(bound_field.field.widget, GovukDateInput):
        errors = bound_field.form.errors.as_data().get(bound_field.name, [])
        for error in errors:
            for part in GovukDateInput.parts:
                if part in (error.params or {}).get("parts", []):
                    return f"{field_id(bound_field)}-{part}"
        return f"{field_id(bound_field)}-day"
    return field_id(bound_field)


def render_field(bound_field: BoundField, overrides: Mapping[str, Any] | None = None) -> SafeString:
    component = field_component(bound_field, overrides)
    if component is None:
        if bound_field.is_hidden:
            return SafeString(str(bound_field))
        return _generic_field(bound_field, overrides)
    name, params = component
    return render_component(name, params)


def _generic_field(bound_field: BoundField, overrides: Mapping[str, Any] | None) -> SafeString:
    """Any other widget: Django's control inside a GOV.UK form group with label, hint and error."""
    options = govuk_options(bound_field, overrides)
    element_id = field_id(bound_field)
    described_by = []
    hint = error = SafeString("")
    if bound_field.help_text:
        hint = render_component("hint", {"id": f"{element_id}-hint", "text": bound_field.help_text})
        described_by.append(f"{element_id}-hint")
    if bound_field.errors:
        error = render_component(
            "error-message", {"id": f"{element_id}-error", **(_error_message(bound_field) or {})}
        )
        described_by.append(f"{element_id}-error")
    attrs: dict[str, str | bool] = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    label = render_component(
        "label", {**_label(bound_field, options), "for": bound_field.id_for_label}
    )
    group_classes = " ".join(
        name
        for name in (
            "govuk-form-group",
            bound_field.errors and "govuk-form-group--error",
            options.get("form_group_classes"),
        )
        if name
    )
    return mark_safe(  # noqa: S308 - all parts rendered by escaping templates
        f'<div class="{conditional_escape(group_classes)}">{label}{hint}{error}'
        f"{bound_field.as_widget(attrs=attrs)}</div>"
    )


def error_summary_list(forms_: Iterable[Any]) -> list[dict]:
    """Error summary entries for Django forms: non-field errors first, then each field's."""
    error_list: list[dict] = []
    for form in forms_:
        if not getattr(form, "is_bound", False) or not form.errors:
            continue
        error_list.extend({"text": str(error)} for error in form.non_field_errors())
        for bound_field in form:
            for error in bound_field.errors:
                entry = {"text": str(error)}
                if not bound_field.is_hidden:
                    entry["href"] = f"#{error_anchor(bound_field)}"
                error_list.append(entry)
    return error_list


def posted(request: Any) -> Any:
    """The submitted data on POST (even if empty, so an empty submission shows errors). On the
    GET that follows signing in again after the session ended, the submission that could not
    be accepted then (see `kept_work`): the view handles it as if it had just been posted."""
    if request.method == "POST":
        return request.POST
    if request.method == "GET":
        return kept_work.take(request)
    return None
