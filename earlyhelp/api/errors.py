"""One shape for every error the API returns, and the handlers that produce it.

Every failure, whoever raises it, leaves as JSON:

    {"detail": "A plain English message", "code": "not_found"}

and a validation failure also lists what was wrong with each field:

    {"detail": "...", "code": "validation_error",
     "errors": [{"location": "body", "field": "name", "message": "..."}]}

Domain routers do not import this module (the import contract keeps them away from the API
package): they raise Django's `Http404`, `PermissionDenied` or `ValidationError`, or ninja's
`HttpError(status, message)`, and the handlers here turn those into the shape above. The OpenAPI
document lists these responses on every operation (see `earlyhelp.api.api.EarlyHelpAPI`).
"""

import logging
from enum import StrEnum
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("earlyhelp.api")


class ErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    CSRF_FAILED = "csrf_failed"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    VALIDATION_ERROR = "validation_error"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"


class Error(Schema):
    """What went wrong, in words for a person and a code for a program."""

    detail: str
    code: ErrorCode


class FieldError(Schema):
    location: str
    field: str
    message: str


class ValidationError(Error):
    """A request that could not be accepted as sent, with what was wrong with each part."""

    errors: list[FieldError]


CODE_FOR_STATUS = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    422: ErrorCode.VALIDATION_ERROR,
    429: ErrorCode.THROTTLED,
}

NOT_AUTHENTICATED = (
    "Sign in, or send a personal API token in the Authorization header "
    "as 'Bearer eh_...'. The token may be wrong, revoked, or belong to an account that is "
    "no longer active."
)
NOT_FOUND = "Not found. It may not exist, or you may not have access to it."
PERMISSION_DENIED = "You do not have permission to do that."
VALIDATION_FAILED = "The request was not valid. See errors for what to correct."
SERVER_ERROR = "Something went wrong on our side and it has been logged."


class ApiError(HttpError):
    """An error with a chosen code, for the API package's own use."""

    def __init__(self, status_code: int, code: ErrorCode, message: str) -> None:
        super().__init__(status_code, message)
        self.code = code


def code_for_status(status: int) -> ErrorCode:
    if status >= 500:
        return ErrorCode.SERVER_ERROR
    return CODE_FOR_STATUS.get(status, ErrorCode.BAD_REQUEST)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "The request could not be handled."


def error_body(status: int, detail: str, code: ErrorCode | None = None) -> dict[str, Any]:
    return {"detail": detail, "code": str(code or code_for_status(status))}


def error_response(
    api: "NinjaAPI",
    request: HttpRequest,
    status: int,
    detail: str,
    code: ErrorCode | None = None,
    **extra: Any,
) -> HttpResponse:
    response = api.create_response(
        request, {**error_body(status, detail, code), **extra}, status=status
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="earlyhelp"'
    return response


def _field_errors_from_ninja(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    result = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        location = loc[0] if loc else ""
        path = loc[1:]
        # A JSON body is parsed into one named parameter; its name means nothing to the caller.
        if location == "body" and len(path) > 1:
            path = path[1:]
        result.append(
            {"location": location, "field": ".".join(path), "message": str(error.get("msg", ""))}
        )
    return result


def _field_errors_from_django(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"location": "body", "field": "" if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"location": "body", "field": "", "message": message} for message in exc.messages]


def install_exception_handlers(api: "NinjaAPI") -> None:
    """Replace ninja's defaults (which re-raise to Django's HTML pages, or show a traceback
    when DEBUG is on) with handlers that always answer in the documented shape."""

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        request_id = getattr(request, "request_id", "")
        logger.exception(
            "API error on %s %s (request %s)",
            request.method,
            request.path,
            request_id,
            exc_info=exc,
        )
        detail = SERVER_ERROR
        if request_id:
            detail += f" Quote request id {request_id} if you contact support."
        return error_response(api, request, 500, detail)

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 401, NOT_AUTHENTICATED)

    @api.exception_handler(Http404)
    @api.exception_handler(ObjectDoesNotExist)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, NOT_FOUND)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 403, str(exc) or PERMISSION_DENIED)

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return error_response(
            api, request, 422, VALIDATION_FAILED, errors=_field_errors_from_ninja(exc.errors)
        )

    @api.exception_handler(DjangoValidationError)
    def invalid_model(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return error_response(
            api, request, 422, VALIDATION_FAILED, errors=_field_errors_from_django(exc)
        )

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return error_response(api, request, 429, "Too many requests. Wait a little and try again.")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        if status >= 500:
            return server_error(request, exc)
        code = getattr(exc, "code", None)
        detail = str(exc) or _phrase(status)
        if status == 422:
            # A 422 always carries the list, so callers can rely on it being there.
            return error_response(api, request, status, detail, code, errors=[])
        return error_response(api, request, status, detail, code)
