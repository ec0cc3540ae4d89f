"""Assembles each app's `api.py` router into the one API at /api/.

To add an app's API: write `earlyhelp/<app>/api.py` with `router = Router(tags=[...])`, declare
only the success responses (`response=ThingOut` or `{201: ThingOut}`), raise `Http404`,
`PermissionDenied`, Django's `ValidationError` or ninja's `HttpError` for failures, and add one
`api.add_router("/<prefix>", router)` line below. Authentication, the error shape and the
documentation of every error response come from here.

In an operation the caller is `request.auth` (also `request.user`, for token callers too). An
operation that reads case data starts from the app's `access.visible_to(request.auth)` and is
decorated with `earlyhelp.core.audit.audited("<object type>")`, like a record page.
"""

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps as django_apps
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from pydantic.json_schema import models_json_schema

from earlyhelp.accounts.api import router as accounts_router
from earlyhelp.assessments.api import episode_router as episode_assessments_router
from earlyhelp.assessments.api import router as assessments_router
from earlyhelp.episodes.api import router as episodes_router
from earlyhelp.frontdoor.api import router as requests_router
from earlyhelp.meetings.api import episode_router as episode_meetings_router
from earlyhelp.meetings.api import router as meetings_router
from earlyhelp.people.api import families_router, people_router
from earlyhelp.plans.api import episode_router as episode_plan_router
from earlyhelp.plans.api import router as plans_router

from .auth import ApiTokenAuth, VerifiedSessionAuth
from .errors import (
    NOT_AUTHENTICATED,
    NOT_FOUND,
    PERMISSION_DENIED,
    SERVER_ERROR,
    VALIDATION_FAILED,
    Error,
    ValidationError,
    error_body,
    error_response,
    install_exception_handlers,
)

JSON = "application/json"
COMPONENTS = "#/components/schemas/{model}"


def _error_doc(
    description: str, example: dict[str, Any], schema: str = "Error", **extra: Any
) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            JSON: {"schema": {"$ref": COMPONENTS.format(model=schema)}, "example": example}
        },
        **extra,
    }


UNAUTHENTICATED_DOC = _error_doc(
    "Not signed in: no credentials, or a token that is wrong, revoked or belongs to an "
    "account that is no longer active.",
    error_body(401, NOT_AUTHENTICATED),
    headers={"WWW-Authenticate": {"schema": {"type": "string"}}},
)
FORBIDDEN_DOC = _error_doc(
    "Not allowed: the caller may not do this, or a browser session sent no CSRF token.",
    error_body(403, PERMISSION_DENIED),
)
NOT_FOUND_DOC = _error_doc(
    "Not found: it does not exist, or the caller may not see it (we do not say which).",
    error_body(404, NOT_FOUND),
)
UNREADABLE_DOC = _error_doc(
    "The request body could not be read as JSON.",
    error_body(400, "Cannot parse request body"),
)
INVALID_DOC = _error_doc(
    "The request did not validate; `errors` lists each problem.",
    {
        **error_body(422, VALIDATION_FAILED),
        "errors": [
            {
                "location": "body",
                "field": "name",
                "message": "String should have at least 1 character",
            }
        ],
    },
    "ValidationError",
)
THROTTLED_DOC = _error_doc(
    "Too many requests.",
    error_body(429, "Too many requests. Wait a little and try again."),
    headers={"Retry-After": {"schema": {"type": "integer"}}},
)
SERVER_ERROR_DOC = _error_doc(
    "Something went wrong on our side. It has been logged.", error_body(500, SERVER_ERROR)
)


class EarlyHelpAPI(NinjaAPI):
    """NinjaAPI that answers every failure as JSON in one shape and documents it.

    - Its URL views opt out of LoginRequiredMiddleware (which would redirect an anonymous
      caller to the sign-in page): the API's own authentication answers 401 instead.
    - Unknown paths under /api/ and unsupported methods get JSON 404 and 405 responses.
    - The OpenAPI document gains the error responses an operation can produce (401 and 403 when
      it needs authentication, 400 when it has a body, 404 when it has path parameters, 422
      when it takes input, 500 always) unless the operation declared them itself.
    """

    def set_default_exception_handlers(self) -> None:
        install_exception_handlers(self)

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        wrapped: list[URLResolver | URLPattern] = [
            URLPattern(p.pattern, self._api_view(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern)
            else p
            for p in patterns
        ]
        wrapped.append(re_path(r"^", self._api_view(self._not_found_view), name="not-found"))
        return wrapped, app_name, namespace

    def _not_found_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raise Http404

    def _finish(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(JSON):
            allowed = response.get("Allow", "")
            response = error_response(
                self, request, 405, f"Use one of these methods here: {allowed}."
            )
            response["Allow"] = allowed
        return response

    def _api_view(self, view: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.iscoroutinefunction(view):

            @wraps(view)
            async def async_api_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                try:
                    response = await view(request, *args, **kwargs)
                except Http404:
                    return error_response(self, request, 404, NOT_FOUND)
                return self._finish(request, response)

            api_view: Callable[..., Any] = async_api_view
        else:

            @wraps(view)
            def sync_api_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                try:
                    response = view(request, *args, **kwargs)
                except Http404:
                    return error_response(self, request, 404, NOT_FOUND)
                return self._finish(request, response)

            api_view = sync_api_view

        # Ninja checks CSRF itself, only for cookie (session) authentication.
        api_view = csrf_exempt(api_view)
        api_view.login_required = False  # type: ignore[attr-defined]
        return api_view

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _, definitions = models_json_schema(
            [(Error, "serialization"), (ValidationError, "serialization")],
            ref_template=COMPONENTS,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in definitions.get("$defs", {}).items():
            components.setdefault(name, definition)
        throttled = self._throttled_operation_ids()
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                self._document_errors(operation, operation.get("operationId") in throttled)
        return schema

    def _throttled_operation_ids(self) -> set[str]:
        return {
            operation.operation_id or self.get_openapi_operation_id(operation)
            for bound_router in self._get_bound_routers()
            for path_view in bound_router.path_operations.values()
            for operation in path_view.operations
            if operation.throttle_objects
        }

    def _document_errors(self, operation: dict[str, Any], throttled: bool) -> None:
        parameters = operation.get("parameters", [])
        documented: dict[int, dict[str, Any]] = {}
        if operation.get("security"):
            documented[401] = UNAUTHENTICATED_DOC
            documented[403] = FORBIDDEN_DOC
        if any(parameter.get("in") == "path" for parameter in parameters):
            documented[404] = NOT_FOUND_DOC
        if "requestBody" in operation:
            documented[400] = UNREADABLE_DOC
        if parameters or "requestBody" in operation:
            documented[422] = INVALID_DOC
        if throttled:
            documented[429] = THROTTLED_DOC
        documented[500] = SERVER_ERROR_DOC
        responses = operation.setdefault("responses", {})
        declared = {str(status) for status in responses}
        for status, doc in documented.items():
            if str(status) not in declared:
                responses[status] = doc


api = EarlyHelpAPI(
    title="earlyhelp API",
    version="1",
    description=(
        "Early help case management. Authenticate with a personal API token "
        "(`Authorization: Bearer eh_...`), created on your account page or with "
        "`POST /api/me/tokens`, or from a signed-in browser session. Every error is JSON: "
        '`{"detail": "...", "code": "..."}`.'
    ),
    urls_namespace="api",
    auth=[ApiTokenAuth(), VerifiedSessionAuth()],
    # Ninja's Swagger page works under our CSP only when "ninja" is an installed app, so its
    # scripts come from our own static files; otherwise it would load them from a CDN, which
    # the CSP blocks. Without it there is no docs page, only /api/openapi.json.
    docs_url="/docs" if django_apps.is_installed("ninja") else None,
)
api.add_router("", accounts_router)
api.add_router("/people", people_router)
api.add_router("/families", families_router)
api.add_router("/requests", requests_router)
api.add_router("/episodes", episodes_router)
api.add_router("/episodes", episode_assessments_router)
api.add_router("/episodes", episode_plan_router)
api.add_router("/episodes", episode_meetings_router)
api.add_router("/assessments", assessments_router)
api.add_router("/plans", plans_router)
api.add_router("/meetings", meetings_router)
