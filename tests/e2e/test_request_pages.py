"""Requests for support in a real browser, checked with axe in every state: the demo school's
designated safeguarding lead asks for help for two siblings (leaving and coming back to the draft
on the way), a family asks for help on the public form, and a screener records a phone call."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import E2E, error_summary
from .coverage import NOT_PAGES, covers

pytestmark = pytest.mark.browser

NOT_PAGES["frontdoor:attachment"] = (
    "a file download, not a page; test_dsl_requests_support_for_two_siblings downloads one"
)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _siblings(e2e: E2E) -> list[dict[str, str]]:
    """Two children of one demo family, preferring pupils the demo DSL may open, in a family
    with no live episode (a request for a family already worked with joins its episode)."""
    printed = e2e.database.shell(
        "import json\n"
        "from collections import defaultdict\n"
        "from earlyhelp.accounts.models import User\n"
        "from earlyhelp.people.access import people\n"
        "from earlyhelp.people.models import FamilyMember\n"
        "dsl = User.objects.get(email='dsl@demo.kingsbridge.example')\n"
        "visible = set(people.visible_to(dsl).values_list('pk', flat=True))\n"
        "families = defaultdict(list)\n"
        "for m in FamilyMember.objects.filter(role='child', left_on__isnull=True,"
        " person__date_of_birth__isnull=False).select_related('person')"
        ".order_by('family_id', 'person__date_of_birth')[:5000]:\n"
        "    families[m.family_id].append(m.person)\n"
        "from earlyhelp.episodes.models import Episode\n"
        "live = set(Episode.objects.exclude(status='closed').values_list('family_id', flat=True))\n"
        "pairs = [(f, kids[:2]) for f, kids in families.items() if len(kids) >= 2]\n"
        "pairs.sort(key=lambda p: (-sum(k.pk in visible for k in p[1]), p[0] in live))\n"
        "print(json.dumps([{'given': k.given_name, 'family': k.family_name} for k in pairs[0][1]]))\n"
    )
    return json.loads(printed.strip().splitlines()[-1])


def _add_child(page: Page, e2e: E2E, child: dict[str, str]) -> None:
    page.get_by_label("First name").fill(child["given"])
    page.get_by_label("Last name").fill(child["family"])
    page.get_by_role("button", name="Search").click()
    e2e.check(page, f"search results for {child['given']}")
    name = f"{child['given']} {child['family']}"
    add = page.get_by_role("button", name=f"Add {name}")
    if add.count():
        add.first.click()
    else:
        page.get_by_role("button", name=f"Name {name} on the request").first.click()
    expect(page.locator(".govuk-summary-list")).to_contain_text(name)


@covers(
    "frontdoor:requests",
    "frontdoor:request_start",
    "frontdoor:request_step",
    "frontdoor:request_attachment",
    "frontdoor:request_check",
    "frontdoor:request_submitted",
    "frontdoor:request",
)
def test_dsl_requests_support_for_two_siblings(e2e: E2E) -> None:
    amy, ben = _siblings(e2e)
    page = e2e.new_page("dsl")
    page.goto("/requests/")
    e2e.check(page)
    page.get_by_role("link", name="Make a request for support").click()
    e2e.check(page)
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    expect(page.get_by_label("Contact source")).to_have_value("2A")
    e2e.check(page)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Which children is this request about?"
    )
    e2e.check(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(error_summary(page)).to_contain_text("Add at least one child")
    e2e.check(page, "no child yet")
    _add_child(page, e2e, amy)
    e2e.check(page, "one child added")

    # Leave, and come back to the draft from the list: the child is still there.
    page.goto("/requests/")
    e2e.check(page, "with a draft")
    page.get_by_role("link", name=re.compile("^Continue")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    expect(page.locator("#answer-children")).to_contain_text(amy["given"])
    e2e.check(page, "draft restored")
    page.get_by_role("link", name="Change children").click()
    _add_child(page, e2e, ben)
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/check/$"))
    expect(page.locator("#answer-children")).to_contain_text(ben["given"])
    page.get_by_role("link", name="Change adults").click()
    e2e.check(page)
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Change worries").click()
    page.get_by_role("button", name="Save and continue").click()
    expect(error_summary(page)).to_contain_text("Select what you are worried about")
    e2e.check(page, "nothing chosen")
    page.get_by_label("Neglect").check()
    page.get_by_label("Mental health: a parent or carer").check()
    page.get_by_label("Tell us more about what you are worried about").fill(
        "Both children often arrive hungry; mum is unwell."
    )
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Change what has been tried").click()
    e2e.check(page)
    page.get_by_label("What has been tried already?").fill("Breakfast club since September.")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Change whether the family agrees").click()
    e2e.check(page)
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot send this request yet")
    e2e.check(page, "no consent")
    page.get_by_role("link", name="change your answer").click()
    page.get_by_label("Yes, the family knows and agrees").check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Change urgency").click()
    e2e.check(page)
    page.get_by_label("Within a few days").check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Change files").click()
    e2e.check(page)
    page.get_by_role("button", name="Upload file").click()
    expect(error_summary(page)).to_contain_text("Select a file to upload")
    e2e.check(page, "no file chosen")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("letter.pdf")
    e2e.check(page, "one file")
    with page.expect_download() as download:
        page.get_by_role("link", name="letter.pdf").click()
    assert download.value.suggested_filename == "letter.pdf"
    page.get_by_role("link", name="Continue").click()

    e2e.check(page, "complete")
    page.get_by_role("button", name="Send request").click()
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Request sent")
    reference = re.search(r"FD-\d{4}-\d{6}", panel.inner_text())
    assert reference, panel.inner_text()
    e2e.check(page)
    page.get_by_role("link", name="the request's page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(reference.group(0))
    e2e.check(page)


@covers("frontdoor:help", "frontdoor:self_request", "frontdoor:self_request_sent")
def test_a_family_asks_for_help(e2e: E2E) -> None:
    page = e2e.new_page()
    page.goto("/help/")
    e2e.check(page)
    page.get_by_role("link", name="Start now").click()
    e2e.check(page)
    page.get_by_role("button", name="Send").click()
    expect(error_summary(page)).to_contain_text("Enter your name")
    e2e.check(page, "empty form")
    page.get_by_label("Your name").fill("Jo Example")
    page.get_by_label("Who are you to the children?").fill("Mum")
    page.locator("[name='child_1_given_name']").fill("Amy")
    page.locator("[name='child_1_family_name']").fill("Example")
    page.locator("[name='child_1_date_of_birth-day']").fill("1")
    page.locator("[name='child_1_date_of_birth-month']").fill("5")
    page.locator("[name='child_1_date_of_birth-year']").fill("2016")
    page.get_by_label("What help would you like?").fill("Help with bedtimes and school mornings")
    page.get_by_label("Phone number (optional)").fill("07700 900123")
    page.get_by_label("Phone call").check()
    page.get_by_label("Yes", exact=True).check()
    page.wait_for_timeout(5500)  # a person takes longer than the minimum time to fill
    page.get_by_role("button", name="Send").click()
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("We have your request")
    expect(panel).to_contain_text(re.compile(r"FD-\d{4}-\d{6}"))
    e2e.check(page)


@covers("frontdoor:record_contact")
def test_a_screener_records_a_phone_call(e2e: E2E) -> None:
    amy, _ben = _siblings(e2e)
    page = e2e.new_page("screener")
    page.goto("/front-door/record-contact/")
    e2e.check(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(error_summary(page)).to_be_visible()
    e2e.check(page, "empty form")
    page.get_by_label("Phone call").check()
    page.get_by_label("Caller's name").fill("Dr Example")
    page.get_by_label("Caller's organisation or relationship to the child").fill("GP surgery")
    page.get_by_label("Caller's phone number").fill("01632 960111")
    page.get_by_label("Contact source").select_option("3A")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Which children is this request about?"
    )
    _add_child(page, e2e, amy)
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save and continue").click()  # no adults
    page.get_by_label("Neglect").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("What has been tried already?").fill("Nothing yet.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("No: this is a safeguarding concern, so consent is not needed").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Today: a child may be at risk now").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="Continue").click()
    expect(page.locator("#answer-you")).to_contain_text("Dr Example")
    e2e.check(page, "phone contact")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Request sent")
