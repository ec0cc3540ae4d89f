"""Which families are due: the youngest-child rule, the years-after-activity rule, legal holds,
keeping for longer; and the job is idempotent with a bounded number of queries."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import user_with_role
from earlyhelp.people import services as people_services
from earlyhelp.retention import services
from earlyhelp.retention.models import RetentionReview, RetentionRule, ReviewStatus, RuleKind

from .factories import child_born_years_ago, family_with_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return user_with_role(Role.AUDITOR)


def _due_ids(today=None):
    rule = services.active_rule()
    assert rule is not None
    return set(services.due_families(rule, today).values_list("pk", flat=True))


def test_the_migration_seeds_one_active_default_rule():
    rule = services.active_rule()
    assert rule is not None
    assert (rule.kind, rule.age) == (RuleKind.YOUNGEST_CHILD_AGE, 25)
    assert RetentionRule.objects.filter(is_active=True).count() == 1


def test_a_family_is_due_when_its_youngest_child_turns_25():
    turned, _ = family_with_child("Turned family", child_born_years_ago(25))
    not_yet, _ = family_with_child("Not yet family", child_born_years_ago(25, days=-1))
    both, _ = family_with_child("Both family", child_born_years_ago(30))
    people_services.add_family_member(
        actor=None,
        family=both,
        person=people_services.create_person(
            actor=None, given_name="Young", date_of_birth=child_born_years_ago(10)
        ),
        role="child",
    )
    due = _due_ids()
    assert turned.pk in due
    assert not_yet.pk not in due
    assert both.pk not in due, "the youngest child, not the eldest, decides"
    assert not_yet.pk in _due_ids(timezone.localdate() + timedelta(days=1))


def test_without_a_childs_date_of_birth_the_years_after_last_activity_apply():
    family, _ = family_with_child("Unknown family", None)
    assert family.pk not in _due_ids()
    rule = services.active_rule()
    assert rule is not None
    later = services.add_years(timezone.localdate(), rule.years)
    assert family.pk not in _due_ids(later - timedelta(days=1))
    assert family.pk in _due_ids(later + timedelta(days=1))


def test_the_years_after_last_activity_rule_counts_from_the_latest_change():
    RetentionRule.objects.update(is_active=False)
    RetentionRule.objects.create(
        name="Six years", kind=RuleKind.YEARS_AFTER_LAST_ACTIVITY, years=6, is_active=True
    )
    family, _ = family_with_child("Active family", child_born_years_ago(40))
    six_years = services.add_years(timezone.localdate(), 6)
    assert family.pk not in _due_ids(), "an old child does not matter under this rule"
    assert family.pk in _due_ids(six_years + timedelta(days=1))
    rule = services.active_rule()
    assert rule is not None
    youngest, last_activity = services.family_facts(family)
    assert services.due_on(rule, youngest, last_activity) == six_years


def test_a_legal_hold_stops_a_family_being_due_until_it_is_lifted(officer):
    family, _ = family_with_child("Held family", child_born_years_ago(30))
    services.run_retention_review()
    review = services.open_review(family)
    assert review is not None
    services.place_legal_hold(actor=officer, family=family, reason="Court case")
    review.refresh_from_db()
    assert review.status == ReviewStatus.NO_LONGER_DUE
    assert family.pk not in _due_ids()
    assert services.run_retention_review().opened == 0
    with pytest.raises(ValidationError):
        services.place_legal_hold(actor=officer, family=family, reason="Twice")
    services.lift_legal_hold(actor=officer, family=family, reason="Case closed")
    assert services.run_retention_review().opened == 1
    assert services.open_review(family) is not None


def test_kept_for_n_years_a_family_is_not_due_until_then(officer):
    family, _ = family_with_child("Kept family", child_born_years_ago(30))
    services.run_retention_review()
    decision = services.keep_family(actor=officer, family=family, years=2, reason="Complaint")
    assert decision.status == ReviewStatus.KEPT
    two_years = services.add_years(timezone.localdate(), 2)
    assert decision.next_review_on == two_years
    assert family.pk not in _due_ids()
    assert family.pk not in _due_ids(two_years - timedelta(days=1))
    assert family.pk in _due_ids(two_years)
    result = services.run_retention_review(two_years)
    assert result.opened == 1


def test_keeping_needs_a_due_family_and_a_reason(officer):
    family, _ = family_with_child("Young family", child_born_years_ago(3))
    with pytest.raises(ValidationError):
        services.keep_family(actor=officer, family=family, years=2, reason="Why not")
    services.run_retention_review(services.add_years(timezone.localdate(), 30))
    with pytest.raises(ValidationError):
        services.keep_family(actor=officer, family=family, years=2, reason="  ")


def test_the_job_is_idempotent_and_closes_reviews_no_longer_due(officer):
    due, _ = family_with_child("Due family", child_born_years_ago(26))
    family_with_child("Young family", child_born_years_ago(5))
    first = services.run_retention_review()
    assert (first.due, first.opened) == (1, 1)
    second = services.run_retention_review()
    assert (second.due, second.opened, second.no_longer_due) == (1, 0, 0)
    assert RetentionReview.objects.count() == 1
    review = RetentionReview.objects.get()
    assert review.due_since == services.add_years(due.members.get().person.date_of_birth, 25)
    assert "25" in review.why
    # The council changes its rule to 30 years: the review is closed on the next run.
    RetentionRule.objects.update(age=30)
    assert services.run_retention_review().no_longer_due == 1
    assert services.open_review(due) is None


@pytest.mark.parametrize("families", [3, 40])
def test_the_job_makes_a_bounded_number_of_queries(families, django_assert_max_num_queries):
    for number in range(families):
        family_with_child(f"Family {number}", child_born_years_ago(20 + number % 10))
        family_with_child(f"Unknown {number}", None)
    with django_assert_max_num_queries(8):
        services.run_retention_review()
    with django_assert_max_num_queries(8):
        services.run_retention_review()
    assert RetentionReview.objects.filter(status=ReviewStatus.DUE).count() == sum(
        1 for number in range(families) if 20 + number % 10 >= 25
    )


def test_the_job_is_registered_as_a_periodic_job():
    from earlyhelp.core.periodic import _periodic

    assert "retention_review" in _periodic
