"""The service works without JavaScript: sign in with two-factor, see an error summary, sign out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import E2E, error_summary

pytestmark = pytest.mark.browser


def test_sign_in_and_out_without_javascript(e2e: E2E) -> None:
    email = e2e.create_user("no.javascript")
    page = e2e.new_page(javascript=False)
    page.goto("/sign-in/")
    page.get_by_role("button", name="Continue").click()
    expect(error_summary(page)).to_contain_text("Enter your email address")

    e2e.sign_in(page, email)
    expect(page).to_have_url(e2e.url("/"))
    expect(page.get_by_role("dialog")).to_have_count(0)  # the timeout warning needs JavaScript

    page.goto("/account/")
    page.get_by_label("Name for the token").fill("Made without JavaScript")
    page.get_by_role("button", name="Create a token").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Token created")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signed-out/$"))
    page.goto("/account/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/account/$"))
