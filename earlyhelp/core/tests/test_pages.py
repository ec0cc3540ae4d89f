"""The layout, the static pages and the error pages."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db.utils import OperationalError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import UserFactory, sign_in, user_with_role
from earlyhelp.core import views
from earlyhelp.core.models import CouncilConfiguration

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    """The parts of a page these tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.inline_scripts = 0
        self.styles = 0
        self.elements: list[tuple[str, dict]] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "script":
            self.scripts.append(attributes)
            self._in_script = "src" not in attributes
        if tag == "style":
            self.styles += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def attributes_named(self, pattern: str) -> list[str]:
        return [
            f"<{tag} {name}>"
            for tag, attributes in self.elements
            for name in attributes
            if re.fullmatch(pattern, name)
        ]

    def find(self, tag: str, **wanted) -> list[dict]:
        return [
            attributes
            for name, attributes in self.elements
            if name == tag and all(attributes.get(k) == v for k, v in wanted.items())
        ]


def assert_csp_clean(response) -> None:
    """Scripts only from files with the request's nonce; no inline scripts, styles or handlers."""
    header = response.headers["Content-Security-Policy"]
    match = re.search(r"script-src [^;]*'nonce-([^']+)'", header)
    assert match, header
    assert "'unsafe-inline'" not in header
    page = Page(response.content.decode())
    assert page.scripts, "the page loads no scripts"
    for script in page.scripts:
        assert script.get("src", "").startswith("/static/build/"), script
        assert script.get("nonce") == match.group(1), script
    assert page.inline_scripts == 0
    assert page.styles == 0
    assert page.attributes_named("style") == []
    assert page.attributes_named(r"on[a-z]+") == []
    assert page.attributes_named(r"hx-on.*") == []


@pytest.fixture
def practitioner(client):
    user = user_with_role(Role.PRACTITIONER, full_name="Hazel Roberts")
    sign_in(client, user)
    return user


@pytest.mark.parametrize("url_name", ["core:accessibility", "core:privacy"])
def test_static_pages_need_no_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    council = CouncilConfiguration.current()
    assert council.council_name in response.content.decode()
    assert_csp_clean(response)


def test_accessibility_statement_says_what_it_must(client):
    html = client.get(reverse("core:accessibility")).content.decode()
    for words in ("WCAG 2.2", "Equality and Human Rights Commission", "Equality Advisory and Support",
                  "axe-core", "keyboard", "Enforcement procedure"):  # fmt: skip
        assert words in html


def test_privacy_notice_says_what_it_must(client):
    html = client.get(reverse("core:privacy")).content.decode()
    for words in ("data controller", "public task", "legal obligation", "vital interests",
                  "consent", "within one month", "Information Commissioner"):  # fmt: skip
        assert words in html


def test_title_names_page_service_and_council(client):
    council = CouncilConfiguration.current()
    html = client.get(reverse("core:privacy")).content.decode()
    expected = f"<title>Privacy notice - {council.service_name} - {council.council_name}</title>"
    assert expected in html


def test_home_sends_anonymous_people_to_sign_in(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_home_welcomes_and_lists_roles(client, practitioner):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome, Hazel" in html
    membership = practitioner.active_memberships().get()
    assert membership.get_role_display() in html
    assert str(membership.organisation) in html
    assert reverse("accounts:account") in html
    assert_csp_clean(response)


def test_layout_for_anonymous_people(client):
    html = client.get(reverse("core:accessibility")).content.decode()
    page = Page(html)
    assert page.find("a", href="#main-content", **{"class": "govuk-skip-link"})
    assert page.find("main", id="main-content", **{"class": "govuk-main-wrapper"})
    assert page.find("div", **{"class": "govuk-generic-header"})
    assert page.find("a", href=reverse("accounts:sign_in"))
    assert "Sign out" not in html
    assert "data-session-idle-seconds" not in html
    assert "session-timeout-dialog" not in html
    assert "govuk-phase-banner" in html and "Beta" in html
    assert page.find("meta", name="csrf-token")
    # a council's service: no crown, no Crown copyright, no Open Government Licence
    assert "govuk-footer__crown" not in html
    assert "Crown copyright" not in html
    assert "Open Government Licence" not in html
    assert page.find("a", href=reverse("core:accessibility"), **{"class": "govuk-footer__link"})
    assert page.find("a", href=reverse("core:privacy"), **{"class": "govuk-footer__link"})
    assert "earlyhelp is open-source software" in html


def test_layout_for_signed_in_people(client, practitioner):
    response = client.get(reverse("accounts:account") + "?tab=1")
    html = response.content.decode()
    page = Page(html)
    body = page.find("body")[0]
    assert body["data-session-idle-seconds"].isdigit()
    assert body["data-session-warning-seconds"].isdigit()
    assert body["data-keep-alive-url"] == reverse("accounts:keep_alive")
    assert body["data-signed-out-url"] == (
        reverse("accounts:sign_in") + "?timeout=1&next=/account/%3Ftab%3D1"
    )
    assert page.find("dialog", id="session-timeout-dialog")
    # navigation: the current section is marked, sign out is a POST form with a CSRF token
    assert page.find("a", href=reverse("accounts:account"), **{"aria-current": "page"})
    assert page.find("a", href=reverse("core:home"), **{"class": "govuk-service-navigation__link"})
    assert page.find("form", method="post", action=reverse("accounts:sign_out"))
    assert page.find("input", type="hidden", name="csrfmiddlewaretoken")
    assert not page.find("a", href=reverse("accounts:manage_organisations"))
    assert not page.find("a", href=reverse("core:audit_people"))
    csrf = page.find("meta", name="csrf-token")[0]["content"]
    assert csrf and csrf != "NOTPROVIDED"
    assert_csp_clean(response)


def test_administrators_and_auditors_see_their_sections(client):
    administrator = user_with_role(Role.ADMINISTRATOR)
    sign_in(client, administrator)
    page = Page(client.get(reverse("accounts:manage_organisations")).content.decode())
    assert page.find("a", href=reverse("accounts:manage_organisations"), **{"aria-current": "page"})
    assert not page.find("a", href=reverse("core:audit_people"))

    auditor = user_with_role(Role.AUDITOR)
    sign_in(client, auditor)
    page = Page(client.get(reverse("core:home")).content.decode())
    assert page.find("a", href=reverse("core:audit_people"))
    assert page.find("a", href=reverse("core:home"), **{"aria-current": "page"})


def test_messages_are_notification_banners(rf: RequestFactory):
    request = rf.get("/privacy/")
    request.user = UserFactory()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request._messages.add(constants.SUCCESS, "Organisation added")
    request._messages.add(constants.INFO, "Check <these> details")
    html = render_to_string("core/privacy.html", request=request)
    page = Page(html)
    success = page.find("div", role="alert")[0]
    assert "govuk-notification-banner--success" in success["class"]
    assert page.find("div", role="region", **{"aria-labelledby": "message-title-2"})
    assert "Organisation added" in html
    assert "Check &lt;these&gt; details" in html
    titles = [h["id"] for h in page.find("h2") if h.get("id", "").startswith("message-title")]
    assert titles == ["message-title-1", "message-title-2"]  # ids stay unique


def test_404_page_is_a_gov_uk_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert 'class="govuk-template"' in html
    assert_csp_clean(response)


def test_403_page_is_a_gov_uk_page(rf: RequestFactory):
    request = rf.get("/somewhere/")
    request.user = UserFactory()
    request.session = SessionStore()
    response = views.permission_denied(request)
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


class DatabaseDown:
    """Stands in for anything that would query the database."""

    def __getattr__(self, name):
        raise OperationalError("the database is down")

    def __bool__(self):
        raise OperationalError("the database is down")


def test_500_page_renders_with_the_database_down(rf: RequestFactory, monkeypatch):
    def no_database(cls):
        raise OperationalError("the database is down")

    monkeypatch.setattr(CouncilConfiguration, "current", classmethod(no_database))
    request = rf.get("/broken/")
    request.user = DatabaseDown()
    request.session = DatabaseDown()
    request._messages = DatabaseDown()
    request.request_id = "abc123"
    response = views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "abc123" in html
    assert CouncilConfiguration().council_name in html  # the default names stand in
    assert "data-session-idle-seconds" not in html


def test_error_title_when_a_form_has_errors(client):
    response = client.post(reverse("accounts:sign_in"), {"email": "", "password": ""})
    assert response.status_code == 200
    assert re.search(r"<title>Error: Sign in - ", response.content.decode())
    assert_csp_clean(response)
