"""Who is calling: a personal API token, or a signed-in browser session that passed two-factor.

Both set `request.auth` and `request.user` to the caller, so the audit log and the change
history name the person behind a token, not "anonymous".
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from earlyhelp.accounts.models import User
from earlyhelp.accounts.services import authenticate_api_token

from .errors import ApiError, ErrorCode


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer eh_...`, a personal token created on the account page."""

    openapi_bearerFormat = "eh_..."
    openapi_description = (
        "A personal API token, created on your account page or with POST /api/me/tokens. "
        "Send it as 'Authorization: Bearer eh_...'."
    )

    def __call__(self, request: HttpRequest) -> User | None:
        # Parsed here rather than by ninja, which logs a malformed header (a secret) in DEBUG.
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = authenticate_api_token(token)
        if user is None:
            return None
        request.user = user
        return user


class VerifiedSessionAuth(APIKeyCookie):
    """The browser session of a signed-in member of staff who has passed two-factor.

    Unsafe methods need Django's CSRF token (X-CSRFToken header), as for any form. A request
    that carries an Authorization header is judged on that header alone: a bad token is a 401
    even from a signed-in browser.
    """

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "The session of a signed-in, two-factor verified browser. Unsafe methods also need the "
        "CSRF token in an X-CSRFToken header."
    )

    def __call__(self, request: HttpRequest) -> Any:
        if "Authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        is_verified = getattr(user, "is_verified", None)
        if is_verified is None or not is_verified():
            return None
        # Only a real session needs the CSRF check, so a caller with no session gets a 401.
        csrf_exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not csrf_exempt and check_csrf(request) is not None:
            raise ApiError(
                403,
                ErrorCode.CSRF_FAILED,
                "The CSRF check failed. Send the CSRF token in an X-CSRFToken header.",
            )
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return self(request)
