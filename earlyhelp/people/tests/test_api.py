"""The people and families API, as a practitioner with a reason (through `start_involvement`),
the lead practitioner, a stranger from another team, someone from another agency and anonymous.

The confidential address tests look at the raw JSON text: neither the line nor the postcode may
appear anywhere in an answer to someone without one of the named roles."""

from datetime import date

import pytest

from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.services import create_api_token
from earlyhelp.accounts.tests.factories import OrganisationFactory, TeamFactory, user_with_role
from earlyhelp.core.models import AccessAction, AccessEvent
from earlyhelp.people import services
from earlyhelp.people.codes import FamilyRole, InvolvementReason, RelationshipKind
from earlyhelp.people.models import FamilyMember, Person, Relationship

pytestmark = pytest.mark.django_db

SECRET_LINE = "14 Hidden Lane"
SECRET_POSTCODE = "LS1 4AP"
NHS_NUMBER = "9434765919"


def auth(user) -> dict[str, str]:
    _, raw = create_api_token(user=user, name="Tests")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def team():
    return TeamFactory(name="Riverside Early Help", organisation__phone="01632 960000")


@pytest.fixture
def worker(team):
    """A practitioner in the team allocated to the child: may see and change the record, but
    not the confidential address."""
    return user_with_role(Role.PRACTITIONER, team=team, full_name="Asha Patel")


@pytest.fixture
def lead(team):
    return user_with_role(
        Role.PRACTITIONER, team=team, full_name="Ben Okafor", phone="07700 900123"
    )


@pytest.fixture
def stranger(team):
    other_team = TeamFactory(organisation=team.organisation, name="Northside Early Help")
    return user_with_role(Role.PRACTITIONER, team=other_team)


@pytest.fixture
def other_agency():
    return user_with_role(
        Role.PRACTITIONER, organisation=OrganisationFactory(kind=OrganisationKind.HEALTH)
    )


@pytest.fixture
def family(team):
    family = services.create_family(actor=None, name="Smith family")
    services.start_involvement(
        actor=None, reason=InvolvementReason.ALLOCATED_TEAM, family=family, team=team
    )
    return family


@pytest.fixture
def child(family, lead):
    """William Smith, whose current address is confidential; Ben Okafor is his lead practitioner."""
    person = services.create_person(
        actor=None,
        given_name="William",
        family_name="Smith",
        date_of_birth=date(2016, 3, 4),
        nhs_number=NHS_NUMBER,
    )
    services.add_address(
        actor=None,
        person=person,
        line_1=SECRET_LINE,
        town="Leeds",
        postcode=SECRET_POSTCODE,
        is_confidential=True,
    )
    services.add_family_member(actor=None, family=family, person=person, role=FamilyRole.CHILD)
    services.start_involvement(
        actor=None, reason=InvolvementReason.LEAD_PRACTITIONER, person=person, user=lead
    )
    return person


@pytest.fixture
def mother(family):
    person = services.create_person(
        actor=None, given_name="Sarah", family_name="Smith", date_of_birth=date(1988, 7, 21)
    )
    services.add_address(actor=None, person=person, line_1="2 Open Road", postcode="LS2 7EE")
    services.add_family_member(actor=None, family=family, person=person, role=FamilyRole.PARENT)
    return person


def assert_no_secret(response) -> None:
    text = response.content.decode()
    assert SECRET_LINE not in text
    assert SECRET_POSTCODE not in text
    assert SECRET_POSTCODE.replace(" ", "") not in text


def assert_401(response) -> None:
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def assert_404(response) -> None:
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Not found. It may not exist, or you may not have access to it.",
        "code": "not_found",
    }


SEARCH = "/api/people/search?family_name=Smith&date_of_birth=2016-03-04"


class TestSearch:
    def test_a_user_with_a_reason_can_open_the_record(self, client, worker, child):
        response = client.get(SEARCH, headers=auth(worker))
        assert response.status_code == 200
        [candidate] = [c for c in response.json()["candidates"] if c["id"] == child.pk]
        assert candidate["can_open"] is True
        assert candidate["given_name"] == "William"
        assert candidate["date_of_birth"] == "2016-03-04"
        assert "same date of birth" in candidate["reasons"]
        assert 0 <= candidate["score"] <= 1

    @pytest.mark.parametrize("who", ["stranger", "other_agency"])
    def test_anyone_else_learns_only_who_to_call(self, client, request, who, child):
        response = client.get(SEARCH, headers=auth(request.getfixturevalue(who)))
        assert response.status_code == 200
        [candidate] = response.json()["candidates"]
        assert candidate["can_open"] is False
        assert candidate["id"] is None
        assert (candidate["given_name"], candidate["family_name"]) == ("William", "Smith")
        assert candidate["known_to_early_help"] == {
            "known": True,
            "summary": "Known to early help: Ben Okafor, Riverside Early Help, 07700 900123",
            "lead_practitioner": "Ben Okafor",
            "team": "Riverside Early Help",
            "phone": "07700 900123",
        }
        assert NHS_NUMBER not in response.content.decode()
        assert_no_secret(response)

    def test_a_restricted_person_appears_only_to_those_who_may_see_them(
        self, client, worker, lead, stranger, child
    ):
        services.update_person(
            actor=None, person=child, reason="Staff member's child", is_restricted=True
        )
        for user in (worker, stranger):  # a team-wide reason is not enough for a restricted record
            response = client.get(SEARCH, headers=auth(user))
            assert response.json() == {"candidates": []}
        response = client.get(SEARCH, headers=auth(lead))
        assert [c["id"] for c in response.json()["candidates"]] == [child.pk]

    def test_every_search_is_logged(self, client, worker, child):
        client.get(SEARCH, headers=auth(worker))
        event = AccessEvent.objects.get(action=AccessAction.SEARCH)
        assert event.actor == worker
        assert event.object_type == "person_search"
        assert "family_name=Smith" in event.description
        assert "date_of_birth=2016-03-04" in event.description
        assert "(1 found)" in event.description

    def test_a_search_needs_a_criterion(self, client, worker):
        response = client.get("/api/people/search", headers=auth(worker))
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation_error"
        assert body["errors"][0]["message"].startswith("Give at least one of")
        assert not AccessEvent.objects.exists()

    def test_anonymous(self, client, child):
        assert_401(client.get(SEARCH))

    def test_a_postcode_never_confirms_a_confidential_address(
        self, client, worker, stranger, lead, child
    ):
        by_postcode = f"/api/people/search?postcode={SECRET_POSTCODE}"
        by_all = f"{SEARCH}&given_name=William&postcode={SECRET_POSTCODE}"
        by_names = f"{SEARCH}&given_name=William"
        for user in (worker, stranger):
            assert client.get(by_postcode, headers=auth(user)).json() == {"candidates": []}
            [found] = client.get(by_all, headers=auth(user)).json()["candidates"]
            [without] = client.get(by_names, headers=auth(user)).json()["candidates"]
            assert found == without
            assert not any("postcode" in reason for reason in found["reasons"])
        # The lead practitioner may know the address, so for them it counts.
        [candidate] = client.get(by_postcode, headers=auth(lead)).json()["candidates"]
        assert "same postcode" in candidate["reasons"]


class TestMatch:
    BODY = {"given_name": "Bill", "family_name": "Smith", "date_of_birth": "2016-03-04", "sex": "M"}

    def test_candidates_in_the_search_shape(self, client, worker, child):
        response = client.post(
            "/api/people/match", self.BODY, content_type="application/json", headers=auth(worker)
        )
        assert response.status_code == 200
        [candidate] = response.json()["candidates"]
        assert candidate["id"] == child.pk
        assert any("short form" in reason for reason in candidate["reasons"])
        assert AccessEvent.objects.filter(
            action=AccessAction.SEARCH, object_type="person_search", actor=worker
        ).exists()

    def test_a_stranger_cannot_open_the_match(self, client, stranger, child):
        response = client.post(
            "/api/people/match", self.BODY, content_type="application/json", headers=auth(stranger)
        )
        [candidate] = response.json()["candidates"]
        assert (candidate["can_open"], candidate["id"]) == (False, None)

    def test_an_empty_record_is_refused(self, client, worker):
        response = client.post(
            "/api/people/match", {"sex": "F"}, content_type="application/json", headers=auth(worker)
        )
        assert response.status_code == 422

    def test_anonymous(self, client):
        assert_401(client.post("/api/people/match", self.BODY, content_type="application/json"))


class TestReadPerson:
    def test_a_user_with_a_reason_reads_the_record_without_the_confidential_address(
        self, client, worker, child, family
    ):
        response = client.get(f"/api/people/{child.pk}", headers=auth(worker))
        assert response.status_code == 200
        body = response.json()
        assert body["given_name"] == "William"
        assert body["identifiers"]["nhs_number"] == NHS_NUMBER
        assert body["addresses"] == [
            {
                "id": child.addresses.get().pk,
                "withheld": True,
                "confidential": True,
                "is_current": True,
                "detail": body["addresses"][0]["detail"],
            }
        ]
        assert body["families"] == [
            {
                "family_id": family.pk,
                "family_name": "Smith family",
                "role": "child",
                "joined_on": None,
                "left_on": None,
            }
        ]
        assert_no_secret(response)

    def test_the_lead_practitioner_sees_the_confidential_address(self, client, lead, child):
        response = client.get(f"/api/people/{child.pk}", headers=auth(lead))
        [address] = response.json()["addresses"]
        assert address["withheld"] is False
        assert address["confidential"] is True
        assert (address["line_1"], address["postcode"]) == (SECRET_LINE, SECRET_POSTCODE)

    def test_only_families_the_user_may_see_are_listed(self, client, worker, child):
        elsewhere = services.create_family(actor=None, name="Jones household")
        services.add_family_member(
            actor=None, family=elsewhere, person=child, role=FamilyRole.CHILD
        )
        response = client.get(f"/api/people/{child.pk}", headers=auth(worker))
        assert [f["family_name"] for f in response.json()["families"]] == ["Smith family"]

    def test_a_read_is_logged(self, client, worker, child):
        client.get(f"/api/people/{child.pk}", headers=auth(worker))
        event = AccessEvent.objects.get(action=AccessAction.API_READ)
        assert (event.actor, event.object_type, event.person_id) == (worker, "person", child.pk)

    @pytest.mark.parametrize("who", ["stranger", "other_agency"])
    def test_anyone_else_gets_404(self, client, request, who, child):
        assert_404(
            client.get(f"/api/people/{child.pk}", headers=auth(request.getfixturevalue(who)))
        )
        assert not AccessEvent.objects.exists()

    def test_a_missing_person_is_the_same_404(self, client, worker):
        assert_404(client.get("/api/people/999999", headers=auth(worker)))

    def test_anonymous(self, client, child):
        assert_401(client.get(f"/api/people/{child.pk}"))


NEW_CHILD = {
    "given_name": "Lily",
    "family_name": "Brown",
    "date_of_birth": "2019-11-02",
    "sex": "F",
    "other_names": ["Lily Green"],
    "disabilities": ["NONE"],
    "reason": "Referral from health visitor",
}


class TestCreatePerson:
    def test_a_practitioner_adds_a_person_and_can_then_see_them(self, client, worker):
        response = client.post(
            "/api/people", NEW_CHILD, content_type="application/json", headers=auth(worker)
        )
        assert response.status_code == 201
        body = response.json()
        person = Person.objects.get(pk=body["id"])
        assert body["other_names"] == ["Lily Green"]
        assert person.history.get().history_change_reason == "Referral from health visitor"
        assert person.involvements.get(user=worker).reason == InvolvementReason.RECORDED_BY
        assert client.get(f"/api/people/{person.pk}", headers=auth(worker)).status_code == 200

    def test_possible_matches_come_first_then_confirmed_new_adds(self, client, stranger, child):
        body = {
            "given_name": "Bill",
            "family_name": "Smyth",
            "date_of_birth": "2016-03-04",
            "reason": "School referral",
        }
        response = client.post(
            "/api/people", body, content_type="application/json", headers=auth(stranger)
        )
        assert response.status_code == 409
        refused = response.json()
        assert refused["code"] == "conflict"
        [candidate] = refused["candidates"]
        assert (candidate["given_name"], candidate["can_open"]) == ("William", False)
        assert candidate["known_to_early_help"]["lead_practitioner"] == "Ben Okafor"
        assert Person.objects.count() == 1
        assert_no_secret(response)

        response = client.post(
            "/api/people",
            {**body, "confirmed_new": True},
            content_type="application/json",
            headers=auth(stranger),
        )
        assert response.status_code == 201
        assert Person.objects.count() == 2

    def test_a_confidential_address_given_on_adding_is_withheld_from_the_recorder(
        self, client, worker
    ):
        body = {
            **NEW_CHILD,
            "address": {"line_1": SECRET_LINE, "postcode": "ls14ap", "is_confidential": True},
        }
        response = client.post(
            "/api/people", body, content_type="application/json", headers=auth(worker)
        )
        assert response.status_code == 201
        assert response.json()["addresses"][0]["withheld"] is True
        assert_no_secret(response)
        address = Person.objects.get(pk=response.json()["id"]).addresses.get()
        assert (address.line_1, address.postcode) == (SECRET_LINE, SECRET_POSTCODE)

    def test_someone_who_may_not_record_people_gets_403(self, client):
        analyst = user_with_role(Role.DATA_ANALYST)
        response = client.post(
            "/api/people", NEW_CHILD, content_type="application/json", headers=auth(analyst)
        )
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert not Person.objects.exists()

    def test_invalid_details_are_422_in_plain_words(self, client, worker):
        response = client.post(
            "/api/people",
            {**NEW_CHILD, "nhs_number": "943 476 5918"},
            content_type="application/json",
            headers=auth(worker),
        )
        assert response.status_code == 422
        assert {
            "location": "body",
            "field": "nhs_number",
            "message": "The NHS number is not valid: check the digits",
        } in response.json()["errors"]

    def test_an_invalid_address_is_named_as_sent_and_nothing_is_added(self, client, worker):
        body = {**NEW_CHILD, "address": {"line_1": "1 High Street", "postcode": "NOT A CODE"}}
        response = client.post(
            "/api/people", body, content_type="application/json", headers=auth(worker)
        )
        assert response.status_code == 422
        assert {e["field"] for e in response.json()["errors"]} == {"address.postcode"}
        assert not Person.objects.exists()

    def test_anonymous(self, client):
        assert_401(client.post("/api/people", NEW_CHILD, content_type="application/json"))


class TestChangePerson:
    def test_a_user_with_a_reason_changes_details(self, client, worker, child):
        response = client.patch(
            f"/api/people/{child.pk}",
            {"family_name": "Jones", "date_of_birth": None, "reason": "Surname changed"},
            content_type="application/json",
            headers=auth(worker),
        )
        assert response.status_code == 200
        assert (response.json()["family_name"], response.json()["date_of_birth"]) == ("Jones", None)
        child.refresh_from_db()
        assert child.family_name == "Jones"
        assert child.history.first().history_change_reason == "Surname changed"
        assert child.given_name == "William"  # not sent, not changed
        assert_no_secret(response)

    def test_a_reason_is_required(self, client, worker, child):
        response = client.patch(
            f"/api/people/{child.pk}",
            {"family_name": "Jones"},
            content_type="application/json",
            headers=auth(worker),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "reason"

    def test_null_for_a_name_is_refused(self, client, worker, child):
        response = client.patch(
            f"/api/people/{child.pk}",
            {"family_name": None, "reason": "Oops"},
            content_type="application/json",
            headers=auth(worker),
        )
        assert response.status_code == 422

    def test_break_glass_reads_but_does_not_change(self, client, stranger, child):
        services.break_glass(actor=stranger, person=child, reason="Urgent call from the police")
        assert client.get(f"/api/people/{child.pk}", headers=auth(stranger)).status_code == 200
        assert_404(
            client.patch(
                f"/api/people/{child.pk}",
                {"family_name": "Jones", "reason": "Because"},
                content_type="application/json",
                headers=auth(stranger),
            )
        )

    @pytest.mark.parametrize("who", ["stranger", "other_agency"])
    def test_anyone_else_gets_404(self, client, request, who, child):
        response = client.patch(
            f"/api/people/{child.pk}",
            {"family_name": "Jones", "reason": "Because"},
            content_type="application/json",
            headers=auth(request.getfixturevalue(who)),
        )
        assert_404(response)
        child.refresh_from_db()
        assert child.family_name == "Smith"

    def test_anonymous(self, client, child):
        assert_401(
            client.patch(
                f"/api/people/{child.pk}",
                {"family_name": "Jones", "reason": "Because"},
                content_type="application/json",
            )
        )


class TestAddAddress:
    def test_a_new_current_address_ends_the_previous_one(self, client, worker, mother):
        response = client.post(
            f"/api/people/{mother.pk}/addresses",
            {"line_1": "9 New Street", "postcode": "ls2 9jt", "reason": "Moved house"},
            content_type="application/json",
            headers=auth(worker),
        )
        assert response.status_code == 201
        assert response.json()["postcode"] == "LS2 9JT"
        assert response.json()["withheld"] is False
        previous = mother.addresses.get(line_1="2 Open Road")
        assert previous.is_current is False
        mother.refresh_from_db()
        assert mother.postcode == "LS2 9JT"

    def test_a_confidential_address_is_withheld_in_the_answer(self, client, worker, mother):
        response = client.post(
            f"/api/people/{mother.pk}/addresses",
            {
                "line_1": SECRET_LINE,
                "postcode": SECRET_POSTCODE,
                "is_confidential": True,
                "reason": "Fled domestic abuse",
            },
            content_type="application/json",
            headers=auth(worker),
        )
        assert response.status_code == 201
        assert response.json()["withheld"] is True
        assert_no_secret(response)

    def test_an_invalid_postcode_is_422(self, client, worker, mother):
        response = client.post(
            f"/api/people/{mother.pk}/addresses",
            {"line_1": "9 New Street", "postcode": "XX", "reason": "Moved house"},
            content_type="application/json",
            headers=auth(worker),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "postcode"

    @pytest.mark.parametrize("who", ["stranger", "other_agency"])
    def test_anyone_else_gets_404(self, client, request, who, mother):
        response = client.post(
            f"/api/people/{mother.pk}/addresses",
            {"line_1": "9 New Street", "postcode": "LS2 9JT", "reason": "Moved"},
            content_type="application/json",
            headers=auth(request.getfixturevalue(who)),
        )
        assert_404(response)
        assert mother.addresses.count() == 1

    def test_anonymous(self, client, mother):
        response = client.post(
            f"/api/people/{mother.pk}/addresses",
            {"line_1": "9 New Street", "postcode": "LS2 9JT", "reason": "Moved"},
            content_type="application/json",
        )
        assert_401(response)


class TestFamilies:
    def test_a_practitioner_adds_a_family_and_its_members(self, client, worker, mother):
        headers = auth(worker)
        response = client.post(
            "/api/families",
            {"name": "Brown family"},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 201
        family_id = response.json()["id"]
        assert response.json()["members"] == []
        response = client.post(
            f"/api/families/{family_id}/members",
            {"person_id": mother.pk, "role": "parent", "joined_on": "2024-01-05"},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 201
        [member] = response.json()["members"]
        assert (member["role"], member["joined_on"]) == ("parent", "2024-01-05")
        assert member["person"]["id"] == mother.pk
        assert client.get(f"/api/families/{family_id}", headers=headers).status_code == 200

    def test_someone_who_may_not_record_gets_403(self, client):
        response = client.post(
            "/api/families",
            {"name": "Brown family"},
            content_type="application/json",
            headers=auth(user_with_role(Role.DATA_ANALYST)),
        )
        assert response.status_code == 403

    def test_the_family_page_withholds_the_confidential_address(
        self, client, worker, family, child, mother
    ):
        services.add_relationship(
            actor=None,
            person=child,
            related_person=mother,
            kind=RelationshipKind.MOTHER,
            has_parental_responsibility=True,
        )
        response = client.get(f"/api/families/{family.pk}", headers=auth(worker))
        assert response.status_code == 200
        body = response.json()
        assert body["name"] == "Smith family"
        members = {m["person"]["given_name"]: m for m in body["members"]}
        assert members["William"]["role"] == "child"
        assert members["William"]["person"]["current_address"]["withheld"] is True
        assert members["Sarah"]["person"]["current_address"]["line_1"] == "2 Open Road"
        assert body["relationships"] == [
            {
                "id": Relationship.objects.get().pk,
                "person_id": child.pk,
                "related_person_id": mother.pk,
                "kind": "mother",
                "has_parental_responsibility": True,
            }
        ]
        assert_no_secret(response)

    def test_the_lead_practitioner_sees_it(self, client, lead, family, child):
        services.start_involvement(
            actor=None, reason=InvolvementReason.LEAD_PRACTITIONER, family=family, user=lead
        )
        response = client.get(f"/api/families/{family.pk}", headers=auth(lead))
        [member] = response.json()["members"]
        assert member["person"]["current_address"]["line_1"] == SECRET_LINE

    def test_a_restricted_member_is_shown_only_as_restricted(
        self, client, worker, family, child, mother
    ):
        services.update_person(actor=None, person=mother, reason="Staff member", is_restricted=True)
        services.add_relationship(
            actor=None, person=child, related_person=mother, kind=RelationshipKind.MOTHER
        )
        response = client.get(f"/api/families/{family.pk}", headers=auth(worker))
        members = response.json()["members"]
        assert sorted((m["restricted"], m["person"] is None) for m in members) == [
            (False, False),
            (True, True),
        ]
        assert "Sarah" not in response.content.decode()
        assert response.json()["relationships"] == []

    def test_a_read_is_logged(self, client, worker, family):
        client.get(f"/api/families/{family.pk}", headers=auth(worker))
        event = AccessEvent.objects.get(action=AccessAction.API_READ)
        assert (event.object_type, event.family_id) == ("family", family.pk)

    def test_a_member_must_be_someone_the_user_may_see(self, client, worker, family):
        unknown = services.create_person(actor=None, given_name="Zed", family_name="Unknown")
        response = client.post(
            f"/api/families/{family.pk}/members",
            {"person_id": unknown.pk, "role": "other_adult"},
            content_type="application/json",
            headers=auth(worker),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "person_id"
        assert not FamilyMember.objects.filter(person=unknown).exists()

    def test_someone_already_in_the_family_is_not_added_twice(self, client, worker, family, child):
        response = client.post(
            f"/api/families/{family.pk}/members",
            {"person_id": child.pk, "role": "child"},
            content_type="application/json",
            headers=auth(worker),
        )
        assert response.status_code == 422

    def test_a_relationship_between_members(self, client, worker, family, child, mother):
        response = client.post(
            f"/api/families/{family.pk}/relationships",
            {
                "person_id": child.pk,
                "related_person_id": mother.pk,
                "kind": "mother",
                "has_parental_responsibility": True,
            },
            content_type="application/json",
            headers=auth(worker),
        )
        assert response.status_code == 201
        assert response.json()["kind"] == "mother"
        relationship = Relationship.objects.get()
        assert relationship.related_person == mother

    def test_a_relationship_needs_two_members(self, client, worker, family, child):
        outsider = services.create_person(actor=None, given_name="Zed", family_name="Unknown")
        response = client.post(
            f"/api/families/{family.pk}/relationships",
            {"person_id": child.pk, "related_person_id": outsider.pk, "kind": "father"},
            content_type="application/json",
            headers=auth(worker),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "related_person_id"

    @pytest.mark.parametrize("who", ["stranger", "other_agency"])
    def test_anyone_else_gets_404_everywhere(self, client, request, who, family, child, mother):
        headers = auth(request.getfixturevalue(who))
        assert_404(client.get(f"/api/families/{family.pk}", headers=headers))
        assert_404(
            client.post(
                f"/api/families/{family.pk}/members",
                {"person_id": child.pk, "role": "child"},
                content_type="application/json",
                headers=headers,
            )
        )
        assert_404(
            client.post(
                f"/api/families/{family.pk}/relationships",
                {"person_id": child.pk, "related_person_id": mother.pk, "kind": "mother"},
                content_type="application/json",
                headers=headers,
            )
        )
        assert not Relationship.objects.exists()

    def test_anonymous(self, client, family, child):
        assert_401(client.get(f"/api/families/{family.pk}"))
        assert_401(client.post("/api/families", {"name": "X"}, content_type="application/json"))
        assert_401(
            client.post(
                f"/api/families/{family.pk}/members",
                {"person_id": child.pk, "role": "child"},
                content_type="application/json",
            )
        )


def test_a_browser_session_works_too(client, worker, child):
    from earlyhelp.accounts.tests.factories import sign_in

    sign_in(client, worker)
    response = client.get(f"/api/people/{child.pk}")
    assert response.status_code == 200
    assert_no_secret(response)
