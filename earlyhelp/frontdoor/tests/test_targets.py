"""Front-door targets in working hours, with fixed dates across weekends and bank holidays."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from earlyhelp.core.calendar import LONDON, calendar_for_council
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.frontdoor import services
from earlyhelp.frontdoor.codes import Rag
from earlyhelp.frontdoor.models import Contact

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


#: 16:30 on Friday 28 August 2026; Monday 31 August is the summer bank holiday.
BEFORE_AUGUST_BANK_HOLIDAY = at(2026, 8, 28, 16, 30)


@pytest.fixture
def config() -> CouncilConfiguration:
    return CouncilConfiguration.current()


@pytest.mark.parametrize(
    ("rag", "due"),
    [
        # Half an hour on Friday, nothing at the weekend or on the bank holiday, 3.5 on Tuesday.
        (Rag.RED, at(2026, 9, 1, 12, 30)),
        # 0.5 + Tuesday 8 + Wednesday 8 + 7.5 on Thursday.
        (Rag.AMBER, at(2026, 9, 3, 16, 30)),
        # 0.5 + eight full working days (1-4 and 7-10 September) + 7.5 on Friday 11 September.
        (Rag.GREEN, at(2026, 9, 11, 16, 30)),
    ],
)
def test_rag_targets_skip_the_weekend_and_the_august_bank_holiday(
    config: CouncilConfiguration, rag: str, due: datetime
) -> None:
    calendar = calendar_for_council(config)
    assert (
        services.rag_due(BEFORE_AUGUST_BANK_HOLIDAY, rag, config=config, calendar=calendar) == due
    )


def test_the_decision_is_due_one_working_day_later(config: CouncilConfiguration) -> None:
    calendar = calendar_for_council(config)
    assert services.decision_due(BEFORE_AUGUST_BANK_HOLIDAY, config=config, calendar=calendar) == (
        at(2026, 9, 1, 16, 30)
    )


def test_a_red_contact_on_an_ordinary_friday_afternoon_is_due_on_monday(
    config: CouncilConfiguration,
) -> None:
    calendar = calendar_for_council(config)
    assert services.rag_due(at(2026, 9, 11, 16, 30), Rag.RED, config=config, calendar=calendar) == (
        at(2026, 9, 14, 12, 30)
    )


def test_a_contact_received_at_the_weekend_starts_counting_on_monday_morning(
    config: CouncilConfiguration,
) -> None:
    calendar = calendar_for_council(config)
    saturday = at(2026, 9, 12, 22, 15)
    assert services.rag_due(saturday, Rag.RED, config=config, calendar=calendar) == (
        at(2026, 9, 14, 13, 0)
    )
    assert services.decision_due(saturday, config=config, calendar=calendar) == (
        at(2026, 9, 14, 17, 0)
    )


def test_christmas_closes_three_working_days(config: CouncilConfiguration) -> None:
    # Christmas Day is Friday 25 December 2026; Boxing Day's substitute is Monday 28 December.
    calendar = calendar_for_council(config)
    assert services.rag_due(at(2026, 12, 24, 15, 0), Rag.RED, config=config, calendar=calendar) == (
        at(2026, 12, 29, 11, 0)
    )


def test_the_councils_own_hours_change_the_targets(config: CouncilConfiguration) -> None:
    config.rag_red_working_hours = 2
    config.front_door_decision_working_days = 2
    calendar = calendar_for_council(config)
    assert services.rag_due(
        BEFORE_AUGUST_BANK_HOLIDAY, Rag.RED, config=config, calendar=calendar
    ) == (at(2026, 9, 1, 10, 30))
    assert services.decision_due(BEFORE_AUGUST_BANK_HOLIDAY, config=config, calendar=calendar) == (
        at(2026, 9, 2, 16, 30)
    )


def test_time_left_goes_negative_once_breached(config: CouncilConfiguration) -> None:
    calendar = calendar_for_council(config)
    due = at(2026, 9, 1, 12, 30)
    assert services.time_left(due, calendar, now=at(2026, 8, 31, 12, 0)) == timedelta(
        hours=3, minutes=30
    )
    assert services.time_left(due, calendar, now=at(2026, 9, 1, 14, 0)) == timedelta(
        hours=-1, minutes=-30
    )
    assert services.time_left(None, calendar) is None


def test_overdue_compares_instants_so_a_weekend_breach_still_shows(
    config: CouncilConfiguration,
) -> None:
    calendar = calendar_for_council(config)
    due = at(2026, 9, 11, 17, 0)
    saturday = at(2026, 9, 12, 10, 0)
    assert services.time_left(due, calendar, now=saturday) == timedelta(0)
    assert services.is_overdue(due, now=saturday)
    assert not services.is_overdue(due, now=at(2026, 9, 11, 16, 59))


def test_the_decision_time_is_measured_in_working_hours_against_the_target(
    config: CouncilConfiguration,
) -> None:
    calendar = calendar_for_council(config)
    contact = Contact(received_at=BEFORE_AUGUST_BANK_HOLIDAY, rag=Rag.RED)
    services.set_decision_target(contact, config=config)
    assert contact.due_at == at(2026, 9, 1, 12, 30)
    assert services.target_at(contact) == contact.due_at
    on_time = services.measure(contact, at(2026, 9, 1, 11, 0), calendar)
    assert on_time == services.DecisionTime(Decimal("2.50"), True)
    late = services.measure(contact, at(2026, 9, 1, 15, 0), calendar)
    assert late == services.DecisionTime(Decimal("6.50"), False)


def test_an_unrated_contact_is_held_to_the_decision_target(config: CouncilConfiguration) -> None:
    contact = Contact(received_at=BEFORE_AUGUST_BANK_HOLIDAY)
    services.set_decision_target(contact, config=config)
    assert contact.due_at is None
    assert services.target_at(contact) == at(2026, 9, 1, 16, 30)
