"""A child in two families, with a sibling (a separate address), a mother with a confidential
address, consent and sharing records, and a data protection officer to handle the request."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from earlyhelp.accounts.models import User
from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import OrganisationFactory, TeamFactory, user_with_role
from earlyhelp.consent import services as consent_services
from earlyhelp.consent.codes import (
    ConsentDecision,
    ConsentGivenBy,
    ConsentMethod,
    ConsentScope,
    LawfulBasis,
    SharingOutcome,
)
from earlyhelp.people import services as people
from earlyhelp.people.codes import FamilyRole, InvolvementReason, RelationshipKind
from earlyhelp.people.models import Family, Person
from earlyhelp.subject_access import services
from earlyhelp.subject_access.codes import RequesterRelationship
from earlyhelp.subject_access.models import SubjectAccessRequest


@dataclass
class Scenario:
    child: Person
    sibling: Person
    mother: Person
    father: Person
    first_family: Family
    second_family: Family
    practitioner: User
    auditor: User
    team: Any

    def request(self) -> SubjectAccessRequest:
        return services.record_request(
            actor=self.auditor,
            person=self.child,
            requester_name="Agnieszka Wiśniewska",
            requester_relationship=RequesterRelationship.PARENT,
            received_on=date(2026, 1, 31),
        )


def child_in_two_families() -> Scenario:
    team = TeamFactory()
    practitioner = user_with_role(Role.PRACTITIONER, team=team)
    auditor = user_with_role(Role.AUDITOR, organisation=OrganisationFactory())
    child = people.create_person(
        actor=None,
        given_name="Maja",
        family_name="Wiśniewska",
        date_of_birth=date(2016, 4, 12),
        nhs_number="9434765919",
    )
    people.add_address(actor=None, person=child, line_1="12 Lark Rise", postcode="KB1 2DE")
    sibling = people.create_person(
        actor=None,
        given_name="Tymon",
        family_name="Wiśniewski",
        date_of_birth=date(2012, 9, 3),
        upn="A123456789012",
    )
    people.add_address(actor=None, person=sibling, line_1="7 Heron Close", postcode="KB4 5EF")
    mother = people.create_person(
        actor=None, given_name="Agnieszka", family_name="Wiśniewska", date_of_birth=date(1988, 1, 2)
    )
    people.add_address(
        actor=None,
        person=mother,
        line_1="Flat 3, Refuge House",
        postcode="KB9 9ZZ",
        is_confidential=True,
    )
    father = people.create_person(
        actor=None, given_name="Piotr", family_name="Wiśniewski", date_of_birth=date(1985, 6, 7)
    )
    people.add_address(actor=None, person=father, line_1="40 Mill Street", postcode="KB3 3GH")

    first = people.create_family(actor=None, name="Wiśniewski family (Mill Street)")
    second = people.create_family(actor=None, name="Wiśniewska family (Lark Rise)")
    for family, members in (
        (
            first,
            [(child, FamilyRole.CHILD), (sibling, FamilyRole.SIBLING), (father, FamilyRole.PARENT)],
        ),
        (second, [(child, FamilyRole.CHILD), (mother, FamilyRole.PARENT)]),
    ):
        for person, role in members:
            people.add_family_member(actor=None, family=family, person=person, role=role)
        people.start_involvement(
            actor=None, reason=InvolvementReason.ALLOCATED_TEAM, family=family, team=team
        )
    people.add_relationship(
        actor=None, person=child, related_person=sibling, kind=RelationshipKind.SIBLING
    )
    people.add_relationship(
        actor=None,
        person=child,
        related_person=mother,
        kind=RelationshipKind.MOTHER,
        has_parental_responsibility=True,
    )
    people.update_person(
        actor=practitioner, person=child, reason="Language noted", first_language="Polish"
    )
    consent_services.record_consent(
        actor=practitioner,
        family=first,
        scope=ConsentScope.SHARE,
        decision=ConsentDecision.GIVEN,
        given_by=ConsentGivenBy.PARENT_CARER,
        given_by_name="Piotr Wiśniewski",
        method=ConsentMethod.VERBAL,
        decided_on=date(2026, 1, 5),
        notes="Tymon Wiśniewski was there too; he lives at 7 Heron Close.",
    )
    consent_services.record_sharing_decision(
        actor=practitioner,
        family=second,
        information="Attendance for Maja; mother's address Flat 3, Refuge House",
        shared_with_organisation=OrganisationFactory(name="Lark Rise Primary"),
        shared_with_name="Ms Head",
        purpose="Team around the family",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        with_consent=True,
        outcome=SharingOutcome.SHARED,
        rationale="School needs it",
        family_told=True,
        decided_on=date(2026, 1, 6),
    )
    return Scenario(child, sibling, mother, father, first, second, practitioner, auditor, team)
