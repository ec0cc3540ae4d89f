"""Merging two records of the same person in a real browser, checked with axe in every state: a
team manager finds the other record among the candidates, compares the two side by side, merges
them with a reason, sees what moved, and undoes the merge."""

from __future__ import annotations

import json
import secrets

import pytest
from playwright.sync_api import expect

from .conftest import E2E, TEST_PASSWORD, error_summary
from .coverage import NOT_PAGES, covers

pytestmark = pytest.mark.browser

NOT_PAGES.update(
    {
        "people:merge_undo": "POST only; test_merge_and_undo presses Undo this merge (its "
        "error state is checked there too)",
    }
)


def _two_records_and_their_manager(e2e: E2E) -> tuple[str, int, int]:
    """A team manager whose team is allocated to two records of the same child."""
    token = secrets.token_hex(3)
    email = f"merge.manager.{token}@e2e.example"
    surname = f"Merryweather{token[:2]}"
    printed = e2e.database.shell(
        "import json\n"
        "from datetime import date\n"
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        "from earlyhelp.accounts import services as accounts\n"
        "from earlyhelp.accounts.models import Organisation\n"
        "from earlyhelp.people import services\n"
        "council = Organisation.objects.get(kind='council')\n"
        f"team = accounts.create_team(actor=None, organisation=council, name='Merge team {token}')\n"
        f"user = accounts.create_user(actor=None, email={email!r}, full_name='Morgan Merge',"
        f" password={TEST_PASSWORD!r}, reason='Browser test')\n"
        "accounts.add_membership(actor=None, user=user, organisation=council,"
        " role='team_manager', team=team)\n"
        "key = TOTPDevice.objects.create(user=user, name='App', confirmed=True).key\n"
        "ids = []\n"
        f"for given in ('Amelia', 'Amelie'):\n"
        "    person = services.create_person(actor=None, reason='Browser test', given_name=given,"
        f" family_name={surname!r}, date_of_birth=date(2015, 5, 6))\n"
        "    services.add_address(actor=None, person=person, line_1='3 Ferry Lane',"
        " postcode='KB2 3AB')\n"
        "    services.start_involvement(actor=None, reason='allocated_team', person=person,"
        " team=team)\n"
        "    ids.append(person.pk)\n"
        "print(json.dumps({'key': key, 'ids': ids}))\n"
    )
    created = json.loads(printed.strip().splitlines()[-1])
    e2e.authenticator.keys[email] = bytes.fromhex(created["key"])
    first, second = created["ids"]
    return email, first, second


@covers("people:merge_choose", "people:merge_confirm", "people:merge_detail")
def test_merge_and_undo(e2e: E2E) -> None:
    email, first, second = _two_records_and_their_manager(e2e)
    page = e2e.new_page(email)

    page.goto(f"/people/{first}/merge/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Find the other record of this person"
    )
    expect(page.get_by_text("Score ")).to_be_visible()
    e2e.check(page)
    page.get_by_role("button", name="Continue").click()
    expect(error_summary(page)).to_contain_text(
        "Select the record that is the same person, or enter its number"
    )
    e2e.check(page, "nothing chosen")

    page.get_by_label(f"(record {second})").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check these records are the same person"
    )
    expect(page.get_by_role("heading", name=f"Record {second}")).to_be_visible()
    e2e.check(page)
    page.get_by_role("button", name="Merge these records").click()
    expect(error_summary(page)).to_contain_text("Enter why these records are the same person")
    e2e.check(page, "no reason")

    page.get_by_label("Why are these records the same person?").fill(
        "Same child: the school confirmed Amelie is a misspelling"
    )
    page.get_by_role("button", name="Merge these records").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Record {second} has been merged into record {first}"
    )
    expect(page.get_by_text("Involvements moved")).to_be_visible()
    e2e.check(page, "just merged")

    page.get_by_role("button", name="Undo this merge").click()
    expect(error_summary(page)).to_contain_text("Enter why you are undoing this merge")
    e2e.check(page, "undo without a reason")
    page.get_by_label("Why are you undoing this merge?").fill("Two different children")
    page.get_by_role("button", name="Undo this merge").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The merge has been undone"
    )
    expect(page.get_by_text("Two different children")).to_be_visible()
    e2e.check(page, "undone")
