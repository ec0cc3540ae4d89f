"""Retention in a real browser, checked with axe in every state: the data protection officer finds
a family due for review, tries to keep it without a reason, places and lifts a legal hold, and
anonymises the family's records with a reason."""

from __future__ import annotations

import json
import secrets

import pytest
from playwright.sync_api import expect

from .conftest import E2E, error_summary
from .coverage import NOT_PAGES, covers

pytestmark = pytest.mark.browser

NOT_PAGES.update(
    {
        "retention:keep": "POST only; test_officer_reviews_holds_and_anonymises presses Keep the "
        "records (its error state is checked there)",
        "retention:place_hold": "POST only; test_officer_reviews_holds_and_anonymises places a "
        "legal hold (its error state is checked there)",
        "retention:lift_hold": "POST only; test_officer_reviews_holds_and_anonymises lifts the "
        "legal hold",
    }
)


def _due_family(e2e: E2E, surname: str) -> int:
    """A family whose only child turned 25 long ago, and the retention job run over it."""
    printed = e2e.database.shell(
        "import json\n"
        "from datetime import date\n"
        "from earlyhelp.people import services\n"
        "from earlyhelp.retention.services import run_retention_review\n"
        f"family = services.create_family(actor=None, name={surname + ' family'!r})\n"
        f"child = services.create_person(actor=None, given_name='Rosalind', family_name={surname!r},"
        " date_of_birth=date(1994, 8, 3), nhs_number='')\n"
        "services.add_address(actor=None, person=child, line_1='9 Tannery Row', postcode='KB3 8TR')\n"
        "services.add_family_member(actor=None, family=family, person=child, role='child')\n"
        "run_retention_review()\n"
        "print(json.dumps({'family': family.pk}))\n"
    )
    return int(json.loads(printed.strip().splitlines()[-1])["family"])


def _run_the_job(e2e: E2E) -> None:
    e2e.database.shell(
        "from earlyhelp.retention.services import run_retention_review\nrun_retention_review()\n"
    )


@covers("retention:reviews", "retention:review", "retention:anonymise")
def test_officer_reviews_holds_and_anonymises(e2e: E2E) -> None:
    surname = f"Oakenfold{secrets.token_hex(2)}"
    family = _due_family(e2e, surname)
    page = e2e.new_page("auditor")

    page.goto("/retention/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Families due for review")
    e2e.check(page)
    page.get_by_role("link", name="Due since").click()
    expect(page).to_have_url(f"{e2e.server.base_url}/retention/?sort=-due")
    e2e.check(page, "newest first")

    page.goto(f"/retention/{family}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{surname} family")
    expect(page.get_by_text("Due for review", exact=True)).to_be_visible()
    e2e.check(page)

    page.get_by_role("button", name="Keep the records").click()
    expect(error_summary(page)).to_contain_text("Enter how many more years to keep the records")
    e2e.check(page, "keep without years or reason")

    page.get_by_role("button", name="Place a legal hold").click()
    expect(error_summary(page)).to_contain_text("Enter why the records must be kept")
    e2e.check(page, "hold without a reason")
    page.get_by_label("Why must these records be kept?").fill("Complaint to the ombudsman")
    page.get_by_role("button", name="Place a legal hold").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Legal hold placed")
    e2e.check(page, "under a legal hold")
    page.get_by_label("Why can the legal hold be lifted?").fill("The ombudsman closed the case")
    page.get_by_role("button", name="Lift the legal hold").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Legal hold lifted")
    e2e.check(page, "hold lifted")

    _run_the_job(e2e)
    page.goto(f"/retention/{family}/")
    page.get_by_role("button", name="Anonymise these records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonymise these records")
    expect(page.get_by_text(f"Rosalind {surname} (child)")).to_be_visible()
    e2e.check(page)
    page.get_by_role("button", name="Anonymise these records").click()
    expect(error_summary(page)).to_contain_text("Enter why the records are being anonymised")
    e2e.check(page, "no reason")
    page.get_by_label("Why are these records being anonymised?").fill(
        "Retention period ended: youngest child over 25"
    )
    page.get_by_role("button", name="Anonymise these records").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Anonymised: 1 person, 1 address removed, 0 people left alone"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonymised family")
    expect(page.get_by_text(surname)).to_have_count(0)
    e2e.check(page, "anonymised")
