import io
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from earlyhelp.accounts.models import Organisation, Team, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.seed import DEMO_ACCOUNTS, DEMO_DOMAIN, DEMO_PASSWORD
from earlyhelp.core.middleware import RequestIdMiddleware
from earlyhelp.core.models import ClosureReason, CouncilConfiguration, LevelOfNeed

pytestmark = pytest.mark.django_db


def test_demo_seed_builds_the_fictional_council():
    out = io.StringIO()
    call_command("seed", scale="demo", stdout=out)
    assert "Seeded the demo council" in out.getvalue()
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {
        OrganisationKind.COUNCIL,
        OrganisationKind.SCHOOL,
        OrganisationKind.HEALTH,
        OrganisationKind.POLICE,
        OrganisationKind.VOLUNTARY,
    } <= kinds
    assert Team.objects.filter(is_front_door=True).count() == 1
    assert Team.objects.filter(name__startswith="Early Help").count() == 2
    assert Team.objects.filter(organisation__kind=OrganisationKind.HEALTH).exists()
    assert Team.objects.filter(organisation__kind=OrganisationKind.POLICE).exists()
    assert Organisation.objects.get(kind=OrganisationKind.VOLUNTARY).charity_number
    assert all(school.urn for school in Organisation.objects.filter(kind=OrganisationKind.SCHOOL))
    for local, role, *_ in DEMO_ACCOUNTS:
        user = User.objects.get(email=f"{local}@{DEMO_DOMAIN}")
        assert user.check_password(DEMO_PASSWORD)
        assert user.has_role(role)
    assert User.objects.get(email=f"admin@{DEMO_DOMAIN}").is_superuser
    config = CouncilConfiguration.current()
    assert config.council_name == "Kingsbridge Borough Council"
    assert LevelOfNeed.objects.count() == 4
    assert ClosureReason.objects.filter(code="outcomes-met").exists()


def test_seed_refuses_a_database_with_users_unless_asked_to_keep_it():
    call_command("seed", scale="demo", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already has users"):
        call_command("seed", scale="demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed", scale="demo", if_empty=True, stdout=out)
    assert "already present" in out.getvalue()


def test_large_seed_has_a_large_councils_workforce(monkeypatch):
    monkeypatch.setattr("earlyhelp.people.seed.LARGE_FAMILIES", 2000)  # the workforce is the point
    call_command("seed", scale="large", stdout=io.StringIO())
    assert User.objects.count() > 1000
    assert Organisation.objects.filter(kind=OrganisationKind.SCHOOL).count() >= 150
    assert User.objects.filter(memberships__role=Role.DESIGNATED_SAFEGUARDING_LEAD).count() >= 150


def test_demo_logins_lists_every_demo_account():
    call_command("seed", scale="demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for local, *_ in DEMO_ACCOUNTS:
        assert f"{local}@{DEMO_DOMAIN}" in text


def test_console_entry_point_runs_management_commands():
    earlyhelp = shutil.which("earlyhelp", path=str(settings.BASE_DIR / ".venv" / "bin"))
    if earlyhelp is None:
        pytest.skip("the project is not installed in .venv (make setup installs it)")
    result = subprocess.run(
        [earlyhelp, "help", "seed"],
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    assert "--scale" in result.stdout


def test_periodic_jobs_are_enqueued_and_run(django_capture_on_commit_callbacks):
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now())
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic_jobs", stdout=out)
    assert "clear_expired_sessions" in out.getvalue()
    assert not Session.objects.filter(session_key=store.session_key).exists()


def test_request_id_is_kept_from_a_proxy_or_made_up():
    seen = {}

    def view(request):
        from django.http import HttpResponse

        seen["id"] = request.request_id
        return HttpResponse()

    middleware = RequestIdMiddleware(view)
    response = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="abc-123"))
    assert response["X-Request-ID"] == seen["id"] == "abc-123"
    response = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="<script>"))
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32
