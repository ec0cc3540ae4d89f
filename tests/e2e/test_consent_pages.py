"""Consent and information sharing in a real browser, checked with axe in every state: a practitioner
records consent and a sharing decision (and sees what is missing first), a team manager records a
safeguarding override and ends it."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from .conftest import E2E, error_summary
from .coverage import covers

pytestmark = pytest.mark.browser


def _north_family(e2e: E2E) -> int:
    """A demo family allocated to Early Help North (the demo practitioner's and manager's team)."""
    printed = e2e.database.shell(
        "import json\n"
        "from earlyhelp.people.models import Involvement\n"
        "i = Involvement.objects.filter(reason='allocated_team', team__name='Early Help North',"
        " family__isnull=False).order_by('family_id').first()\n"
        "print(json.dumps({'family': i.family_id}))\n"
    )
    return int(json.loads(printed.strip().splitlines()[-1])["family"])


def _fill_date(page: Page, name: str, day: str, month: str, year: str) -> None:
    page.locator(f"[name='{name}-day']").fill(day)
    page.locator(f"[name='{name}-month']").fill(month)
    page.locator(f"[name='{name}-year']").fill(year)


@covers("consent:family", "consent:record", "consent:record_sharing")
def test_practitioner_records_consent_and_a_sharing_decision(e2e: E2E) -> None:
    family = _north_family(e2e)
    page = e2e.new_page("practitioner")
    page.goto(f"/families/{family}/")
    page.get_by_role("link", name="Consent and information sharing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent and information sharing")
    e2e.check(page)

    page.get_by_role("link", name="Record consent").click()
    page.get_by_role("button", name="Record consent").click()
    expect(error_summary(page)).to_be_visible()
    e2e.check(page, "empty form")
    page.get_by_label("To share information").check()
    page.get_by_label("Given").check()
    page.get_by_label("Or with any agency of this kind (optional)").select_option("school")
    page.get_by_label("A parent or carer").check()
    page.get_by_label("Their name").fill("Jo Parent")
    page.get_by_label("In writing").check()
    _fill_date(page, "decided_on", "20", "11", "2026")
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Recorded")
    expect(page.get_by_role("table").first).to_contain_text("with any school")
    e2e.check(page, "consent recorded")

    page.get_by_role("link", name="Record a sharing decision").click()
    e2e.check(page)
    page.get_by_label("Shared", exact=True).check()
    page.get_by_label("What information?").fill("School attendance since September")
    page.get_by_label("With which organisation?").select_option(index=1)
    page.get_by_label("Purpose").fill("Team around the family meeting")
    page.get_by_label("Public task").check()
    page.locator("[name='with_consent'][value='no']").check()
    page.get_by_label("Why did you decide this?").fill("The school needs it to plan support")
    page.locator("[name='family_told'][value='yes']").check()
    _fill_date(page, "decided_on", "20", "11", "2026")
    page.get_by_role("button", name="Record decision").click()
    expect(error_summary(page)).to_contain_text("Enter why information was shared without consent")
    expect(page.get_by_label("What information?")).to_have_value(
        "School attendance since September"
    )
    e2e.check(page, "sharing without consent, reasons missing")
    page.locator("[name='with_consent'][value='yes']").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sharing decision recorded")
    e2e.check(page, "decision in the log")


@covers("consent:record_override", "consent:end_override")
def test_manager_records_and_ends_a_safeguarding_override(e2e: E2E) -> None:
    family = _north_family(e2e)
    page = e2e.new_page("manager")
    page.goto(f"/families/{family}/consent/")
    page.get_by_role("link", name="Record a safeguarding override").click()
    page.get_by_role("button", name="Record override").click()
    expect(error_summary(page)).to_contain_text("Enter why the override is needed")
    e2e.check(page, "empty form")
    page.get_by_label("Why does the child's safety need this?").fill(
        "Neglect concerns: the school must keep monitoring attendance"
    )
    page.get_by_role("button", name="Record override").click()
    expect(page.get_by_text("In place")).to_be_visible()
    e2e.check(page, "override in place")
    page.get_by_role("link", name="End this override").click()
    e2e.check(page)
    page.get_by_label("Why is the override ending?").fill("Risk has passed")
    page.get_by_role("button", name="End the override").click()
    expect(page.get_by_text("Ended because: Risk has passed")).to_be_visible()
    e2e.check(page, "override ended")
