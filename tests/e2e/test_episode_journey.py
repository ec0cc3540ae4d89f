"""Issue 6's acceptance, end to end in Chromium with axe on every page, as a new user would do it
(links, buttons and the family record's sub-navigation; no typed addresses): from a case
allocated to the demo practitioner, start the early help assessment, let the session expire
half-way, sign in again and find every word; complete and submit it; hold a team around the
family meeting; agree a plan with three actions; print the family copy (and download it as a
PDF); hold a review that re-scores two areas; step the case up to children's social care, then
down again to a new lead practitioner, who closes it with "outcomes met". The chronology shows
every milestone, and the sustainment check comes due on the new lead's caseload."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from earlyhelp.plans.tests.pdf_text import pdf_text, squash

from .conftest import E2E, demo_email
from .coverage import NOT_PAGES
from .test_assessment_pages import _expire_session, _save_and_continue
from .test_plan_and_meeting_pages import _add_action, _arrange, _everyone_attended

pytestmark = pytest.mark.browser

NOT_PAGES["plans:family_copy_pdf"] = (
    "a PDF download, not a page: test_episode_journey downloads it from the family copy, and "
    "earlyhelp/plans/tests/test_family_copy_pdf.py checks its words, audit and access"
)

_SETUP = """
import json
from datetime import date
from django.utils import timezone
from earlyhelp.accounts.models import Team, User
from earlyhelp.episodes import services
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole

practitioner = User.objects.get(email__startswith='practitioner@')
manager = User.objects.get(email__startswith='manager@')
south = User.objects.get(email__startswith='practitioner.south@')
name = 'Journey family ' + timezone.now().strftime('%H%M%S%f')
family = people_services.create_family(actor=None, name=name)
parent = people_services.create_person(
    actor=None, given_name='Kim', family_name='Journey', date_of_birth=date(1991, 3, 4))
child = people_services.create_person(
    actor=None, given_name='Ava', family_name='Journey', date_of_birth=date(2017, 6, 7))
people_services.add_family_member(actor=None, family=family, person=parent, role=FamilyRole.PARENT)
people_services.add_family_member(actor=None, family=family, person=child, role=FamilyRole.CHILD)
episode = services.open_episode(actor=None, family=family)
services.allocate(actor=manager, episode=episode, team=Team.objects.get(name='Early Help North'),
                  lead_practitioner=practitioner, note='Allocation meeting')
print(json.dumps({
    'family': family.pk, 'name': name, 'parent': parent.full_name, 'child': child.full_name,
    'south': f'{south.full_name} ({south.email})' if south.full_name else south.email,
    'south_name': south.full_name or south.email, 'south_email': south.email,
}))
"""

# The periodic job, run as it would be on the day the check falls due.
_SUSTAINMENT_JOB = """
from django.utils import timezone
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.episodes import services
months = CouncilConfiguration.current().sustainment_check_months
print(services.create_sustainment_tasks(today=services.add_months(timezone.localdate(), months)))
"""

WHY = "Kim asked the school for help: Ava has stopped sleeping since her dad left."
MORE = " Ava has missed nine days of school this term."
WHO = "Kim, Ava's class teacher and the school nurse, at a home visit."
AREAS = (
    ("Child's developmental needs", "4"),
    ("Parenting capacity", "6"),
    ("Family and environmental factors", "5"),
)


def _tab(page: Page, name: str) -> None:
    """Follow a tab of the family record's sub-navigation; it is then the current one."""
    page.get_by_role("navigation", name="Family record").get_by_role(
        "link", name=name, exact=True
    ).click()
    page.wait_for_load_state()
    expect(
        page.get_by_role("navigation", name="Family record").locator("[aria-current=page]")
    ).to_have_text(name)


def _banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


def _status_tag(page: Page) -> Locator:
    return page.get_by_role("heading", name=re.compile("Early help episode")).locator(".govuk-tag")


def test_from_allocation_to_closure_with_outcomes_met(e2e: E2E) -> None:
    case = json.loads(e2e.database.shell(_SETUP).strip().splitlines()[-1])
    name, parent, child = str(case["name"]), str(case["parent"]), str(case["child"])
    today = date.today()
    email = demo_email("practitioner")
    page = e2e.new_page()
    e2e.sign_in(page, email)

    # The allocated case, from the practitioner's caseload.
    page.get_by_role("link", name="My caseload").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    e2e.check(page)
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(_status_tag(page)).to_contain_text("Open")
    e2e.check(page, "allocated")

    # --- The assessment: started, the session ends half-way, every word is still there. ---
    _tab(page, "Assessment")
    expect(page.get_by_role("heading", level=1)).to_have_text("Early help assessments")
    e2e.check(page, "none yet")
    page.get_by_role("button", name="Start an early help assessment").click()
    expect(page.get_by_text("10 working days left")).to_be_visible()
    e2e.check(page, "started")
    page.get_by_role("link", name="Why we are assessing").click()
    e2e.check(page)
    why = page.get_by_label("Why is the family being assessed?")
    why.fill(WHY)
    expect(page.get_by_role("status")).to_contain_text("Saved at", timeout=10_000)

    _expire_session(e2e, page)
    why.press("End")
    why.press_sequentially(MORE)
    page.get_by_label("Who contributed to this assessment?").fill(WHO)
    expect(page.get_by_role("status")).to_contain_text("You have been signed out", timeout=10_000)
    e2e.check(page, "session ended while typing")
    _save_and_continue(page)
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    e2e.check(page, "sign in again")
    e2e.sign_in(page, email)
    # What was sent after the session ended was kept and saved once signed in again.
    expect(page.get_by_role("heading", level=1)).to_have_text(AREAS[0][0])
    e2e.check(page, "carried on after signing in")
    page.get_by_role("link", name="Assessment overview").click()
    page.get_by_role("link", name="Why we are assessing").click()
    page.evaluate("() => window.localStorage.clear()")  # only the server's copy from here on
    page.reload()
    expect(page.get_by_label("Why is the family being assessed?")).to_have_value(WHY + MORE)
    expect(page.get_by_label("Who contributed to this assessment?")).to_have_value(WHO)
    e2e.check(page, "every word after signing in")
    _save_and_continue(page)

    # The three areas, with the keyboard: Space chooses the score, Enter saves.
    for title, score in AREAS:
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        page.get_by_label("Strengths").fill(f"Strengths: {title}")
        page.get_by_label("Needs", exact=True).fill(f"Needs: {title}")
        page.get_by_label(score, exact=True).focus()
        page.keyboard.press("Space")
        expect(page.get_by_label(score, exact=True)).to_be_checked()
        e2e.check(page, title)
        page.get_by_role("button", name="Save and continue").focus()
        page.keyboard.press("Enter")
        page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("The voice of the child")
    page.get_by_label(f"Wishes and feelings ({child})").fill("Wants her mum to be less tired.")
    page.get_by_label(f"How and when were they heard? ({child})").fill("At school, Monday.")
    e2e.check(page)
    _save_and_continue(page)
    for title, label, text in (
        ("Parents' and carers' views", "What do the parents and carers think?", "Kim wants help."),
        ("Family network", "Who in the wider family and community can help?", "Nan, weekly."),
        ("Professionals involved", "Which professionals are involved with the family?", "GP"),
        ("Analysis", "What does this mean for the children?", "Sleep and school first."),
    ):
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        page.get_by_label(label).fill(text)
        e2e.check(page)
        _save_and_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision")
    page.get_by_label("Early help with a family plan").check()
    page.get_by_label("Reasons for the decision").fill("Kim agrees to a plan.")
    e2e.check(page)
    _save_and_continue(page)
    page.get_by_role("button", name="Check and submit").click()
    e2e.check(page)
    page.get_by_role("button", name="Submit the assessment").click()
    expect(_banner(page)).to_contain_text("Assessment submitted")
    expect(page.get_by_text("4 out of 10")).to_be_visible()
    e2e.check(page, "submitted")

    # --- A team around the family meeting. ---
    _tab(page, "Meetings")
    e2e.check(page)
    _arrange(page, "Team around the family meeting", today, parent)
    e2e.check(page, "arranged")
    _everyone_attended(page)
    page.get_by_label("Minutes").fill("We met at home and talked about bedtimes and school.")
    page.get_by_label("Decisions").fill("Agree a plan with three actions.")
    page.get_by_role("button", name="Record meeting").click()
    expect(_banner(page)).to_contain_text("recorded")
    e2e.check(page, "held")

    # --- The plan: one need, three actions, agreed with the family. ---
    _tab(page, "Plan")
    e2e.check(page, "no plan yet")
    page.get_by_label("What are we worried about?").fill("Ava is too tired to learn")
    page.get_by_label("What do we want to be different?").fill("Ava sleeps and goes to school")
    page.get_by_role("button", name="Add need").click()
    expect(_banner(page)).to_contain_text("Need added")
    e2e.check(page, "one need")
    actions = ("Riverside Primary School", "Sleep clinic", "Citizens Advice")
    for number, agency in enumerate(actions, start=1):
        _add_action(page, f"Step {number} of the plan", agency, today + timedelta(weeks=number + 1))
    expect(page.get_by_role("link", name="Change action:")).to_have_count(3)
    e2e.check(page, "three actions")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Who in the family agreed it").fill(parent)
    page.get_by_role("button", name="Agree this version").click()
    expect(_banner(page)).to_contain_text("Version 1 of the plan agreed")
    e2e.check(page, "agreed")

    # The family copy prints cleanly: only the plan, nothing wider than the page.
    page.get_by_role("link", name="Family copy to print").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our family plan")
    expect(
        page.get_by_role("navigation", name="Family record").locator("[aria-current=page]")
    ).to_have_text("Plan")
    e2e.check(page)
    page.emulate_media(media="print")
    for element in (
        *page.get_by_role("navigation").all(),
        *page.get_by_role("banner").all(),
        *page.get_by_role("contentinfo").all(),
        *page.get_by_role("button").all(),
        *page.locator(".govuk-header, .govuk-footer, .govuk-service-navigation").all(),
    ):
        expect(element).to_be_hidden()
    expect(page.get_by_role("link", name="Download as PDF")).to_be_hidden()
    expect(page.get_by_role("heading", name="Who will do what, by when")).to_be_visible()
    for agency in actions:
        expect(page.get_by_text(agency)).to_be_visible()
    too_wide = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > width + 1)
                .map((e) => e.outerHTML.slice(0, 80));
        }"""
    )
    assert not too_wide, f"wider than the printed page: {too_wide}"
    e2e.check(page, "as printed")
    printed = page.pdf(format="A4")
    page.emulate_media(media="screen")
    printed_text = squash(pdf_text(printed))
    for words in ("Our family plan", "Ava is too tired to learn", *actions, "Step 3 of the plan"):
        assert squash(words) in printed_text, words
    for words in ("Download as PDF", "Back to the plan", "Meetings"):
        assert squash(words) not in printed_text, f"{words!r} is printed"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    download = download_info.value
    downloaded = Path(download.path()).read_bytes()
    assert downloaded.startswith(b"%PDF")
    downloaded_text = squash(pdf_text(downloaded))
    assert squash(f"This is the plan we made together for {name}.") in downloaded_text
    assert squash("Riverside Primary School: Step 1 of the plan.") in downloaded_text
    page.get_by_role("link", name="Back to the plan").click()

    # --- A review re-scores two areas: distance travelled. ---
    _tab(page, "Meetings")
    _arrange(page, "Review", today, parent)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    e2e.check(page, "review arranged")
    _everyone_attended(page)
    page.get_by_label("Minutes").fill("Bedtimes are calmer. Ava has missed no school.")
    page.get_by_label("Status: Step 1 of the plan").select_option("done")
    page.get_by_label(f"Score for {AREAS[0][0]}").select_option("7")
    page.get_by_label(f"Score for {AREAS[1][0]}").select_option("8")
    page.get_by_role("button", name="Record meeting").click()
    expect(_banner(page)).to_contain_text("Review recorded")
    e2e.check(page, "review held")
    page.get_by_role("link", name="Meetings", exact=True).first.click()
    page.get_by_role("link", name="Distance travelled").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Distance travelled")
    for (area, before), after, change in zip(AREAS[:2], ("7", "8"), ("up 3", "up 2"), strict=True):
        table = page.locator("table", has=page.locator("caption", has_text=area))
        expect(table.locator("caption")).to_contain_text(change)
        expect(table).to_contain_text(f"{before} out of 10")
        expect(table).to_contain_text(f"{after} out of 10")
    e2e.check(page)

    # --- Step up to children's social care, then down to a new lead practitioner. ---
    _tab(page, "Episode")
    page.get_by_role("link", name="Step up to children's social care").click()
    e2e.check(page)
    page.get_by_label("Who decided").fill("Mo Manager, team manager")
    page.get_by_label("Why the family is stepping up").fill("A bruise seen at school")
    page.get_by_label("Social worker's name and team (if not listed)").fill(
        "Jo Social, Children's Social Care"
    )
    page.get_by_role("button", name="Step up").click()
    expect(_banner(page)).to_contain_text("stepped up")
    expect(_status_tag(page)).to_contain_text("Stepped up")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Jo Social")
    e2e.check(page, "stepped up")
    page.get_by_role("link", name="Step down to early help").click()
    e2e.check(page)
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        page.locator(f"[name=handover_meeting_on-{part}]").fill(str(value))
    page.get_by_label("Receiving lead practitioner").select_option(label=str(case["south"]))
    page.get_by_label("Yes").check()
    page.get_by_label("Why the family is stepping down").fill("Section 47: no further action")
    page.get_by_role("button", name="Step down").click()
    expect(_banner(page)).to_contain_text("stepped down")
    expect(_status_tag(page)).to_contain_text("Open")
    expect(page.locator(".govuk-summary-list")).to_contain_text(str(case["south_name"]))
    e2e.check(page, "stepped down")

    # --- The new lead closes it with "outcomes met". ---
    lead = e2e.new_page(str(case["south_email"]))
    lead.goto("/")
    lead.get_by_role("link", name="My caseload").first.click()
    lead.get_by_role("link", name=name).click()
    lead.get_by_role("link", name="Close the episode").click()
    e2e.check(lead)
    lead.get_by_label("Outcomes met").check()
    lead.get_by_role("button", name="Close the episode").click()
    expect(_banner(lead)).to_contain_text("The episode is closed")
    expect(_status_tag(lead)).to_contain_text("Closed")
    expect(lead.locator(".govuk-summary-list")).to_contain_text("Outcomes met")
    e2e.check(lead, "closed")

    # The chronology has every milestone, newest first.
    _tab(lead, "Chronology")
    timeline = lead.locator(".moj-timeline")
    for milestone in (
        "Early help assessment started",
        "Early help assessment submitted",
        "meeting held on",
        "Family plan version 1 agreed with the family: 1 need, 3 actions",
        "Review held",
        "Stepped up to children's social care",
        "Stepped down to early help",
        "Episode closed: Outcomes met",
    ):
        expect(timeline).to_contain_text(milestone)
    e2e.check(lead)

    # Months later the periodic job gives the former lead the sustainment check.
    e2e.database.shell(_SUSTAINMENT_JOB)
    lead.get_by_role("link", name="My caseload").first.click()
    task = lead.get_by_role("table", name="Follow-up tasks").get_by_role("row", name=name)
    expect(task).to_contain_text("Sustainment check")
    e2e.check(lead, "sustainment check due")
