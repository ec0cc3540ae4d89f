"""Who may see a request for support.

- Members of a front-door team see every submitted contact (their queue), never other people's
  drafts.
- The referrer sees their own contacts, drafts included, and the outcome; not the screening.
- Auditors see everything, for audit.
Everyone else: 404. A person's or family's record is opened through people.access, which the
front door's `Involvement` (reason "front door") grants when a contact is submitted."""

from typing import Any

from django.db.models import Q, QuerySet

from earlyhelp.accounts.models import Membership
from earlyhelp.core.access import AccessPolicy, Action

from .codes import ContactStatus
from .models import Contact


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_front_door(user: Any) -> bool:
    """A current member of a front-door team (screeners and their managers)."""
    return _authenticated(user) and (
        Membership.objects.filter(
            Membership.current_q(), user=user, team__is_front_door=True
        ).exists()
    )


class ContactAccess(AccessPolicy[Contact]):
    model = Contact
    actions_for_visible = frozenset({Action.VIEW})

    def visible_to(self, user: Any) -> QuerySet[Contact]:
        if not _authenticated(user):
            return Contact.objects.none()
        if user.is_auditor:
            return Contact.objects.all()
        own = Q(referrer=user) | Q(created_by=user)
        if is_front_door(user):
            return Contact.objects.filter(own | ~Q(status=ContactStatus.DRAFT))
        return Contact.objects.filter(own)

    def can_screen(self, user: Any, contact: Contact) -> bool:
        return contact.status in (
            ContactStatus.AWAITING_SCREENING,
            ContactStatus.SCREENING,
            ContactStatus.AWAITING_APPROVAL,
        ) and is_front_door(user)


contacts = ContactAccess()
