from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from earlyhelp.people import services
from earlyhelp.people.codes import FamilyRole, RelationshipKind
from earlyhelp.people.models import Person

pytestmark = pytest.mark.django_db


def _child(**fields):
    defaults = {"given_name": "William", "family_name": "Smith", "date_of_birth": date(2016, 3, 4)}
    return services.create_person(
        actor=None, reason="Referral from school", **{**defaults, **fields}
    )


def test_create_person_records_reason_and_matching_keys():
    person = _child(nhs_number="943 476 5919")
    assert person.nhs_number == "9434765919"
    assert person.family_name_key == "SM0"
    assert person.given_name_key == "WLM"
    assert person.history.get().history_change_reason == "Referral from school"


def test_nickname_shares_the_given_name_key():
    assert _child().given_name_key == _child(given_name="Bill").given_name_key


def test_update_person_records_reason_and_refreshes_keys():
    person = _child()
    services.update_person(actor=None, person=person, reason="Surname changed", family_name="Jones")
    person.refresh_from_db()
    assert person.family_name_key == "JNS"
    assert person.history.first().history_change_reason == "Surname changed"


def test_invalid_identifiers_are_rejected_in_plain_words():
    with pytest.raises(ValidationError) as error:
        _child(nhs_number="943 476 5918")
    assert "The NHS number is not valid: check the digits" in error.value.messages
    with pytest.raises(ValidationError):
        _child(upn="A12345678901")
    assert not Person.objects.exists()


def test_identifiers_are_unique_when_set_but_blanks_repeat():
    _child(nhs_number="9434765919")
    _child(nhs_number="")
    _child(nhs_number="")
    with pytest.raises(ValidationError):
        _child(nhs_number="9434765919")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(given_name="X", nhs_number="9434765919")


def test_disability_codes_are_validated():
    _child(disabilities=["LD", "AUT"])
    with pytest.raises(ValidationError):
        _child(disabilities=["NONE", "LD"])
    with pytest.raises(ValidationError):
        _child(disabilities=["XYZ"])


def test_new_current_address_ends_the_previous_one_and_updates_postcode():
    person = _child()
    first = services.add_address(
        actor=None, person=person, line_1="1 High St", postcode="kb12ab", from_date=date(2020, 1, 1)
    )
    assert first.postcode == "KB1 2AB"
    services.add_address(
        actor=None, person=person, line_1="2 Low Rd", postcode="KB9 9ZZ", from_date=date(2024, 6, 1)
    )
    first.refresh_from_db()
    person.refresh_from_db()
    assert not first.is_current and first.to_date == date(2024, 6, 1)
    assert (person.postcode, person.postcode_district) == ("KB9 9ZZ", "KB9")
    assert person.addresses.filter(is_current=True).count() == 1


def test_invalid_postcode_is_rejected():
    with pytest.raises(ValidationError) as error:
        services.add_address(actor=None, person=_child(), line_1="1 High St", postcode="nowhere")
    assert "Enter a full UK postcode, like SW1A 1AA" in error.value.messages


def test_family_membership_is_unique_while_active():
    child = _child()
    family = services.create_family(actor=None, name="Smith family")
    services.add_family_member(actor=None, family=family, person=child, role=FamilyRole.CHILD)
    with pytest.raises(ValidationError):
        services.add_family_member(actor=None, family=family, person=child, role=FamilyRole.CHILD)
    assert family.history.get().history_change_reason == "Family added"


def test_relationship_to_self_is_refused():
    child, mother = _child(), _child(given_name="Sarah", date_of_birth=date(1990, 1, 1))
    services.add_relationship(
        actor=None,
        person=child,
        related_person=mother,
        kind=RelationshipKind.MOTHER,
        has_parental_responsibility=True,
    )
    with pytest.raises(ValidationError):
        services.add_relationship(
            actor=None, person=child, related_person=child, kind=RelationshipKind.SIBLING
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        child.relationships.create(related_person=child, kind=RelationshipKind.OTHER)


def test_audit_subject():
    person = _child()
    assert person.audit_subject() == {"person_id": person.pk, "family_id": None}
