"""The firm's history page also lists the changes to its years of figures.

The figures are edited on the firm's page (an inline), but each year keeps its own history: without
this, the firm's 历史 showed a save with an empty changes column while the edit itself sat on pages
nobody opens. Each figures record is diffed against the previous record of the same year.
"""

from __future__ import annotations

from simple_history.template_utils import HistoricalRecordContextHelper

from .models import AnnualFigures

FIGURES_HISTORY_LIMIT = 100  # the newest records; each year's own page has them all


def figures_history(firm_id: int, limit: int = FIGURES_HISTORY_LIMIT) -> list:
    """The newest ``limit`` records of the firm's figures, newest first, each with ``changes``
    (field, old, new) against the same year's previous record (empty for a creation)."""
    records = list(
        AnnualFigures.history.filter(firm_id=firm_id)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    previous: dict[int, object] = {}
    for record in records:
        before = previous.get(record.id)
        record.changes = []
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before, foreign_keys_are_objs=True)
            helper = HistoricalRecordContextHelper(AnnualFigures, record)
            record.changes = helper.context_for_delta_changes(delta)
        previous[record.id] = record
    return records[::-1][:limit]
