"""The access-policy base. Each domain app writes one policy per kind of record in its
`access.py`, from one predicate, so lists and single records can never disagree:

    class FamilyAccess(AccessPolicy[Family]):
        model = Family
        def visible_to(self, user): ...        # the one predicate, as a queryset filter

Views and API operations start every query from `policy.visible_to(user)` and use
`policy.get_or_404(user, pk=...)`: a record the user may not see does not exist for them.
"""

from typing import Any, ClassVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404


class Action:
    VIEW = "view"
    CHANGE = "change"
    ADD = "add"
    DELETE = "delete"


class AccessPolicy[M: Model]:
    model: ClassVar[type[Model]]
    #: Actions a user may take on any record they can see. Override `can` for finer rules.
    actions_for_visible: ClassVar[frozenset[str]] = frozenset({Action.VIEW})

    def visible_to(self, user: Any) -> QuerySet[M]:
        raise NotImplementedError

    def can(self, user: Any, action: str, obj: M) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if action not in self.actions_for_visible:
            return False
        return self.visible_to(user).filter(pk=obj.pk).exists()

    def get_or_404(self, user: Any, **lookup: Any) -> M:
        try:
            return self.visible_to(user).get(**lookup)
        except ObjectDoesNotExist as exc:
            raise Http404("No such record, or you do not have a reason to see it.") from exc

    def require(self, user: Any, action: str, obj: M) -> None:
        """Raise 404 (never 403: a stranger must not learn the record exists) unless allowed."""
        if not self.can(user, action, obj):
            raise Http404("No such record, or you do not have a reason to see it.")
