"""Anonymising a due family removes every trace of its people's names, exact dates of birth,
identifiers and addresses, from the records and their change history, keeps what statistics
need, leaves alone a person still needed by another family, and refuses under a legal hold."""

from collections import Counter
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import TeamFactory, user_with_role
from earlyhelp.consent.models import ConsentRecord, SafeguardingOverride, SharingDecision
from earlyhelp.core.models import AccessEvent
from earlyhelp.people import services as people_services
from earlyhelp.people.merge import merge_people
from earlyhelp.people.models import (
    Address,
    Family,
    FamilyMember,
    Involvement,
    Person,
    PersonMerge,
    Relationship,
)
from earlyhelp.retention import services
from earlyhelp.retention.models import ErasureRecord, ReviewStatus

from .factories import household

pytestmark = pytest.mark.django_db

SECRETS = (
    "Persephone",
    "Featherstonehaugh",
    "Bartholomew",
    "Percy",
    "Fanshawe",
    "9434765919",
    "A123456789012",
    "KB-771203",
    "legacy-99812",
    "07700 900461",
    "persephone@example.com",
    "Quillington",
    "Orchard Close",
    "KB7 4QZ",
    "KB7 4QY",
    "Quaker",
    "Welsh",
)
MODELS = (
    Person,
    Address,
    Family,
    FamilyMember,
    Relationship,
    Involvement,
    PersonMerge,
    ConsentRecord,
    SharingDecision,
    SafeguardingOverride,
)


def _every_value() -> list[tuple[str, str]]:
    """(table, value) for every column of every row of the records and their history tables."""
    found: list[tuple[str, str]] = []
    for model in MODELS:
        for table in (model, model.history.model):
            for row in table.objects.values():
                found.extend((table.__name__, str(value)) for value in row.values())
    return found


def _statistics() -> Counter:
    return Counter(
        (
            p.sex,
            p.ethnicity,
            p.date_of_birth.year if p.date_of_birth else None,
            tuple(p.disabilities),
        )
        for p in Person.objects.all()
    )


@pytest.fixture
def officer():
    return user_with_role(Role.AUDITOR)


@pytest.fixture
def due(officer):
    world = household(officer)
    services.run_retention_review()
    assert services.open_review(world["family"]) is not None
    assert services.open_review(world["other_family"]) is None
    return world


def test_anonymising_removes_every_trace_from_records_and_history(officer, due):
    team = TeamFactory()
    manager = user_with_role(Role.TEAM_MANAGER, team=team)
    people_services.start_involvement(
        actor=None, reason="allocated_team", family=due["family"], team=team
    )
    people_services.break_glass(
        actor=manager, person=due["child"], reason="Police asked about Persephone at Quillington"
    )
    duplicate = people_services.create_person(
        actor=None, given_name="Persephone", family_name="Featherstonehaugh", upn=""
    )
    people_services.add_family_member(
        actor=None, family=due["family"], person=duplicate, role="child"
    )
    merge_people(
        actor=manager, kept=due["child"], merged=duplicate, reason="Same Persephone Fanshawe"
    )
    values = _every_value()
    for secret in SECRETS:
        assert any(secret in value for _, value in values), f"the test data lacks {secret}"
    birthday = due["child"].date_of_birth
    statistics = _statistics()

    record = services.anonymise_family(
        actor=officer, family=due["family"], reason="Retention period ended"
    )

    leaks = [
        (table, value)
        for table, value in _every_value()
        if any(secret in value for secret in SECRETS) or value == str(birthday)
    ]
    assert not leaks, leaks
    child = Person.objects.get(pk=due["child"].pk)
    assert child.full_name == "Anonymised"
    assert child.date_of_birth == date(birthday.year, 1, 1)
    assert (child.nhs_number, child.upn, child.phone, child.email, child.postcode) == ("",) * 5
    assert (child.sex, child.ethnicity, child.disabilities) == ("F", "WIRI", ["HAND"])
    assert child.postcode_district == "KB7"
    assert not Address.objects.filter(person_id__in=[due["child"].pk, due["father"].pk]).exists()
    assert Family.objects.get(pk=due["family"].pk).name == "Anonymised family"
    assert _statistics() == statistics, "counts by sex, ethnicity and birth year are kept"
    # One history entry per anonymised record, with the reason.
    entries = Person.history.filter(id=child.pk)
    assert [e.history_change_reason for e in entries] == ["Retention period ended"]
    assert Family.history.filter(id=due["family"].pk).count() == 1
    # The rows kept for statistics keep their dates and outcomes.
    consent = ConsentRecord.objects.get(family=due["family"])
    assert (consent.decided_on, consent.decision) == (timezone.localdate(), "given")
    assert SharingDecision.objects.get(family=due["family"]).lawful_basis == "public_task"

    assert Person.objects.get(pk=duplicate.pk).full_name == "Anonymised"
    assert (record.people_anonymised, record.people_left_alone) == (3, 1)
    assert record.left_alone_ids == [due["mother"].pk]
    assert record.addresses_deleted == 2
    assert record.reason == "Retention period ended"
    assert services.RetentionReview.objects.get(family=due["family"]).status == (
        ReviewStatus.ANONYMISED
    )
    event = AccessEvent.objects.get(object_type="retention_erasure")
    assert (event.actor, event.family_id, event.object_id) == (
        officer,
        due["family"].pk,
        str(record.pk),
    )
    # The job does not raise the anonymised family again.
    assert services.run_retention_review().opened == 0


def test_a_person_also_in_a_family_not_due_is_left_alone(officer, due):
    before = Person.objects.get(pk=due["mother"].pk)
    history = Person.history.filter(id=before.pk).count()
    scope = services.anonymisation_scope(due["family"])
    assert due["mother"].pk in scope.left_alone
    services.anonymise_family(actor=officer, family=due["family"], reason="Retention ended")
    after = Person.objects.get(pk=before.pk)
    assert (after.full_name, after.date_of_birth) == ("Winifred Ashdown", date(1968, 5, 9))
    assert Person.history.filter(id=before.pk).count() == history
    assert ErasureRecord.objects.get().people_left_alone == 1


def test_a_person_whose_other_family_is_also_due_is_anonymised(officer, due):
    other = due["other_family"]
    # Make the other family due too: its only child is now 30.
    child = other.members.get(role="child").person
    child.date_of_birth = date(timezone.localdate().year - 30, 1, 1)
    child.save()
    services.run_retention_review()
    assert services.open_review(other) is not None
    assert due["mother"].pk in services.anonymisation_scope(due["family"]).people


def test_anonymising_is_refused_under_a_legal_hold(officer, due):
    services.place_legal_hold(actor=officer, family=due["family"], reason="Court case")
    with pytest.raises(ValidationError, match="legal hold"):
        services.anonymise_family(actor=officer, family=due["family"], reason="Retention ended")
    assert Person.objects.get(pk=due["child"].pk).given_name == "Persephone"
    assert not ErasureRecord.objects.exists()


def test_anonymising_is_refused_while_a_hold_is_in_force_even_with_an_open_review(officer, due):
    services.LegalHold.objects.create(
        family=due["family"], reason="Placed outside the service", placed_by=officer
    )
    with pytest.raises(ValidationError, match="legal hold"):
        services.anonymise_family(actor=officer, family=due["family"], reason="Retention ended")
    assert Person.objects.get(pk=due["child"].pk).given_name == "Persephone"


def test_anonymising_needs_a_due_family_and_a_reason(officer, due):
    with pytest.raises(ValidationError, match="not due"):
        services.anonymise_family(actor=officer, family=due["other_family"], reason="No")
    with pytest.raises(ValidationError):
        services.anonymise_family(actor=officer, family=due["family"], reason=" ")
    assert not ErasureRecord.objects.exists()
