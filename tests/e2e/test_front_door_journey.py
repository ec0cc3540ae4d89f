"""Issue 5's acceptance, end to end in Chromium with axe on every page: a school's designated
safeguarding lead asks for support for two siblings through the form; a screener sees who is
already involved, rates the request amber then green with reasons and opens early help; a manager
allocates a lead practitioner; the school sees the outcome on its request."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import E2E
from .test_front_door_pages import _rate
from .test_request_pages import _add_child, _siblings

pytestmark = pytest.mark.browser


def test_request_screen_decide_allocate_and_the_referrer_sees_the_outcome(e2e: E2E) -> None:
    amy, ben = _siblings(e2e)

    # The school's safeguarding lead asks for support, one question a page.
    school = e2e.new_page("dsl")
    school.goto("/")
    school.get_by_role("link", name="Requests for support").click()
    school.get_by_role("link", name="Make a request for support").click()
    school.get_by_role("button", name="Start now").click()
    e2e.check(school, "about you")
    school.get_by_role("button", name="Save and continue").click()
    _add_child(school, e2e, amy)
    _add_child(school, e2e, ben)
    e2e.check(school, "two children")
    school.get_by_role("button", name="Save and continue").click()
    e2e.check(school, "adults")
    school.get_by_role("button", name="Save and continue").click()
    e2e.check(school, "worries")
    school.get_by_label("Neglect").check()
    school.get_by_label("Tell us more about what you are worried about").fill(
        "Both children often arrive hungry and tired."
    )
    school.get_by_role("button", name="Save and continue").click()
    e2e.check(school, "what has been tried")
    school.get_by_label("What has been tried already?").fill("Breakfast club since September.")
    school.get_by_role("button", name="Save and continue").click()
    e2e.check(school, "consent")
    school.get_by_label("Yes, the family knows and agrees").check()
    school.get_by_role("button", name="Save and continue").click()
    e2e.check(school, "urgency")
    school.get_by_label("Within a few days").check()
    school.get_by_role("button", name="Save and continue").click()
    while "Check your answers" not in school.get_by_role("heading", level=1).inner_text():
        e2e.check(school, "optional step")
        school.get_by_role("link", name="Continue").or_(
            school.get_by_role("button", name="Save and continue")
        ).first.click()
    e2e.check(school, "check answers")
    school.get_by_role("button", name="Send request").click()
    reference_match = re.search(r"FD-\d{4}-\d{6}", school.locator(".govuk-panel").inner_text())
    assert reference_match
    reference = reference_match.group(0)
    e2e.check(school, "sent")

    # The screener: existing involvement first, amber then green, open early help.
    screener = e2e.new_page("screener")
    screener.goto("/front-door/")
    screener.get_by_role("link", name=reference).click()
    expect(screener.get_by_role("heading", name="Existing involvement")).to_be_visible()
    for child in (amy, ben):
        name = f"{child['given']} {child['family']}"
        expect(screener.locator(".govuk-summary-card__title", has_text=name)).to_be_visible()
    e2e.check(screener, "contact with involvement panel")
    _rate(screener, "Amber", "Waiting to hear from the health visitor")
    e2e.check(screener, "amber")
    _rate(screener, "Green", "Health visitor confirms needs are early help")
    e2e.check(screener, "green")
    screener.get_by_role("link", name="Decide").click()
    screener.get_by_label("Open early help").check()
    screener.get_by_label("Why this decision").fill("Needs across food, sleep and school")
    screener.get_by_role("button", name="Save decision").click()
    expect(screener.locator(".govuk-notification-banner")).to_contain_text(
        "The referrer has been told"
    )
    e2e.check(screener, "decided")

    # The manager allocates a lead practitioner from the allocation queue.
    manager = e2e.new_page("manager")
    manager.goto("/allocation/")
    e2e.check(manager, "allocation queue")
    manager.get_by_role("link", name=re.compile(amy["family"])).first.click()
    manager.get_by_label("Early Help North").check()
    manager.get_by_role("button", name="Continue").click()
    lead = manager.get_by_label("Lead practitioner")
    lead.select_option(index=1)
    manager.get_by_label("Why this team and practitioner").fill("Allocation meeting")
    manager.get_by_role("button", name="Allocate").click()
    expect(manager.locator(".govuk-notification-banner")).to_be_visible()
    e2e.check(manager, "allocated")

    # The school sees the outcome on its request.
    school.goto("/requests/")
    school.get_by_role("link", name=reference).click()
    expect(school.get_by_role("heading", name="Outcome")).to_be_visible()
    expect(school.locator("main")).to_contain_text("Open early help")
    e2e.check(school, "outcome")
