"""The scans, listed once: ``run_scans``, the Celery tasks and the beat schedule read them here.

Each is a ``scanning.Scan`` (plan a run, judge a chunk). Adding one is a class and a line in
``SCANS``. Every scan must be idempotent: running it twice for the same day does nothing more the
second time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from .alert_scans import DesignationExpiring, FiguresOverdue, PoolIntake, PoolRating, PromotionDue
from .notice_closing import NoticeClosing
from .scanning import Scan, ScanKind, ScanResult
from .upgrade_scans import UpgradeOverdue


def registry(*scans: Scan) -> dict[ScanKind, Scan]:
    """The scans by kind (looked up by the plain name too), in the order given; a kind given twice is
    a mistake."""
    by_kind: dict[ScanKind, Scan] = {}
    for scan in scans:
        if scan.kind in by_kind:
            raise ValueError(f"scan {scan.kind!r} registered twice")
        by_kind[scan.kind] = scan
    return by_kind


SCANS = registry(
    NoticeClosing(),
    PromotionDue(),
    DesignationExpiring(),
    FiguresOverdue(),
    PoolRating(),
    PoolIntake(),
    UpgradeOverdue(),
)
# What beat runs each night (``tasks.run_nightly_scans``); notices close on their own schedule.
NIGHTLY: tuple[ScanKind, ...] = (
    ScanKind.PROMOTION_DUE,
    ScanKind.DESIGNATION_EXPIRING,
    ScanKind.FIGURES_OVERDUE,
    ScanKind.POOL_RATING,
    ScanKind.POOL_INTAKE,
    ScanKind.UPGRADE_OVERDUE,
)


def run_scans(as_of: datetime.date, only: Iterable[str] | None = None) -> list[ScanResult]:
    """Run the named scans (all by default, in registry order) in this process; ``KeyError`` names
    unknown kinds."""
    kinds = list(SCANS) if not only else list(only)
    unknown = [kind for kind in kinds if kind not in SCANS]
    if unknown:
        raise KeyError(", ".join(unknown))
    return [SCANS[kind].run(as_of) for kind in kinds]
