"""Programme rules behind the scans: pool doubling (P8), expiry windows (P7), figures deadline (P9)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cultivation.rules.programme import (
    PoolStatus,
    expiry_window,
    figures_due_on,
    on_doubling_path,
    overdue_fiscal_year,
    rate_pool_member,
)

D = Decimal
BASE = D("1000.00")


def rate(revenues, last_year):
    return rate_pool_member(baseline_year=2023, baseline_revenue=BASE, revenues=revenues, last_year=last_year)


def test_check_year_is_three_fiscal_years_after_the_baseline():
    rating = rate({}, 2023)
    assert (rating.check_year, rating.target_revenue, rating.status) == (
        2026,
        D("2000.00"),
        PoolStatus.UNRATED,
    )


def test_exactly_double_in_the_check_year_is_doubled_a_cent_less_is_missed():
    assert rate({2026: D("2000.00")}, 2026).status == PoolStatus.DOUBLED
    missed = rate({2026: D("1999.99")}, 2026)
    assert missed.status == PoolStatus.MISSED and missed.check_revenue == D("1999.99")


def test_no_figures_for_the_check_year_once_it_passed_is_missed():
    assert rate({2024: D("1500")}, 2026).status == PoolStatus.MISSED


def test_the_check_revenue_is_unknown_before_the_check_year_ends():
    rating = rate({2024: D("1300"), 2025: D("1600")}, 2025)
    assert rating.check_revenue is None and (rating.latest_year, rating.latest_revenue) == (2025, D("1600"))


@pytest.mark.parametrize(
    ("year", "on_path", "below"),
    [
        # 1000 × 2^(1/3) = 1259.921…, × 2^(2/3) = 1587.401…
        (2024, D("1259.93"), D("1259.92")),
        (2025, D("1587.41"), D("1587.40")),
    ],
)
def test_on_track_follows_the_exact_cube_root_path(year, on_path, below):
    assert rate({year: on_path}, year).status == PoolStatus.ON_TRACK
    assert rate({year: below}, year).status == PoolStatus.AT_RISK


def test_doubling_path_is_exact_at_whole_powers():
    assert on_doubling_path(D("2000"), D("1000"), 3)
    assert not on_doubling_path(D("1999.999999"), D("1000"), 3)
    assert on_doubling_path(D("4000"), D("1000"), 6)


@pytest.mark.parametrize(
    ("days_left", "window"),
    [(181, None), (180, 180), (91, 180), (90, 90), (31, 90), (30, 30), (0, 30), (-1, None)],
)
def test_expiry_windows_at_their_edges(days_left, window):
    expires = datetime.date(2027, 3, 31)
    assert expiry_window(expires, expires - datetime.timedelta(days=days_left)) == window


def test_figures_are_due_by_30_april_and_overdue_from_1_may():
    assert figures_due_on(2025) == datetime.date(2026, 4, 30)
    assert overdue_fiscal_year(datetime.date(2026, 4, 30)) is None
    assert overdue_fiscal_year(datetime.date(2026, 5, 1)) == 2025
    assert overdue_fiscal_year(datetime.date(2026, 1, 15)) is None
