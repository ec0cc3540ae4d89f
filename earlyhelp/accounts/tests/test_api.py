"""The account API: /api/me and personal API tokens, as a token holder, a browser session,
a stranger and anonymous."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from earlyhelp.accounts.models import ApiToken, hash_token
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.services import create_api_token, revoke_api_token, update_user
from earlyhelp.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    sign_in,
    user_with_role,
)
from earlyhelp.core.models import AccessEvent

pytestmark = pytest.mark.django_db

TOKEN_FIELDS = {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at", "is_active"}


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def team():
    return TeamFactory(name="Riverside Early Help", organisation__name="Kingsbridge Council")


@pytest.fixture
def user(team):
    return user_with_role(
        Role.PRACTITIONER, team=team, full_name="Asha Patel", job_title="Family support worker"
    )


@pytest.fixture
def raw_token(user) -> str:
    _, raw = create_api_token(user=user, name="Case sync")
    return raw


def assert_401(response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


class TestMe:
    def test_with_a_token(self, client, user, team, raw_token):
        response = client.get("/api/me", headers=bearer(raw_token))
        assert response.status_code == 200
        assert response.json() == {
            "id": user.pk,
            "email": user.email,
            "full_name": "Asha Patel",
            "job_title": "Family support worker",
            "memberships": [
                {
                    "role": {"code": "practitioner", "label": "Practitioner"},
                    "organisation": {
                        "id": team.organisation.pk,
                        "name": "Kingsbridge Council",
                        "kind": "council",
                    },
                    "team": {"id": team.pk, "name": "Riverside Early Help"},
                    "started_on": timezone.localdate().isoformat(),
                }
            ],
        }

    def test_with_a_signed_in_session(self, client, user):
        sign_in(client, user)
        response = client.get("/api/me")
        assert response.status_code == 200
        assert response.json()["email"] == user.email

    def test_lists_only_current_roles_and_an_organisation_wide_role_has_no_team(self, user):
        school = OrganisationFactory(name="Riverside Primary", kind=OrganisationKind.SCHOOL)
        MembershipFactory(user=user, organisation=school, role=Role.DESIGNATED_SAFEGUARDING_LEAD)
        MembershipFactory(
            user=user,
            organisation=school,
            role=Role.AUDITOR,
            started_on=datetime.date(2020, 1, 1),
            ended_on=datetime.date(2021, 1, 1),
        )
        _, raw = create_api_token(user=user, name="x")
        memberships = Client().get("/api/me", headers=bearer(raw)).json()["memberships"]
        roles = {m["role"]["code"]: m for m in memberships}
        assert set(roles) == {"practitioner", "designated_safeguarding_lead"}
        dsl = roles["designated_safeguarding_lead"]
        assert dsl["team"] is None
        assert dsl["organisation"]["kind"] == "school"
        assert dsl["role"]["label"] == "Designated safeguarding lead"

    def test_anonymous_gets_a_json_401_not_a_redirect_to_sign_in(self, client):
        response = client.get("/api/me")
        assert_401(response)
        assert "Location" not in response

    def test_a_session_that_has_not_passed_two_factor_is_not_enough(self, client, user):
        client.force_login(user)
        assert_401(client.get("/api/me"))

    def test_a_revoked_token_is_refused(self, client, user, raw_token):
        revoke_api_token(user=user, token=ApiToken.objects.get(user=user))
        assert_401(client.get("/api/me", headers=bearer(raw_token)))

    def test_the_token_of_a_deactivated_account_is_refused(self, client, user, raw_token):
        update_user(actor=user, user=user, reason="Left the council", is_active=False)
        assert_401(client.get("/api/me", headers=bearer(raw_token)))

    @pytest.mark.parametrize(
        "header",
        [
            "Bearer",
            "Bearer ",
            "Bearer nonsense",
            "Bearer eh_abc",
            "Token {raw}",
            "{raw}",
            "Basic {raw}",
            "Bearer {raw}x",
            "Bearer {raw} extra",
        ],
    )
    def test_a_malformed_or_wrong_header_is_refused(self, client, raw_token, header):
        assert_401(client.get("/api/me", HTTP_AUTHORIZATION=header.format(raw=raw_token)))

    def test_a_bad_token_is_refused_even_from_a_signed_in_browser(self, client, user):
        sign_in(client, user)
        assert_401(client.get("/api/me", headers=bearer("eh_wrongwro_" + "x" * 43)))

    def test_records_when_the_token_was_last_used(self, client, user, raw_token):
        assert ApiToken.objects.get(user=user).last_used_at is None
        client.get("/api/me", headers=bearer(raw_token))
        assert ApiToken.objects.get(user=user).last_used_at is not None

    def test_is_not_written_to_the_access_log(self, client, raw_token):
        # The caller's own account is not case data.
        client.get("/api/me", headers=bearer(raw_token))
        assert not AccessEvent.objects.exists()

    def test_query_count_does_not_grow_with_roles(
        self, client, user, raw_token, django_assert_max_num_queries
    ):
        for _ in range(5):
            MembershipFactory(user=user, team=TeamFactory())
        with django_assert_max_num_queries(5):
            response = client.get("/api/me", headers=bearer(raw_token))
        assert len(response.json()["memberships"]) == 6


class TestTokens:
    def test_create_returns_the_secret_once_and_it_works(self, client, raw_token):
        response = client.post(
            "/api/me/tokens",
            {"name": "  School MIS sync  "},
            content_type="application/json",
            headers=bearer(raw_token),
        )
        assert response.status_code == 201
        created = response.json()
        assert set(created) == TOKEN_FIELDS | {"token"}
        secret = created["token"]
        assert ApiToken.looks_valid(secret)
        assert secret.startswith(created["prefix"])
        assert created["name"] == "School MIS sync"
        assert created["is_active"] is True
        assert created["revoked_at"] is None

        me = Client().get("/api/me", headers=bearer(secret))
        assert me.status_code == 200

        listed = client.get("/api/me/tokens", headers=bearer(secret)).json()
        assert secret not in str(listed)
        assert all("token" not in item for item in listed)

    def test_the_secret_is_not_stored_anywhere_in_the_token_table(self, client, raw_token):
        response = client.post(
            "/api/me/tokens",
            {"name": "Nightly"},
            content_type="application/json",
            headers=bearer(raw_token),
        )
        secret = response.json()["token"]

        def secret_of(raw: str) -> str:
            # eh_<8 public characters>_<secret>; either part may itself contain "_", so split
            # by position (splitting on the last "_" once gave a one-letter "secret").
            return raw[len("eh_") + 9 :]

        secret_part = secret_of(secret)
        assert len(secret_part) >= 32
        for raw in (raw_token, secret):
            for row in ApiToken.objects.values():
                for value in row.values():
                    assert raw not in str(value)
                    assert secret_of(raw) not in str(value)
        assert ApiToken.objects.filter(token_hash=hash_token(secret)).exists()
        assert not ApiToken.objects.filter(token_hash__contains=secret_part).exists()

    def test_listing_shows_only_your_own_tokens_and_never_a_secret_or_hash(
        self, client, user, raw_token
    ):
        revoked, _ = create_api_token(user=user, name="Old sync")
        revoke_api_token(user=user, token=revoked)
        create_api_token(user=UserFactory(), name="Someone else's")

        response = client.get("/api/me/tokens", headers=bearer(raw_token))
        assert response.status_code == 200
        listed = response.json()
        assert [item["name"] for item in listed] == ["Old sync", "Case sync"]
        assert all(set(item) == TOKEN_FIELDS for item in listed)
        old, current = listed
        assert old["is_active"] is False and old["revoked_at"] is not None
        assert current["is_active"] is True and current["last_used_at"] is not None
        content = response.content.decode()
        assert raw_token not in content
        for token in ApiToken.objects.all():
            assert token.token_hash not in content

    def test_revoking_your_own_token_stops_it_working(self, client, user, raw_token):
        _, spare_raw = create_api_token(user=user, name="Spare")
        token = ApiToken.objects.get(user=user, name="Case sync")
        response = client.delete(f"/api/me/tokens/{token.pk}", headers=bearer(raw_token))
        assert response.status_code == 204
        assert response.content == b""
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert_401(client.get("/api/me", headers=bearer(raw_token)))
        # Revoking again is harmless.
        again = client.delete(f"/api/me/tokens/{token.pk}", headers=bearer(spare_raw))
        assert again.status_code == 204

    def test_revoking_someone_elses_token_is_a_404_and_leaves_it_working(self, client, raw_token):
        stranger = user_with_role(Role.PRACTITIONER)
        theirs, their_raw = create_api_token(user=stranger, name="Theirs")
        response = client.delete(f"/api/me/tokens/{theirs.pk}", headers=bearer(raw_token))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        theirs.refresh_from_db()
        assert theirs.revoked_at is None
        assert Client().get("/api/me", headers=bearer(their_raw)).status_code == 200

    def test_revoking_a_token_that_does_not_exist_is_a_404(self, client, raw_token):
        response = client.delete("/api/me/tokens/999999", headers=bearer(raw_token))
        assert response.status_code == 404

    @pytest.mark.parametrize("token_id", ["0", "-1", "abc", str(2**63)])
    def test_an_impossible_token_id_is_a_422(self, client, raw_token, token_id):
        response = client.delete(f"/api/me/tokens/{token_id}", headers=bearer(raw_token))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "token_id"

    @pytest.mark.parametrize(
        "name", ["", "   ", "\u3000", "a" * 101, "Sync\x00", "Line\nbreak", "\ud800", None, 7]
    )
    def test_a_token_needs_a_sensible_name(self, client, raw_token, name):
        response = client.post(
            "/api/me/tokens",
            {"name": name},
            content_type="application/json",
            headers=bearer(raw_token),
        )
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation_error"
        assert [(e["location"], e["field"]) for e in body["errors"]] == [("body", "name")]
        assert ApiToken.objects.count() == 1

    def test_a_body_that_is_not_json_is_a_400(self, client, raw_token):
        response = client.post(
            "/api/me/tokens",
            "name=x",
            content_type="application/json",
            headers=bearer(raw_token),
        )
        assert response.status_code == 400
        assert response.json()["code"] == "bad_request"

    def test_anonymous_cannot_list_create_or_revoke(self, client, raw_token):
        token = ApiToken.objects.get()
        assert_401(client.get("/api/me/tokens"))
        assert_401(client.post("/api/me/tokens", {"name": "x"}, content_type="application/json"))
        assert_401(client.delete(f"/api/me/tokens/{token.pk}"))
        token.refresh_from_db()
        assert token.revoked_at is None


class TestSessionCsrf:
    """A browser session must send the CSRF token for unsafe methods; a token holder need not."""

    @pytest.fixture
    def browser(self, user) -> Client:
        client = Client(enforce_csrf_checks=True)
        sign_in(client, user)
        return client

    def test_reading_needs_no_csrf_token(self, browser):
        assert browser.get("/api/me/tokens").status_code == 200

    def test_creating_without_the_csrf_token_is_refused(self, browser):
        response = browser.post("/api/me/tokens", {"name": "x"}, content_type="application/json")
        assert response.status_code == 403
        assert response.json()["code"] == "csrf_failed"
        assert not ApiToken.objects.exists()

    def test_creating_with_the_csrf_token_works(self, browser):
        csrf = get_random_string(32)
        browser.cookies["csrftoken"] = csrf
        response = browser.post(
            "/api/me/tokens",
            {"name": "x"},
            content_type="application/json",
            headers={"X-CSRFToken": csrf},
        )
        assert response.status_code == 201

    def test_a_token_holder_needs_no_csrf_token(self, raw_token):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            "/api/me/tokens",
            {"name": "x"},
            content_type="application/json",
            headers=bearer(raw_token),
        )
        assert response.status_code == 201
