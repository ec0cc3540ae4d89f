"""The people and family pages in a real browser, checked with axe in every state: the acceptance
journey (a family of four, then the youngest child again with a nickname and a typo, shown first
with reasons), the person record and its history, changes with a reason, a confidential address
withheld, relationships, break-glass access from a search, the keyboard and no JavaScript."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import E2E, error_summary
from .coverage import covers

pytestmark = pytest.mark.browser


@dataclass
class NewPerson:
    given_name: str
    family_name: str
    born: tuple[int, int, int]  # day, month, year
    sex: str  # the radio's label: "Male", "Female"
    role: str  # the radio's label: "Parent", "Child"
    line_1: str = ""
    postcode: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot to $EARLYHELP_SCREENSHOTS (if set) for a person to look at."""
    directory = os.environ.get("EARLYHELP_SCREENSHOTS")
    if directory:
        page.screenshot(path=str(Path(directory) / f"people-{name}.png"), full_page=True)


def results(page: Page) -> Locator:
    return page.get_by_role("list", name="People found").locator(":scope > li")


def fill_search(page: Page, person: NewPerson) -> None:
    day, month, year = person.born
    page.get_by_label("First name").fill(person.given_name)
    page.get_by_label("Last name").fill(person.family_name)
    page.locator('[name="date_of_birth-day"]').fill(str(day))
    page.locator('[name="date_of_birth-month"]').fill(str(month))
    page.locator('[name="date_of_birth-year"]').fill(str(year))


def fill_person_form(page: Page, person: NewPerson) -> None:
    fill_search(page, person)
    page.get_by_role("group", name="Sex").get_by_label(person.sex, exact=True).check()
    page.get_by_role("group", name="Role in the family").get_by_label(
        person.role, exact=True
    ).check()
    if person.line_1:
        page.locator('[name="address-line_1"]').fill(person.line_1)
        page.locator('[name="address-postcode"]').fill(person.postcode)


def add_family(e2e: E2E, page: Page, name: str, *, check: bool = False) -> None:
    """From anywhere: Find a person, Add a new family, name it; ends on the family page."""
    page.goto("/people/")
    page.get_by_role("main").get_by_role("link", name="Add a new family").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a family")
    if check:
        e2e.check(page)
        page.get_by_role("button", name="Add family").click()
        expect(error_summary(page)).to_contain_text("Enter a name for the family")
        e2e.check(page, "empty form")
    page.get_by_label("Family name").fill(name)
    page.get_by_role("button", name="Add family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{name} has been added"
    )
    if check:
        e2e.check(page, "new family, nobody in it")


def add_member(e2e: E2E, page: Page, person: NewPerson, *, check: bool = False) -> None:
    """From the family page: search first, then add a new person to the family. If someone
    already recorded may be them (a parent with the same surname and address), say none of
    these is the person, as the page asks. Ends back on the family page."""
    page.get_by_role("link", name="Add a person to the family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person to the family")
    if check:
        e2e.check(page)
        page.get_by_role("button", name="Search").click()
        expect(error_summary(page)).to_contain_text("Enter a name, date of birth, postcode")
        e2e.check(page, "empty search")
    fill_search(page, person)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("found"))).to_be_visible()
    if check:
        expect(page.get_by_role("heading", level=2, name="Nobody found")).to_be_visible()
        e2e.check(page, "nobody found")
    page.get_by_role("link", name="Add a new person to the family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person")
    # What was typed in the search is carried over.
    expect(page.get_by_label("First name")).to_have_value(person.given_name)
    if check:
        e2e.check(page, "carried over from the search")
        page.get_by_label("First name").fill("")
        page.get_by_label("Last name").fill("")
        page.get_by_role("button", name="Check and add this person").click()
        summary = error_summary(page)
        expect(summary).to_contain_text("Enter the person's first name or last name")
        expect(summary).to_contain_text("Select the person's role in the family")
        e2e.check(page, "empty form")
    fill_person_form(page, person)
    page.get_by_role("button", name="Check and add this person").click()
    banner = page.get_by_text("may be the person you are adding")
    heading = page.get_by_role("heading", level=1)
    expect(banner.or_(heading.filter(has_text=re.compile("family$")))).to_be_visible()
    if banner.is_visible():
        e2e.check(page, f"possible matches for {person.full_name}")
        page.get_by_label("None of these is the person I am adding").check()
        page.get_by_role("button", name="Add this person").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{person.full_name} has been added"
    )
    expect(page.get_by_role("table").get_by_role("link", name=person.full_name)).to_be_visible()


WHITLOCKS = [
    NewPerson("Samantha", "Whitlock", (14, 7, 1988), "Female", "Parent", "3 Mill Lane", "KB2 7XY"),
    NewPerson("Daniel", "Whitlock", (2, 11, 1986), "Male", "Parent", "3 Mill Lane", "KB2 7XY"),
    NewPerson("Elizabeth", "Whitlock", (9, 3, 2014), "Female", "Child", "3 Mill Lane", "KB2 7XY"),
    NewPerson("William", "Whitlock", (21, 5, 2019), "Male", "Child", "3 Mill Lane", "KB2 7XY"),
]


@covers("people:find", "people:add_family", "people:family", "people:add_member", "people:add")
def test_a_family_of_four_then_the_youngest_again_is_shown_first_with_reasons(e2e: E2E) -> None:
    page = e2e.new_page("practitioner")
    page.goto("/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    e2e.check(page)
    page.get_by_role("button", name="Search").click()
    expect(error_summary(page)).to_contain_text(
        "Enter a name, date of birth, postcode or identifier to search for"
    )
    e2e.check(page, "empty search")

    add_family(e2e, page, "Whitlock family", check=True)
    family_url = page.url
    for number, person in enumerate(WHITLOCKS):
        add_member(e2e, page, person, check=number == 0)
    e2e.check(page, "a family of four")
    screenshot(page, "family")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(4)

    # The youngest again, as a new user would: "Billy", and a typo in the surname.
    youngest = WHITLOCKS[-1]
    again = NewPerson("Billy", "Whitlok", youngest.born, "Male", "Child")
    page.get_by_role("link", name="Add a person to the family").click()
    fill_search(page, again)
    page.get_by_role("button", name="Search").click()
    first = results(page).first
    expect(first.get_by_role("heading")).to_contain_text(youngest.full_name)
    expect(first).to_contain_text("Probable match")
    expect(first).to_contain_text("first name is a short form (Billy / William)")
    expect(
        first.get_by_role("button", name=f"Add {youngest.full_name} to the family")
    ).to_be_visible()
    e2e.check(page, "the youngest child found by a nickname and a typo")

    # The tester carries on and tries to add a new person anyway: stopped, shown him first.
    page.get_by_role("link", name="Add a new person to the family").click()
    fill_person_form(page, again)
    page.get_by_role("button", name="Check and add this person").click()
    expect(page.get_by_text("may be the person you are adding")).to_be_visible()
    first = results(page).first
    expect(first.get_by_role("heading")).to_contain_text(youngest.full_name)
    expect(first.locator(".govuk-tag")).to_have_text("Probable match")
    expect(first).to_contain_text("first name is a short form (Billy / William)")
    expect(first).to_contain_text("same date of birth")
    expect(page.get_by_label("None of these is the person I am adding")).not_to_be_checked()
    expect(page.get_by_label("First name")).to_have_value("Billy")  # nothing typed is lost
    e2e.check(page, "probable match shown before adding")
    screenshot(page, "probable-match")

    page.goto(family_url)
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(4)
    expect(page.get_by_role("table")).not_to_contain_text("Billy")


@covers(
    "people:person",
    "people:history",
    "people:edit",
    "people:add_address",
    "people:add_relationship",
)
def test_person_record_history_changes_confidential_address_and_relationships(e2e: E2E) -> None:
    page = e2e.new_page("practitioner")
    add_family(e2e, page, "Penhallow family")
    mother = NewPerson("Rosalind", "Penhallow", (4, 2, 1990), "Female", "Parent")
    child = NewPerson(
        "Tobias", "Penhallow", (30, 8, 2017), "Male", "Child", "12 Quay Street", "KB1 4QT"
    )
    add_member(e2e, page, mother)
    add_member(e2e, page, child)
    family_url = page.url

    # Record a relationship on the family page.
    page.get_by_role("link", name="Record a relationship").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a relationship")
    e2e.check(page)
    page.get_by_role("button", name="Record relationship").click()
    summary = error_summary(page)
    expect(summary).to_contain_text("Select whose relationship it is")
    expect(summary).to_contain_text("Select the related person")
    e2e.check(page, "empty form")
    page.get_by_label("Whose relationship").select_option(label=child.full_name)
    page.get_by_label("Relationship", exact=True).select_option(label="Mother")
    page.get_by_label("Related person").select_option(label=mother.full_name)
    page.get_by_label("Has parental responsibility").check()
    page.get_by_role("button", name="Record relationship").click()
    expect(page).to_have_url(family_url)
    expect(page.get_by_role("main")).to_contain_text(
        "Rosalind Penhallow is Tobias Penhallow's mother (has parental responsibility)"
    )
    e2e.check(page, "relationship recorded")

    # The person record: identity bar and sections.
    page.get_by_role("table").get_by_role("link", name=child.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(child.full_name)
    identity = page.locator(".moj-identity-bar")
    expect(identity).to_contain_text(child.full_name)
    expect(identity).to_contain_text("Born 30 Aug 2017")
    main = page.get_by_role("main")
    for section in ["Involvement", "Details", "Identifiers", "Addresses", "Family"]:
        expect(main.get_by_role("heading", level=2, name=section, exact=True)).to_be_visible()
    expect(main).to_contain_text("12 Quay Street")
    # Not chosen on the form, so not recorded (the select once defaulted to its first option).
    expect(main.locator(".govuk-summary-list__row", has_text="Ethnicity")).to_contain_text(
        "Information not yet obtained"
    )
    expect(main).to_contain_text("Penhallow family: child")
    expect(main).to_contain_text("Rosalind Penhallow is Tobias Penhallow's mother")
    nav = page.get_by_role("navigation", name="Sections of this record")
    expect(nav.get_by_role("link", name="Record")).to_have_attribute("aria-current", "page")
    e2e.check(page)
    screenshot(page, "person-record")
    person_url = page.url

    # History.
    nav.get_by_role("link", name="History").click()
    expect(
        page.get_by_role("heading", level=2, name="Changes to the record, newest first")
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Record created")
    e2e.check(page)

    # Change details: a reason is needed, and the history keeps it.
    page.goto(person_url)
    page.get_by_role("link", name="Change details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change {child.full_name}'s details")
    e2e.check(page)
    page.get_by_label("Other or previous names").fill("Toby")
    page.get_by_role("button", name="Save changes").click()
    expect(error_summary(page)).to_contain_text("Enter why you are making this change")
    e2e.check(page, "no reason given")
    page.get_by_label("Why are you making this change?").fill("Known as Toby at school")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(person_url)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "details have been changed"
    )
    e2e.check(page, "details changed")
    page.get_by_role("navigation", name="Sections of this record").get_by_role(
        "link", name="History"
    ).click()
    latest = page.locator(".moj-timeline__item").first
    expect(latest).to_contain_text("Known as Toby at school")
    expect(latest).to_contain_text("Other or previous names")
    e2e.check(page, "after a change")

    # A confidential address: recorded, then withheld from the recorder (not the lead).
    page.goto(person_url)
    page.get_by_role("link", name="Add an address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an address")
    e2e.check(page)
    page.get_by_role("button", name="Add address").click()
    summary = error_summary(page)
    expect(summary).to_contain_text("Enter a postcode")
    e2e.check(page, "empty form")
    page.get_by_label("Address line 1").fill("7 Refuge Close")
    page.get_by_label("Postcode").fill("kb3 9zz")
    page.get_by_label("The address is confidential").check()
    page.get_by_role("button", name="Add address").click()
    expect(page).to_have_url(person_url)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The address has been added"
    )
    main = page.get_by_role("main")
    expect(main.get_by_role("table")).to_contain_text("Confidential address")
    expect(main.get_by_role("table")).to_contain_text("Withheld")
    expect(page.locator(".moj-identity-bar")).to_contain_text("Confidential address")
    content = page.content()
    assert "Refuge Close" not in content and "KB3 9ZZ" not in content
    e2e.check(page, "confidential address withheld")
    page.get_by_role("navigation", name="Sections of this record").get_by_role(
        "link", name="History"
    ).click()
    content = page.content()
    assert "Refuge Close" not in content and "KB3 9ZZ" not in content


def _seeded_people_south_cannot_open(e2e: E2E) -> dict[str, dict[str, str]]:
    """A child of a North team family (known) and someone nobody is working with (not known),
    neither of whom practitioner.south has any reason to see."""
    printed = e2e.database.shell(
        "import json\n"
        "from earlyhelp.accounts.models import User\n"
        "from earlyhelp.people import access\n"
        "from earlyhelp.people.access import people\n"
        "from earlyhelp.people.models import Family, Person\n"
        "south = User.objects.get(email__startswith='practitioner.south@')\n"
        "hidden = people.searchable_by(south).exclude(pk__in=people.visible_to(south))\n"
        "hidden = hidden.filter(is_restricted=False).exclude(date_of_birth=None)\n"
        "north = Family.objects.order_by('pk')[:8]\n"
        "known = hidden.filter(family_memberships__family__in=list(north),"
        " family_memberships__role='child').order_by('pk')\n"
        "out = {}\n"
        "def describe(p):\n"
        "    return {'given': p.given_name, 'family': p.family_name,"
        " 'day': str(p.date_of_birth.day), 'month': str(p.date_of_birth.month),"
        " 'year': str(p.date_of_birth.year), 'name': p.full_name}\n"
        "for p in known[:20]:\n"
        "    if access.known_summaries([p.pk])[p.pk].known:\n"
        "        out['known'] = describe(p); break\n"
        "for p in hidden.order_by('-pk')[:200]:\n"
        "    if not access.known_summaries([p.pk])[p.pk].known:\n"
        "        out['unknown'] = describe(p); break\n"
        "print(json.dumps(out))\n"
    )
    found: dict[str, dict[str, str]] = json.loads(printed.strip().splitlines()[-1])
    assert set(found) == {"known", "unknown"}, found
    return found


def search_for(page: Page, person: dict[str, str]) -> None:
    page.goto("/people/")
    page.get_by_label("First name").fill(person["given"])
    page.get_by_label("Last name").fill(person["family"])
    page.locator('[name="date_of_birth-day"]').fill(person["day"])
    page.locator('[name="date_of_birth-month"]').fill(person["month"])
    page.locator('[name="date_of_birth-year"]').fill(person["year"])
    page.get_by_role("button", name="Search").click()


@covers("people:find", "people:break_glass", "people:person")
def test_break_glass_from_a_search_for_someone_on_another_team(e2e: E2E) -> None:
    people = _seeded_people_south_cannot_open(e2e)
    page = e2e.new_page("practitioner.south")

    search_for(page, people["unknown"])
    first = results(page).first
    expect(first.get_by_role("heading")).to_contain_text(people["unknown"]["name"])
    expect(first).to_contain_text("Not currently known to early help")
    e2e.check(page, "someone nobody is working with")

    known = people["known"]
    search_for(page, known)
    first = results(page).first
    expect(first.get_by_role("heading")).to_contain_text(known["name"])
    expect(first).to_contain_text("Known to early help")
    expect(first.get_by_role("heading").get_by_role("link")).to_have_count(0)
    e2e.check(page, "someone known to another team")
    screenshot(page, "search-results")

    first.get_by_role("link", name=re.compile("I need to see this record now")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You do not have a reason to see this record yet"
    )
    e2e.check(page)
    page.get_by_role("button", name="Open the record").click()
    expect(error_summary(page)).to_contain_text("Enter why you need to see this record")
    e2e.check(page, "no reason given")
    page.get_by_label("Why do you need to see this record now?").fill(
        "Police called: the child is missing tonight and the lead practitioner is off sick"
    )
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(known["name"])
    expect(page.locator(".govuk-notification-banner").first).to_contain_text(
        "You have break-glass access to this record"
    )
    expect(page.get_by_role("main")).to_contain_text("Break-glass access")
    e2e.check(page, "after break-glass")


def test_find_a_person_with_the_keyboard_only(e2e: E2E) -> None:
    page = e2e.new_page("practitioner")
    page.goto("/people/")
    page.locator("h1").click()  # start from the heading, as a reader would
    for label, text in [("First name", "Samantha"), ("Last name", "Whitlock")]:
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == page.get_by_label(label).get_attribute(
                "id"
            ):
                break
        else:
            raise AssertionError(f"Tab never reached {label}")
        page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/people/\?.*given_name=Samantha"))
    expect(page.get_by_role("heading", level=2, name=re.compile("found"))).to_be_visible()


def test_add_a_family_member_without_javascript(e2e: E2E) -> None:
    page = e2e.new_page("practitioner", javascript=False)
    page.goto("/people/")
    page.get_by_role("button", name="Search").click()
    expect(error_summary(page)).to_contain_text("Enter a name, date of birth, postcode")
    page.get_by_role("main").get_by_role("link", name="Add a new family").first.click()
    page.get_by_label("Family name").fill("Tremayne family")
    page.get_by_role("button", name="Add family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tremayne family")
    person = NewPerson(
        "Kerensa", "Tremayne", (17, 6, 2016), "Female", "Child", "1 Fore St", "KB4 2AB"
    )
    page.get_by_role("link", name="Add a person to the family").click()
    fill_search(page, person)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Add a new person to the family").click()
    page.get_by_role("button", name="Check and add this person").click()
    expect(error_summary(page)).to_contain_text("Select the person's role in the family")
    fill_person_form(page, person)
    page.get_by_role("button", name="Check and add this person").click()
    expect(page.get_by_role("table").get_by_role("link", name=person.full_name)).to_be_visible()


@covers("people:access_log", "people:unusual_access")
def test_auditor_sees_who_accessed_a_person(e2e: E2E) -> None:
    printed = e2e.database.shell(
        "import json\n"
        "from earlyhelp.people.models import FamilyMember\n"
        "m = FamilyMember.objects.filter(family__involvements__team__name='Early Help North')"
        ".order_by('pk').first()\n"
        "print(json.dumps({'person': m.person_id}))\n"
    )
    person = int(json.loads(printed.strip().splitlines()[-1])["person"])
    practitioner = e2e.new_page("practitioner")
    practitioner.goto(f"/people/{person}/")
    page = e2e.new_page("auditor")
    page.goto(f"/people/{person}/")
    page.get_by_role("link", name="Who accessed this record").click()
    expect(page.get_by_role("table")).to_contain_text("Viewed")
    e2e.check(page)
    page.goto("/audit/people/")
    page.get_by_role("link", name="Unusual access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unusual access")
    e2e.check(page, "unusual access report")
