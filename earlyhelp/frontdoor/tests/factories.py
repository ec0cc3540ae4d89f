"""Contacts as the request forms hand them to the front door: awaiting screening, with a
receipt time, a source, subjects matched to people and perhaps children not yet matched."""

from datetime import datetime
from itertools import count
from typing import Any

from django.utils import timezone

from earlyhelp.accounts.models import Team, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import OrganisationFactory, TeamFactory, user_with_role
from earlyhelp.frontdoor import services
from earlyhelp.frontdoor.codes import (
    ContactMethod,
    ContactSource,
    ContactStatus,
    FamilyConsent,
    Urgency,
)
from earlyhelp.frontdoor.models import Contact, ContactSubject
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import InvolvementReason
from earlyhelp.people.models import Person
from earlyhelp.people.tests.factories import PersonFactory

_references = count(1)


def front_door_team() -> Team:
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL)
    return TeamFactory(organisation=council, name="Starting Point", is_front_door=True)


def screener(
    team: Team | None = None, role: str = Role.FRONT_DOOR_SCREENER, **user_fields: Any
) -> User:
    return user_with_role(role, team=team or front_door_team(), **user_fields)


def make_contact(
    *,
    children: list[Person] | None = None,
    adults: list[Person] | None = None,
    unmatched: list[dict[str, Any]] | None = None,
    received_at: datetime | None = None,
    status: str = ContactStatus.AWAITING_SCREENING,
    team: Team | None = None,
    **fields: Any,
) -> Contact:
    """A contact as submitted. Subjects get the front-door team's involvement, as submission
    gives them; pass `team` for that."""
    referrer = fields.pop("referrer", None)
    if referrer is None and "referrer_email" not in fields:
        referrer = user_with_role(
            Role.DESIGNATED_SAFEGUARDING_LEAD,
            organisation=OrganisationFactory(kind=OrganisationKind.SCHOOL),
        )
    contact = Contact(
        reference=f"FD-2026-{next(_references):06d}",
        status=status,
        method=ContactMethod.ONLINE,
        source=ContactSource.SCHOOLS,
        received_at=received_at or timezone.now(),
        referrer=referrer,
        referrer_email=referrer.email if referrer else fields.pop("referrer_email", ""),
        worries=["16A", "4B"],
        worries_detail="Often hungry and tired at school.",
        already_tried="Breakfast club.",
        family_consent=FamilyConsent.YES,
        urgency=Urgency.SOON,
        draft={"unmatched": unmatched or []},
        **fields,
    )
    services.set_decision_target(contact)
    contact.save()
    if children is None and unmatched is None:
        children = [PersonFactory.create()]
    for is_child, people in ((True, children or []), (False, adults or [])):
        for person in people:
            ContactSubject.objects.create(contact=contact, person=person, is_child=is_child)
            if team is not None:
                people_services.start_involvement(
                    actor=None, reason=InvolvementReason.FRONT_DOOR, person=person, team=team
                )
    return contact
