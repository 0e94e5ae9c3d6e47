"""The rules behind the scans: pool doubling (P8, ``rules.pool``), expiry windows (P7) and the figures
deadline (P9, ``rules.deadlines``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cultivation.rules.deadlines import expiry_window, figures_due_on, overdue_fiscal_year
from cultivation.rules.pool import PoolReason, PoolStatus, on_doubling_path, rate_pool_member

D = Decimal
BASE = D("1000.00")


def rate(revenues, last_year, as_of=None):
    """Rated after the figures deadline of ``last_year`` unless ``as_of`` says otherwise."""
    as_of = as_of or datetime.date(last_year + 1, 6, 30)
    return rate_pool_member(baseline_year=2023, baseline_revenue=BASE, revenues=revenues, as_of=as_of)


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


def test_no_figures_for_the_check_year_once_they_are_overdue_is_missed_with_that_reason():
    rating = rate({2024: D("1500")}, 2026, as_of=datetime.date(2027, 5, 1))
    assert (rating.status, rating.reason, rating.final) == (
        PoolStatus.MISSED,
        PoolReason.CHECK_OVERDUE,
        True,
    )


@pytest.mark.parametrize(
    "day", [datetime.date(2027, 1, 2), datetime.date(2027, 4, 29), datetime.date(2027, 4, 30)]
)
def test_until_the_check_years_figures_are_due_the_member_keeps_its_path_rating(day):
    """P9: the check year's figures are due on 30 April after it; before that their absence decides
    nothing (it was rated missed in January-April)."""
    on_path = rate({2024: D("1300"), 2025: D("1600")}, 2026, as_of=day)
    assert (on_path.status, on_path.reason, on_path.final) == (
        PoolStatus.ON_TRACK,
        PoolReason.AWAITING_CHECK,
        False,
    )
    assert (on_path.latest_year, on_path.check_revenue) == (2025, None)
    below = rate({2025: D("1500")}, 2026, as_of=day)
    assert (below.status, below.reason) == (PoolStatus.AT_RISK, PoolReason.AWAITING_CHECK)
    assert rate({}, 2026, as_of=day).status == PoolStatus.UNRATED


def test_check_year_figures_decide_as_soon_as_filed_even_before_the_deadline():
    early = rate({2026: D("2000.00")}, 2026, as_of=datetime.date(2027, 3, 1))
    assert (early.status, early.reason) == (PoolStatus.DOUBLED, PoolReason.DOUBLED)
    late = rate({2026: D("2000.00")}, 2026, as_of=datetime.date(2027, 6, 15))  # filed after 30 April
    assert (late.status, late.reason, late.check_revenue) == (
        PoolStatus.DOUBLED,
        PoolReason.DOUBLED,
        D("2000.00"),
    )
    below = rate({2026: D("1999.99")}, 2026, as_of=datetime.date(2027, 6, 15))
    assert (below.status, below.reason) == (PoolStatus.MISSED, PoolReason.BELOW_TARGET)


def test_reasons_before_the_check_year():
    assert rate({}, 2024).reason == PoolReason.NO_FIGURES
    assert rate({2024: D("1300")}, 2024).reason == PoolReason.ON_PATH
    assert rate({2024: D("1100")}, 2024).reason == PoolReason.BELOW_PATH


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
