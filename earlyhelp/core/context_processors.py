from django.conf import settings
from django.http import HttpRequest

from .models import CouncilConfiguration


def service(request: HttpRequest) -> dict:
    """Council and service names for the header, and the idle-timeout figures for the warning."""
    try:
        config = CouncilConfiguration.current()
    except Exception:  # database not migrated yet (first run, error pages): fall back to defaults
        config = CouncilConfiguration()
    return {
        "council": config,
        "session_idle_seconds": settings.SESSION_IDLE_SECONDS,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
