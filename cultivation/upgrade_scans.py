"""The overdue 技改 project scan (issue 18): a project past its planned finish and not completed.

One alert per project and planned finish, to the district caseworkers of the firm (the city's when the
district has none): the alert's period is ``<project id>:<planned finish>``, so a rerun raises nothing
new, and a project whose finish is re-planned and missed again is told again. Registered in
``cultivation.scans``.
"""

from __future__ import annotations

import datetime

from .alert_scans import commit
from .models import UpgradeProject
from .models.alerts import AlertKind
from .scanning import Chunk, Scan, ScanKind, ScanResult
from .selectors import FirmSet
from .services.alerts import AlertDraft


class UpgradeOverdue(Scan):
    """技改 projects past their planned finish, not completed: one alert each to its caseworkers."""

    kind = ScanKind.UPGRADE_OVERDUE

    def judge(self, chunk: Chunk) -> ScanResult:
        return upgrade_overdue(chunk.as_of, chunk.firms)


def upgrade_overdue(as_of: datetime.date, firms: FirmSet) -> ScanResult:
    """Alert every overdue project of ``firms`` on ``as_of`` (one query to find them, one transaction)."""
    projects = (
        UpgradeProject.objects.overdue(as_of)
        .filter(**firms.lookup())
        .select_related("firm")
        .only("pk", "name", "status", "planned_finish", "investment", "firm__district_id", "firm__name")
    )
    drafts = [
        AlertDraft(
            AlertKind.UPGRADE_OVERDUE,
            f"{project.pk}:{project.planned_finish.isoformat()}",
            project.firm_id,
            project.firm.district_id,
            "",
            {
                "project": project.pk,
                "name": project.name,
                "status": project.status,
                "planned_finish": project.planned_finish.isoformat(),
                "days_late": (as_of - project.planned_finish).days,
            },
        )
        for project in projects
    ]
    return commit(ScanKind.UPGRADE_OVERDUE, drafts, len(drafts))
