"""The consultation line and professional disagreements in a real browser, checked with axe in
every state: a screener records an advice call (and sees what is missing first), finds it in the
filtered list; a school's safeguarding lead disagrees with a front-door decision, the screener
replies, the lead escalates, and a front-door manager records the resolution.

Every page here answers GET and POST at the same address, so nothing is listed in NOT_PAGES."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import E2E, error_summary
from .coverage import covers

pytestmark = pytest.mark.browser


def _decided_contact_for_the_dsl(e2e: E2E) -> int:
    """A request for support from the demo school DSL, decided by the demo screener."""
    printed = e2e.database.shell(
        "import json, secrets\n"
        "from django.utils import timezone\n"
        "from earlyhelp.accounts.models import User\n"
        "from earlyhelp.frontdoor.models import Contact, ContactDecision\n"
        "dsl = User.objects.get(email__startswith='dsl@')\n"
        "screener = User.objects.get(email__startswith='screener@')\n"
        "contact = Contact.objects.create(reference='FD-E2E-' + secrets.token_hex(4).upper(),"
        " status='decided', method='online', source='2A', received_at=timezone.now(),"
        " referrer=dsl, created_by=dsl)\n"
        "ContactDecision.objects.create(contact=contact, outcome='nfa',"
        " rationale='The school can meet these needs with its pastoral support',"
        " decided_by=screener, decided_at=timezone.now())\n"
        "print(json.dumps({'contact': contact.pk}))\n"
    )
    return int(json.loads(printed.strip().splitlines()[-1])["contact"])


def _front_door_manager(e2e: E2E) -> str:
    email = e2e.create_user("front.door.manager", role="team_manager")
    e2e.database.shell(
        "from earlyhelp.accounts.models import Membership, Team\n"
        f"Membership.objects.filter(user__email={email!r}).update("
        "team=Team.objects.get(is_front_door=True))\n"
    )
    return email


@covers("frontdoor:consultations", "frontdoor:record_consultation", "frontdoor:consultation")
def test_screener_records_a_consultation_call(e2e: E2E) -> None:
    page = e2e.new_page("screener")
    page.goto("/front-door/consultations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultation line")
    e2e.check(page)

    page.get_by_role("link", name="Record a consultation call").click()
    e2e.check(page)
    page.get_by_label("Child's first name").fill("Zzyzx")
    page.get_by_role("button", name="Search for the child").click()
    expect(page.get_by_text("No child found")).to_be_visible()
    e2e.check(page, "child searched, none found")

    page.get_by_label("Agency (if not listed)").fill("")
    page.get_by_role("button", name="Record the call").click()
    expect(error_summary(page)).to_contain_text("Enter caller's name")
    e2e.check(page, "empty form")

    page.get_by_label("Caller's name").fill("Sam Hughes")
    page.get_by_label("Caller's organisation").select_option(index=1)
    page.get_by_label("Caller's phone number (optional)").fill("01632 960123")
    page.get_by_label("What did the caller ask?").fill(
        "A pupil (Zzyzx Example, year 4) says there is no food at home. Should I refer?"
    )
    page.get_by_label("What advice was given?").fill(
        "Yes: this meets the threshold. Submit a request for support today."
    )
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Follow-up (optional)").fill("The school will submit a request today")
    page.get_by_role("button", name="Record the call").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Consultation call recorded")
    expect(page.get_by_text("The threshold for a referral appeared to be met")).to_be_visible()
    e2e.check(page, "call recorded, threshold met")

    page.get_by_role("link", name="Back to the consultation line").click()
    page.get_by_label("Threshold met").select_option("yes")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("table")).to_contain_text("Sam Hughes")
    e2e.check(page, "filtered by threshold met")


@covers("frontdoor:raise_disagreement", "frontdoor:disagreement", "frontdoor:disagreements")
def test_referrer_disagrees_and_a_front_door_manager_resolves(e2e: E2E) -> None:
    contact = _decided_contact_for_the_dsl(e2e)
    manager = _front_door_manager(e2e)

    dsl = e2e.new_page("dsl")
    dsl.goto(f"/front-door/contacts/{contact}/disagree/")
    expect(dsl.get_by_role("heading", level=1)).to_have_text("Disagree with the decision")
    e2e.check(dsl)
    dsl.get_by_role("button", name="Raise the disagreement").click()
    expect(error_summary(dsl)).to_contain_text("Enter why you disagree with the decision")
    e2e.check(dsl, "empty form")
    dsl.get_by_label("Why do you disagree with the decision?").fill(
        "Pastoral support has been tried for a term; the family needs a family worker."
    )
    dsl.get_by_role("button", name="Raise the disagreement").click()
    expect(dsl.locator(".govuk-notification-banner")).to_contain_text("Disagreement raised")
    disagreement_url = dsl.url
    e2e.check(dsl, "raised")

    screener = e2e.new_page("screener")
    screener.goto("/front-door/disagreements/")
    e2e.check(screener)
    screener.get_by_role("link", name="disagreement raised by").first.click()
    screener.get_by_role("button", name="Add reply").click()
    expect(error_summary(screener)).to_contain_text("Enter your reply")
    e2e.check(screener, "empty reply")
    screener.get_by_label("Your reply").fill("School support is the right response for now.")
    screener.get_by_role("button", name="Add reply").click()
    expect(screener.locator(".moj-timeline")).to_contain_text("School support is the right")
    e2e.check(screener, "replied")

    dsl.goto(disagreement_url)
    dsl.get_by_label("Why are you escalating it?").fill("We still disagree.")
    dsl.get_by_role("button", name="Escalate").click()
    expect(dsl.get_by_text("Stage 2: managers").first).to_be_visible()
    e2e.check(dsl, "escalated to managers")

    page = e2e.new_page(manager)
    page.goto(disagreement_url)
    page.get_by_role("button", name="Record the resolution").click()
    expect(error_summary(page)).to_contain_text("Select whether the decision is upheld or changed")
    e2e.check(page, "empty resolution")
    page.get_by_label("The decision is changed").check()
    page.get_by_label("Resolution").fill("Open early help; a family worker will be allocated.")
    page.get_by_role("button", name="Record the resolution").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("resolved")
    expect(page.get_by_text("Resolved", exact=True)).to_be_visible()
    e2e.check(page, "resolved")
