"""Programme rules the scans apply: pool doubling (P8), expiry windows (P7), figures deadline (P9).

Pure functions over plain values, like the evaluator, so the scans can feed
them a chunk of firms at a time and the tests can pin every edge date.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

# Hard-tech pool (P8): a member doubles its revenue by the third fiscal year after its baseline year.
POOL_GROWTH_FACTOR = 2
POOL_CHECK_AFTER_YEARS = 3
POOL_ANNUAL_INTAKE = 50  # at least this many new members each year (P11)

# Designations (P7): alerts before expiry (the renewal window is ``cultivation.tiers.renewal_opens_on``).
EXPIRY_ALERT_DAYS = (180, 90, 30)

# Annual figures (P9): last year's figures are due by this day of the year (Chongqing: 30 April).
FIGURES_DUE_MONTH, FIGURES_DUE_DAY = 4, 30


class PoolStatus(StrEnum):
    UNRATED = "unrated"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    DOUBLED = "doubled"
    MISSED = "missed"


@dataclass(frozen=True)
class PoolRating:
    """Where a pool member stands against its doubling path."""

    status: PoolStatus
    check_year: int
    target_revenue: Decimal
    latest_year: int | None
    latest_revenue: Decimal | None
    check_revenue: Decimal | None


def pool_check_year(baseline_year: int) -> int:
    return baseline_year + POOL_CHECK_AFTER_YEARS


def on_doubling_path(revenue: Decimal, baseline: Decimal, years_since_baseline: int) -> bool:
    """revenue >= baseline × 2^(k/3), compared exactly as revenue³ >= baseline³ × 2^k (no roots)."""
    factor = POOL_GROWTH_FACTOR**years_since_baseline
    return revenue**POOL_CHECK_AFTER_YEARS >= baseline**POOL_CHECK_AFTER_YEARS * factor


def rate_pool_member(
    *, baseline_year: int, baseline_revenue: Decimal, revenues: Mapping[int, Decimal], last_year: int
) -> PoolRating:
    """Rate a member from the revenues known up to ``last_year`` (the last completed fiscal year).

    At the check year the rating is final: doubled or missed. Before it, the
    latest year with figures decides on track or at risk; with no year after
    the baseline yet, the member is unrated.
    """
    check_year = pool_check_year(baseline_year)
    target = baseline_revenue * POOL_GROWTH_FACTOR
    known = sorted(y for y in revenues if baseline_year < y <= min(last_year, check_year))
    latest_year = known[-1] if known else None
    latest = revenues[latest_year] if latest_year is not None else None
    check_revenue = revenues.get(check_year) if last_year >= check_year else None
    if check_revenue is not None:
        status = PoolStatus.DOUBLED if check_revenue >= target else PoolStatus.MISSED
    elif last_year >= check_year:
        status = PoolStatus.MISSED  # the check year passed without figures: the target was not shown met
    elif latest is None:
        status = PoolStatus.UNRATED
    elif on_doubling_path(latest, baseline_revenue, latest_year - baseline_year):
        status = PoolStatus.ON_TRACK
    else:
        status = PoolStatus.AT_RISK
    return PoolRating(status, check_year, target, latest_year, latest, check_revenue)


def expiry_window(expires_on: datetime.date, today: datetime.date) -> int | None:
    """The tightest alert window (180/90/30 days) that ``today`` has entered, or None.

    Exactly 180 days before expiry is inside the 180-day window; after expiry there is no window.
    """
    remaining = (expires_on - today).days
    if remaining < 0:
        return None
    crossed = [days for days in EXPIRY_ALERT_DAYS if remaining <= days]
    return min(crossed) if crossed else None


def figures_due_on(fiscal_year: int) -> datetime.date:
    """The day a fiscal year's figures are due (30 April of the following year)."""
    return datetime.date(fiscal_year + 1, FIGURES_DUE_MONTH, FIGURES_DUE_DAY)


def overdue_fiscal_year(today: datetime.date) -> int | None:
    """The fiscal year whose figures are overdue on ``today`` (from 1 May), or None before the deadline."""
    last_year = today.year - 1
    return last_year if today > figures_due_on(last_year) else None


__all__ = [
    "EXPIRY_ALERT_DAYS",
    "POOL_ANNUAL_INTAKE",
    "PoolRating",
    "PoolStatus",
    "expiry_window",
    "figures_due_on",
    "overdue_fiscal_year",
    "rate_pool_member",
]
