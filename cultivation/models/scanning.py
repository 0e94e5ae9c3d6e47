"""What the incremental promotion scan needs: which firms changed, and the day the last scan judged.

The nightly scan re-evaluates only firms whose facts may have changed since it last ran (issue 9).
Two records make that safe:

* ``FirmChange`` — one row per write that can change a firm's facts (figures, attestations,
  designations, disqualifications, applications, the firm itself), appended by the signal receivers
  below in the writer's own transaction. A scan chunk deletes the rows of its firms *before* it reads
  their facts, in the same transaction: a change committed afterwards leaves a row for the next scan,
  and a chunk that fails rolls its deletion back. Nothing is lost between two scans.
* ``ScanWatermark`` — the day (and rule set) the last scan judged. Facts also change with the date
  alone (a designation lapses, a firm has its anniversary, a disqualification ages out); the planner
  logs those firms as changed for the days since the watermark, and falls back to a full scan when the
  year or the rule set in force changed.

Writes that bypass ``save()``/``delete()`` (``QuerySet.update``, bulk inserts, raw SQL) must call
``mark_changed``; the demo loader does not need to, because a database without a watermark is
scanned in full.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from registry.models import AnnualFigures, Firm
from registry.signals import figures_saved_in_bulk

from .applications import Application
from .attestations import Attestation, Disqualification
from .designations import Designation


class FirmChange(models.Model):
    # A plain id, not a foreign key: a change logged while its firm is being deleted must not block
    # the deletion; the scan ignores ids that no longer exist.
    firm_id = models.BigIntegerField(_("企业"), db_index=True)
    changed_at = models.DateTimeField(_("变更时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业数据变更")
        verbose_name_plural = _("企业数据变更")

    def __str__(self) -> str:
        return f"firm {self.firm_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class ScanWatermark(models.Model):
    kind = models.CharField(_("扫描类型"), max_length=24, unique=True)
    as_of = models.DateField(_("评估日期"))
    rule_set = models.CharField(_("规则版本"), max_length=40)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("扫描水位")
        verbose_name_plural = _("扫描水位")

    def __str__(self) -> str:
        return f"{self.kind}: {self.as_of} ({self.rule_set})"


def mark_changed(firm_ids: Iterable[int]) -> None:
    """Log that these firms' facts may have changed (one bulk insert)."""
    FirmChange.objects.bulk_create([FirmChange(firm_id=firm_id) for firm_id in set(firm_ids)])


def _log_change(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata
        return
    firm_id = instance.pk if sender._meta.label == "registry.Firm" else instance.firm_id
    if firm_id is not None:
        FirmChange.objects.create(firm_id=firm_id)


def connect_change_log() -> None:
    """Log saves and deletes of every record the promotion rules read (called once on import)."""
    for model in (AnnualFigures, Attestation, Designation, Disqualification, Application):
        post_save.connect(_log_change, sender=model, dispatch_uid=f"firm-change-save-{model.__name__}")
        post_delete.connect(_log_change, sender=model, dispatch_uid=f"firm-change-delete-{model.__name__}")
    # A deleted firm has nothing left to alert about, so only its saves are logged.
    post_save.connect(_log_change, sender=Firm, dispatch_uid="firm-change-save-Firm")
    figures_saved_in_bulk.connect(_log_bulk_figures, dispatch_uid="firm-change-figures-bulk")


def _log_bulk_figures(sender, created: list, updated: list, **kwargs) -> None:
    """The figures import's bulk writes send no ``post_save``: log their firms in one insert."""
    mark_changed(row.firm_id for row in (*created, *updated))


connect_change_log()
