"""The people and family pages, as an allowed user, a stranger from another team and anonymous,
and the journeys a practitioner makes: search, add a family of four, try to add a child twice."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import TeamFactory, sign_in, user_with_role
from earlyhelp.core.models import AccessAction, AccessEvent
from earlyhelp.people import services
from earlyhelp.people.codes import FamilyRole, InvolvementReason, Sex
from earlyhelp.people.models import Family, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def practitioner(team):
    return user_with_role(Role.PRACTITIONER, team=team)


@pytest.fixture
def stranger():
    return user_with_role(Role.PRACTITIONER, team=TeamFactory())


@pytest.fixture
def child(team):
    family = services.create_family(actor=None, name="Okafor family")
    person = services.create_person(
        actor=None,
        given_name="Chidera",
        family_name="Okafor",
        date_of_birth=date(2016, 4, 3),
        sex=Sex.FEMALE,
    )
    services.add_family_member(actor=None, family=family, person=person, role=FamilyRole.CHILD)
    services.start_involvement(
        actor=None, reason=InvolvementReason.ALLOCATED_TEAM, family=family, team=team
    )
    return person


def _person_urls(person: Person) -> list[str]:
    return [
        reverse("people:person", args=[person.pk]),
        reverse("people:edit", args=[person.pk]),
        reverse("people:history", args=[person.pk]),
        reverse("people:add_address", args=[person.pk]),
    ]


def _family_urls(family: Family) -> list[str]:
    return [
        reverse("people:family", args=[family.pk]),
        reverse("people:add_member", args=[family.pk]),
        reverse("people:add_relationship", args=[family.pk]),
    ]


def test_allowed_user_sees_every_page_and_each_view_is_audited(client, practitioner, child):
    sign_in(client, practitioner)
    family = child.family_memberships.get().family
    for url in [*_person_urls(child), *_family_urls(family)]:
        response = client.get(url)
        assert response.status_code == 200, url
    views = AccessEvent.objects.filter(actor=practitioner, action=AccessAction.VIEW)
    assert views.filter(person_id=child.pk).count() >= 3
    assert views.filter(family_id=family.pk).exists()


def test_stranger_from_another_team_gets_404_everywhere(client, stranger, child):
    sign_in(client, stranger)
    family = child.family_memberships.get().family
    for url in [*_person_urls(child), *_family_urls(family)]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x"}).status_code == 404, url


def test_anonymous_is_sent_to_sign_in(client, child):
    for url in [reverse("people:find"), reverse("people:add"), *_person_urls(child)]:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url


def test_former_team_member_loses_access(client, practitioner, child, team):
    membership = practitioner.memberships.get()
    membership.ended_on = date(2020, 1, 1)
    membership.started_on = date(2019, 1, 1)
    membership.save()
    sign_in(client, practitioner)
    assert client.get(reverse("people:person", args=[child.pk])).status_code == 404


def test_search_tells_a_stranger_who_to_call_without_opening_the_record(
    client, stranger, child, team
):
    lead = user_with_role(Role.PRACTITIONER, team=team, phone="01632 960555")
    services.start_involvement(
        actor=None,
        reason=InvolvementReason.LEAD_PRACTITIONER,
        family=child.family_memberships.get().family,
        user=lead,
    )
    sign_in(client, stranger)
    response = client.get(
        reverse("people:find"),
        {
            "given_name": "Chidera",
            "family_name": "Okafor",
            "date_of_birth-day": "3",
            "date_of_birth-month": "4",
            "date_of_birth-year": "2016",
        },
    )
    text = response.text
    assert "Chidera Okafor" in text
    assert "Known to early help" in text and escape(lead.full_name) in text
    assert "01632 960555" in text and escape(team.name) in text
    assert f'href="{reverse("people:person", args=[child.pk])}"' not in text
    event = AccessEvent.objects.get(actor=stranger, action=AccessAction.SEARCH)
    assert "Chidera Okafor" in event.description


def test_search_needs_something_to_search_for(client, practitioner):
    sign_in(client, practitioner)
    response = client.get(reverse("people:find"), {"given_name": ""})
    assert "Enter a name, date of birth, postcode or identifier" in response.text


def test_tester_adds_a_family_of_four_then_is_shown_the_child_before_adding_again(
    client, practitioner
):
    sign_in(client, practitioner)
    response = client.post(reverse("people:add_family"), {"name": "Whitlock family"})
    family = Family.objects.get(name="Whitlock family")
    assert response["Location"] == reverse("people:family", args=[family.pk])
    household = [
        ("Samantha", "1988", FamilyRole.PARENT, Sex.FEMALE),
        ("Daniel", "1986", FamilyRole.PARENT, Sex.MALE),
        ("Elizabeth", "2014", FamilyRole.CHILD, Sex.FEMALE),
        ("William", "2019", FamilyRole.CHILD, Sex.MALE),
    ]
    for given, year, role, sex in household:
        response = client.post(
            reverse("people:add"),
            {
                "family": family.pk,
                "given_name": given,
                "family_name": "Whitlock",
                "date_of_birth-day": "14",
                "date_of_birth-month": "7",
                "date_of_birth-year": year,
                "sex": sex,
                "ethnicity": "WBRI",
                "member-role": role,
                "address-line_1": "3 Mill Lane",
                "address-postcode": "kb2 7xy",
                "confirmed_new": "yes",  # the household's parents share a surname and address
            },
        )
        assert response.status_code == 302, response.text[:3000]
    assert family.members.count() == 4
    page = client.get(reverse("people:family", args=[family.pk])).text
    for given, *_ in household:
        assert f"{given} Whitlock" in page

    # The youngest again, with a nickname and a typo in the surname.
    again = {
        "family": family.pk,
        "given_name": "Billy",
        "family_name": "Whitlok",
        "date_of_birth-day": "14",
        "date_of_birth-month": "7",
        "date_of_birth-year": "2019",
        "sex": Sex.MALE,
        "member-role": FamilyRole.CHILD,
    }
    response = client.post(reverse("people:add"), again)
    assert response.status_code == 200
    text = response.text
    assert "may be the person you are adding" in text
    first = text.index("William Whitlock")
    assert "Probable match" in text[first : first + 400]
    assert "short form (Billy / William)" in text
    assert Person.objects.filter(given_name="Billy").count() == 0


def test_confidential_address_is_withheld_from_a_team_member_but_shown_to_the_lead(
    client, practitioner, child, team
):
    services.add_address(
        actor=None,
        person=child,
        line_1="7 Refuge Close",
        postcode="KB3 9ZZ",
        is_confidential=True,
    )
    sign_in(client, practitioner)
    text = client.get(reverse("people:person", args=[child.pk])).text
    assert "Refuge Close" not in text and "KB3 9ZZ" not in text
    assert "Confidential address" in text
    history = client.get(reverse("people:history", args=[child.pk])).text
    assert "Refuge Close" not in history and "KB3 9ZZ" not in history

    lead = user_with_role(Role.PRACTITIONER, team=team)
    services.start_involvement(
        actor=None, reason=InvolvementReason.LEAD_PRACTITIONER, person=child, user=lead
    )
    sign_in(client, lead)
    assert "7 Refuge Close" in client.get(reverse("people:person", args=[child.pk])).text


def test_confidential_postcode_does_not_leak_through_search_results(client, practitioner, child):
    services.add_address(
        actor=None, person=child, line_1="7 Refuge Close", postcode="KB3 9ZZ", is_confidential=True
    )
    sign_in(client, practitioner)
    text = client.get(reverse("people:find"), {"postcode": "KB3 9ZZ"}).text
    assert "Refuge Close" not in text
    # Searching by the postcode alone must not confirm who lives there.
    assert "Nobody found" in text and "Chidera" not in text
    assert text.count("KB3 9ZZ") == text.count('value="KB3 9ZZ"')


def test_restricted_person_is_hidden_from_team_members_and_search(
    client, practitioner, stranger, child
):
    services.update_person(
        actor=None, person=child, reason="Staff member's child", is_restricted=True
    )
    sign_in(client, practitioner)
    assert client.get(reverse("people:person", args=[child.pk])).status_code == 404
    sign_in(client, stranger)
    found = client.get(reverse("people:find"), {"given_name": "Chidera", "family_name": "Okafor"})
    assert "Nobody found" in found.text
    assert 'aria-label="People found"' not in found.text


def test_break_glass_needs_a_reason_tells_the_officer_and_is_flagged(
    client, stranger, child, mailoutbox, django_capture_on_commit_callbacks
):
    officer = user_with_role(Role.AUDITOR)
    sign_in(client, stranger)
    url = reverse("people:break_glass", args=[child.pk])
    assert client.get(url).status_code == 200
    assert "Enter why you need to see this record" in client.post(url, {"reason": ""}).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"reason": "Police called: child missing tonight, lead off sick"}
        )
    assert response["Location"] == reverse("people:person", args=[child.pk])
    assert client.get(response["Location"]).status_code == 200
    event = AccessEvent.objects.get(actor=stranger, action=AccessAction.BREAK_GLASS)
    assert event.person_id == child.pk and "child missing" in event.reason
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert "child missing tonight" in mailoutbox[0].body


def test_editing_needs_a_reason_that_history_keeps(client, practitioner, child):
    sign_in(client, practitioner)
    url = reverse("people:edit", args=[child.pk])
    data = {
        "given_name": "Chidera",
        "family_name": "Okafor-Jones",
        "date_of_birth-day": "3",
        "date_of_birth-month": "4",
        "date_of_birth-year": "2016",
        "sex": Sex.FEMALE,
    }
    assert "Enter why you are making this change" in client.post(url, data).text
    client.post(url, {**data, "reason": "Mother's surname added after marriage"})
    child.refresh_from_db()
    assert child.family_name == "Okafor-Jones"
    history = client.get(reverse("people:history", args=[child.pk])).text
    assert "Mother&#x27;s surname added after marriage" in history
    assert "Last name" in history


def test_relationship_is_shown_on_the_family_page(client, practitioner, child):
    family = child.family_memberships.get().family
    mother = services.create_person(actor=None, given_name="Ngozi", family_name="Okafor")
    services.add_family_member(actor=None, family=family, person=mother, role=FamilyRole.PARENT)
    sign_in(client, practitioner)
    client.post(
        reverse("people:add_relationship", args=[family.pk]),
        {
            "person": child.pk,
            "kind": "mother",
            "related_person": mother.pk,
            "has_parental_responsibility": "on",
        },
    )
    page = client.get(reverse("people:family", args=[family.pk])).text
    assert "Ngozi Okafor is Chidera Okafor's mother (has parental responsibility)" in page


def test_add_existing_person_to_family_from_search(client, practitioner, child, team):
    other = services.create_family(actor=None, name="Grandparents")
    services.start_involvement(
        actor=None, reason=InvolvementReason.ALLOCATED_TEAM, family=other, team=team
    )
    sign_in(client, practitioner)
    search = client.get(
        reverse("people:add_member", args=[other.pk]),
        {"given_name": "Chidera", "family_name": "Okafor"},
    )
    assert "Add Chidera Okafor to the family" in search.text
    client.post(
        reverse("people:add_member", args=[other.pk]),
        {"person": child.pk, "role": FamilyRole.CHILD},
    )
    assert other.members.filter(person=child).exists()


def test_auditor_sees_who_accessed_a_person_and_others_get_404(client, practitioner, child):
    sign_in(client, practitioner)
    assert client.get(reverse("people:person", args=[child.pk])).status_code == 200
    url = reverse("people:access_log", args=[child.pk])
    assert client.get(url).status_code == 404
    auditor = user_with_role(Role.AUDITOR)
    sign_in(client, auditor)
    page = client.get(url)
    assert page.status_code == 200
    body = page.text.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert escape(practitioner.full_name) in body and "Viewed" in body, body
    assert AccessEvent.objects.filter(actor=auditor, object_type="access_log").exists()


def test_unusual_access_report_shows_break_glass_and_views_outside_caseload(
    client, practitioner, stranger, child, team
):
    sign_in(client, stranger)
    client.post(
        reverse("people:break_glass", args=[child.pk]),
        {"reason": "Out of hours call from the police about this child"},
    )
    client.get(reverse("people:person", args=[child.pk]))
    sign_in(client, practitioner)
    client.get(reverse("people:person", args=[child.pk]))  # has a reason: not unusual
    url = reverse("people:unusual_access")
    assert client.get(url).status_code == 404
    auditor = user_with_role(Role.AUDITOR)
    sign_in(client, auditor)
    page = client.get(url).text
    section = page.split("Break-glass access", 1)[1].split("Views of records", 1)[0]
    assert "Out of hours call from the police" in section
    assert escape(stranger.full_name) in section
    # The stranger's break-glass has not expired, so their view is not "outside" yet; the
    # practitioner's view never is.
    outside = page.split("Views of records", 1)[1].split("Days with far more", 1)[0]
    assert escape(practitioner.full_name) not in outside
    assert AccessEvent.objects.filter(actor=auditor, object_type="unusual_access").exists()


def test_former_member_views_show_as_outside_caseload(client, practitioner, child):
    sign_in(client, practitioner)
    client.get(reverse("people:person", args=[child.pk]))
    membership = practitioner.memberships.get()
    membership.started_on = date(2019, 1, 1)
    membership.ended_on = date(2020, 1, 1)
    membership.save()
    sign_in(client, user_with_role(Role.AUDITOR))
    page = client.get(reverse("people:unusual_access")).text
    outside = page.split("Views of records", 1)[1].split("Days with far more", 1)[0]
    assert escape(practitioner.full_name) in outside


def test_old_link_to_a_merged_record_leads_to_the_kept_record(client, practitioner, child):
    duplicate = services.create_person(actor=None, given_name="Chidi", family_name="Okafor")
    Person.objects.filter(pk=duplicate.pk).update(merged_into=child)
    sign_in(client, practitioner)
    response = client.get(reverse("people:person", args=[duplicate.pk]))
    assert response["Location"] == reverse("people:person", args=[child.pk])
    stranger = user_with_role(Role.PRACTITIONER, team=TeamFactory())
    sign_in(client, stranger)
    assert client.get(reverse("people:person", args=[duplicate.pk])).status_code == 404


def test_restricted_family_is_seen_only_through_a_personal_reason(client, practitioner, team):
    family = services.create_family(actor=None, name="Staff family", is_restricted=True)
    child = services.create_person(actor=None, given_name="Rowan", family_name="Staff")
    services.add_family_member(actor=None, family=family, person=child, role=FamilyRole.CHILD)
    services.start_involvement(
        actor=None, reason=InvolvementReason.ALLOCATED_TEAM, family=family, team=team
    )
    sign_in(client, practitioner)  # a member of the allocated team: a team's reason
    assert client.get(reverse("people:family", args=[family.pk])).status_code == 404
    assert client.get(reverse("people:person", args=[child.pk])).status_code == 404
    lead = user_with_role(Role.PRACTITIONER, team=team)
    services.start_involvement(
        actor=None, reason=InvolvementReason.LEAD_PRACTITIONER, family=family, user=lead
    )
    sign_in(client, lead)
    page = client.get(reverse("people:family", args=[family.pk]))
    assert page.status_code == 200 and "Restricted" in page.text
    assert client.get(reverse("people:person", args=[child.pk])).status_code == 200


def test_adding_a_restricted_family(client, practitioner):
    sign_in(client, practitioner)
    client.post(reverse("people:add_family"), {"name": "Protected family", "is_restricted": "on"})
    family = Family.objects.get(name="Protected family")
    assert family.is_restricted
    # The recorder holds a personal reason, so they still see it.
    assert client.get(reverse("people:family", args=[family.pk])).status_code == 200
