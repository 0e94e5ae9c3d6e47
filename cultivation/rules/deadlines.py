"""Dates the scans chase (P7, P9): alerts before a designation expires, and the annual figures deadline.

Pure functions over dates, so the scans and the pages agree and the tests can pin every edge day.
"""

from __future__ import annotations

import datetime

# Designations (P7): alerts before expiry (the renewal window is ``cultivation.tiers.renewal_opens_on``).
EXPIRY_ALERT_DAYS = (180, 90, 30)

# Annual figures (P9): last year's figures are due by this day of the year (Chongqing: 30 April).
FIGURES_DUE_MONTH, FIGURES_DUE_DAY = 4, 30


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


__all__ = ["EXPIRY_ALERT_DAYS", "expiry_window", "figures_due_on", "overdue_fiscal_year"]
