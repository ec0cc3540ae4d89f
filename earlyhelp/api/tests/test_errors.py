import json
import logging
import re

import pytest
from django.apps import apps
from django.test import Client

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.services import create_api_token
from earlyhelp.accounts.tests.factories import user_with_role
from earlyhelp.api.api import api
from earlyhelp.core.models import AccessAction, AccessEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("earlyhelp.api.tests.urls")]


@pytest.fixture
def user():
    return user_with_role(Role.PRACTITIONER)


@pytest.fixture
def token_client(user) -> Client:
    _, raw = create_api_token(user=user, name="Tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize("debug", [False, True])
def test_a_server_error_is_json_without_a_traceback(token_client, caplog, settings, debug):
    settings.DEBUG = debug
    with caplog.at_level(logging.ERROR, logger="earlyhelp.api"):
        response = token_client.get("/test-api/boom", headers={"X-Request-ID": "req-123"})
    body = assert_error(response, 500, "server_error")
    assert "secret internal detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert "req-123" in body["detail"]
    # ...but the developer still gets the whole story in the log.
    assert any(record.exc_info for record in caplog.records)


def test_http404_from_an_operation_is_a_plain_not_found(token_client):
    body = assert_error(token_client.get("/test-api/missing"), 404, "not_found")
    assert "Person" not in body["detail"]


def test_permission_denied_is_403_with_the_reason(token_client):
    body = assert_error(token_client.get("/test-api/forbidden"), 403, "permission_denied")
    assert body["detail"] == "Only the lead practitioner can close this episode."


def test_a_model_validation_error_is_422_with_field_errors(token_client):
    body = assert_error(token_client.get("/test-api/invalid"), 422, "validation_error")
    assert body["errors"] == [
        {
            "location": "body",
            "field": "ended_on",
            "message": "The end date must be on or after the start date",
        }
    ]


def test_an_http_error_keeps_its_status_and_message(token_client):
    body = assert_error(token_client.get("/test-api/conflict"), 409, "conflict")
    assert body["detail"].startswith("This plan was changed")


def test_bad_parameters_are_422_naming_each_field(token_client):
    response = token_client.get("/test-api/people/abc?limit=many")
    body = assert_error(response, 422, "validation_error")
    assert {(e["location"], e["field"]) for e in body["errors"]} == {
        ("path", "person_id"),
        ("query", "limit"),
    }
    assert all(e["message"] for e in body["errors"])


def test_authentication_is_checked_before_anything_else():
    assert_error(Client().get("/test-api/boom"), 401, "not_authenticated")
    assert_error(Client().get("/test-api/people/abc"), 401, "not_authenticated")


def test_an_audited_read_through_a_token_names_the_token_holder(token_client, user):
    response = token_client.get("/test-api/people/42")
    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert event.actor == user
    assert event.actor_label == user.email
    assert event.action == AccessAction.API_READ
    assert (event.object_type, event.object_id) == ("person", "42")


def test_a_failed_read_is_not_audited(token_client):
    token_client.get("/test-api/people/abc")
    Client().get("/test-api/people/42")
    assert not AccessEvent.objects.exists()


class TestUnderTheRealApi:
    """The real API at /api/, whatever routers it has."""

    def test_an_unknown_path_is_a_json_404_not_a_sign_in_redirect(self):
        for path in ("/api/", "/api/nothing-here", "/api/me/"):
            assert_error(Client().get(path), 404, "not_found")

    def test_the_docs_page_loads_nothing_from_a_cdn(self):
        response = Client().get("/api/docs")
        if apps.is_installed("ninja"):
            assert response.status_code == 200
            page = response.content.decode()
            assert "/static/ninja/swagger-ui-bundle.js" in page
            # Nothing is loaded from another host (a random CSRF token in the page may contain
            # the letters "cdn", so look at what the page loads, not at every word).
            loaded = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', page)
            assert loaded and all(u.startswith("/") and not u.startswith("//") for u in loaded), (
                loaded
            )
            assert "cdn." not in page.lower() and "//unpkg" not in page.lower()
        else:
            assert_error(response, 404, "not_found")

    def test_an_unsupported_method_is_a_json_405_listing_the_allowed_ones(self, token_client):
        response = token_client.put("/api/me")
        assert_error(response, 405, "method_not_allowed")
        assert response["Allow"] == "GET"

    def test_the_openapi_document_is_public_and_3_1(self):
        response = Client().get("/api/openapi.json")
        assert response.status_code == 200
        assert response.json()["openapi"] == "3.1.0"


def _error_refs(responses: dict) -> dict[str, str]:
    refs = {}
    for status, response in responses.items():
        if str(status)[0] in "45":
            refs[str(status)] = response["content"]["application/json"]["schema"]["$ref"]
    return refs


def test_every_operation_documents_its_errors():
    schema = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))
    operations = [
        (f"{method.upper()} {path}", operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert operations
    for name, operation in operations:
        refs = _error_refs(operation["responses"])
        expected = {"500"}
        if operation.get("security"):
            expected |= {"401", "403"}
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            expected.add("404")
        if operation.get("parameters") or "requestBody" in operation:
            expected.add("422")
        assert expected <= set(refs), f"{name} documents only {sorted(refs)}"
        for status, ref in refs.items():
            if status == "422":
                assert ref == "#/components/schemas/ValidationError", f"{name} {status}"
                continue
            # Every error has the one shape; some add to it (a 409 lists possible duplicates).
            component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
            assert {"detail", "code"} <= set(component.get("required", [])), f"{name} {status}"
    assert {"Error", "ValidationError", "FieldError", "ErrorCode"} <= set(
        schema["components"]["schemas"]
    )
