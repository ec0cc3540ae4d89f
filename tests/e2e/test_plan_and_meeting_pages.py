"""Plans and meetings in a real browser, checked with axe in every state: from a demo family
allocated to the demo practitioner, hold a team around the family meeting, agree a plan with
three actions, change an action, read the agreed versions and the family copy (also as printed),
then hold a review that re-scores two assessment areas and shows the distance travelled.

The review's earlier scores are recorded in the setup through the assessments service (as a
submitted assessment would), rather than by completing an assessment in the browser: that
journey is the assessments tests' own."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from .conftest import E2E, error_summary
from .coverage import covers

pytestmark = pytest.mark.browser

_SETUP = """
import json
from datetime import date
from django.db.models import Count, Exists, OuterRef, Q
from earlyhelp.accounts.models import Team, User
from earlyhelp.assessments import services as assessment_services
from earlyhelp.episodes.models import Episode
from earlyhelp.episodes.services import allocate, open_episode
from earlyhelp.people.models import Family
lead = User.objects.get(email__startswith='practitioner@')
manager = User.objects.get(email__startswith='manager@')
team = Team.objects.get(name='Early Help North')
family = (
    Family.objects.annotate(
        adults=Count('members', filter=Q(members__role__in=['parent', 'carer'])),
        children=Count('members', filter=Q(members__role='child')),
    )
    .filter(adults__gte=1, children__gte=1)
    .exclude(Exists(Episode.objects.filter(family=OuterRef('pk'))))
    .order_by('-pk')
    .first()
)
episode = open_episode(actor=None, family=family)
allocate(actor=manager, episode=episode, team=team, lead_practitioner=lead, note='Browser test')
areas = assessment_services.current_areas(episode)[:2]
assessment_services.record_area_scores(
    actor=lead, episode=episode, scores={areas[0][0]: 3, areas[1][0]: 4},
    source='assessment', scored_on=date(2026, 10, 1),
)
parent = family.members.filter(role__in=['parent', 'carer']).select_related('person').first()
print(json.dumps({'family': family.pk, 'name': family.name, 'parent': parent.person.full_name,
                  'areas': [label for _key, label, _score in areas]}))
"""


def _allocated_family(e2e: E2E) -> dict[str, object]:
    printed = e2e.database.shell(_SETUP)
    return json.loads(printed.strip().splitlines()[-1])


def _fill_date(page: Page, day: date, within: str = "") -> None:
    scope = page.locator(within) if within else page
    scope.get_by_label("Day").fill(str(day.day))
    scope.get_by_label("Month").fill(str(day.month))
    scope.get_by_label("Year").fill(str(day.year))


def _arrange(page: Page, kind: str, day: date, parent: str) -> None:
    page.get_by_label(kind, exact=True).check()
    _fill_date(page, day)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Where (optional)").fill("Family home")
    page.get_by_role("group", name="Practitioners invited").get_by_role("checkbox").first.check()
    page.get_by_label(parent, exact=True).check()
    page.get_by_role("button", name="Arrange meeting").click()


def _everyone_attended(page: Page) -> None:
    for radio in page.get_by_label("Attended", exact=True).all():
        radio.check()


def _add_action(page: Page, what: str, agency: str, due: date) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Add action"))
    form.get_by_label("What will be done").fill(what)
    form.get_by_label("An agency or organisation").check()
    form.get_by_label("Agency or organisation", exact=True).fill(agency)
    _fill_date(page, due, "form:has(button:text('Add action'))")
    page.get_by_role("button", name="Add action").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Action added")


@covers(
    "meetings:family",
    "meetings:meeting",
    "meetings:distance_travelled",
    "plans:family",
    "plans:action",
    "plans:versions",
    "plans:family_copy",
)
def test_taf_meeting_plan_with_three_actions_family_copy_and_a_review(e2e: E2E) -> None:
    case = _allocated_family(e2e)
    family, parent = case["family"], str(case["parent"])
    areas = [str(label) for label in case["areas"]]
    page = e2e.new_page("practitioner")

    # A team around the family meeting.
    page.goto(f"/families/{family}/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    e2e.check(page)
    page.get_by_role("button", name="Arrange meeting").click()
    expect(error_summary(page)).to_contain_text("Select what kind of meeting")
    e2e.check(page, "arranging with nothing filled in")
    today = date.today()
    _arrange(page, "Team around the family meeting", today, parent)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Team Around the Family")
    e2e.check(page, "arranged")
    page.get_by_role("button", name="Record meeting").click()
    expect(error_summary(page)).to_contain_text(f"Select whether {parent} attended")
    e2e.check(page, "recording with nothing filled in")
    _everyone_attended(page)
    page.get_by_label("Minutes").fill("We met at home and talked about mornings and money.")
    page.get_by_label("Decisions").fill("Agree a plan with three actions.")
    page.get_by_role("button", name="Record meeting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded")
    e2e.check(page, "held")

    # The plan: one need, three actions, agreed with the family.
    page.goto(f"/families/{family}/plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Family plan")
    e2e.check(page, "no plan yet")
    page.get_by_role("button", name="Add need").click()
    expect(error_summary(page)).to_contain_text("Enter what are we worried about?")
    e2e.check(page, "need with nothing filled in")
    page.get_by_label("What are we worried about?").fill("The children miss school on Mondays")
    page.get_by_label("What do we want to be different?").fill("They go to school every day")
    page.get_by_label("Supporting Families headline outcome").select_option("education")
    page.get_by_role("button", name="Add need").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Need added")
    e2e.check(page, "one need")
    page.get_by_role("button", name="Add action").click()
    expect(error_summary(page)).to_contain_text("Select who will do it")
    e2e.check(page, "action with nothing filled in")
    for number, agency in enumerate(
        ("Riverside Primary School", "Citizens Advice", "Health visiting")
    ):
        _add_action(
            page, f"Action {number + 1} for the family", agency, today + timedelta(weeks=2 + number)
        )
    expect(page.get_by_role("link", name="Change action:")).to_have_count(3)
    e2e.check(page, "three actions")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Who in the family agreed it").fill(parent)
    page.get_by_role("button", name="Agree this version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Version 1 of the plan agreed"
    )
    e2e.check(page, "agreed")

    page.get_by_role("link", name="Change action: Action 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change action")
    e2e.check(page)
    page.get_by_label("In progress").check()
    page.get_by_label("Progress", exact=True).fill("Breakfast club place offered")
    page.get_by_role("button", name="Save action").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Action saved")
    expect(page.get_by_text("Draft changes not yet agreed")).to_be_visible()

    page.get_by_role("link", name="Agreed versions").click()
    expect(page.get_by_role("heading", level=2, name="Version 1")).to_be_visible()
    e2e.check(page)

    page.goto(f"/families/{family}/plan/")
    page.get_by_role("link", name="Family copy to print").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our family plan")
    for words in (
        "What we are worried about",
        "What we want to be different",
        "Who will do what, by when",
    ):
        expect(page.get_by_role("heading", name=words).first).to_be_visible()
    expect(page.locator(".govuk-service-navigation")).to_have_count(0)
    e2e.check(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to the plan")).to_be_hidden()
    expect(page.get_by_text("Riverside Primary School")).to_be_visible()
    e2e.check(page, "as printed")
    page.emulate_media(media="screen")

    # A review six weeks on: two areas re-scored, the first action done.
    page.goto(f"/families/{family}/meetings/")
    _arrange(page, "Review", today, parent)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    e2e.check(page, "review arranged")
    _everyone_attended(page)
    page.get_by_label("Minutes").fill("Mornings are easier. Money advice booked.")
    page.get_by_label("Status: Action 1").select_option("done")
    page.get_by_label(f"Score for {areas[0]}").select_option("6")
    page.get_by_label(f"Score for {areas[1]}").select_option("7")
    page.get_by_role("button", name="Record meeting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review recorded")
    next_review = today + timedelta(weeks=6)
    expect(page.get_by_text(f"{next_review.day} {next_review:%B %Y}").first).to_be_visible()
    first = page.locator("table", has=page.locator("caption", has_text=areas[0]))
    expect(first).to_contain_text("3 out of 10")
    expect(first).to_contain_text("6 out of 10")
    expect(first.locator("caption")).to_contain_text("up 3")
    e2e.check(page, "review held")

    page.goto(f"/families/{family}/distance-travelled/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Distance travelled")
    second = page.locator("table", has=page.locator("caption", has_text=areas[1]))
    expect(second).to_contain_text("4 out of 10")
    expect(second).to_contain_text("7 out of 10")
    e2e.check(page)
