"""Exact arithmetic helpers: ratios compared without rounding, gaps stepped to the firm's units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cultivation.rules.facts import add_years
from cultivation.rules.values import Ratio, compact, compare, consistent_display, step_up, to_decimal


def test_ratio_compares_exactly_where_division_would_round():
    third = Ratio(Decimal(1), Decimal(3))  # 33.333…%
    assert compare(third, Decimal("33.33")) == 1
    assert compare(Ratio(Decimal(1), Decimal(4)), Decimal(25)) == 0
    assert compare(Ratio(Decimal("299.99"), Decimal(10000)), Decimal(3)) == -1


@pytest.mark.parametrize(
    ("amount", "step", "strict", "expected"),
    [
        ("32", "0.01", False, "32.00"),
        ("32.001", "0.01", False, "32.01"),
        ("32", "0.01", True, "32.01"),
        ("2.2", "1", False, "3"),
        ("2", "1", True, "3"),
        ("0", "0.01", False, "0.01"),
    ],
)
def test_step_up(amount, step, strict, expected):
    assert step_up(Decimal(amount), Decimal(step), strict) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "op", "threshold", "met", "shown"),
    [
        ("2.99999", "ge", "3", False, "2.99"),
        ("3", "ge", "3", True, "3.00"),
        ("70.001", "le", "70", False, "70.01"),
        ("54.999", "lt", "55", True, "54.99"),
        ("12.345", "ge", "3", True, "12.34"),
    ],
)
def test_consistent_display(value, op, threshold, met, shown):
    assert consistent_display(Decimal(value), op, Decimal(threshold), met) == Decimal(shown)


def test_to_decimal_and_compact():
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal("8000.00") == Decimal("8000.00")
    with pytest.raises(TypeError):
        to_decimal(True)
    with pytest.raises(ValueError):
        to_decimal("NaN")
    assert compact(Decimal("40000")) == "40000"
    assert compact(Decimal("3.50")) == "3.5"
    assert compact(Decimal("4E+4")) == "40000"


def test_add_years_on_29_february():
    assert add_years(date(2024, 2, 29), -9) == date(2015, 2, 28)
    assert add_years(date(2025, 6, 30), -9) == date(2016, 6, 30)
