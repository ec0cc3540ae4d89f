"""Recording reads of case data. Every view of a child's record, every search and every export
calls `record_access` (directly, through `AuditedDetailMixin`, or through `audited` on an API
operation) so an auditor can later see exactly who looked at what."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.http import HttpRequest

from .models import AccessAction, AccessEvent


class AuditSubject(Protocol):
    """A record that knows whose data it is. Domain models implement `audit_subject`."""

    pk: Any

    def audit_subject(self) -> dict[str, int | None]:
        """Return {"person_id": ..., "family_id": ...} for the people this record is about."""
        ...


def record_access(
    request: HttpRequest,
    action: str,
    *,
    object_type: str,
    object_id: Any = "",
    description: str = "",
    person_id: int | None = None,
    family_id: int | None = None,
    reason: str = "",
) -> AccessEvent:
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    return AccessEvent.objects.create(
        actor=actor,
        actor_label=getattr(actor, "email", "") if actor else "anonymous",
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        description=description[:255],
        person_id=person_id,
        family_id=family_id,
        reason=reason,
        request_id=getattr(request, "request_id", ""),
        path=request.get_full_path()[:500],
    )


def record_object_access(request: HttpRequest, obj: Any, action: str = AccessAction.VIEW) -> None:
    subject = obj.audit_subject() if hasattr(obj, "audit_subject") else {}
    record_access(
        request,
        action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        description=str(obj)[:255],
        person_id=subject.get("person_id"),
        family_id=subject.get("family_id"),
    )


class AuditedDetailMixin:
    """For DetailView-style views: writes a 'viewed' AccessEvent for the object shown.

    Works with any view exposing `get_object()`; records after the access check has passed
    (a 404 for a record the user may not see writes nothing: there was nothing to see).
    """

    audit_action = AccessAction.VIEW
    request: HttpRequest

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)  # type: ignore[misc]
        record_object_access(self.request, obj, self.audit_action)
        return obj


def audited(object_type: str, action: str = AccessAction.API_READ) -> Callable:
    """Decorator for API operations that read case data: records one AccessEvent per call.

    The operation's keyword arguments named `<object_type>_id` (or `id`) become the object id.
    """

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            result = func(request, *args, **kwargs)
            object_id = kwargs.get(f"{object_type}_id", kwargs.get("id", ""))
            record_access(request, action, object_type=object_type, object_id=object_id)
            return result

        return wrapper

    return decorator
