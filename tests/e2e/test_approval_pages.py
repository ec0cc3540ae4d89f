"""Approvals of step up and closure in a real browser, checked with axe in every state: the demo
practitioner's step up of an allocated family waits for approval (set up with the council's
setting on for that one request, then put back, so other tests see the usual behaviour); the
manager finds it on the approvals list, reads it, tries to decline without a reason, then
declines; the practitioner sees the decision on the episode page."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import E2E, error_summary
from .coverage import covers

pytestmark = pytest.mark.browser

_SETUP = """
import json
from datetime import date
from django.utils import timezone
from earlyhelp.accounts.models import Team, User
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.episodes import services
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole

practitioner = User.objects.get(email__startswith='practitioner@')
manager = User.objects.get(email__startswith='manager@')
team = Team.objects.get(name='Early Help North')
name = 'E2E Approval family ' + timezone.now().strftime('%H%M%S%f')
family = people_services.create_family(actor=None, name=name)
child = people_services.create_person(actor=None, given_name='Nia', family_name='Approval')
people_services.add_family_member(actor=None, family=family, person=child, role=FamilyRole.CHILD)
episode = services.open_episode(actor=None, family=family)
services.allocate(actor=manager, episode=episode, team=team, lead_practitioner=practitioner)
config = CouncilConfiguration.current()
before = config.step_up_needs_approval
config.step_up_needs_approval = True
config.save()
try:
    services.record_step_up(actor=practitioner, episode=episode, decided_on=timezone.localdate(),
                            decided_by='Case discussion', reason='Worries about neglect grew',
                            social_worker_name='Jo Social, Children\\'s Social Care')
finally:
    config.step_up_needs_approval = before
    config.save()
print(json.dumps({'family': family.pk, 'name': name}))
"""


@covers("episodes:approvals", "episodes:approval")
def test_approval_pages(e2e: E2E) -> None:
    printed = e2e.database.shell(_SETUP)
    family = json.loads(printed.strip().splitlines()[-1])
    name = str(family["name"])

    practitioner = e2e.new_page("practitioner")
    practitioner.goto(f"/families/{family['family']}/episode/")
    expect(practitioner.locator(".govuk-notification-banner")).to_contain_text(
        "Step up waiting for approval"
    )
    e2e.check(practitioner, "step up waiting")
    practitioner.get_by_role("link", name="See the request").click()
    expect(practitioner.get_by_role("heading", level=2).first).to_contain_text(
        "waiting for approval"
    )
    e2e.check(practitioner, "as the practitioner who asked")

    manager = e2e.new_page("manager")
    manager.goto("/approvals/")
    expect(manager.get_by_role("heading", level=1)).to_have_text("Approvals")
    e2e.check(manager)
    manager.get_by_role("link", name=name).first.click()
    expect(manager.get_by_text("Worries about neglect grew")).to_be_visible()
    e2e.check(manager, "as a manager")
    manager.get_by_label("Decline").check()
    manager.get_by_role("button", name="Save decision").click()
    expect(error_summary(manager)).to_contain_text("Enter why you are declining the request")
    e2e.check(manager, "declined without a reason")
    manager.get_by_label("Comments").fill("Try a child in need plan first")
    manager.get_by_role("button", name="Save decision").click()
    expect(manager.locator(".govuk-notification-banner").first).to_contain_text("declined")
    e2e.check(manager, "after declining")
    manager.goto("/approvals/")
    e2e.check(manager, "recently decided")

    practitioner.goto(f"/families/{family['family']}/episode/")
    expect(practitioner.get_by_text("The step up was declined")).to_be_visible()
    e2e.check(practitioner, "step up declined")
    practitioner.goto(f"/families/{family['family']}/episode/approval/")
    expect(practitioner.get_by_text("Nothing is waiting for approval")).to_be_visible()
    e2e.check(practitioner, "history")
