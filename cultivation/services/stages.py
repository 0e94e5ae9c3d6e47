"""The firm's life-cycle stage (P5) has one writer: this module.

The stage is cached on the firm (``Firm.stage``) and derived from the designations in force and the
listing. Whatever moves it — a designation granted, renewed, recorded or revoked, one that expires, a
listing the nightly scan notices — goes through ``settle_stages``, which writes the new stage and
builds the 发展阶段变化 alert. So the alert is raised once for every change, whichever path made it:
its period is the day and the new stage, and alerts are unique on it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from registry.change_feed import record_firms_updated
from registry.models import Firm

from ..dashboard_cache import invalidate_dashboard
from ..models import Designation
from ..models.alerts import AlertKind
from ..tiers import derive_stage
from .alerts import AlertDraft, raise_alerts


@dataclass(frozen=True, slots=True)
class StageMove:
    """A firm's stage as stored (``before``) and as its records now imply (``after``)."""

    firm_id: int
    district_id: int | None
    before: str
    after: str


def settle_stages(moves: Iterable[StageMove], *, on: datetime.date) -> list[AlertDraft]:
    """Store the stages that moved and return their alerts, for the caller to raise in its own
    transaction (a scan chunk raises all of its alerts at once)."""
    moved = [move for move in moves if move.before != move.after]
    by_stage: dict[str, list[int]] = defaultdict(list)
    for move in moved:
        by_stage[move.after].append(move.firm_id)
    for stage, ids in by_stage.items():
        Firm.objects.filter(pk__in=ids).update(stage=stage)
        record_firms_updated(ids)  # the change feed: an update() sends no signal
    if moved:
        invalidate_dashboard()  # an update() sends no signal; the dashboard counts firms by stage
    return [_alert(move, on) for move in moved]


def _alert(move: StageMove, on: datetime.date) -> AlertDraft:
    payload = {"from": move.before, "to": move.after}
    period = f"{on.isoformat()}:{move.after}"
    return AlertDraft(AlertKind.STAGE_CHANGED, period, move.firm_id, move.district_id, "", payload)


def stage_moves(firm_ids: Iterable[int], *, on: datetime.date) -> list[StageMove]:
    """The stage each firm's designations in force on ``on`` and its listing imply (two queries)."""
    ids = set(firm_ids)
    held: dict[int, list[str]] = defaultdict(list)
    in_force = Designation.objects.active(on).filter(firm_id__in=ids)
    for firm_id, tier in in_force.values_list("firm_id", "tier"):
        held[firm_id].append(tier)
    firms = Firm.objects.filter(pk__in=ids).values_list("pk", "district_id", "stage", "is_listed")
    return [
        StageMove(pk, district_id, stage, derive_stage(held[pk], listed=listed).value)
        for pk, district_id, stage, listed in firms
    ]


@transaction.atomic
def settle_stage(*, firm: Firm, on: datetime.date | None = None) -> str:
    """Recompute one firm's stage after a change to its designations, store it and raise the alert
    when it moved; returns the stage. ``on`` is the day of the change (today by default)."""
    day = on or timezone.localdate()
    [move] = stage_moves([firm.pk], on=day)
    raise_alerts(settle_stages([move], on=day))
    firm.stage = move.after
    return move.after
