"""Families for retention tests, built through the people and consent services."""

from datetime import date
from typing import Any

from django.utils import timezone

from earlyhelp.accounts.models import User
from earlyhelp.accounts.tests.factories import OrganisationFactory
from earlyhelp.consent import services as consent_services
from earlyhelp.consent.codes import (
    ConsentDecision,
    ConsentGivenBy,
    ConsentMethod,
    ConsentScope,
    LawfulBasis,
    SharingOutcome,
)
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import Ethnicity, FamilyRole, Sex
from earlyhelp.people.models import Family, Person
from earlyhelp.retention.services import add_years


def child_born_years_ago(years: int, days: int = 0) -> date:
    """The date of birth of a child who turned `years` `days` days ago (negative: not yet)."""
    from datetime import timedelta

    return add_years(timezone.localdate(), -years) - timedelta(days=days)


def family_with_child(name: str, child_dob: date | None, **child: Any) -> tuple[Family, Person]:
    family = people_services.create_family(actor=None, name=name)
    person = people_services.create_person(
        actor=None,
        given_name=child.pop("given_name", "Kit"),
        family_name=child.pop("family_name", name.split()[0]),
        date_of_birth=child_dob,
        **child,
    )
    people_services.add_family_member(
        actor=None, family=family, person=person, role=FamilyRole.CHILD
    )
    return family, person


def household(actor: User) -> dict[str, Any]:
    """The Featherstonehaugh family, due (the youngest child is 26), with every kind of
    personal data the anonymiser must remove, a mother also in a second family that is not due,
    consent, a sharing decision and an involvement note."""
    family, child = family_with_child(
        "Featherstonehaugh family",
        date(timezone.localdate().year - 26, 7, 14),
        given_name="Persephone",
        family_name="Featherstonehaugh",
        other_names="Percy Fanshawe",
        sex=Sex.FEMALE,
        ethnicity=Ethnicity.WIRI,
        nhs_number="9434765919",
        upn="A123456789012",
        council_person_id="KB-771203",
        source_id="legacy-99812",
        phone="07700 900461",
        email="persephone@example.com",
        gender="Woman",
        religion="Quaker",
        first_language="Welsh",
        disabilities=["HAND"],
    )
    people_services.add_address(
        actor=None,
        person=child,
        line_1="17 Quillington Mews",
        town="Kingsbridge",
        postcode="KB7 4QZ",
    )
    people_services.update_person(
        actor=None, person=child, reason="Corrected", given_name="Persephonie"
    )
    people_services.update_person(
        actor=None, person=child, reason="Corrected back", given_name="Persephone"
    )
    father = people_services.create_person(
        actor=None,
        given_name="Bartholomew",
        family_name="Featherstonehaugh",
        date_of_birth=date(1966, 3, 2),
        sex=Sex.MALE,
        ethnicity=Ethnicity.WBRI,
    )
    people_services.add_address(
        actor=None, person=father, line_1="4 Orchard Close", postcode="KB7 4QY"
    )
    people_services.add_family_member(
        actor=None, family=family, person=father, role=FamilyRole.PARENT
    )
    mother = people_services.create_person(
        actor=None, given_name="Winifred", family_name="Ashdown", date_of_birth=date(1968, 5, 9)
    )
    people_services.add_family_member(
        actor=None, family=family, person=mother, role=FamilyRole.PARENT
    )
    other_family, _ = family_with_child("Ashdown family", date(2016, 1, 1), given_name="Ivo")
    people_services.add_family_member(
        actor=None, family=other_family, person=mother, role=FamilyRole.PARENT
    )
    consent_services.record_consent(
        actor=actor,
        family=family,
        scope=ConsentScope.SHARE,
        decision=ConsentDecision.GIVEN,
        given_by=ConsentGivenBy.PARENT_CARER,
        given_by_name="Bartholomew Featherstonehaugh",
        method=ConsentMethod.VERBAL,
        decided_on=timezone.localdate(),
        notes="Bartholomew agreed at 17 Quillington Mews",
    )
    consent_services.record_sharing_decision(
        actor=actor,
        family=family,
        information="Persephone's attendance",
        shared_with_organisation=OrganisationFactory(name="Kingsbridge Health"),
        purpose="Persephone's health plan",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        with_consent=True,
        outcome=SharingOutcome.SHARED,
        rationale="Featherstonehaugh family asked",
        family_told=True,
        decided_on=timezone.localdate(),
    )
    return {
        "family": family,
        "child": child,
        "father": father,
        "mother": mother,
        "other_family": other_family,
    }
