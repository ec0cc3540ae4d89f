"""Django forms come out as GOV.UK components, errors link to real fields, nothing typed is lost."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone
from django.utils.safestring import mark_safe

from earlyhelp.core.forms import GovukDateField, GovukFormMixin


class ExampleForm(GovukFormMixin, forms.Form):
    full_name = forms.CharField(max_length=100, help_text="As it appears on <official> letters")
    email = forms.EmailField()
    children = forms.IntegerField(required=False)
    summary = forms.CharField(widget=forms.Textarea, max_length=500)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    contact = forms.ChoiceField(
        choices=[("email", "Email"), ("phone", "Phone")], widget=forms.RadioSelect
    )
    needs = forms.MultipleChoiceField(
        choices=[("housing", "Housing"), ("school", "School attendance")],
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(error_messages={"required": "Confirm the family agrees"})
    team = forms.ChoiceField(
        choices=[("", "Choose a team"), ("north", "North"), ("south", "South")]
    )
    date_of_birth = GovukDateField(past=True)
    letter = forms.FileField(required=False)
    password = forms.CharField(widget=forms.PasswordInput)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        if self.cleaned_data.get("full_name") == "Nobody":
            raise forms.ValidationError("This person cannot be added")
        return self.cleaned_data


VALID = {
    "full_name": "Ada Lovelace",
    "email": "ada@example.org",
    "children": "2",
    "summary": "Needs help with housing",
    "contact": "phone",
    "needs": ["school"],
    "consent": "true",
    "team": "north",
    "date_of_birth-day": "10",
    "date_of_birth-month": "12",
    "date_of_birth-year": "1990",
    "password": "secret",
}


def render(template: str, **context) -> str:
    return Template(template).render(Context(context))


class Elements(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def find(self, tag: str | None = None, **attrs) -> list[dict]:
        return [
            found
            for name, found in self.elements
            if (tag is None or name == tag)
            and all(found.get(key.replace("_", "-")) == value for key, value in attrs.items())
        ]

    def ids(self) -> set[str]:
        return {found["id"] for _, found in self.elements if "id" in found}


def test_each_field_type_renders_its_component():
    html = render("{{ form }}", form=ExampleForm())
    page = Elements(html)
    assert page.find("input", name="full_name", type="text", **{"class": "govuk-input"})
    assert page.find("input", name="email", type="email", spellcheck="false", autocomplete="email")
    assert page.find("input", name="children", type="text", inputmode="numeric")
    assert page.find("div", **{"data-module": "govuk-character-count", "data-maxlength": "500"})
    assert page.find("textarea", name="notes", **{"class": "govuk-textarea"})
    assert page.find("div", **{"class": "govuk-radios", "data-module": "govuk-radios"})
    assert len(page.find("input", name="contact", type="radio")) == 2
    assert len(page.find("input", name="needs", type="checkbox")) == 2
    assert page.find("input", name="consent", type="checkbox", value="true")
    assert page.find("select", name="team", **{"class": "govuk-select"})
    assert page.find("div", **{"class": "govuk-date-input", "id": "id_date_of_birth"})
    for part in ("day", "month", "year"):
        assert page.find("input", name=f"date_of_birth-{part}", inputmode="numeric")
    assert page.find("input", name="letter", type="file", **{"class": "govuk-file-upload"})
    assert page.find("input", name="password", type="password")
    assert page.find("input", name="token", type="hidden")
    # every label points at a real control
    ids = page.ids()
    assert all(label["for"] in ids for label in page.find("label") if "for" in label)


def test_hint_comes_from_help_text_and_is_escaped():
    html = render("{{ form.full_name.as_field_group }}", form=ExampleForm())
    assert '<div id="id_full_name-hint" class="govuk-hint">' in html
    assert "&lt;official&gt;" in html
    assert 'aria-describedby="id_full_name-hint"' in html


def test_trusted_help_text_can_be_html():
    class Form(forms.Form):
        name = forms.CharField(help_text=mark_safe("See <a href='/help'>help</a>"))

    assert "<a href='/help'>help</a>" in render("{{ form }}", form=Form())


def test_no_browser_validation_attributes():
    html = render("{{ form }}", form=ExampleForm())
    assert " required" not in html
    assert " maxlength=" not in html


def test_errors_are_shown_and_the_summary_links_to_real_fields():
    form = ExampleForm(data={"email": "not-an-email", "date_of_birth-day": "31"})
    assert not form.is_valid()
    html = render("{% error_summary form %}{{ form }}", form=form)
    page = Elements(html)
    links = [a["href"] for a in page.find("a") if a.get("href", "").startswith("#")]
    assert set(form.errors) - {"__all__"} == {
        "full_name", "email", "summary", "contact", "needs", "consent", "team",
        "date_of_birth", "password",
    }  # fmt: skip
    assert len(links) == len(form.errors)
    ids = page.ids()
    for href in links:
        assert href[1:] in ids, f"{href} lands nowhere"
    # groups link to their first input
    assert "#id_contact" in links and page.find("input", id="id_contact", type="radio")
    assert "#id_needs" in links and page.find("input", id="id_needs", type="checkbox")
    assert "#id_date_of_birth-month" in links  # the first part that is wrong
    assert "govuk-form-group--error" in html
    assert '<span class="govuk-visually-hidden">Error:</span> Enter a valid email address.' in html
    assert page.find("input", name="email", aria_describedby="id_email-error")


def test_required_messages_name_the_field():
    form = ExampleForm(data={})
    form.is_valid()
    assert form.errors["full_name"] == ["Enter full name"]
    assert form.errors["contact"] == ["Select contact"]
    assert form.errors["team"] == ["Select team"]
    assert form.errors["consent"] == ["Confirm the family agrees"]
    assert form.errors["date_of_birth"] == ["Enter date of birth"]


def test_non_field_errors_are_in_the_summary_without_a_link():
    form = ExampleForm(data={**VALID, "full_name": "Nobody"})
    assert not form.is_valid()
    html = render("{% error_summary form %}", form=form)
    assert "This person cannot be added" in html
    assert 'href="#' not in html


def test_error_summary_is_empty_without_errors():
    assert render("{% error_summary form %}", form=ExampleForm()).strip() == ""
    valid = ExampleForm(data=VALID)
    assert valid.is_valid(), valid.errors
    assert render("{% error_summary form %}", form=valid).strip() == ""
    assert render("{% error_summary missing %}").strip() == ""


def test_values_are_kept_after_an_error():
    data = {
        **VALID,
        "email": "ada@",
        "full_name": 'Ada "Countess" <Lovelace>',
        "summary": "Line one\nLine two",
        "notes": "\nStarts with a blank line",
        "date_of_birth-month": "13",
    }
    form = ExampleForm(data=data)
    assert not form.is_valid()
    html = render("{{ form }}", form=form)
    page = Elements(html)
    assert page.find("input", name="email", value="ada@")
    assert page.find("input", name="full_name", value='Ada "Countess" <Lovelace>')
    assert ">\nLine one\nLine two</textarea>" in html
    assert ">\n\nStarts with a blank line</textarea>" in html  # the first newline is eaten by HTML
    assert page.find("input", name="contact", value="phone")[0].get("checked") == ""
    assert "checked" not in page.find("input", name="contact", value="email")[0]
    assert page.find("input", name="needs", value="school")[0].get("checked") == ""
    assert page.find("input", name="consent")[0].get("checked") == ""
    assert page.find("option", value="north")[0].get("selected") == ""
    assert page.find("input", name="date_of_birth-day", value="10")
    assert page.find("input", name="date_of_birth-month", value="13")
    assert page.find("input", name="date_of_birth-year", value="1990")
    assert page.find("input", name="children", value="2")
    assert not page.find("input", name="password", value="secret")  # passwords are not echoed


def test_character_count_appears_with_max_length():
    html = render("{{ form.summary.as_field_group }}", form=ExampleForm())
    page = Elements(html)
    assert page.find("textarea", aria_describedby="id_summary-info")
    assert "You can enter up to 500 characters" in html
    assert "govuk-js-character-count" in html
    notes = render("{{ form.notes.as_field_group }}", form=ExampleForm())
    assert "character-count" not in notes


class DateForm(forms.Form):
    date_of_birth = GovukDateField(label="Date of birth", past=True)
    review_date = GovukDateField(label="Review date", required=False, future=True)


def date_errors(day="", month="", year="", field="date_of_birth"):
    form = DateForm(data={f"{field}-day": day, f"{field}-month": month, f"{field}-year": year})
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "highlighted"),
    [
        ("", "", "", "Enter date of birth", {"day", "month", "year"}),
        ("1", "", "2000", "Date of birth must include a month", {"month"}),
        ("", "", "2000", "Date of birth must include a day and month", {"day", "month"}),
        ("1", "2", "", "Date of birth must include a year", {"year"}),
        ("31", "2", "2000", "Date of birth must be a real date", {"day"}),
        ("1", "13", "2000", "Date of birth must be a real date", {"month"}),
        ("x", "2", "2000", "Date of birth must be a real date", {"day"}),
        ("1", "2", "99", "Year must include 4 numbers", {"year"}),
        ("1", "1", "2999", "Date of birth must be in the past", {"day", "month", "year"}),
    ],
)
def test_date_messages_and_highlighted_boxes(day, month, year, message, highlighted):
    form = date_errors(day, month, year)
    assert form.errors["date_of_birth"] == [message]
    html = render("{{ form.date_of_birth.as_field_group }}", form=form)
    page = Elements(html)
    marked = {
        part
        for part in ("day", "month", "year")
        if "govuk-input--error"
        in page.find("input", name=f"date_of_birth-{part}")[0]["class"].split()
    }
    assert marked == highlighted
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
    assert page.find("fieldset", role="group", aria_describedby="id_date_of_birth-error")


def test_dates_that_are_fine():
    form = DateForm(data={"date_of_birth-day": "7", "date_of_birth-month": "Mar",
                          "date_of_birth-year": "2015"})  # fmt: skip
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(2015, 3, 7)
    assert form.cleaned_data["review_date"] is None


def test_future_date():
    form = date_errors("1", "1", "2000", field="review_date")
    assert form.errors["review_date"] == ["Review date must be in the future"]


def test_initial_date_is_shown_in_the_boxes():
    form = DateForm(initial={"date_of_birth": datetime.date(2019, 4, 5)})
    page = Elements(render("{{ form.date_of_birth.as_field_group }}", form=form))
    assert page.find("input", name="date_of_birth-day", value="5")
    assert page.find("input", name="date_of_birth-month", value="4")
    assert page.find("input", name="date_of_birth-year", value="2019")
    assert page.find("input", name="date_of_birth-day", autocomplete="bday-day")


def test_today_is_not_in_the_past():
    today = timezone.localdate()
    form = date_errors(str(today.day), str(today.month), str(today.year))
    assert form.errors["date_of_birth"] == ["Date of birth must be in the past"]


def test_field_options_from_the_form_and_the_template():
    class Form(forms.Form):
        amount = forms.DecimalField()
        reason = forms.ChoiceField(
            choices=[("a", "A"), ("b", "B"), ("none", "None of these")],
            widget=forms.RadioSelect,
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["amount"].govuk = {
                "classes": "govuk-input--width-10",
                "prefix": {"text": "£"},
                "label_classes": "govuk-label--l",
                "label_is_page_heading": True,
            }
            self.fields["reason"].govuk = {
                "item_hints": {"a": "The first one"},
                "dividers": {"none": "or"},
                "conditionals": {"b": mark_safe("<p class='govuk-body'>More about B</p>")},
                "classes": "govuk-radios--small",
            }

    form = Form()
    html = render("{{ form }}", form=form)
    page = Elements(html)
    assert page.find("h1", **{"class": "govuk-label-wrapper"})
    assert page.find("label", **{"class": "govuk-label govuk-label--l", "for": "id_amount"})
    assert page.find("div", **{"class": "govuk-input__prefix"})
    assert page.find("input", name="amount", inputmode="decimal")
    assert "govuk-input--width-10" in page.find("input", name="amount")[0]["class"]
    assert page.find("div", id="id_reason-item-hint")
    assert '<div class="govuk-radios__divider">or</div>' in html
    assert page.find("div", id="conditional-id_reason-2")
    assert "govuk-radios--small" in html

    legend = render(
        '{% govuk_field form.reason label_classes="govuk-label--l" label_is_page_heading=True %}',
        form=form,
    )
    assert "govuk-fieldset__legend--l" in legend
    assert '<h1 class="govuk-fieldset__heading">' in legend


def test_other_widget_attributes_pass_through():
    class Form(forms.Form):
        search = forms.CharField(widget=forms.TextInput(attrs={"data-thing": "1", "class": "x"}))

    html = render("{{ form }}", form=Form())
    assert 'data-thing="1"' in html
    assert 'class="govuk-input x"' in html


def test_unsupported_widgets_still_get_a_form_group():
    class Form(forms.Form):
        colours = forms.MultipleChoiceField(choices=[("r", "Red"), ("g", "Green")])

    form = Form(data={})
    form.is_valid()
    html = render("{{ form }}", form=form)
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert "<select" in html and "multiple" in html
    assert re.search(r'<label class="govuk-label" for="id_colours">\s*Colours\s*</label>', html)


@pytest.mark.django_db
def test_django_admin_still_renders_its_own_widgets(client):
    from earlyhelp.accounts.tests.factories import UserFactory, sign_in

    admin = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, admin)
    response = client.get(f"/django-admin/accounts/user/{admin.pk}/change/")
    assert response.status_code == 200
    assert b'name="full_name"' in response.content
    assert b"govuk-form-group" not in response.content
