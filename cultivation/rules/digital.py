"""Digital recognitions and technology-upgrade (技改) projects: the ladder and the status rules (issue 18).

Pure Python, no model: the models, the services, the scan and the dashboard read these, so the ladder's
order and what a project may move to are written once.

* Recognitions of a firm's site climb 数字化车间 → 智能工厂 → 未来工厂; a site counts once, at the
  highest level it holds (``highest_per_site``).
* A 技改 project moves planned → under way → completed → accepted, one step at a time and never back
  (``TRANSITIONS``); a project past its planned finish and not completed is overdue (``is_overdue``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

# --- recognitions ----------------------------------------------------------------------------------------
WORKSHOP, FACTORY, FUTURE_FACTORY = "digital_workshop", "smart_factory", "future_factory"
# The ladder, lowest first: a site recognised as a 智能工厂 that was a 数字化车间 counts as a 智能工厂.
RECOGNITION_LADDER: tuple[str, ...] = (WORKSHOP, FACTORY, FUTURE_FACTORY)
RECOGNITION_CHOICES = [
    (WORKSHOP, _("数字化车间")),
    (FACTORY, _("智能工厂")),
    (FUTURE_FACTORY, _("未来工厂")),
]


def rung(level: str) -> int:
    """The level's place on the ladder (0 for 数字化车间); ``ValueError`` for an unknown level."""
    return RECOGNITION_LADDER.index(level)


def higher_levels(level: str) -> tuple[str, ...]:
    """The levels above ``level``: a record of one of these for the same site supersedes it."""
    return RECOGNITION_LADDER[rung(level) + 1 :]


def highest_per_site(records: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``(site, level)`` pairs reduced to each site's highest level: what counts for the site."""
    best: dict[str, str] = {}
    for site, level in records:
        if site not in best or rung(level) > rung(best[site]):
            best[site] = level
    return best


# --- 技改 projects ----------------------------------------------------------------------------------------
DIGITAL, GREEN, INTELLIGENT = "digital", "green", "intelligent"
UPGRADE_KIND_CHOICES = [
    (DIGITAL, _("数字化改造")),
    (GREEN, _("绿色化改造")),
    (INTELLIGENT, _("智能化改造")),
]

PLANNED, UNDER_WAY, COMPLETED, ACCEPTED = "planned", "under_way", "completed", "accepted"
UPGRADE_STATUS_CHOICES = [
    (PLANNED, _("计划")),
    (UNDER_WAY, _("实施中")),
    (COMPLETED, _("已完工")),
    (ACCEPTED, _("已验收")),
]
# One step forward at a time: a project is started, finished, then accepted; nothing goes back.
TRANSITIONS: dict[str, str] = {PLANNED: UNDER_WAY, UNDER_WAY: COMPLETED, COMPLETED: ACCEPTED}
NOT_COMPLETED = frozenset({PLANNED, UNDER_WAY})
# The productivity change recorded at acceptance, in per cent: bounds that catch a typo (6000 for 60).
PRODUCTIVITY_MIN, PRODUCTIVITY_MAX = -100, 1000


def next_status(status: str) -> str | None:
    """The one status a project at ``status`` may move to (``None`` once accepted)."""
    return TRANSITIONS.get(status)


def is_overdue(status: str, planned_finish: datetime.date | None, on: datetime.date) -> bool:
    """Past its planned finish on ``on`` and not completed: what the overdue scan alerts."""
    return status in NOT_COMPLETED and planned_finish is not None and planned_finish < on
