"""Screening and allocation in a real browser, checked with axe in every state: a screener opens a
school's request about two siblings, sees the existing-involvement panel, rates it amber then
green with reasons and decides "open early help"; a team manager allocates a lead practitioner. A
front-door manager approves a decision waiting for approval."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from .conftest import E2E, error_summary
from .coverage import covers

pytestmark = pytest.mark.browser

_SETUP = """
import json
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from earlyhelp.accounts.models import Membership, User
from earlyhelp.episodes.models import Episode
from earlyhelp.frontdoor import services
from earlyhelp.frontdoor.models import Contact, ContactSubject
from earlyhelp.people.models import Family
dsl = User.objects.get(email__startswith='dsl@')
membership = Membership.objects.filter(user=dsl).select_related('organisation').first()
family = (
    Family.objects.annotate(
        children=Count('members', filter=Q(members__role='child', members__left_on__isnull=True))
    )
    .filter(children__gte=2)
    .exclude(Exists(Episode.objects.filter(family=OuterRef('pk'))))
    .exclude(Exists(Contact.objects.filter(family=OuterRef('pk'))))
    .order_by('pk')
    .first()
)
children = [m.person for m in family.members.filter(role='child', left_on__isnull=True)[:2]]
contact = Contact(
    reference='FD-E2E-' + timezone.now().strftime('%H%M%S%f')[:12],
    status=STATUS,
    method='online',
    source='2A',
    received_at=timezone.now(),
    referrer=dsl,
    referrer_organisation=membership.organisation,
    referrer_email=dsl.email,
    family=family,
    worries=['16A', '10A'],
    worries_detail='Both children often arrive hungry and have missed school on Mondays.',
    already_tried='Breakfast club and a meeting with mum.',
    family_consent='yes',
    urgency='soon',
    created_by=dsl,
)
services.set_decision_target(contact)
contact.save()
for child in children:
    ContactSubject.objects.create(contact=contact, person=child, is_child=True)
print(json.dumps({'contact': contact.pk, 'reference': contact.reference,
                  'family': family.name, 'children': [c.full_name for c in children]}))
"""


def _school_request(e2e: E2E, status: str = "awaiting_screening") -> dict[str, object]:
    printed = e2e.database.shell(_SETUP.replace("STATUS", repr(status)))
    return json.loads(printed.strip().splitlines()[-1])


def _rate(page: Page, colour: str, reason: str) -> None:
    page.get_by_label(colour, exact=True).check()
    page.get_by_label("Why this rating").fill(reason)
    page.get_by_role("button", name="Save rating").click()


@covers(
    "frontdoor:queue",
    "frontdoor:contact",
    "frontdoor:decide",
    "episodes:allocation_queue",
    "episodes:allocate",
)
def test_screener_decides_early_help_and_a_manager_allocates(e2e: E2E) -> None:
    request = _school_request(e2e)
    reference = str(request["reference"])
    children = [str(name) for name in request["children"]]

    page = e2e.new_page("screener")
    page.goto("/")
    page.get_by_role("link", name="Front door").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Front door queue")
    e2e.check(page)
    page.get_by_label("Unclaimed").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    e2e.check(page, "filtered")

    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.get_by_role("heading", name="Existing involvement")).to_be_visible()
    for name in children:
        expect(page.locator(".govuk-summary-card__title", has_text=name)).to_be_visible()
    expect(page.get_by_text("Going or being missing")).to_be_visible()
    e2e.check(page)

    page.get_by_role("button", name="Save rating").click()
    expect(error_summary(page)).to_be_visible()
    e2e.check(page, "rating without a choice")
    _rate(page, "Amber", "Need to hear from the school nurse before deciding")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Rated amber")
    e2e.check(page, "rated amber")
    _rate(page, "Green", "School nurse says the children are safe; needs are early help")
    expect(page.get_by_label("RAG ratings, newest first")).to_contain_text("School nurse says")
    expect(page.get_by_label("RAG ratings, newest first")).to_contain_text("Need to hear")
    e2e.check(page, "rated green")

    page.get_by_role("link", name="Decide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide what happens next")
    e2e.check(page)
    page.get_by_role("button", name="Save decision").click()
    expect(error_summary(page)).to_contain_text("Select the decision")
    e2e.check(page, "empty decision")
    page.get_by_label("Open early help").check()
    page.get_by_label("Why this decision").fill("Needs across school attendance and food")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The referrer has been told")
    expect(page.get_by_role("link", name=reference)).to_have_count(0)
    e2e.check(page, "after the decision")

    manager = e2e.new_page("manager")
    manager.goto("/")
    manager.get_by_role("link", name="Allocation").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Allocation")
    family = str(request["family"])
    e2e.check(manager)
    manager.get_by_role("link", name=family).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(f"Allocate {family}")
    e2e.check(manager)
    manager.get_by_role("button", name="Continue").click()
    expect(error_summary(manager)).to_contain_text("Select a team")
    e2e.check(manager, "no team chosen")
    manager.get_by_label("Early Help North").check()
    manager.get_by_role("button", name="Continue").click()
    e2e.check(manager, "team chosen")
    lead = manager.get_by_label("Lead practitioner")
    lead.select_option(index=1)
    lead_name = lead.locator("option:checked").inner_text()
    manager.get_by_label("Why this team and practitioner").fill(
        "Allocation meeting, lives in north"
    )
    manager.get_by_role("button", name="Allocate").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text(lead_name)
    e2e.check(manager, "after allocation")


@covers("frontdoor:approve")
def test_a_front_door_manager_approves_a_decision(e2e: E2E) -> None:
    request = _school_request(e2e, status="awaiting_approval")
    email = e2e.create_user("front.door.manager", role="team_manager")
    e2e.database.shell(
        "from earlyhelp.accounts.models import Membership, Team, User\n"
        "from earlyhelp.frontdoor.models import ContactDecision\n"
        "from django.utils import timezone\n"
        f"Membership.objects.filter(user__email={email!r}).update("
        "team=Team.objects.get(is_front_door=True))\n"
        f"ContactDecision.objects.create(contact_id={request['contact']}, outcome='partner_led',"
        " rationale='The school can lead with advice', needs_approval=True,"
        " decided_by=User.objects.get(email__startswith='screener@'),"
        " decided_at=timezone.now())\n"
    )
    page = e2e.new_page(email)
    page.goto(f"/front-door/contacts/{request['contact']}/")
    page.get_by_role("link", name="Approve or return the decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve the decision")
    e2e.check(page)
    page.get_by_label("No, return it to the screener").check()
    page.get_by_role("button", name="Save").click()
    expect(error_summary(page)).to_contain_text("Enter why you are returning the decision")
    e2e.check(page, "returned without a reason")
    page.get_by_label("Yes, approve it").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision approved")
    e2e.check(page, "after approval")
