"""Who may manage which organisations: system administrators (superusers) manage all; an
organisation's administrators manage their own. Anyone else gets a 404."""

from typing import Any

from django.db.models import QuerySet

from earlyhelp.core.access import AccessPolicy, Action

from .models import Membership, Organisation
from .roles import Role


class OrganisationAccess(AccessPolicy[Organisation]):
    model = Organisation
    actions_for_visible = frozenset({Action.VIEW, Action.CHANGE, Action.ADD})

    def visible_to(self, user: Any) -> QuerySet[Organisation]:
        if not getattr(user, "is_authenticated", False):
            return Organisation.objects.none()
        if user.is_superuser:
            return Organisation.objects.all()
        administered = Membership.objects.filter(
            Membership.current_q(), user=user, role=Role.ADMINISTRATOR
        ).values("organisation_id")
        return Organisation.objects.filter(pk__in=administered)


organisations = OrganisationAccess()
