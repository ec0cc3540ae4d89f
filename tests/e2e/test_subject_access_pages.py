"""Subject access requests in a real browser, checked with axe in every state: the data
protection officer records a request (and sees what is missing first), confirms the person,
reviews the redactions, updates the status, reads the disclosure and downloads it as PDF and
JSON."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import E2E, error_summary
from .coverage import NOT_PAGES, covers

pytestmark = pytest.mark.browser

NOT_PAGES.update(
    {
        "subject_access:pdf": "a PDF download, not an HTML page; "
        "test_officer_handles_a_subject_access_request fetches it and checks its type",
        "subject_access:json": "a JSON download, not an HTML page; "
        "test_officer_handles_a_subject_access_request fetches it and checks its type",
    }
)


def _child_in_a_family(e2e: E2E) -> int:
    """A demo child who shares a family with someone else, so there is someone to redact."""
    printed = e2e.database.shell(
        "import json\n"
        "from django.db.models import Count\n"
        "from earlyhelp.people.models import FamilyMember\n"
        "m = FamilyMember.objects.filter(role='child', person__merged_into__isnull=True)"
        ".annotate(n=Count('family__members')).filter(n__gt=1).order_by('person_id').first()\n"
        "print(json.dumps({'person': m.person_id}))\n"
    )
    return int(json.loads(printed.strip().splitlines()[-1])["person"])


@covers(
    "subject_access:log", "subject_access:new", "subject_access:request", "subject_access:document"
)
def test_officer_handles_a_subject_access_request(e2e: E2E) -> None:
    person = _child_in_a_family(e2e)
    page = e2e.new_page("auditor")
    page.goto("/subject-access/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access requests")
    e2e.check(page)

    page.get_by_role("link", name="Record a new request").click()
    page.get_by_role("button", name="Continue").click()
    expect(error_summary(page)).to_be_visible()
    e2e.check(page, "empty form")
    page.get_by_label("Record number of the person the request is about").fill(str(person))
    page.get_by_label("Name of the person asking").fill("Jo Parent")
    page.get_by_label("A parent with parental responsibility").check()
    page.locator("[name='received_on-day']").fill("2")
    page.locator("[name='received_on-month']").fill("11")
    page.locator("[name='received_on-year']").fill("2026")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Is this the right person?")
    e2e.check(page, "confirm the person")
    page.get_by_role("button", name="Yes, record the request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("request recorded")
    expect(page.get_by_text("2 December 2026")).to_be_visible()
    e2e.check(page, "request recorded")

    page.get_by_role("button", name="Save redactions").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Redactions saved")
    e2e.check(page, "redactions reviewed")
    page.get_by_label("Released").check()
    page.get_by_role("button", name="Save changes").click()
    expect(error_summary(page)).to_contain_text("Enter the date the information was released")
    e2e.check(page, "release without a date")

    page.get_by_role("link", name="Read the document").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Subject access request: your information"
    )
    expect(page.get_by_role("heading", name="Your families")).to_be_visible()
    e2e.check(page)

    request_id = page.url.rstrip("/").split("/")[-2]
    pdf = page.request.get(f"/subject-access/{request_id}/document.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    data = page.request.get(f"/subject-access/{request_id}/document.json")
    assert data.status == 200 and data.headers["content-type"].startswith("application/json")
    assert json.loads(data.body())["subject"]["person_ids"][0] == person

    page.goto("/subject-access/")
    expect(page.get_by_role("table")).to_contain_text("Jo Parent")
    e2e.check(page, "request in the log")
