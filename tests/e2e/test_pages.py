"""Every page, as the user who would see it, in each state that matters (empty form with its
error summary, after a successful change), checked with axe: zero violations, and no
JavaScript errors or Content Security Policy refusals in the browser console.

`test_every_page_is_checked` fails when a named URL is neither checked here (`@covers`) nor
listed in NOT_PAGES with the reason."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from earlyhelp.accounts.seed import DEMO_ACCOUNTS

from .conftest import E2E, TEST_PASSWORD, error_summary, open_council
from .coverage import COVERED, NOT_PAGE_ROUTES, NOT_PAGES, covers, url_patterns

pytestmark = pytest.mark.browser

DEMO_ROLES = [local for local, *_ in DEMO_ACCOUNTS]


def test_every_page_is_checked() -> None:
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("test_"):
            importlib.import_module(f"{__package__}.{module.name}")
    unnamed, unchecked, names = [], [], set()
    for route, name in url_patterns():
        if route.startswith(tuple(NOT_PAGE_ROUTES)):
            continue
        if name is None:
            unnamed.append(route)
            continue
        names.add(name)
        if name not in COVERED and name not in NOT_PAGES:
            unchecked.append(f"{name} ({route})")
    assert not unnamed, f"Name these URL patterns so the browser tests can track them: {unnamed}"
    assert not unchecked, (
        "These pages are not checked by the browser tests. Add a test with @covers(...) in "
        f"tests/e2e/, or list them in NOT_PAGES with the reason: {unchecked}"
    )
    stale = sorted((set(COVERED) | set(NOT_PAGES)) - names)
    assert not stale, f"No longer URL names of the project: {stale}"


# --- Signing in --------------------------------------------------------------------------------


@covers("accounts:sign_in", "accounts:two_factor", "core:home")
def test_sign_in_pages(e2e: E2E) -> None:
    email = e2e.create_user("signing.in")
    page = e2e.new_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    e2e.check(page)

    page.get_by_role("button", name="Continue").click()
    expect(error_summary(page)).to_contain_text("Enter your email address")
    e2e.check(page, "empty form")

    e2e.submit_password(page, email, "not-the-password")
    expect(error_summary(page)).to_contain_text("email address or password is not correct")
    e2e.check(page, "wrong password")

    e2e.submit_password(page, email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/sign-in/two-factor/$"))
    e2e.check(page)

    page.get_by_role("button", name="Sign in").click()
    expect(error_summary(page)).to_contain_text("Enter the security code")
    e2e.check(page, "empty code")

    page.get_by_label("Security code").fill("12345")
    page.get_by_role("button", name="Sign in").click()
    expect(error_summary(page)).to_contain_text("Enter the 6-digit code")
    e2e.check(page, "code of the wrong length")

    page.get_by_label("Security code").fill(e2e.authenticator.code(email))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(e2e.url("/"))
    e2e.check(page, "after signing in")


@covers("accounts:set_up_two_factor", "accounts:backup_codes")
def test_set_up_two_factor_pages(e2e: E2E) -> None:
    email = e2e.create_user("new.starter", two_factor=False)
    page = e2e.new_page()
    page.goto("/sign-in/")
    e2e.submit_password(page, email, "e2e-password-not-for-real-use")
    expect(page).to_have_url(re.compile(r"/sign-in/set-up-two-factor/$"))
    e2e.check(page)

    page.get_by_role("button", name="Continue").click()
    error_summary(page)
    e2e.check(page, "empty code")

    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(error_summary(page)).to_contain_text("The code is not correct")
    e2e.check(page, "wrong code")

    # django-otp refuses any code for a second after a wrong one (throttling); people are slower.
    page.wait_for_timeout(1500)
    e2e.authenticator.add_base32(email, page.locator("#secret-key").inner_text())
    page.get_by_label("Code from your authenticator app").fill(e2e.authenticator.code(email))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/account/backup-codes/$"))
    expect(page.get_by_role("list", name="Backup codes").locator("li")).not_to_have_count(0)
    e2e.check(page, "new codes shown once")

    page.get_by_role("link", name="I have saved my codes, continue").click()
    expect(page).to_have_url(e2e.url("/"))


@covers("accounts:signed_out")
def test_sign_out(e2e: E2E) -> None:
    email = e2e.create_user("leaver")
    page = e2e.new_page()
    e2e.sign_in(page, email)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signed-out/$"))
    e2e.check(page)
    page.goto("/account/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/account/$"))


@covers(
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
)
def test_password_reset_pages(e2e: E2E) -> None:
    email = e2e.create_user("forgetful", two_factor=False)
    page = e2e.new_page()
    page.goto("/sign-in/")
    page.get_by_role("link", name="I have forgotten my password").click()
    expect(page).to_have_url(re.compile(r"/password-reset/$"))
    e2e.check(page)

    page.get_by_role("button", name="Send the link").click()
    error_summary(page)
    e2e.check(page, "empty form")

    page.locator("[name=email]").fill(email)
    page.get_by_role("button", name="Send the link").click()
    expect(page).to_have_url(re.compile(r"/password-reset/sent/$"))
    e2e.check(page)

    page.goto("/password-reset/MQ/not-a-real-token/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    e2e.check(page, "expired link")

    link = e2e.database.shell(
        "from django.contrib.auth.tokens import default_token_generator\n"
        "from django.urls import reverse\n"
        "from django.utils.encoding import force_bytes\n"
        "from django.utils.http import urlsafe_base64_encode\n"
        "from earlyhelp.accounts.models import User\n"
        f"user = User.objects.get(email={email!r})\n"
        "print(reverse('accounts:password_reset_confirm',"
        " args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]))\n"
    )
    page.goto(link.strip().splitlines()[-1])
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    e2e.check(page)

    page.get_by_role("button", name="Save password").click()
    error_summary(page)
    e2e.check(page, "empty form")

    page.locator("[name=new_password1]").fill("a new and much longer password")
    page.locator("[name=new_password2]").fill("a new and much longer password")
    page.get_by_role("button", name="Save password").click()
    expect(page).to_have_url(re.compile(r"/password-reset/complete/$"))
    e2e.check(page)


# --- Pages for everyone ------------------------------------------------------------------------


@covers("core:home")
@pytest.mark.parametrize("role", DEMO_ROLES)
def test_home_page(e2e: E2E, role: str) -> None:
    page = e2e.new_page(role)
    page.goto("/")
    expect(page).to_have_url(e2e.url("/"))
    e2e.check(page, f"as {role}")


@covers("core:accessibility", "core:privacy")
@pytest.mark.parametrize("role", [None, "practitioner"], ids=["anonymous", "signed-in"])
def test_information_pages(e2e: E2E, role: str | None) -> None:
    page = e2e.new_page(role)
    for path in ["/accessibility/", "/privacy/"]:
        response = page.goto(path)
        assert response is not None and response.status == 200
        e2e.check(page, role or "anonymous")


@pytest.mark.parametrize("role", [None, "practitioner"], ids=["anonymous", "signed-in"])
def test_page_not_found(e2e: E2E, role: str | None) -> None:
    page = e2e.new_page(role)
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    e2e.check(page, f"404, {role or 'anonymous'}")
    if role:
        response = page.goto("/manage/organisations/")  # not theirs: a 404, not a 403
        assert response is not None and response.status == 404
        e2e.check(page, "404 for a page the user may not see")
    e2e.assert_no_problems()


# --- Your account ------------------------------------------------------------------------------


@covers("accounts:account", "accounts:backup_codes", "accounts:set_up_two_factor")
def test_account_pages(e2e: E2E) -> None:
    page = e2e.new_page("practitioner")
    page.goto("/account/")
    e2e.check(page)

    page.get_by_role("button", name="Create a token").click()
    expect(error_summary(page)).to_contain_text("Enter a name for the token")
    e2e.check(page, "empty token form")

    page.get_by_label("Name for the token").fill("School safeguarding log")
    page.get_by_role("button", name="Create a token").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Token created")
    e2e.check(page, "token created")

    page.get_by_role("button", name="Revoke School safeguarding log").click()
    expect(page.get_by_role("table")).to_contain_text("Revoked")
    e2e.check(page, "token revoked")

    page.get_by_role("link", name="Make new codes").click()
    expect(page).to_have_url(re.compile(r"/account/backup-codes/$"))
    e2e.check(page, "how many codes are left")
    page.get_by_role("button", name="Make new backup codes").click()
    expect(page.get_by_role("list", name="Backup codes").locator("li")).not_to_have_count(0)
    e2e.check(page, "new codes")

    page.goto("/account/")
    page.get_by_role("link", name="Change authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a new authenticator app")
    e2e.check(page, "replacing the app")


# --- Administration ----------------------------------------------------------------------------


@covers("accounts:manage_organisations", "accounts:manage_organisation")
def test_organisation_pages(e2e: E2E) -> None:
    page = e2e.new_page("admin")
    page.goto("/manage/organisations/")
    e2e.check(page)
    open_council(page)
    e2e.check(page)


@covers("accounts:add_organisation")
def test_add_organisation(e2e: E2E) -> None:
    page = e2e.new_page("admin")
    page.goto("/manage/organisations/")
    page.get_by_role("link", name="Add an organisation").click()
    e2e.check(page)
    page.get_by_role("button", name="Add organisation").click()
    error_summary(page)
    e2e.check(page, "empty form")
    page.locator("[name=name]").fill("Kingsbridge Youth Club")
    page.get_by_label("Voluntary or community organisation").check()
    page.get_by_label("Charity number").fill("1187654")
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kingsbridge Youth Club")
    e2e.check(page, "organisation added")


@covers("accounts:add_team")
def test_add_team(e2e: E2E) -> None:
    page = e2e.new_page("admin")
    open_council(page)
    page.get_by_role("link", name="Add a team").click()
    e2e.check(page)
    page.get_by_role("button", name="Add team").click()
    error_summary(page)
    e2e.check(page, "empty form")
    page.locator("[name=name]").fill("Early Help East")
    page.get_by_role("button", name="Add team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kingsbridge Borough Council")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Early Help East")
    e2e.check(page, "team added")


@covers("accounts:add_person")
def test_add_person(e2e: E2E) -> None:
    page = e2e.new_page("admin")
    open_council(page)
    page.get_by_role("link", name="Add a person").click()
    e2e.check(page)
    page.get_by_role("button", name="Add person").click()
    error_summary(page)
    e2e.check(page, "empty form")
    page.get_by_label("Full name").fill("Sam Newcomer")
    page.get_by_label("Work email address").fill("sam.newcomer@e2e.example")
    page.get_by_label("Practitioner", exact=True).check()
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sam Newcomer")
    e2e.check(page, "person added")


@covers("accounts:end_membership")
def test_end_role(e2e: E2E) -> None:
    email = e2e.create_user("moving.on", two_factor=False)
    page = e2e.new_page("admin")
    open_council(page)
    row = page.get_by_role("row").filter(has_text=email)
    row.get_by_role("link", name="End role").click()
    e2e.check(page)
    page.get_by_role("button", name="End role").click()
    error_summary(page)
    e2e.check(page, "empty form")
    page.get_by_label("Why is this role ending?").fill("Browser test: moved to another council")
    page.get_by_role("button", name="End role").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("role has ended")
    e2e.check(page, "role ended")


@covers("core:audit_people", "core:audit_user_trail")
def test_audit_pages(e2e: E2E) -> None:
    page = e2e.new_page("auditor")
    page.goto("/audit/people/")
    e2e.check(page)

    page.get_by_label("Name or email address").fill("practitioner")
    page.get_by_role("button", name="Search").click()
    e2e.check(page, "search results")
    page.get_by_label("Name or email address").fill("nobody-has-this-name")
    page.get_by_role("button", name="Search").click()
    e2e.check(page, "no results")

    page.goto("/audit/people/?q=auditor")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/audit/people/\d+/$"))
    e2e.check(page)


# --- Needs attention ---------------------------------------------------------------------------

_REMINDERS = """
from django.utils import timezone
from earlyhelp.accounts.models import User
from earlyhelp.attention.models import Reminder
from earlyhelp.episodes.models import Episode
user = User.objects.get(email__startswith='practitioner@')
episode = Episode.objects.filter(lead_practitioner=user).first()
stamp = timezone.now().isoformat()
for n, text in enumerate(['Review overdue by 2 working days', 'Assessment due today']):
    Reminder.objects.create(user=user, key=f'e2e:{n}:{stamp}', for_date=timezone.localdate(),
                            episode=episode, kind='review_overdue', text=text, link='/my-caseload/')
"""


@covers("attention:mine", "attention:team")
def test_needs_attention_pages(e2e: E2E) -> None:
    e2e.database.shell(_REMINDERS)
    page = e2e.new_page("practitioner")
    page.goto("/my-caseload/")
    page.get_by_role("link", name="See what needs attention on your families").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs attention")
    e2e.check(page)
    page.get_by_role("button", name=re.compile(r"^Mark as read")).first.click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("marked as read")
    e2e.check(page, "reminder read")

    page = e2e.new_page("manager")
    page.goto("/team-caseload/")
    page.get_by_role("link", name="See what needs attention in your teams").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs attention in your teams")
    e2e.check(page)
    page.get_by_label("Sort by").select_option("lead")
    page.get_by_role("button", name="Apply").click()
    e2e.check(page, "grouped by lead practitioner")
