"""The hard-tech pool's doubling rule (P8): a member's rating against its path, as the pool scan applies it.

Pure functions over plain values, like the evaluator, so the scans can feed
them a chunk of firms at a time and the tests can pin every edge date.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .deadlines import figures_due_on

# Hard-tech pool (P8): a member doubles its revenue by the third fiscal year after its baseline year.
POOL_GROWTH_FACTOR = 2
POOL_CHECK_AFTER_YEARS = 3
POOL_ANNUAL_INTAKE = 50  # at least this many new members each year (P11)


class PoolStatus(StrEnum):
    UNRATED = "unrated"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    DOUBLED = "doubled"
    MISSED = "missed"


class PoolReason(StrEnum):
    """Why a member has its rating: stored with it and shown next to it (P8, P9)."""

    NO_FIGURES = "no_figures"  # no fiscal year after the baseline has figures yet
    ON_PATH = "on_path"  # the latest year is on the doubling path
    BELOW_PATH = "below_path"  # the latest year is below it
    AWAITING_CHECK = "awaiting_check"  # the check year ended, its figures are not due yet (to 30 April)
    DOUBLED = "doubled"  # the check year's revenue is at least twice the baseline
    BELOW_TARGET = "below_target"  # the check year's revenue is below twice the baseline
    CHECK_OVERDUE = "check_overdue"  # the check year's figures were not filed by 30 April


FINAL_REASONS = (PoolReason.DOUBLED, PoolReason.BELOW_TARGET, PoolReason.CHECK_OVERDUE)


@dataclass(frozen=True)
class PoolRating:
    """Where a pool member stands against its doubling path, and why."""

    status: PoolStatus
    check_year: int
    target_revenue: Decimal
    latest_year: int | None
    latest_revenue: Decimal | None
    check_revenue: Decimal | None
    reason: PoolReason = PoolReason.NO_FIGURES

    @property
    def final(self) -> bool:
        """The three-year check has an outcome (doubled, or missed with or without figures)."""
        return self.reason in FINAL_REASONS


def pool_check_year(baseline_year: int) -> int:
    return baseline_year + POOL_CHECK_AFTER_YEARS


def on_doubling_path(revenue: Decimal, baseline: Decimal, years_since_baseline: int) -> bool:
    """revenue >= baseline × 2^(k/3), compared exactly as revenue³ >= baseline³ × 2^k (no roots)."""
    factor = POOL_GROWTH_FACTOR**years_since_baseline
    return revenue**POOL_CHECK_AFTER_YEARS >= baseline**POOL_CHECK_AFTER_YEARS * factor


def rate_pool_member(
    *,
    baseline_year: int,
    baseline_revenue: Decimal,
    revenues: Mapping[int, Decimal],
    as_of: datetime.date,
) -> PoolRating:
    """Rate a member on ``as_of`` from the revenues of the fiscal years completed by then.

    The check year's figures decide the outcome as soon as they are filed: doubled or missed. Until
    they are due (30 April after the check year, ``figures_due_on``) their absence decides nothing: the
    member keeps the rating of its latest year, marked as awaiting them; from 1 May without them it
    has missed (the target was not shown met), and figures filed later still decide. Before the check
    year ends, the latest year with figures decides on track or at risk; with no year after the
    baseline yet, the member is unrated.
    """
    last_year = as_of.year - 1  # the last completed fiscal year
    check_year = pool_check_year(baseline_year)
    target = baseline_revenue * POOL_GROWTH_FACTOR
    check_revenue = revenues.get(check_year) if last_year >= check_year else None
    known = sorted(y for y in revenues if baseline_year < y <= min(last_year, check_year))
    latest_year = known[-1] if known else None
    latest = revenues[latest_year] if latest_year is not None else None
    if check_revenue is not None:
        doubled = check_revenue >= target
        status = PoolStatus.DOUBLED if doubled else PoolStatus.MISSED
        reason = PoolReason.DOUBLED if doubled else PoolReason.BELOW_TARGET
    elif last_year >= check_year and as_of > figures_due_on(check_year):
        status, reason = PoolStatus.MISSED, PoolReason.CHECK_OVERDUE
    else:
        status, reason = _on_path(latest_year, latest, baseline_year, baseline_revenue)
        if last_year >= check_year:
            reason = PoolReason.AWAITING_CHECK
    return PoolRating(status, check_year, target, latest_year, latest, check_revenue, reason)


def _on_path(
    year: int | None, revenue: Decimal | None, baseline_year: int, baseline: Decimal
) -> tuple[PoolStatus, PoolReason]:
    if year is None or revenue is None:
        return PoolStatus.UNRATED, PoolReason.NO_FIGURES
    if on_doubling_path(revenue, baseline, year - baseline_year):
        return PoolStatus.ON_TRACK, PoolReason.ON_PATH
    return PoolStatus.AT_RISK, PoolReason.BELOW_PATH


__all__ = [
    "POOL_ANNUAL_INTAKE",
    "PoolRating",
    "PoolReason",
    "PoolStatus",
    "rate_pool_member",
]
