"""The family plan: needs, outcomes and three actions with who and by when; agreed versions kept
as they were; no lost updates (a stale save is refused and shown with both versions); the family
copy in plain words; pages as the lead practitioner, a stranger and someone not signed in."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from earlyhelp.accounts.tests.factories import sign_in
from earlyhelp.core.models import AccessEvent
from earlyhelp.episodes.models import ChronologyEntry, ChronologyKind
from earlyhelp.plans import services
from earlyhelp.plans.codes import ActionOwnerKind, ActionStatus, SupportingFamiliesOutcome
from earlyhelp.plans.models import FamilyPlan, PlanAction

from .factories import AllocatedFamily, allocated_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def case() -> AllocatedFamily:
    return allocated_family()


def three_action_plan(case: AllocatedFamily) -> FamilyPlan:
    plan = services.start_plan(actor=case.lead, episode=case.episode)
    need = services.add_need(
        actor=case.lead,
        plan=plan,
        expected_version=plan.version,
        need="Kai is missing school on Mondays",
        outcome="Kai goes to school every day",
        headline_outcome=SupportingFamiliesOutcome.EDUCATION,
    )
    services.add_action(
        actor=case.lead,
        need=need,
        expected_version=plan.version,
        description="Walk Kai to school on Mondays",
        owner_kind=ActionOwnerKind.FAMILY_MEMBER,
        owner_person=case.parent,
        due_on=date(2027, 1, 15),
    )
    services.add_action(
        actor=case.lead,
        need=need,
        expected_version=plan.version,
        description="Offer Kai a breakfast club place",
        owner_kind=ActionOwnerKind.AGENCY,
        owner_organisation="Riverside Primary School",
        due_on=date(2027, 1, 8),
    )
    services.add_action(
        actor=case.lead,
        need=need,
        expected_version=plan.version,
        description="Visit the family every two weeks",
        owner_kind=ActionOwnerKind.PRACTITIONER,
        owner_user=case.lead,
        due_on=date(2027, 2, 1),
    )
    return plan


def test_a_plan_with_three_actions_and_who_does_each(case: AllocatedFamily) -> None:
    plan = three_action_plan(case)
    actions = list(PlanAction.objects.filter(need__plan=plan).order_by("due_on"))
    assert [a.owner_name for a in actions] == [
        "Riverside Primary School",
        "Dana Hughes",
        "Pat Practitioner",
    ]
    assert all(a.status == ActionStatus.NOT_STARTED for a in actions)
    assert plan.version == 5 and plan.has_draft_changes


def test_agreeing_keeps_each_version_as_it_was_and_notes_the_chronology(
    case: AllocatedFamily,
) -> None:
    plan = three_action_plan(case)
    first = services.agree_version(
        actor=case.lead,
        plan=plan,
        expected_version=plan.version,
        agreed_with_family=True,
        family_present="Dana Hughes",
    )
    assert not plan.has_draft_changes
    action = PlanAction.objects.get(description__startswith="Walk")
    services.change_action(
        actor=case.lead,
        action=action,
        expected_version=plan.version,
        description=action.description,
        owner_kind=action.owner_kind,
        owner_person=case.parent,
        due_on=action.due_on,
        status=ActionStatus.DONE,
        progress="Every Monday since the plan",
    )
    plan.refresh_from_db()
    assert plan.has_draft_changes
    second = services.agree_version(
        actor=case.lead, plan=plan, expected_version=plan.version, agreed_with_family=False
    )
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    statuses = [a["status"] for a in first.snapshot["needs"][0]["actions"]]
    assert "Done" not in statuses  # the first version is kept as it was agreed
    assert "Done" in [a["status"] for a in second.snapshot["needs"][0]["actions"]]
    entries = ChronologyEntry.objects.filter(family=case.family, kind=ChronologyKind.PLAN)
    assert entries.count() == 2
    assert "version 1 agreed with the family: 1 need, 3 actions" in entries.last().summary


def test_a_stale_save_is_refused_not_overwritten(case: AllocatedFamily) -> None:
    plan = three_action_plan(case)
    opened_at = plan.version  # two people open the same action
    action = PlanAction.objects.get(description__startswith="Offer")
    fields = {
        "owner_kind": ActionOwnerKind.AGENCY,
        "owner_organisation": "Riverside Primary School",
        "due_on": action.due_on,
    }
    services.change_action(
        actor=case.lead,
        action=action,
        expected_version=opened_at,
        description="Offer a breakfast club place",
        status=ActionStatus.IN_PROGRESS,
        progress="Place offered",
        **fields,
    )
    with pytest.raises(services.StalePlan) as raised:
        services.change_action(
            actor=case.manager,
            action=PlanAction.objects.get(pk=action.pk),
            expected_version=opened_at,
            description="Something else",
            status=ActionStatus.NOT_DONE,
            progress="",
            **fields,
        )
    assert raised.value.plan.version == opened_at + 1
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.IN_PROGRESS, "Place offered")
    with pytest.raises(services.StalePlan):
        services.agree_version(
            actor=case.lead, plan=plan, expected_version=opened_at, agreed_with_family=True
        )


def test_the_conflict_page_shows_both_versions_and_keep_mine_saves(
    case: AllocatedFamily, client: Client
) -> None:
    plan = three_action_plan(case)
    action = PlanAction.objects.get(description__startswith="Offer")
    url = reverse("plans:action", args=[action.pk])
    form = {
        "plan_version": str(plan.version),
        "description": "Offer a breakfast club place from January",
        "owner_kind": "agency",
        "owner_organisation": "Riverside Primary School",
        "due_on-day": "8",
        "due_on-month": "1",
        "due_on-year": "2027",
        "status": "in_progress",
        "progress": "My words",
    }
    services.record_progress(
        actor=case.manager, action=action, status=ActionStatus.DONE, note="Their words"
    )
    sign_in(client, case.lead)
    response = client.post(url, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this plan" in page
    assert "My words" in page and "Their words" in page
    action.refresh_from_db()
    assert action.progress == "Their words"  # nothing overwritten silently
    carried = dict(response.context["conflict"]["carry"])
    response = client.post(url, carried)
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.progress, action.status) == ("My words", ActionStatus.IN_PROGRESS)


def test_the_family_copy_is_in_plain_words(case: AllocatedFamily, client: Client) -> None:
    plan = three_action_plan(case)
    services.agree_version(
        actor=case.lead, plan=plan, expected_version=plan.version, agreed_with_family=True
    )
    sign_in(client, case.lead)
    response = client.get(reverse("plans:family_copy", args=[plan.pk]))
    page = response.content.decode()
    for words in (
        "Our family plan",
        "What we are worried about",
        "What we want to be different",
        "Who will do what, by when",
        "Kai is missing school on Mondays",
        "Dana Hughes",
        "15 January 2027",
        "Your lead worker is Pat Practitioner",
    ):
        assert words in page, words
    assert "service-navigation" not in page
    assert "plans/family-copy.css" in page
    assert AccessEvent.objects.filter(object_type="familyplan", object_id=str(plan.pk)).exists()


def test_pages_for_the_lead_a_stranger_and_anonymous(case: AllocatedFamily) -> None:
    plan = three_action_plan(case)
    action = PlanAction.objects.filter(need__plan=plan).first()
    assert action is not None
    urls = [
        reverse("plans:family", args=[case.family.pk]),
        reverse("plans:action", args=[action.pk]),
        reverse("plans:versions", args=[plan.pk]),
        reverse("plans:family_copy", args=[plan.pk]),
    ]
    lead, stranger = Client(), Client()
    sign_in(lead, case.lead)
    sign_in(stranger, case.stranger)
    for url in urls:
        before = AccessEvent.objects.count()
        assert lead.get(url).status_code == 200, url
        assert AccessEvent.objects.count() == before + 1, url
        assert stranger.get(url).status_code == 404, url
        assert stranger.post(url, {}).status_code in (404, 405), url
        response = Client().get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_adding_needs_and_actions_through_the_page(case: AllocatedFamily, client: Client) -> None:
    sign_in(client, case.lead)
    url = reverse("plans:family", args=[case.family.pk])
    response = client.post(url, {"form": "need", "need-plan_version": "0"})
    assert "Enter what are we worried about?" in response.content.decode()
    response = client.post(
        url,
        {
            "form": "need",
            "need-plan_version": "0",
            "need-need": "Money is very tight",
            "need-outcome": "The family has the benefits they are owed",
            "need-headline_outcome": "financial_stability",
        },
    )
    assert response.status_code == 302
    plan = FamilyPlan.objects.get(episode=case.episode)
    need = plan.needs.get()
    response = client.post(
        url,
        {
            "form": "action",
            "action-plan_version": str(plan.version),
            "action-need": str(need.pk),
            "action-description": "Book a benefits check",
            "action-owner_kind": "practitioner",
            "action-owner_user": str(case.lead.pk),
            "action-due_on-day": "1",
            "action-due_on-month": "2",
            "action-due_on-year": "2027",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan.refresh_from_db()
    # A stale "agree" is shown the plan again, not agreed.
    response = client.post(
        url,
        {
            "form": "agree",
            "agree-plan_version": str(plan.version - 1),
            "agree-agreed_with_family": "yes",
        },
    )
    assert response.status_code == 200
    assert "Someone else changed this plan" in response.content.decode()
    assert not plan.versions.exists()
    response = client.post(
        url,
        {
            "form": "agree",
            "agree-plan_version": str(plan.version),
            "agree-agreed_with_family": "yes",
        },
    )
    assert response.status_code == 302
    assert plan.versions.count() == 1
