"""Signing in with the keyboard alone (Tab, typing, Enter: no clicks, no filling fields
directly), with a visible GOV.UK focus style on what has focus."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import E2E, TEST_PASSWORD

pytestmark = pytest.mark.browser

# GOV.UK Frontend's focus colour (yellow #ffdd00): an outline, box shadow or background in it.
FOCUS_COLOUR = "rgb(255, 221, 0)"

FOCUSED = """() => {
  const element = document.activeElement
  const style = getComputedStyle(element)
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    name: element.getAttribute('name') || '',
    classes: typeof element.className === 'string' ? element.className : '',
    text: (element.textContent || '').trim().slice(0, 60),
    outline: style.outlineStyle === 'none' ? '' : style.outlineColor,
    boxShadow: style.boxShadow,
    background: style.backgroundColor,
  }
}"""


def focused(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(FOCUSED)
    return result


def shows_focus(element: dict[str, Any]) -> bool:
    return any(FOCUS_COLOUR in element[key] for key in ("outline", "boxShadow", "background"))


def tab_until(
    page: Page, wanted: Callable[[dict[str, Any]], bool], limit: int = 40
) -> dict[str, Any]:
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if wanted(element):
            return element
        seen.append(f"{element['tag']}#{element['id']} {element['text']!r}")
    raise AssertionError(f"Never reached by pressing Tab; focus went through: {seen}")


def test_keyboard_only_sign_in(e2e: E2E) -> None:
    email = e2e.create_user("keyboard.user")
    page = e2e.new_page()
    page.goto("/sign-in/")

    page.keyboard.press("Tab")
    skip_link = focused(page)
    assert "govuk-skip-link" in skip_link["classes"], f"First Tab reached {skip_link}"
    assert shows_focus(skip_link), f"The skip link has no visible focus style: {skip_link}"

    email_field = tab_until(page, lambda element: element["name"] == "email")
    assert shows_focus(email_field), f"The email field has no visible focus style: {email_field}"
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    password_field = focused(page)
    assert password_field["name"] == "password", f"Tab after the email reached {password_field}"
    assert shows_focus(password_field)
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/sign-in/two-factor/$"))
    page.wait_for_load_state()
    code_field = tab_until(page, lambda element: element["name"] == "code")
    assert shows_focus(code_field)
    page.keyboard.type(e2e.authenticator.code(email))
    page.keyboard.press("Enter")

    expect(page).to_have_url(e2e.url("/"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_error_summary_takes_focus_and_links_to_the_field(e2e: E2E) -> None:
    page = e2e.new_page()
    page.goto("/sign-in/")
    tab_until(page, lambda element: element["name"] == "email")
    page.keyboard.press("Enter")  # submit the empty form

    expect(page.locator(".govuk-error-summary")).to_be_focused()
    link = tab_until(page, lambda element: element["tag"] == "a", limit=3)
    assert link["text"] == "Enter your email address", link
    assert shows_focus(link)
    page.keyboard.press("Enter")
    expect(page.locator("[name=email]")).to_be_focused()


def test_skip_link_moves_focus_to_the_main_content(e2e: E2E) -> None:
    page = e2e.new_page("practitioner")
    page.goto("/account/")
    page.keyboard.press("Tab")
    assert "govuk-skip-link" in focused(page)["classes"]
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    # The next Tab goes into the page's content, past the header and navigation.
    page.keyboard.press("Tab")
    in_main = page.evaluate(
        "document.getElementById('main-content').contains(document.activeElement)"
    )
    assert in_main, f"Tab after the skip link reached {focused(page)}"
