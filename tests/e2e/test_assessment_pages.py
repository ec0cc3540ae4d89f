"""The early help assessment in a real browser, checked with axe in every state. The lead
practitioner of an allocated case starts the assessment, types, the session expires half-way
(the server forgets it), keeps typing and saves: after signing in again every word is back
and saved. Someone else's save to the same section is shown as a conflict to choose from.
The assessment is completed, submitted, agreed with the family, signed off by the team's
manager and printed."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import E2E, demo_email, error_summary
from .coverage import NOT_PAGES, covers

pytestmark = pytest.mark.browser

NOT_PAGES["assessments:autosave"] = (
    "JSON for autosave (POST only); test_assessment_pages types into a section and waits for "
    "its 'Saved at' status, and the 409 and 404 answers are tested in earlyhelp/assessments"
)

_ALLOCATED_CASE = """
import json
from django.db.models import Count, Exists, OuterRef, Q
from earlyhelp.accounts.models import Team, User
from earlyhelp.episodes.models import Episode
from earlyhelp.episodes.services import allocate, open_episode
from earlyhelp.people.models import Family
practitioner = User.objects.get(email__startswith='practitioner@')
manager = User.objects.get(email__startswith='manager@')
family = (
    Family.objects.annotate(
        children=Count('members', filter=Q(members__role='child', members__left_on__isnull=True))
    )
    .filter(children__gte=1)
    .exclude(Exists(Episode.objects.filter(family=OuterRef('pk'))))
    .order_by('-pk')
    .first()
)
episode = open_episode(actor=None, family=family)
allocate(actor=manager, episode=episode, team=Team.objects.get(name='Early Help North'),
         lead_practitioner=practitioner, note='Browser test')
children = [str(m.person) for m in family.members.filter(role='child', left_on__isnull=True)]
print(json.dumps({'family': family.pk, 'name': family.name, 'children': children}))
"""

_SAVE_AS_MANAGER = """
from earlyhelp.accounts.models import User
from earlyhelp.assessments import services
from earlyhelp.assessments.models import Assessment
assessment = Assessment.objects.get(pk=PK)
services.save_section(actor=User.objects.get(email__startswith='manager@'),
    assessment=assessment, section_key='parents_views',
    answers={'parents_views': "The manager's note of what dad said."},
    base_version=assessment.version_of('parents_views'))
"""

FIRST = "Mum asked the school for help after Ava stopped sleeping."
SECOND = " Since September she has missed eleven days of school."
CONTRIBUTORS = "Mum, Ava's class teacher and the school nurse, at a home visit."


def _allocated_case(e2e: E2E) -> dict[str, object]:
    printed = e2e.database.shell(_ALLOCATED_CASE)
    return json.loads(printed.strip().splitlines()[-1])


def _save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()


def _expire_session(e2e: E2E, page: Page) -> None:
    """End the session on the server, as the idle timeout does; the browser does not know."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    e2e.database.shell(
        "from django.contrib.sessions.models import Session\n"
        f"Session.objects.filter(session_key={cookie['value']!r}).delete()\n"
    )


@covers(
    "assessments:family",
    "assessments:assessment",
    "assessments:section",
    "assessments:submit",
    "assessments:agreement",
    "assessments:print",
    "assessments:sign_off",
)
def test_assessment_survives_an_expired_session_and_is_submitted(e2e: E2E) -> None:
    case = _allocated_case(e2e)
    email = demo_email("practitioner")
    page = e2e.new_page()
    e2e.sign_in(page, email)

    page.goto(f"/families/{case['family']}/assessment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Early help assessments")
    e2e.check(page)
    page.get_by_role("button", name="Start an early help assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Early Help Assessment")
    expect(page.get_by_text("10 working days left")).to_be_visible()
    e2e.check(page, "started")
    overview = page.url
    pk = int(re.search(r"/assessments/(\d+)/", overview).group(1))

    page.get_by_role("link", name="Why we are assessing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Why we are assessing")
    e2e.check(page)
    reason = page.get_by_label("Why is the family being assessed?")
    reason.fill(FIRST)
    status = page.get_by_role("status")
    expect(status).to_contain_text("Saved at", timeout=10_000)
    e2e.check(page, "autosaved")

    # Half-way, the session ends. Typing carries on; the autosave finds the session gone.
    _expire_session(e2e, page)
    reason.press("End")
    reason.press_sequentially(SECOND)
    page.get_by_label("Who contributed to this assessment?").fill(CONTRIBUTORS)
    expect(status).to_contain_text("You have been signed out", timeout=10_000)
    e2e.check(page, "session ended while typing")
    _save_and_continue(page)
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    e2e.check(page, "sign in after the session ended")

    e2e.sign_in(page, email)
    # The "Save and continue" sent after the session ended was kept: signing in again saved
    # it, as the same person, and carried on to the next section.
    expect(page).to_have_url(re.compile(rf"/assessments/{pk}/development/$"))
    expect(page.get_by_text("We kept what you had typed")).to_be_visible()
    e2e.check(page, "saved after signing in again")
    page.goto(f"/assessments/{pk}/about/")
    expect(page.get_by_label("Why is the family being assessed?")).to_have_value(FIRST + SECOND)
    expect(page.get_by_label("Who contributed to this assessment?")).to_have_value(CONTRIBUTORS)
    e2e.check(page, "every word there after signing in")
    # The server has every word: a fresh load with no local copy shows them.
    page.evaluate("() => window.localStorage.clear()")
    page.reload()
    expect(page.get_by_label("Why is the family being assessed?")).to_have_value(FIRST + SECOND)
    _save_and_continue(page)

    # The three areas of the triangle.
    for title, score in (
        ("Child's developmental needs", "4"),
        ("Parenting capacity", "6"),
        ("Family and environmental factors", "5"),
    ):
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        page.get_by_label("Strengths").fill(f"Strengths: {title}")
        page.get_by_label("Needs", exact=True).fill(f"Needs: {title}")
        page.get_by_label(score, exact=True).check()
        e2e.check(page, title)
        _save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("The voice of the child")
    for child in case["children"]:
        page.get_by_label(f"Wishes and feelings ({child})").fill("Wants mum to be less tired.")
        page.get_by_label(f"How and when were they heard? ({child})").fill("At school, Monday.")
    e2e.check(page, "each child")
    _save_and_continue(page)

    # Someone else saves the parents' views while this page is open: a conflict, not a loss.
    expect(page.get_by_role("heading", level=1)).to_have_text("Parents' and carers' views")
    e2e.database.shell(_SAVE_AS_MANAGER.replace("PK", str(pk)))
    page.get_by_label("What do the parents and carers think?").fill("Mum wants help with sleep.")
    _save_and_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Someone else changed this section")
    expect(page.get_by_text("The manager's note of what dad said.")).to_be_visible()
    expect(page.get_by_text("Mum wants help with sleep.")).to_be_visible()
    e2e.check(page, "conflict")
    page.get_by_label("Keep your version").check()
    page.get_by_role("button", name="Save my choices").click()

    for title, label, text in (
        ("Family network", "Who in the wider family and community can help?", "Nan, weekly."),
        ("Professionals involved", "Which professionals are involved with the family?", "GP"),
        ("Analysis", "What does this mean for the children?", "Sleep and attendance first."),
    ):
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        page.get_by_label(label).fill(text)
        _save_and_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision")
    page.get_by_label("Early help with a family plan").check()
    page.get_by_label("Reasons for the decision").fill("The family agree to a plan.")
    e2e.check(page)
    _save_and_continue(page)

    expect(page).to_have_url(overview)
    page.get_by_role("button", name="Check and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit the assessment")
    e2e.check(page)
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Assessment submitted")
    expect(page.get_by_text("4 out of 10")).to_be_visible()
    e2e.check(page, "submitted")

    page.get_by_role("link", name="Record family agreement").click()
    page.get_by_role("button", name="Save").click()
    expect(error_summary(page)).to_be_visible()
    e2e.check(page, "agreement errors")
    page.get_by_label("Who in the family agreed the assessment?").fill("Kim (mum)")
    page.get_by_label("In person").check()
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Family agreement recorded")

    page.get_by_role("link", name="Print or save as PDF").click()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    expect(page.get_by_text(FIRST + SECOND)).to_be_visible()
    expect(page.get_by_text("Kim (mum)")).to_be_visible()
    expect(page.locator(".govuk-service-navigation")).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    page.emulate_media(media="screen")
    e2e.check(page, "print view")

    manager = e2e.new_page("manager")
    manager.goto(f"/assessments/{pk}/sign-off/")
    expect(manager.get_by_role("heading", level=1)).to_have_text("Sign off the assessment")
    e2e.check(manager)
    manager.get_by_label("Yes, sign it off").check()
    manager.get_by_role("button", name="Save decision").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text("signed off")
    e2e.check(manager, "signed off")
