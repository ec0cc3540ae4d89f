"""Withdrawing consent to share takes a partner's access away at once; a safeguarding override
recorded by a manager gives it back, and shows in the audit trail and history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import (
    OrganisationFactory,
    SchoolFactory,
    TeamFactory,
    sign_in,
    user_with_role,
)
from earlyhelp.consent import services
from earlyhelp.consent.codes import (
    ConsentDecision,
    ConsentGivenBy,
    ConsentMethod,
    ConsentScope,
    LawfulBasis,
    SharingOutcome,
)
from earlyhelp.consent.models import SafeguardingOverride
from earlyhelp.people import services as people_services
from earlyhelp.people.access import people
from earlyhelp.people.codes import FamilyRole, InvolvementReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    council_team = TeamFactory(organisation=OrganisationFactory(kind=OrganisationKind.COUNCIL))
    manager = user_with_role(Role.TEAM_MANAGER, team=council_team)
    school = SchoolFactory()
    teacher = user_with_role(Role.PRACTITIONER, organisation=school)
    family = people_services.create_family(actor=None, name="Achterberg family")
    child = people_services.create_person(actor=None, given_name="Anouk", family_name="Achterberg")
    people_services.add_family_member(
        actor=None, family=family, person=child, role=FamilyRole.CHILD
    )
    people_services.start_involvement(
        actor=None, reason=InvolvementReason.ALLOCATED_TEAM, family=family, team=council_team
    )
    people_services.start_involvement(
        actor=None, reason=InvolvementReason.TEAM_AROUND_FAMILY, family=family, user=teacher
    )
    return family, child, manager, teacher, school


def _consent(family, actor, decision, **target):
    return services.record_consent(
        actor=actor,
        family=family,
        scope=ConsentScope.SHARE,
        decision=decision,
        given_by=ConsentGivenBy.PARENT_CARER,
        given_by_name="Marijke Achterberg",
        method=ConsentMethod.VERBAL,
        decided_on=date(2026, 11, 20),
        **target,
    )


def test_school_practitioner_loses_access_when_consent_to_share_with_schools_is_withdrawn(
    client, setting
):
    family, child, manager, teacher, _school = setting
    _consent(family, manager, ConsentDecision.GIVEN, share_with_kind=OrganisationKind.SCHOOL)
    sign_in(client, teacher)
    url = reverse("people:person", args=[child.pk])
    assert client.get(url).status_code == 200

    _consent(family, manager, ConsentDecision.WITHDRAWN, share_with_kind=OrganisationKind.SCHOOL)
    assert client.get(url).status_code == 404
    assert not people.visible_to(teacher).filter(pk=child.pk).exists()
    # The council's own team keeps access: its basis is public task, not consent.
    assert people.visible_to(manager).filter(pk=child.pk).exists()

    override = services.record_override(
        actor=manager,
        family=family,
        reason="School must keep seeing attendance: risk of neglect",
        share_with_kind=OrganisationKind.SCHOOL,
    )
    assert client.get(url).status_code == 200
    # The override is in the records' history, naming the manager.
    involvement = family.involvements.get(user=teacher)
    reasons = list(involvement.history.values_list("history_change_reason", flat=True))
    assert any("Consent to share allows it again" in r for r in reasons)
    assert override.approved_by == manager
    assert SafeguardingOverride.history.filter(
        history_change_reason__startswith="Safeguarding override"
    ).exists()

    services.end_override(actor=manager, override=override, reason="Risk has passed")
    assert client.get(url).status_code == 404

    _consent(family, manager, ConsentDecision.GIVEN, share_with_kind=OrganisationKind.SCHOOL)
    assert client.get(url).status_code == 200


def test_withdrawal_for_another_kind_of_agency_leaves_the_school_alone(setting):
    family, child, manager, teacher, _school = setting
    _consent(family, manager, ConsentDecision.WITHDRAWN, share_with_kind=OrganisationKind.HEALTH)
    assert people.visible_to(teacher).filter(pk=child.pk).exists()


def test_withdrawal_naming_the_school_itself(setting):
    family, child, manager, teacher, school = setting
    _consent(family, manager, ConsentDecision.REFUSED, share_with_organisation=school)
    assert not people.visible_to(teacher).filter(pk=child.pk).exists()


def test_only_council_managers_record_overrides(setting):
    family, _child, _manager, teacher, school = setting
    with pytest.raises(ValidationError, match="Only a team manager"):
        services.record_override(actor=teacher, family=family, reason="I want to see it")
    head_teacher = user_with_role(Role.TEAM_MANAGER, organisation=school)
    with pytest.raises(ValidationError, match="Only a team manager"):
        services.record_override(actor=head_teacher, family=family, reason="We disagree")


def test_sharing_without_consent_needs_reason_and_manager(setting):
    family, _child, manager, teacher, school = setting
    common = dict(
        actor=teacher,
        family=family,
        information="Attendance since September",
        shared_with_organisation=school,
        purpose="Team around the family meeting",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        outcome=SharingOutcome.SHARED,
        rationale="Needed to plan support",
        family_told=False,
        decided_on=date(2026, 11, 20),
        with_consent=False,
    )
    with pytest.raises(ValidationError) as error:
        services.record_sharing_decision(**common)
    assert set(error.value.message_dict) == {
        "without_consent_reason",
        "approved_by",
        "family_not_told_reason",
    }
    decision = services.record_sharing_decision(
        **common,
        without_consent_reason="Father would flee with the children if told",
        approved_by=manager,
        family_not_told_reason="Telling them would put the children at risk",
    )
    assert decision.pk
    not_shared = services.record_sharing_decision(
        **{**common, "outcome": SharingOutcome.NOT_SHARED, "with_consent": True}
    )
    assert not_shared.get_outcome_display() == "Not shared"
