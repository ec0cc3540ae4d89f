from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse


class TwoFactorRequiredMiddleware:
    """Every staff session must have passed two-factor. A session that is signed in but not
    verified (for example a login made some other way) is signed out before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            logout(request)
        return self.get_response(request)
