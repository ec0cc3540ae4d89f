"""Who handles subject access requests: the data protection officer (the auditor role) only.
Everyone else gets a 404: the pages do not even say that requests exist."""

from typing import Any

from django.http import Http404


def may_handle_requests(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_auditor)


def require_officer(user: Any) -> None:
    if not may_handle_requests(user):
        raise Http404("No such page")
