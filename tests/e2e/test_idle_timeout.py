"""The idle-session warning, on a server whose sessions end after 20 idle seconds with the
warning shown for the last 15: it is a modal dialog that takes focus, "Stay signed in" keeps
the session, and doing nothing signs you out, then back to the same page after signing in."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from .conftest import E2E, AppDatabase, Server

pytestmark = pytest.mark.browser

IDLE_SECONDS = 20
WARNING_SECONDS = 15


@pytest.fixture(scope="module")
def idle_server(app_database: AppDatabase) -> Iterator[Server]:
    server = app_database.start_server(
        "idle-server",
        EARLYHELP_SESSION_IDLE_SECONDS=str(IDLE_SECONDS),
        EARLYHELP_SESSION_WARNING_SECONDS=str(WARNING_SECONDS),
    )
    yield server
    server.stop()


def test_idle_timeout_warning(e2e: E2E, idle_server: Server) -> None:
    email = e2e.create_user("idle.user")
    page = e2e.new_page(server=idle_server)
    e2e.sign_in(page, email)
    page.goto("/account/")
    body = page.locator("body")
    expect(body).to_have_attribute("data-session-idle-seconds", str(IDLE_SECONDS))
    expect(body).to_have_attribute("data-session-warning-seconds", str(WARNING_SECONDS))

    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=(IDLE_SECONDS - WARNING_SECONDS + 5) * 1000)
    modal = dialog.evaluate(
        "(element) => element.matches(':modal') || element.getAttribute('aria-modal') === 'true'"
    )
    assert modal, "The warning is not a modal dialog"
    assert dialog.evaluate("(element) => element.contains(document.activeElement)"), (
        "Focus did not move into the warning"
    )
    e2e.check(page, "timeout warning open")

    with page.expect_response(re.compile(r"/session/keep-alive/$")) as keep_alive:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert keep_alive.value.status == 204
    stayed_at = time.monotonic()
    expect(dialog).to_be_hidden()

    # Now do nothing: the warning comes back, then the session ends.
    expect(dialog).to_be_visible(timeout=(IDLE_SECONDS - WARNING_SECONDS + 5) * 1000)
    expect(page).to_have_url(
        re.compile(r"/sign-in/\?timeout=1&next=/account/$"), timeout=(IDLE_SECONDS + 10) * 1000
    )
    assert time.monotonic() - stayed_at >= IDLE_SECONDS - 1, (
        "Signed out too soon after Stay signed in"
    )
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You were signed out because you had not done anything"
    )
    expect(page.get_by_label("Email address")).to_be_visible()  # the session really ended
    e2e.check(page, "signed out for inactivity")

    e2e.sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/account/$"))
    e2e.assert_no_problems()
