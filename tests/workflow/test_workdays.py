"""Working-day arithmetic for the public notice: weekends skipped, holidays and 调休 respected."""

from __future__ import annotations

from datetime import date

import pytest

from cultivation.workdays import add_working_days, is_working_day, working_days_between

MONDAY = date(2026, 6, 1)
FRIDAY = date(2026, 6, 5)


def test_five_working_days_after_a_monday_end_the_next_monday():
    assert add_working_days(MONDAY, 5) == date(2026, 6, 8)


def test_weekends_are_skipped():
    assert add_working_days(FRIDAY, 1) == date(2026, 6, 8)
    assert add_working_days(date(2026, 6, 6), 1) == date(2026, 6, 8)  # from a Saturday


def test_holidays_are_skipped():
    dragon_boat = date(2026, 6, 19)  # a Friday
    assert add_working_days(date(2026, 6, 15), 5) == date(2026, 6, 22)
    assert add_working_days(date(2026, 6, 15), 5, {dragon_boat}) == date(2026, 6, 23)


def test_national_day_week_and_its_make_up_working_saturday():
    golden_week = {date(2026, 10, d) for d in range(1, 8)}
    make_up = {date(2026, 10, 10)}  # a Saturday worked instead (补班)
    assert add_working_days(date(2026, 9, 30), 1, golden_week) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3, golden_week, make_up) == date(2026, 10, 10)
    assert is_working_day(date(2026, 10, 10), golden_week, make_up)
    assert not is_working_day(date(2026, 10, 10), golden_week)


def test_zero_days_is_the_start_and_negative_is_refused():
    assert add_working_days(MONDAY, 0) == MONDAY
    with pytest.raises(ValueError):
        add_working_days(MONDAY, -1)


def test_counting_working_days_between_is_the_inverse():
    holidays = {date(2026, 6, 19)}
    for n in range(0, 12):
        end = add_working_days(MONDAY, n, holidays)
        assert working_days_between(MONDAY, end, holidays) == n
    assert working_days_between(FRIDAY, MONDAY) == 0
