"""Consent pages as an allowed user, a stranger from another team, a manager, and anonymous."""

import pytest
from django.urls import reverse

from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import SchoolFactory, TeamFactory, sign_in, user_with_role
from earlyhelp.consent.models import ConsentRecord, SafeguardingOverride, SharingDecision
from earlyhelp.core.models import AccessAction, AccessEvent
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole, InvolvementReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def family(team):
    family = people_services.create_family(actor=None, name="Nowak family")
    child = people_services.create_person(actor=None, given_name="Zofia", family_name="Nowak")
    people_services.add_family_member(
        actor=None, family=family, person=child, role=FamilyRole.CHILD
    )
    people_services.start_involvement(
        actor=None, reason=InvolvementReason.ALLOCATED_TEAM, family=family, team=team
    )
    return family


def _urls(family):
    return [
        reverse("consent:family", args=[family.pk]),
        reverse("consent:record", args=[family.pk]),
        reverse("consent:record_sharing", args=[family.pk]),
    ]


def test_practitioner_sees_and_records_consent_and_the_view_is_audited(client, team, family):
    practitioner = user_with_role(Role.PRACTITIONER, team=team)
    sign_in(client, practitioner)
    for url in _urls(family):
        assert client.get(url).status_code == 200, url
    assert AccessEvent.objects.filter(
        actor=practitioner, action=AccessAction.VIEW, family_id=family.pk
    ).exists()
    # A practitioner may not record an override.
    assert client.get(reverse("consent:record_override", args=[family.pk])).status_code == 404

    empty = client.post(reverse("consent:record", args=[family.pk]), {})
    assert "Select what is the consent to?" in empty.text or "Select" in empty.text
    response = client.post(
        reverse("consent:record", args=[family.pk]),
        {
            "scope": "share",
            "decision": "given",
            "share_with_kind": OrganisationKind.SCHOOL,
            "given_by": "parent_carer",
            "given_by_name": "Anna Nowak",
            "method": "written",
            "decided_on-day": "20",
            "decided_on-month": "11",
            "decided_on-year": "2026",
        },
    )
    assert response.status_code == 302
    assert ConsentRecord.objects.filter(family=family, decision="given").exists()
    page = client.get(reverse("people:family", args=[family.pk])).text
    assert "To share information with any school" in page


def test_sharing_without_consent_shows_what_is_missing(client, team, family):
    practitioner = user_with_role(Role.PRACTITIONER, team=team)
    school = SchoolFactory()
    sign_in(client, practitioner)
    data = {
        "outcome": "shared",
        "information": "Attendance",
        "shared_with_organisation": school.pk,
        "purpose": "Plan support",
        "lawful_basis": "public_task",
        "with_consent": "no",
        "rationale": "Needed",
        "family_told": "yes",
        "decided_on-day": "20",
        "decided_on-month": "11",
        "decided_on-year": "2026",
    }
    response = client.post(reverse("consent:record_sharing", args=[family.pk]), data)
    assert "Enter why information was shared without consent" in response.text
    assert "Select the manager who approved sharing without consent" in response.text
    assert 'value="Attendance"' in response.text or "Attendance</textarea>" in response.text
    assert not SharingDecision.objects.exists()


def test_manager_records_an_override(client, team, family):
    manager = user_with_role(Role.TEAM_MANAGER, team=team)
    sign_in(client, manager)
    url = reverse("consent:record_override", args=[family.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"reason": "Neglect: school must keep monitoring"})
    override = SafeguardingOverride.objects.get()
    # The override is in the access log, beside the reads it makes possible, and in the
    # auditor's view of who accessed the child's record.
    event = AccessEvent.objects.get(action=AccessAction.OVERRIDE, family_id=family.pk)
    assert event.actor == manager and "school must keep monitoring" in event.reason
    child = family.members.get().person
    sign_in(client, user_with_role(Role.AUDITOR))
    log = client.get(reverse("people:access_log", args=[child.pk])).text
    assert "Safeguarding override recorded" in log
    sign_in(client, manager)
    end = reverse("consent:end_override", args=[override.pk])
    assert client.get(end).status_code == 200
    client.post(end, {"reason": "Risk has passed"})
    override.refresh_from_db()
    assert override.ended_at is not None


def test_stranger_gets_404_and_anonymous_signs_in(client, family):
    stranger = user_with_role(Role.TEAM_MANAGER, team=TeamFactory())
    sign_in(client, stranger)
    for url in [*_urls(family), reverse("consent:record_override", args=[family.pk])]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    client.logout()
    for url in _urls(family):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
