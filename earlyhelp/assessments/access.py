"""Who may see an assessment: whoever may see its episode (episodes.access). Writing is
narrower (the lead practitioner and the allocated team: `services.may_write`), and signing off
narrower still (the allocated team's managers: `services.may_sign_off`)."""

from typing import Any

from django.db.models import QuerySet

from earlyhelp.core.access import AccessPolicy, Action
from earlyhelp.episodes.access import episodes

from .models import Assessment


class AssessmentAccess(AccessPolicy[Assessment]):
    model = Assessment
    actions_for_visible = frozenset({Action.VIEW})

    def visible_to(self, user: Any) -> QuerySet[Assessment]:
        return Assessment.objects.filter(episode__in=episodes.visible_to(user))


assessments = AssessmentAccess()
