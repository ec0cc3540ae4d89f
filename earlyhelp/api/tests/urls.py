"""A second API, built the same way as the real one, with operations that fail on purpose, so the
error handling can be tested through the whole middleware stack."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.urls import path
from ninja import Router, Schema
from ninja.errors import HttpError

from config.urls import urlpatterns as site_urlpatterns
from earlyhelp.api.api import EarlyHelpAPI
from earlyhelp.api.auth import ApiTokenAuth, VerifiedSessionAuth
from earlyhelp.core.audit import audited

router = Router()


class Reading(Schema):
    id: int


@router.get("/boom", response=Reading)
def boom(request: HttpRequest) -> Reading:
    raise RuntimeError("secret internal detail")


@router.get("/missing", response=Reading)
def missing(request: HttpRequest) -> Reading:
    raise Http404("No Person matches the given query.")


@router.get("/forbidden", response=Reading)
def forbidden(request: HttpRequest) -> Reading:
    raise PermissionDenied("Only the lead practitioner can close this episode.")


@router.get("/invalid", response=Reading)
def invalid(request: HttpRequest) -> Reading:
    raise DjangoValidationError({"ended_on": ["The end date must be on or after the start date"]})


@router.get("/conflict", response=Reading)
def conflict(request: HttpRequest) -> Reading:
    raise HttpError(409, "This plan was changed by someone else. Reload it and try again.")


@router.get("/people/{person_id}", response=Reading)
@audited("person")
def person(request: HttpRequest, person_id: int, limit: int = 10) -> Reading:
    return Reading(id=person_id)


test_api = EarlyHelpAPI(
    title="test",
    urls_namespace="test-api",
    auth=[ApiTokenAuth(), VerifiedSessionAuth()],
    docs_url=None,
)
test_api.add_router("", router)

urlpatterns = [path("test-api/", test_api.urls), *site_urlpatterns]
