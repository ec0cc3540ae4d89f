"""Schemathesis fuzzes every operation in /api/openapi.json, in process, with all its checks:
no server errors, and every response (errors included) has a documented status, content type,
headers and body shape. Each operation runs as a real token holder inside the test's database
transaction, so it works the same on SQLite and PostgreSQL.

People and families may answer a well-formed request with 422: the rules those requests break
(NHS number and UPN check characters, a real UK postcode, identifiers unique to one person, at
least one search criterion, a member of the family) cannot be written in JSON Schema. Nor can
those of requests for support (a person the caller may open, the answers the form requires, an
idempotency key in the header or the body); a key reused with other answers is a 409."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.services import create_api_token
from earlyhelp.accounts.tests.factories import TeamFactory, user_with_role

CONFIG = SchemathesisConfig.from_str(
    """
    [[operations]]
    include-path-regex = "^/api/(people|families|requests)"
    checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]
    """
)

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=CONFIG)


@pytest.fixture
def keep_test_connection():
    """A real WSGI request closes "old" database connections when it starts and finishes; inside
    a test that would close the connection holding the test's transaction (as Django's own test
    client knows, and avoids the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db, keep_test_connection) -> str:
    team = TeamFactory()
    user = user_with_role(Role.PRACTITIONER, team=team)
    # Other tokens, the caller's and someone else's, so revoking by id has something to find.
    create_api_token(user=user, name="Spare")
    create_api_token(user=user_with_role(Role.TEAM_MANAGER, team=team), name="Not yours")
    _, raw = create_api_token(user=user, name="Schemathesis")
    return raw


def test_schema_is_openapi_3_1():
    assert schema.raw_schema["openapi"] == "3.1.0"


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api(case, bearer):
    case.call_and_validate(headers={"Authorization": f"Bearer {bearer}"})
