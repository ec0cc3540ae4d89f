"""Work typed into a form is never thrown away because the session ended.

Without JavaScript nothing saves as you type: a practitioner who writes for 40 minutes and then
presses "Save and continue" after the idle timeout would send a form the service can no longer
accept (the session is gone, so the request is anonymous and is sent to the sign-in page). This
module keeps that submission and sends it again, as the same person, after they sign in:

1. Once someone is signed in (with two-factor) the middleware sets a signed cookie naming who
   works on this browser (`remember_worker`); signing out on purpose deletes it
   (`forget_worker`).
2. `KeepWorkMiddleware` (placed just before Django's LoginRequiredMiddleware) sees an anonymous
   form POST to a page that needs signing in. If the cookie names someone, it keeps the
   submitted fields (never files, at most `MAX_KEPT_BYTES`) in the new anonymous session, with
   the page's path, that person and the time. The CSRF check has already passed: the POST came
   from our own form.
3. Signing in keeps the session's data (Django cycles the key), and sends the person back to
   the page. There `forms.posted(request)` hands the view the kept fields, once, as if they had
   just been posted, but only to the same person, on the same page, within `KEEP_FOR`. A view
   that treats any data from `posted()` as a submission (the assessment's sections) validates
   and saves exactly as it would have, with its usual conflict checks; a view that saves only on
   POST shows the form filled back in, for the person to check and save. A POST-only action is
   never carried out by the GET.

The kept fields live only in the server-side session row (as the form's data would have in the
request), which expires with the session and is deleted by `clear_expired_sessions`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict

WORKER_COOKIE = "earlyhelp_worker"
WORKER_SALT = "earlyhelp.kept_work.worker"
WORKER_MAX_AGE = 12 * 60 * 60  # a working day, and then some
SESSION_KEY = "earlyhelp_kept_work"
KEEP_FOR = 8 * 60 * 60
MAX_KEPT_BYTES = 256 * 1024
NOT_KEPT = {"csrfmiddlewaretoken"}
RESTORED_MESSAGE = (
    "You were signed out before your changes were saved. We kept what you had typed and filled "
    "it back in: check it, and save if the page still asks you to."
)


def remember_worker(response: HttpResponse, user_id: int, *, secure: bool) -> None:
    """Name the person who signed in on this browser (signed, so it cannot be forged)."""
    value = signing.dumps(user_id, salt=WORKER_SALT)
    response.set_cookie(
        WORKER_COOKIE,
        value,
        max_age=WORKER_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )


def forget_worker(response: HttpResponse) -> None:
    response.delete_cookie(WORKER_COOKIE, samesite="Lax")


def _worker(request: HttpRequest) -> int | None:
    raw = request.COOKIES.get(WORKER_COOKIE)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=WORKER_SALT, max_age=WORKER_MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def _is_form_post(request: HttpRequest) -> bool:
    content_type = request.content_type or ""
    return request.method == "POST" and content_type in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }


def keep(request: HttpRequest) -> bool:
    """Keep an anonymous form POST for the person named by the cookie. True when kept."""
    worker = _worker(request)
    if worker is None or not _is_form_post(request) or request.FILES:
        return False
    fields = [[key, value] for key, value in request.POST.lists() if key not in NOT_KEPT]
    if sum(len(k) + sum(len(v) for v in values) for k, values in fields) > MAX_KEPT_BYTES:
        return False
    request.session[SESSION_KEY] = {
        "path": request.path,
        "worker": worker,
        "kept_at": time.time(),
        "fields": fields,
    }
    return True


def take(request: Any) -> QueryDict | None:
    """The kept submission for this page and this person, once; None when there is none."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return None
    kept = session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del session[SESSION_KEY]
    if kept.get("worker") != user.pk or time.time() - kept.get("kept_at", 0) > KEEP_FOR:
        return None
    data = QueryDict(mutable=True)
    for key, values in kept.get("fields", []):
        data.setlist(key, values)
    data._mutable = False
    messages.info(request, RESTORED_MESSAGE)
    return data


class KeepWorkMiddleware:
    """Keeps an anonymous form POST to a sign-in-only page (see the module's docstring). Must
    come after the session, CSRF and authentication middleware and before
    LoginRequiredMiddleware, which then sends the person to sign in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "is_verified", lambda: True)()
            and _worker(request) != user.pk
        ):
            remember_worker(response, user.pk, secure=request.is_secure())
        return response

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        user = getattr(request, "user", None)
        if (
            request.method == "POST"
            and user is not None
            and not user.is_authenticated
            and getattr(view_func, "login_required", True)
        ):
            keep(request)
        return None
