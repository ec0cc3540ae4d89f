"""Who may see and change meetings: as for the family plan (plans.access: the episodes policy,
allocated episodes only; auditors read only)."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from earlyhelp.plans.access import working_episodes

from .models import Meeting


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    return Meeting.objects.filter(episode__in=working_episodes(user))


def meeting_or_404(user: Any, pk: int) -> Meeting:
    try:
        return meetings_visible_to(user).select_related("episode", "family").get(pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404("No such record, or you do not have a reason to see it.") from exc
