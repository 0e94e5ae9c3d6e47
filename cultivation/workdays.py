"""Working-day arithmetic for the public notice (公示, docs/RULES.md: "5 working days").

Pure functions: the caller passes the holiday calendar (``Holiday`` rows, editable in the admin),
so the arithmetic is unit-testable without a database. China moves weekend days to working days
around long holidays (调休 "补班"), so a calendar also names extra working days.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

SATURDAY = 5


def is_working_day(day: date, holidays: Collection[date] = (), workdays: Collection[date] = ()) -> bool:
    """Monday to Friday unless a holiday; a weekend day listed in ``workdays`` (补班) also counts."""
    if day in workdays:
        return True
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(
    start: date, n: int, holidays: Collection[date] = (), workdays: Collection[date] = ()
) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted).

    A notice approved on ``start`` runs for the ``n`` working days that follow and ends on the day
    returned; ``n == 0`` gives ``start`` back.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n:
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            n -= 1
    return day


def working_days_between(
    start: date, end: date, holidays: Collection[date] = (), workdays: Collection[date] = ()
) -> int:
    """How many working days lie in (``start``, ``end``]; 0 when ``end`` is not after ``start``.

    Used to carry the unused part of a paused notice over to its resumption.
    """
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            count += 1
    return count
