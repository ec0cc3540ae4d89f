"""The episode pages in a real browser, checked with axe in every state: from a family allocated
to the demo practitioner, set a child's level of need, add the health visitor to the team around
the family, record a significant case note and an engagement attempt, step the family up to
children's social care and down again to a new lead practitioner, and close with "outcomes met".
The team manager sees the team caseload and writes a supervision note."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import E2E, error_summary
from .coverage import NOT_PAGES, covers

pytestmark = pytest.mark.browser

NOT_PAGES.update(
    {
        "episodes:remove_team_member": (
            "POST only; test_episode_journey presses Remove on the episode page"
        ),
    }
)

_SETUP = """
import json
from django.utils import timezone
from earlyhelp.accounts.models import Team, User
from earlyhelp.episodes import services
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole

def label(user):
    return f'{user.full_name} ({user.email})' if user.full_name else user.email

practitioner = User.objects.get(email__startswith='practitioner@')
manager = User.objects.get(email__startswith='manager@')
nurse = User.objects.get(email__startswith='health.visitor@')
south = User.objects.get(email__startswith='practitioner.south@')
team = Team.objects.get(name='Early Help North')
name = 'E2E Episode family ' + timezone.now().strftime('%H%M%S%f')
family = people_services.create_family(actor=None, name=name)
child = people_services.create_person(actor=None, given_name='Maya', family_name='Episode')
people_services.add_family_member(actor=None, family=family, person=child, role=FamilyRole.CHILD)
episode = services.open_episode(actor=None, family=family)
services.allocate(actor=manager, episode=episode, team=team, lead_practitioner=practitioner,
                  note='Allocation meeting')
print(json.dumps({'family': family.pk, 'name': name, 'child': child.full_name,
                  'nurse': label(nurse), 'south': label(south),
                  'south_name': south.full_name or south.email}))
"""


def _allocated_family(e2e: E2E) -> dict[str, object]:
    printed = e2e.database.shell(_SETUP)
    return json.loads(printed.strip().splitlines()[-1])


def _date(page: Page, name: str, day: str, month: str, year: str) -> None:
    page.locator(f"[name={name}-day]").fill(day)
    page.locator(f"[name={name}-month]").fill(month)
    page.locator(f"[name={name}-year]").fill(year)


def _banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


@covers(
    "episodes:my_caseload",
    "episodes:family_episode",
    "episodes:child_level",
    "episodes:add_team_member",
    "episodes:notes",
    "episodes:engagement",
    "episodes:chronology",
    "episodes:change_lead",
    "episodes:step_up",
    "episodes:step_down",
    "episodes:close",
)
def test_episode_journey(e2e: E2E) -> None:
    family = _allocated_family(e2e)
    name = str(family["name"])
    page = e2e.new_page("practitioner")
    page.goto("/")
    page.get_by_role("link", name="My caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    e2e.check(page)
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("navigation", name="Family record")).to_be_visible()
    e2e.check(page)

    # A child's level of need.
    page.get_by_role("link", name=f"Change level for {family['child']}").click()
    page.get_by_role("button", name="Save level of need").click()
    expect(error_summary(page)).to_contain_text("Select level of need")
    e2e.check(page, "no level chosen")
    page.get_by_label("Level 3", exact=False).first.check()
    page.get_by_label("Why").fill("Needs across school, health and home")
    page.get_by_role("button", name="Save level of need").click()
    expect(_banner(page)).to_contain_text("level of need is recorded")
    e2e.check(page, "level set")

    # The team around the family.
    page.get_by_role("link", name="Add someone to the team").click()
    page.get_by_role("button", name="Add to the team").click()
    expect(error_summary(page)).to_be_visible()
    e2e.check(page, "nobody chosen")
    page.get_by_label("Practitioner").select_option(label=str(family["nurse"]))
    page.get_by_label("Their role for the family").fill("Health visitor")
    page.get_by_role("button", name="Add to the team").click()
    expect(_banner(page)).to_contain_text("joined the team around the family")
    expect(page.get_by_role("cell", name="Health visitor", exact=True)).to_be_visible()
    e2e.check(page, "with a team around the family")

    # A significant case note goes on the chronology; an engagement attempt.
    page.get_by_role("link", name="Case notes").click()
    e2e.check(page)
    page.get_by_role("button", name="Save case note").click()
    expect(error_summary(page)).to_be_visible()
    e2e.check(page, "empty note")
    page.get_by_label("Visit").check()
    page.get_by_label("Note", exact=True).fill("Home visit: Maya showed me her reading book.")
    page.get_by_label("Significant: add it to the family's chronology").check()
    page.get_by_role("button", name="Save case note").click()
    expect(_banner(page)).to_contain_text("Case note recorded")
    e2e.check(page, "note recorded")
    page.goto(f"/families/{family['family']}/engagement/")
    page.get_by_label("Phone call").check()
    page.get_by_label("No answer").check()
    page.get_by_role("button", name="Record attempt").click()
    expect(_banner(page)).to_contain_text("Attempt recorded")
    e2e.check(page)

    page.get_by_role("link", name="Chronology", exact=True).click()
    expect(page.locator(".moj-timeline")).to_contain_text("Home visit: Maya")
    e2e.check(page)
    page.get_by_label("Significant events only").check()
    page.get_by_role("button", name="Apply filter").click()
    e2e.check(page, "significant only")

    # Change lead page (looked at, not used: step up and down change the lead).
    page.get_by_role("link", name="Episode", exact=True).click()
    page.get_by_role("link", name="Change lead practitioner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the lead practitioner")
    e2e.check(page)
    page.get_by_role("link", name="Cancel").click()

    # Step up to an external social worker, then down to a new lead practitioner.
    page.get_by_role("link", name="Step up to children's social care").click()
    page.get_by_role("button", name="Step up").click()
    expect(error_summary(page)).to_contain_text("Choose the social worker")
    e2e.check(page, "empty step up")
    page.get_by_label("Who decided").fill("Mo Manager, team manager")
    page.get_by_label("Why the family is stepping up").fill("A bruise seen at school")
    page.get_by_label("Social worker's name and team (if not listed)").fill(
        "Jo Social, Children's Social Care"
    )
    page.get_by_role("button", name="Step up").click()
    expect(_banner(page)).to_contain_text("stepped up")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Jo Social")
    e2e.check(page, "stepped up")

    page.get_by_role("link", name="Step down to early help").click()
    e2e.check(page)
    _date(page, "handover_meeting_on", "2", "11", "2026")
    page.get_by_label("Receiving lead practitioner").select_option(label=str(family["south"]))
    page.get_by_label("Yes").check()
    page.get_by_label("Why the family is stepping down").fill("Section 47 enquiry: no further")
    page.get_by_role("button", name="Step down").click()
    expect(_banner(page)).to_contain_text("stepped down")
    expect(page.locator(".govuk-summary-list")).to_contain_text(str(family["south_name"]))
    e2e.check(page, "stepped down")

    # Close with "outcomes met".
    page.get_by_role("link", name="Close the episode").click()
    page.get_by_role("button", name="Close the episode").click()
    expect(error_summary(page)).to_be_visible()
    e2e.check(page, "no reason")
    page.get_by_label("Outcomes met").check()
    page.get_by_role("button", name="Close the episode").click()
    expect(_banner(page)).to_contain_text("The episode is closed")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Outcomes met")
    e2e.check(page, "closed")


@covers("episodes:team_caseload", "episodes:supervision")
def test_team_caseload_and_supervision(e2e: E2E) -> None:
    family = _allocated_family(e2e)
    page = e2e.new_page("manager")
    page.goto("/")
    page.get_by_role("link", name="Team caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team caseload")
    e2e.check(page)
    page.get_by_role("link", name="Family (sort)").click()
    e2e.check(page, "sorted by family")
    page.goto(f"/families/{family['family']}/supervision/")
    page.get_by_role("button", name="Save note").click()
    expect(error_summary(page)).to_be_visible()
    e2e.check(page, "empty note")
    page.get_by_label("Management oversight").check()
    page.get_by_label("Discussion and analysis").fill("Plan on track; review in six weeks.")
    page.get_by_role("button", name="Save note").click()
    expect(_banner(page)).to_contain_text("Supervision note recorded")
    e2e.check(page, "note recorded")
