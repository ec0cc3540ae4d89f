"""Which pages the browser tests check. Each e2e module marks its tests with `@covers(...)`
and may add POST-only endpoints to NOT_PAGES with the reason; `test_every_page_is_checked`
(in test_pages.py) imports every e2e module first, so coverage declared anywhere counts."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.urls import URLPattern, URLResolver, get_resolver

from .conftest import E2E

# Whole URL trees that are not our pages.
NOT_PAGE_ROUTES = {
    "api/": "the JSON API: tests/api checks it against its OpenAPI schema",
    "django-admin/": "Django's own admin: its markup is Django's, not ours",
}
# Named URLs that are not pages. POST-only endpoints redirect to a page that is checked.
NOT_PAGES = {
    "core:health": "JSON for the load balancer; the e2e server fixture waits on it",
    "accounts:sign_out": "POST only; test_sign_out and test_no_javascript press the button",
    "accounts:keep_alive": "POST only (204); test_idle_timeout presses Stay signed in",
    "accounts:regenerate_backup_codes": "POST only; test_account_pages presses its button",
    "accounts:revoke_api_token": "POST only; test_account_pages revokes a token",
    "accounts:unlock_person": "POST only; test_lock_out unlocks the locked account",
}
COVERED: dict[str, list[str]] = {}

Test = TypeVar("Test", bound=Callable[..., None])


def covers(*names: str) -> Callable[[Test], Test]:
    """Declare the named URLs a test checks; the test fails if it did not check each one."""

    def decorate(test: Test) -> Test:
        for name in names:
            COVERED.setdefault(name, []).append(test.__name__)

        @functools.wraps(test)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            e2e: E2E = kwargs["e2e"]
            test(*args, **kwargs)
            e2e.assert_no_problems()
            not_checked = sorted(set(names) - e2e.visited)
            assert not not_checked, (
                f"Pages this test should have checked but did not: {not_checked}"
            )

        return wrapper

    return decorate


def url_patterns(
    resolver: URLResolver | None = None, route: str = "", namespace: str = ""
) -> Iterator[tuple[str, str | None]]:
    """(route, namespaced name) of every URL pattern of the project."""
    for pattern in (resolver or get_resolver()).url_patterns:
        full_route = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, full_route, inner)
        elif isinstance(pattern, URLPattern):
            yield full_route, f"{namespace}{pattern.name}" if pattern.name else None
