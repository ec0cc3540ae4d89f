"""GOV.UK Frontend components as Django templates.

``{% govuk "input" params %}`` renders ``templates/govuk/input.html`` with ``params`` shaped exactly
like the options of govuk-frontend's Nunjucks macro (camelCase keys, ``text`` escaped, ``html``
trusted). Keyword arguments are merged over the dict: ``{% govuk "button" text="Continue" %}``.
The markup is checked against each component's ``fixtures.json`` in ``test_govuk_components``.

The Nunjucks templates make decisions (ids, ``aria-describedby``, which item is checked) with
expressions that the Django template language cannot express, so each component has a small
``_prepare_<name>`` function here that works those out; the template only lays out the markup.
Nested components are rendered with the same tag, so a label looks the same everywhere.

Also here (this module is a template builtin, so no ``{% load %}`` is needed):

- ``{% error_summary form %}``: the error summary for Django forms, nothing when there are no
  errors; ``{% govuk_field form.name option=value %}``: one field as its component (see
  ``earlyhelp.core.forms`` for the options).
- ``{% service_navigation %}`` and ``{% site_footer %}``: the layout's navigation and footer.

In ``{% govuk %}`` keywords, a double underscore reaches into a nested option:
``{% govuk "phase-banner" tag__text="Beta" text="..." %}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

COMPONENTS = (
    "back-link",
    "button",
    "character-count",
    "checkboxes",
    "date-input",
    "details",
    "error-message",
    "error-summary",
    "fieldset",
    "file-upload",
    "footer",
    "generic-header",
    "hint",
    "input",
    "inset-text",
    "label",
    "notification-banner",
    "pagination",
    "panel",
    "phase-banner",
    "radios",
    "select",
    "service-navigation",
    "skip-link",
    "summary-list",
    "table",
    "tag",
    "textarea",
    "warning-text",
)

Params = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# JavaScript-like values: the macros' options come from JSON and are judged the way Nunjucks does


def truthy(value: Any) -> bool:
    """Truthiness as in JavaScript: empty lists and dicts are true, "" and 0 are false."""
    if isinstance(value, (list, dict, Options)):
        return True
    return bool(value)


def js_str(value: Any) -> str:
    """A value as Nunjucks prints it: true/false in lower case, whole floats without ".0"."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def loose_equal(a: Any, b: Any) -> bool:
    """JavaScript's ``==`` for the strings and numbers that option values are."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    return js_str(a) == js_str(b)


def get(data: Any, *path: str) -> Any:
    """``data.a.b.c`` that gives None instead of failing, like an undefined in Nunjucks."""
    for key in path:
        if isinstance(data, Options):
            data = data.data
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def unwrap(value: Any) -> Any:
    return value.data if isinstance(value, Options) else value


class Options:
    """A component's params as templates see them.

    A missing or null key is absent (renders as nothing, is false in ``{% if %}``) rather than
    printing "None", and there are no dict methods to shadow options called ``items`` or
    ``values``. Like a JavaScript object it is always true, even when empty.
    """

    __slots__ = ("data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def __getitem__(self, key: str) -> Any:
        value = self.data[key]
        if value is None:
            raise KeyError(key)
        return wrap(value)

    def __bool__(self) -> bool:
        return True


def wrap(value: Any) -> Any:
    if isinstance(value, Mapping):
        return Options(value)
    if isinstance(value, list | tuple):
        return [wrap(item) for item in value]
    return value


def join_classes(*names: Any) -> str:
    return " ".join(js_str(name) for name in names if truthy(name))


def render_attributes(attributes: Any) -> SafeString:
    """The ``govukAttributes`` macro: ``{name: value}`` or ``{name: {value, optional}}``.

    Each attribute is rendered with a leading space; values are escaped unless already safe.
    A string is taken as ready-made attribute HTML, as the macro does.
    """
    attributes = unwrap(attributes)
    if isinstance(attributes, str):
        return mark_safe(attributes)  # noqa: S308 - the macro's contract: a string is trusted HTML
    if not isinstance(attributes, Mapping):
        return SafeString("")
    html = []
    for name, item in attributes.items():
        item = unwrap(item)
        if isinstance(item, Mapping):
            value, optional = item.get("value"), item.get("optional") is True
        else:
            value, optional = item, False
        if optional and value is True:
            html.append(f" {escape(name)}")
        elif not optional or (value is not None and value is not False):
            html.append(f' {escape(name)}="{conditional_escape(js_str(value))}"')
    return mark_safe("".join(html))  # noqa: S308 - every part escaped above


def i18n_attributes(key: str, message: Any = None, messages: Any = None) -> str:
    """The ``govukI18nAttributes`` macro: ``data-i18n.<key>[.<plural rule>]="..."``."""
    messages = unwrap(messages)
    if truthy(messages) and isinstance(messages, Mapping):
        return "".join(
            f' data-i18n.{key}.{rule}="{escape(js_str(text))}"' for rule, text in messages.items()
        )
    if truthy(message):
        return f' data-i18n.{key}="{escape(js_str(message))}"'
    return ""


def content(data: Any, prefix: str = "") -> SafeString:
    """``html`` (trusted, trimmed) if given, else ``text`` (escaped): ``{{ params|content }}``.

    With a prefix, the keys are ``<prefix>Html`` and ``<prefix>Text`` (``titleHtml``...).
    """
    data = unwrap(data)
    if not isinstance(data, Mapping):
        return SafeString("")
    html = data.get(f"{prefix}Html" if prefix else "html")
    if truthy(html):
        return mark_safe(js_str(html).strip())  # noqa: S308 - html options are trusted by contract
    text = data.get(f"{prefix}Text" if prefix else "text")
    if text is None:
        return SafeString("")
    return conditional_escape(text if isinstance(text, SafeString) else js_str(text))


register.filter("attrs", render_attributes)
register.filter("content", content)


# ---------------------------------------------------------------------------------------------
# The tags


def render_component(name: str, params: Mapping[str, Any] | Options | None = None) -> SafeString:
    """Render one component from its Nunjucks-style params; used by the tag and the forms."""
    if name not in COMPONENTS:
        raise template.TemplateSyntaxError(f"No GOV.UK component called {name!r}")
    data: Params = dict(unwrap(params) or {})
    prepare = PREPARERS.get(name)
    context = prepare(data) if prepare else {}
    context.setdefault("params", Options(data))
    return mark_safe(render_to_string(f"govuk/{name}.html", context))  # noqa: S308


@register.simple_tag(name="govuk")
def govuk_tag(name: str, params: Any = None, **kwargs: Any) -> SafeString:
    """``{% govuk "input" params %}`` or ``{% govuk "button" text="Save" classes="..." %}``.

    A double underscore in a keyword reaches into a nested option:
    ``{% govuk "phase-banner" tag__text="Beta" text="..." %}``.
    """
    data = _deep_copy(unwrap(params) or {})
    for key, value in kwargs.items():
        *parents, last = key.split("__")
        target = data
        for parent in parents:
            target = target.setdefault(parent, {})
        target[last] = value
    return render_component(name, data)


def _deep_copy(data: Mapping[str, Any]) -> Params:
    return {
        key: _deep_copy(value) if isinstance(value, Mapping) else value
        for key, value in unwrap(data).items()
    }


@register.simple_tag(name="error_summary")
def error_summary_tag(*forms: Any, title: str = "There is a problem") -> SafeString:
    """The error summary for one or more Django forms; nothing when none has errors.

    Anything that is not a bound form (an empty context variable) is ignored.
    """
    from earlyhelp.core.forms import error_summary_list  # forms imports this module

    error_list = error_summary_list(forms)
    if not error_list:
        return SafeString("")
    return render_component("error-summary", {"titleText": title, "errorList": error_list})


@register.simple_tag(name="govuk_field")
def govuk_field_tag(bound_field: Any, **options: Any) -> SafeString:
    """A form field as its GOV.UK component, with options for this page (see core.forms)."""
    from earlyhelp.core.forms import render_field

    return render_field(bound_field, options)


# ---------------------------------------------------------------------------------------------
# The layout's header navigation and footer (base.html), built here because they need lists


def _link_state(path: str, url: str, exact: bool = False) -> Params:
    if path == url:
        return {"current": True}
    if not exact and path.startswith(url):
        return {"active": True}
    return {}


@register.simple_tag(name="service_navigation", takes_context=True)
def service_navigation_tag(context: template.Context) -> SafeString:
    """Service name and the sections the signed-in user can use, marking the current one."""
    request = context.get("request")
    user = context.get("user")
    council = context.get("council")
    path = request.path if request is not None else ""
    service_name = getattr(council, "service_name", "") or "Early Help"
    home = reverse("core:home")
    navigation: list[Params] = []
    end_slot = ""
    if user is not None and user.is_authenticated:
        navigation.append({"text": "Home", "href": home, **_link_state(path, home, exact=True)})
        # One query for every membership test; the rules mirror frontdoor.access.is_front_door
        # and episodes.access.allocates (core may not import domain apps).
        memberships = list(user.active_memberships())
        manages_council_team = any(
            m.role == "team_manager" and m.organisation.kind == "council" for m in memberships
        )
        sections = [("My caseload", "episodes:my_caseload", bool(memberships))]
        sections.append(("Needs attention", "attention:mine", bool(memberships)))
        sections.append(("People", "people:find", bool(memberships)))
        sections.append(("Requests for support", "frontdoor:requests", bool(memberships)))
        sections.append(
            (
                "Front door",
                "frontdoor:queue",
                any(m.team and m.team.is_front_door for m in memberships),
            )
        )
        sections.append(("Allocation", "episodes:allocation_queue", manages_council_team))
        sections.append(("Team caseload", "episodes:team_caseload", manages_council_team))
        sections.append(("Manage", "accounts:manage_organisations", user.is_administrator))
        sections.append(("Audit", "core:audit_people", user.is_auditor))
        sections.append(("Your account", "accounts:account", True))
        for text, url_name, allowed in sections:
            if allowed:
                url = reverse(url_name)
                navigation.append({"text": text, "href": url, **_link_state(path, url)})
        end_slot = render_to_string("govuk/layout/sign-out.html", request=request)
    else:
        url = reverse("accounts:sign_in")
        navigation.append({"text": "Sign in", "href": url, **_link_state(path, url)})
    return render_component(
        "service-navigation",
        {
            "serviceName": service_name,
            "serviceUrl": home,
            "navigation": navigation,
            "navigationLabel": "Menu",
            "slots": {"navigationEnd": end_slot},
        },
    )


@register.simple_tag(name="site_footer")
def site_footer_tag() -> SafeString:
    """The footer: our own links, no crown, no Crown copyright, no Open Government Licence."""
    return render_component(
        "footer",
        {
            "hideCrown": True,
            "hideCopyright": True,
            "contentLicence": None,
            "meta": {
                "items": [
                    {"href": reverse("core:accessibility"), "text": "Accessibility statement"},
                    {"href": reverse("core:privacy"), "text": "Privacy notice"},
                ],
                "text": "earlyhelp is open-source software.",
            },
        },
    )


# ---------------------------------------------------------------------------------------------
# Shared pieces of the form components


def _label(options: Any, for_id: Any, extra_classes: str = "") -> Params:
    options = unwrap(options) or {}
    return {
        "html": options.get("html"),
        "text": options.get("text"),
        "classes": join_classes(extra_classes, options.get("classes")),
        "isPageHeading": options.get("isPageHeading"),
        "attributes": options.get("attributes"),
        "for": for_id,
    }


def _sub(options: Any, element_id: str, extra_classes: str = "") -> Params:
    """Params for a hint or error message belonging to a field."""
    options = unwrap(options) or {}
    sub = {
        "id": element_id,
        "classes": join_classes(extra_classes, options.get("classes")),
        "attributes": options.get("attributes"),
        "html": options.get("html"),
        "text": options.get("text"),
    }
    if "visuallyHiddenText" in options:
        sub["visuallyHiddenText"] = options["visuallyHiddenText"]
    return sub


class _DescribedBy:
    """Collects the ids for ``aria-describedby`` the way the macros do."""

    def __init__(self, initial: Any = "") -> None:
        self.value = js_str(initial) if truthy(initial) else ""

    def add(self, element_id: str) -> str:
        self.value = f"{self.value} {element_id}" if self.value else element_id
        return element_id


def _hint_and_error(params: Params, id_base: Any, described_by: _DescribedBy) -> Params:
    context: Params = {"hint": None, "error": None}
    if truthy(params.get("hint")):
        context["hint"] = _sub(params["hint"], described_by.add(f"{js_str(id_base)}-hint"))
    if truthy(params.get("errorMessage")):
        context["error"] = _sub(
            params["errorMessage"], described_by.add(f"{js_str(id_base)}-error")
        )
    return context


# ---------------------------------------------------------------------------------------------
# One preparer per component that needs one


def _prepare_button(params: Params) -> Params:
    classes = join_classes(
        "govuk-button", params.get("classes"), params.get("isStartButton") and "govuk-button--start"
    )
    common = {"class": classes, "data-module": "govuk-button"}
    attributes = render_attributes(common) + render_attributes(params.get("attributes"))
    if truthy(params.get("id")):
        attributes += render_attributes({"id": params["id"]})
    html = params.get("html")
    if truthy(html) and params.get("isStartButton"):
        text = mark_safe(f"<span>{js_str(html).strip()}</span>")  # noqa: S308 - trusted html option
    else:
        text = content(params)
    element = {}
    if not truthy(params.get("href")):
        element = {
            "type": params.get("type") or "submit",
            "value": {"value": params.get("value") or None, "optional": True},
            "name": {"value": params.get("name") or None, "optional": True},
        }
        if params.get("disabled"):
            element.update({"disabled": {"value": True, "optional": True}, "aria-disabled": "true"})
        if "preventDoubleClick" in params:
            element["data-prevent-double-click"] = js_str(params["preventDoubleClick"])
    return {"element_attributes": render_attributes(element) + attributes, "text": text}


def _prepare_error_message(params: Params) -> Params:
    hidden = (
        params.get("visuallyHiddenText", "Error") if "visuallyHiddenText" in params else "Error"
    )
    return {"visually_hidden_text": js_str(hidden) if truthy(hidden) else ""}


def _input_element(params: Params, element_id: Any, described_by: str) -> SafeString:
    spellcheck = params.get("spellcheck")
    classes = join_classes(
        "govuk-input",
        params.get("classes"),
        truthy(params.get("errorMessage")) and "govuk-input--error",
    )
    return render_attributes(
        {
            "class": classes,
            "id": element_id,
            "name": params.get("name"),
            "type": params.get("type") or "text",
            "spellcheck": {
                "value": js_str(spellcheck) if isinstance(spellcheck, bool) else False,
                "optional": True,
            },
            "value": {"value": params.get("value"), "optional": True},
            "disabled": {"value": params.get("disabled"), "optional": True},
            "aria-describedby": {"value": described_by or None, "optional": True},
            "autocomplete": {"value": params.get("autocomplete"), "optional": True},
            "autocapitalize": {"value": params.get("autocapitalize"), "optional": True},
            "pattern": {"value": params.get("pattern"), "optional": True},
            "inputmode": {"value": params.get("inputmode"), "optional": True},
        }
    ) + render_attributes(params.get("attributes"))


def _has_content(options: Any) -> bool:
    return truthy(get(options, "text")) or truthy(get(options, "html"))


def _prepare_input(params: Params) -> Params:
    element_id = params.get("id") or params.get("name")
    described_by = _DescribedBy(params.get("describedBy"))
    context = _hint_and_error(params, element_id, described_by)
    before = get(params, "formGroup", "beforeInput")
    after = get(params, "formGroup", "afterInput")
    context.update(
        label=_label(params.get("label"), element_id),
        has_prefix=_has_content(params.get("prefix")),
        has_suffix=_has_content(params.get("suffix")),
        before=before if _has_content(before) else None,
        after=after if _has_content(after) else None,
        element_attributes=_input_element(params, element_id, described_by.value),
    )
    context["has_wrapper"] = (
        context["has_prefix"] or context["has_suffix"] or context["before"] or context["after"]
    )
    return context


def _prepare_textarea(params: Params) -> Params:
    element_id = params.get("id") or params.get("name")
    described_by = _DescribedBy(params.get("describedBy"))
    context = _hint_and_error(params, element_id, described_by)
    spellcheck = params.get("spellcheck")
    element = render_attributes(
        {
            "class": join_classes(
                "govuk-textarea",
                truthy(params.get("errorMessage")) and "govuk-textarea--error",
                params.get("classes"),
            ),
            "id": element_id,
            "name": params.get("name"),
            "rows": params.get("rows") or 5,
            "spellcheck": {
                "value": js_str(spellcheck) if isinstance(spellcheck, bool) else None,
                "optional": True,
            },
            "disabled": {"value": bool(params.get("disabled")), "optional": True},
            "aria-describedby": {"value": described_by.value or None, "optional": True},
            "autocomplete": {"value": params.get("autocomplete") or None, "optional": True},
        }
    ) + render_attributes(params.get("attributes"))
    context.update(
        label=_label(params.get("label"), element_id),
        element_attributes=element,
        value=js_str(params.get("value")),
    )
    return context


def _prepare_character_count(params: Params) -> Params:
    maxwords, maxlength = params.get("maxwords"), params.get("maxlength")
    count_type = params.get("countType") or ("words" if truthy(maxwords) else None)
    has_no_limit = not truthy(maxwords) and not truthy(maxlength)
    description = params.get("textareaDescriptionText") or (
        "You can enter up to %{count} " + ("words" if count_type == "words" else "characters")
    )
    element_id = params.get("id") or params.get("name")
    message = render_component(
        "hint",
        {
            "text": None
            if has_no_limit
            else description.replace("%{count}", js_str(maxwords or maxlength)),
            "id": f"{js_str(element_id)}-info",
            "classes": join_classes(
                "govuk-character-count__message", get(params, "countMessage", "classes")
            ),
        },
    )
    after = get(params, "formGroup", "afterInput")
    if truthy(after):
        message += content(after)
    attributes = render_attributes(
        {
            "data-module": "govuk-character-count",
            "data-maxlength": {"value": maxlength, "optional": True},
            "data-maxwords": {"value": maxwords, "optional": True},
            "data-threshold": {"value": params.get("threshold"), "optional": True},
            "data-count-type": {"value": count_type or False, "optional": True},
        }
    )
    extra = ""
    if has_no_limit and truthy(params.get("textareaDescriptionText")):
        extra += i18n_attributes(
            "textarea-description", messages={"other": params["textareaDescriptionText"]}
        )
    for key, option, plural in (
        ("characters-under-limit", "charactersUnderLimitText", True),
        ("characters-at-limit", "charactersAtLimitText", False),
        ("characters-over-limit", "charactersOverLimitText", True),
        ("words-under-limit", "wordsUnderLimitText", True),
        ("words-at-limit", "wordsAtLimitText", False),
        ("words-over-limit", "wordsOverLimitText", True),
    ):
        value = params.get(option)
        extra += i18n_attributes(key, messages=value) if plural else i18n_attributes(key, value)
    form_group_attributes = render_attributes(get(params, "formGroup", "attributes"))
    textarea = {
        "id": element_id,
        "name": params.get("name"),
        "describedBy": f"{js_str(element_id)}-info",
        "rows": params.get("rows"),
        "spellcheck": params.get("spellcheck"),
        "value": params.get("value"),
        "formGroup": {
            "classes": join_classes("govuk-character-count", get(params, "formGroup", "classes")),
            "attributes": attributes + extra + form_group_attributes,
            "beforeInput": get(params, "formGroup", "beforeInput"),
            "afterInput": {"html": message},
        },
        "classes": join_classes("govuk-js-character-count", params.get("classes")),
        "label": _label(params.get("label"), element_id),
        "hint": params.get("hint"),
        "errorMessage": params.get("errorMessage"),
        "attributes": params.get("attributes"),
    }
    return {"textarea": textarea}


def _choice_items(params: Params, kind: str, described_by: str, has_fieldset: bool) -> list:
    """Radios and checkboxes items: ids, checked state, hints and conditional reveals."""
    id_prefix = params.get("idPrefix") or params.get("name")
    prepared = []
    for index, item in enumerate(params.get("items") or [], start=1):
        if not truthy(item):
            continue
        item_id = item.get("id") or (f"{js_str(id_prefix)}-{index}" if index > 1 else id_prefix)
        if truthy(item.get("divider")):
            prepared.append({"divider": item["divider"]})
            continue
        if kind == "radios":
            chosen = params.get("value")
            default = (
                truthy(chosen)
                and loose_equal(item.get("value"), chosen)
                and item.get("checked") is not False
            )
        else:
            chosen = params.get("values")
            default = (
                truthy(chosen)
                and any(js_str(item.get("value")) == js_str(value) for value in chosen or [])
                and item.get("checked") is not False
            )
        checked = bool(item.get("checked")) or bool(default)
        has_hint = _has_content(item.get("hint"))
        hint_id = f"{js_str(item_id)}-item-hint"
        conditional = truthy(get(item, "conditional", "html"))
        if kind == "radios":
            item_described_by = hint_id if has_hint else ""
        else:
            item_described_by = " ".join(
                part
                for part in ("" if has_fieldset else described_by, hint_id if has_hint else "")
                if part
            )
        attributes = {
            "class": f"govuk-{kind}__input",
            "id": item_id,
            "name": (item.get("name") if kind == "checkboxes" else None) or params.get("name"),
            "type": "radio" if kind == "radios" else "checkbox",
            "value": item.get("value"),
            "checked": {"value": checked, "optional": True},
            "disabled": {"value": bool(item.get("disabled")), "optional": True},
            "data-aria-controls": {
                "value": f"conditional-{js_str(item_id)}" if conditional else None,
                "optional": True,
            },
            "data-behaviour": {
                "value": (item.get("behaviour") or None) if kind == "checkboxes" else None,
                "optional": True,
            },
            "aria-describedby": {"value": item_described_by or None, "optional": True},
        }
        prepared.append(
            {
                "element_attributes": render_attributes(attributes)
                + render_attributes(item.get("attributes")),
                "label": {
                    "html": item.get("html"),
                    "text": item.get("text"),
                    "classes": join_classes(f"govuk-{kind}__label", get(item, "label", "classes")),
                    "attributes": get(item, "label", "attributes"),
                    "for": item_id,
                },
                "hint": _sub(item.get("hint"), hint_id, f"govuk-{kind}__hint")
                if has_hint
                else None,
                "conditional": get(item, "conditional", "html") if conditional else None,
                "conditional_id": f"conditional-{js_str(item_id)}",
                "checked": checked,
            }
        )
    return prepared


def _prepare_choices(kind: str) -> Callable[[Params], Params]:
    def prepare(params: Params) -> Params:
        id_prefix = params.get("idPrefix") or params.get("name")
        fieldset = params.get("fieldset")
        has_fieldset = truthy(fieldset)
        initial = get(fieldset, "describedBy")
        if kind == "checkboxes" and not truthy(initial):
            initial = params.get("describedBy")
        described_by = _DescribedBy(initial)
        context = _hint_and_error(params, id_prefix, described_by)
        context.update(
            kind=kind,
            items=_choice_items(params, kind, described_by.value, has_fieldset),
            before=get(params, "formGroup", "beforeInputs"),
            after=get(params, "formGroup", "afterInputs"),
        )
        return _in_fieldset("_choices", params, context, described_by.value)

    return prepare


def _in_fieldset(
    template_name: str, params: Params, context: Params, described_by: str, **extra
) -> Params:
    """Render the component's inner partial and, if asked, wrap it in a fieldset."""
    context["params"] = Options(params)
    inner = mark_safe(render_to_string(f"govuk/{template_name}.html#inner", context))  # noqa: S308
    fieldset = params.get("fieldset")
    if truthy(fieldset):
        inner = render_component(
            "fieldset",
            {
                "describedBy": described_by,
                "classes": get(fieldset, "classes"),
                "attributes": get(fieldset, "attributes"),
                "legend": get(fieldset, "legend"),
                "html": inner,
                **extra,
            },
        )
    context["inner"] = inner
    return context


def _prepare_select(params: Params) -> Params:
    element_id = params.get("id") or params.get("name")
    described_by = _DescribedBy(params.get("describedBy"))
    context = _hint_and_error(params, element_id, described_by)
    chosen = params.get("value")
    options = []
    for item in params.get("items") or []:
        if not truthy(item):
            continue
        effective = item["value"] if "value" in item else item.get("text")
        default = (
            truthy(chosen) and loose_equal(effective, chosen) and item.get("selected") is not False
        )
        attributes: Params = {}
        if "value" in item:
            attributes["value"] = js_str(item["value"])
        attributes["selected"] = {"value": bool(item.get("selected") or default), "optional": True}
        attributes["disabled"] = {"value": bool(item.get("disabled")), "optional": True}
        options.append(
            {
                "attributes": render_attributes(attributes)
                + render_attributes(item.get("attributes")),
                "text": js_str(item.get("text")),
            }
        )
    element = render_attributes(
        {
            "class": join_classes(
                "govuk-select",
                params.get("classes"),
                truthy(params.get("errorMessage")) and "govuk-select--error",
            ),
            "id": element_id,
            "name": params.get("name"),
            "disabled": {"value": bool(params.get("disabled")), "optional": True},
            "aria-describedby": {"value": described_by.value or None, "optional": True},
        }
    ) + render_attributes(params.get("attributes"))
    context.update(
        label=_label(params.get("label"), element_id),
        element_attributes=element,
        options=options,
    )
    return context


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:].lower()


def _prepare_date_input(params: Params) -> Params:
    values = params.get("values") or {}
    defaults = {
        "day": {"name": "day", "value": get(values, "day"), "classes": "govuk-input--width-2"},
        "month": {
            "name": "month",
            "value": get(values, "month"),
            "classes": "govuk-input--width-2",
        },
        "year": {"name": "year", "value": get(values, "year"), "classes": "govuk-input--width-4"},
    }
    parts = {key: params.get(key, default) for key, default in defaults.items()}
    items = params.get("items") or [parts["day"], parts["month"], parts["year"]]

    def has_error_class(item: Mapping) -> bool:
        return truthy(item.get("classes")) and "govuk-input--error" in item["classes"]

    any_item_has_error = any(
        truthy(item) and (truthy(item.get("error")) or has_error_class(item)) for item in items
    )
    name_prefix = f"{params['namePrefix']}-" if truthy(params.get("namePrefix")) else ""
    inputs = []
    for item in items:
        if not truthy(item):
            continue
        name, value, width = item.get("name"), item.get("value"), 2
        for key, part in parts.items():
            if item is part or (truthy(name) and name in (key, get(part, "name"))):
                name = name or key
                value = value if value is not None else get(part, "value")
                width = 4 if key == "year" else 2
                break
        classes = item.get("classes") or ""
        item_has_error = truthy(item.get("error")) or has_error_class(item)
        item_classes = ""
        if "govuk-input--error" not in classes and (
            item_has_error
            or (
                item.get("error") is not False
                and truthy(params.get("errorMessage"))
                and not any_item_has_error
            )
        ):
            item_classes = "govuk-input--error"
        if "govuk-input--width-" not in classes:
            item_classes = join_classes(item_classes, f"govuk-input--width-{width}")
        item_classes = join_classes(item_classes, classes)
        if value is None:
            value = get(values, f"{name_prefix}{js_str(name)}")
        inputs.append(
            {
                "label": {
                    "text": item.get("label") or _capitalize(js_str(name)),
                    "classes": "govuk-date-input__label",
                },
                "id": item.get("id") or f"{js_str(params.get('id'))}-{js_str(name)}",
                "classes": join_classes("govuk-date-input__input", item_classes),
                "name": f"{name_prefix}{js_str(name)}",
                "value": value,
                "type": "text",
                "inputmode": item.get("inputmode") or "numeric",
                "autocomplete": item.get("autocomplete"),
                "pattern": item.get("pattern"),
                "attributes": item.get("attributes"),
            }
        )
    described_by = _DescribedBy(get(params, "fieldset", "describedBy"))
    context = _hint_and_error(params, params.get("id"), described_by)
    context.update(
        inputs=inputs,
        before=get(params, "formGroup", "beforeInputs"),
        after=get(params, "formGroup", "afterInputs"),
    )
    return _in_fieldset("date-input", params, context, described_by.value, role="group")


def _prepare_file_upload(params: Params) -> Params:
    element_id = params.get("id") or params.get("name")
    described_by = _DescribedBy(params.get("describedBy"))
    context = _hint_and_error(params, element_id, described_by)
    wrapper = ""
    if params.get("javascript"):
        wrapper = (
            render_attributes(
                {
                    "class": join_classes(
                        "govuk-file-upload-wrapper", params.get("wrapperClasses")
                    ),
                    "data-module": "govuk-file-upload",
                }
            )
            + i18n_attributes("choose-files-button", params.get("chooseFilesButtonText"))
            + i18n_attributes("no-file-chosen", params.get("noFileChosenText"))
            + i18n_attributes(
                "multiple-files-chosen", messages=params.get("multipleFilesChosenText")
            )
            + i18n_attributes("drop-instruction", params.get("dropInstructionText"))
            + i18n_attributes("entered-drop-zone", params.get("enteredDropZoneText"))
            + i18n_attributes("left-drop-zone", params.get("leftDropZoneText"))
            + render_attributes(params.get("wrapperAttributes"))
        )
    element = render_attributes(
        {
            "class": join_classes(
                "govuk-file-upload",
                params.get("classes"),
                truthy(params.get("errorMessage")) and "govuk-file-upload--error",
            ),
            "id": element_id,
            "name": params.get("name"),
            "type": "file",
            "disabled": {"value": bool(params.get("disabled")), "optional": True},
            "multiple": {"value": bool(params.get("multiple")), "optional": True},
            "aria-describedby": {"value": described_by.value or None, "optional": True},
        }
    ) + render_attributes(params.get("attributes"))
    context.update(
        label=_label(params.get("label"), element_id),
        element_attributes=element,
        wrapper_attributes=mark_safe(wrapper),  # noqa: S308 - escaped by the helpers
    )
    return context


def _prepare_notification_banner(params: Params) -> Params:
    success = params.get("type") == "success"
    role = params.get("role") or ("alert" if success else "region")
    title: str
    if truthy(params.get("titleHtml")) or truthy(params.get("titleText")):
        title = content(params, "title")
    else:
        title = "Success" if success else "Important"
    title_id = params.get("titleId") or "govuk-notification-banner-title"
    attributes: Params = {
        "class": join_classes(
            "govuk-notification-banner",
            success and f"govuk-notification-banner--{params['type']}",
            params.get("classes"),
        ),
        "role": role,
        "aria-labelledby": title_id,
        "data-module": "govuk-notification-banner",
    }
    if "disableAutoFocus" in params:
        attributes["data-disable-auto-focus"] = js_str(params["disableAutoFocus"])
    return {
        "element_attributes": render_attributes(attributes)
        + render_attributes(params.get("attributes")),
        "title": title,
        "title_id": title_id,
        "heading_level": params.get("titleHeadingLevel") or 2,
    }


def _prepare_error_summary(params: Params) -> Params:
    attributes: Params = {"class": join_classes("govuk-error-summary", params.get("classes"))}
    if "disableAutoFocus" in params:
        attributes["data-disable-auto-focus"] = js_str(params["disableAutoFocus"])
    return {
        "element_attributes": render_attributes(attributes)
        + render_attributes(params.get("attributes")),
        "has_description": _has_content(
            {"html": params.get("descriptionHtml"), "text": params.get("descriptionText")}
        ),
    }


def _prepare_phase_banner(params: Params) -> Params:
    tag = params.get("tag") or {}
    return {
        "tag": {
            "text": get(tag, "text"),
            "html": get(tag, "html"),
            "classes": join_classes("govuk-phase-banner__content__tag", get(tag, "classes")),
        }
    }


def _action_link(action: Any, card_title: Any) -> Params:
    hidden = ""
    if truthy(get(action, "visuallyHiddenText")):
        hidden += " " + conditional_escape(js_str(get(action, "visuallyHiddenText")))
    if truthy(card_title):
        hidden += f" ({content(card_title)})"
    return {
        "classes": join_classes("govuk-link", get(action, "classes")),
        "href": get(action, "href"),
        "attributes": render_attributes(get(action, "attributes")),
        "content": content(action),
        "hidden": mark_safe(hidden) if hidden else "",  # noqa: S308 - escaped above
    }


def _prepare_summary_list(params: Params) -> Params:
    rows = [row for row in params.get("rows") or [] if truthy(row)]
    any_actions = any(get(row, "actions", "items") for row in rows)
    card: Any = params.get("card")
    card_title = get(card, "title")
    prepared = []
    for row in rows:
        actions = get(row, "actions", "items") or []
        prepared.append(
            {
                "row": Options(row),
                "no_actions": any_actions and not truthy(get(row, "actions", "items")),
                "actions": [_action_link(action, card_title) for action in actions],
            }
        )
    context: Params = {"rows": prepared}
    if truthy(card):
        card_actions = get(card, "actions", "items") or []
        context["card"] = {
            "params": Options(card),
            "heading_level": get(card_title, "headingLevel") or 2,
            "actions": [_action_link(action, card_title) for action in card_actions],
        }
    return context


def _prepare_table(params: Params) -> Params:
    rows = []
    for row in params.get("rows") or []:
        if not truthy(row):
            continue
        cells = []
        for index, cell in enumerate(row):
            cell = cell or {}
            is_header = index == 0 and bool(params.get("firstCellIsHeader"))
            classes = join_classes(
                "govuk-table__header" if is_header else "govuk-table__cell",
                not is_header
                and truthy(cell.get("format"))
                and f"govuk-table__cell--{cell['format']}",
                cell.get("classes"),
            )
            attributes: Params = {"class": classes}
            if is_header:
                attributes = {"scope": "row", **attributes}
            for span in ("colspan", "rowspan"):
                if truthy(cell.get(span)):
                    attributes[span] = cell[span]
            cells.append(
                {
                    "header": is_header,
                    "attributes": render_attributes(attributes)
                    + render_attributes(cell.get("attributes")),
                    "content": content(cell),
                }
            )
        rows.append(cells)
    head = []
    for item in params.get("head") or []:
        item = item or {}
        attributes = {
            "scope": "col",
            "class": join_classes(
                "govuk-table__header",
                truthy(item.get("format")) and f"govuk-table__header--{item['format']}",
                item.get("classes"),
            ),
        }
        for span in ("colspan", "rowspan"):
            if truthy(item.get(span)):
                attributes[span] = item[span]
        head.append(
            {
                "attributes": render_attributes(attributes)
                + render_attributes(item.get("attributes")),
                "content": content(item),
            }
        )
    return {"rows": rows, "head": head if truthy(params.get("head")) else None}


def _prepare_pagination(params: Params) -> Params:
    items = params.get("items")
    block_level = not truthy(items) and (
        truthy(params.get("next")) or truthy(params.get("previous"))
    )

    def link(option: Any, kind: str) -> Params | None:
        if not truthy(option) or not truthy(get(option, "href")):
            return None
        label = get(option, "labelText")
        return {
            "kind": kind,
            "href": option["href"],
            "attributes": render_attributes(get(option, "attributes")),
            "content": content(option),
            "label": js_str(label) if truthy(label) and block_level else "",
            "decorated": block_level and not truthy(label),
            "arrow_first": block_level or kind == "prev",
        }

    pages = []
    for item in items or []:
        if item is None or not len(item):
            continue
        pages.append(
            {
                "item": Options(item),
                "label": js_str(item["visuallyHiddenText"])
                if "visuallyHiddenText" in item
                else f"Page {js_str(item.get('number'))}",
                "attributes": render_attributes(item.get("attributes")),
            }
        )
    return {
        "block_level": block_level,
        "previous": link(params.get("previous"), "prev"),
        "next": link(params.get("next"), "next"),
        "pages": pages if truthy(items) else None,
        "landmark_label": params.get("landmarkLabel") or "Pagination",
    }


def _prepare_service_navigation(params: Params) -> Params:
    menu_text = params.get("menuButtonText") or "Menu"
    slots = params.get("slots") or {}
    end = slots.get("end")
    end_html = end if isinstance(end, str) else get(end, "html")
    navigation = [item for item in params.get("navigation") or [] if truthy(item)]
    collapse = params.get("collapseNavigationOnMobile", len(navigation) > 1)
    items = []
    for item in navigation:
        current = truthy(item.get("current"))
        active = current or truthy(item.get("active"))
        items.append(
            {
                "item": Options(item),
                "active": active,
                "aria_current": ("page" if current else "true") if active else "",
                "attributes": render_attributes(item.get("attributes")),
            }
        )
    menu_label = params.get("menuButtonLabel")
    return {
        "element_attributes": render_attributes(
            {
                "class": join_classes("govuk-service-navigation", params.get("classes")),
                "data-module": "govuk-service-navigation",
            }
        )
        + render_attributes(params.get("attributes")),
        "is_section": truthy(params.get("serviceName"))
        or truthy(slots.get("start"))
        or truthy(end_html),
        "aria_label": params.get("ariaLabel", "Service information"),
        "end_inline": isinstance(end, Mapping) and end.get("align") == "inline",
        "end_html": mark_safe(end_html) if truthy(end_html) else "",  # noqa: S308 - slots are html
        "start_html": mark_safe(slots["start"]) if truthy(slots.get("start")) else "",  # noqa: S308
        "nav_start": mark_safe(slots.get("navigationStart") or ""),  # noqa: S308
        "nav_end": mark_safe(slots.get("navigationEnd") or ""),  # noqa: S308
        "has_nav": bool(navigation)
        or truthy(slots.get("navigationStart"))
        or truthy(slots.get("navigationEnd")),
        "collapse": truthy(collapse),
        "menu_text": menu_text,
        "menu_label": menu_label if truthy(menu_label) and menu_label != menu_text else "",
        "navigation_label": params.get("navigationLabel") or menu_text,
        "navigation_id": params.get("navigationId") or "navigation",
        "items": items,
    }


def _prepare_footer(params: Params) -> Params:
    navigation = []
    for nav in params.get("navigation") or []:
        navigation.append(
            {
                "nav": Options(nav),
                "width": nav.get("width") or "full",
                "list_classes": join_classes(
                    "govuk-footer__list",
                    truthy(nav.get("columns")) and f"govuk-footer__list--columns-{nav['columns']}",
                ),
                "items": [
                    {"item": Options(item), "attributes": render_attributes(item.get("attributes"))}
                    for item in nav.get("items") or []
                    if truthy(item.get("href")) and truthy(item.get("text"))
                ],
            }
        )
    meta = params.get("meta")
    return {
        "navigation": navigation,
        "meta_items": [
            {"item": Options(item), "attributes": render_attributes(item.get("attributes"))}
            for item in get(meta, "items") or []
        ],
        "show_licence": "contentLicence" not in params or params["contentLicence"] is not None,
        "hidden_title": get(meta, "visuallyHiddenTitle") or "Support links",
    }


def _prepare_panel(params: Params) -> Params:
    is_interruption = (
        truthy(params.get("classes")) and "govuk-panel--interruption" in (params["classes"])
    )
    actions: Any = params.get("actions") if is_interruption else None
    buttons = []
    for action in get(actions, "items") or []:
        if not truthy(action.get("href")) or action.get("type") == "button":
            buttons.append(
                render_component(
                    "button",
                    {
                        "text": action.get("text"),
                        "type": action.get("type") or "button",
                        "classes": join_classes("govuk-button--inverse", action.get("classes")),
                        "href": action.get("href"),
                        "attributes": action.get("attributes"),
                    },
                )
            )
        else:
            buttons.append(
                render_to_string(
                    "govuk/panel.html#link",
                    {
                        "action": Options(action),
                        "classes": join_classes(
                            "govuk-link govuk-link--inverse", action.get("classes")
                        ),
                        "attributes": render_attributes(action.get("attributes")),
                    },
                )
            )
    return {
        "heading_level": params.get("headingLevel") or 1,
        "classes": join_classes(
            not is_interruption and "govuk-panel--confirmation", params.get("classes")
        ),
        "actions": Options(actions) if truthy(actions) else None,
        "buttons": [mark_safe(button) for button in buttons],  # noqa: S308 - rendered templates
    }


def _prepare_generic_header(params: Params) -> Params:
    return {"namespace": params.get("_namespace") or "govuk-generic"}


PREPARERS: dict[str, Callable[[Params], Params]] = {
    "button": _prepare_button,
    "character-count": _prepare_character_count,
    "checkboxes": _prepare_choices("checkboxes"),
    "date-input": _prepare_date_input,
    "error-message": _prepare_error_message,
    "error-summary": _prepare_error_summary,
    "file-upload": _prepare_file_upload,
    "footer": _prepare_footer,
    "generic-header": _prepare_generic_header,
    "input": _prepare_input,
    "notification-banner": _prepare_notification_banner,
    "pagination": _prepare_pagination,
    "panel": _prepare_panel,
    "phase-banner": _prepare_phase_banner,
    "radios": _prepare_choices("radios"),
    "select": _prepare_select,
    "service-navigation": _prepare_service_navigation,
    "summary-list": _prepare_summary_list,
    "table": _prepare_table,
    "textarea": _prepare_textarea,
}
