"""The subject access deadline: one calendar month, not working days.

UK GDPR Article 12(3) and the ICO's guidance: respond "without undue delay and at the latest
within one month of receipt", counted from the day the request is received to the same day number
next month; if next month has no such day, to its last day. A complex request may be extended by
up to two further months."""

import calendar
from datetime import date

#: A complex request may be extended by up to two further months (Article 12(3)).
MAX_EXTENSION_MONTHS = 2


def add_months(start: date, months: int) -> date:
    """The same day number `months` calendar months later, or that month's last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def due_date(received_on: date) -> date:
    return add_months(received_on, 1)


def latest_extended_due_date(received_on: date) -> date:
    return add_months(received_on, 1 + MAX_EXTENSION_MONTHS)
