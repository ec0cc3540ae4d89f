"""Five wrong passwords lock the account, the right one is then refused too, and an
administrator can unlock it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import E2E, TEST_PASSWORD, error_summary, open_council

pytestmark = pytest.mark.browser


def test_lock_out_after_five_wrong_passwords(e2e: E2E) -> None:
    email = e2e.create_user("locked.out", two_factor=False)
    page = e2e.new_page()
    page.goto("/sign-in/")
    for attempt in range(1, 5):
        e2e.submit_password(page, email, f"wrong password {attempt}")
        expect(error_summary(page)).to_contain_text("The email address or password is not correct")
    e2e.submit_password(page, email, "wrong password 5")
    expect(error_summary(page)).to_contain_text("This account is locked")
    e2e.check(page, "account locked")

    e2e.submit_password(page, email, TEST_PASSWORD)
    expect(error_summary(page)).to_contain_text("This account is locked")
    expect(page).to_have_url(re.compile(r"/sign-in/$"))

    admin = e2e.new_page("admin")
    open_council(admin)
    row = admin.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text("Locked")
    e2e.check(admin, "a person is locked out")
    row.get_by_role("button", name="Unlock").click()
    expect(admin.locator(".govuk-notification-banner")).to_contain_text("unlocked")
    e2e.check(admin, "unlocked")

    e2e.submit_password(page, email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/sign-in/set-up-two-factor/$"))
    e2e.assert_no_problems()
