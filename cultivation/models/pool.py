"""The hard-tech support pool (P8)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Firm

from .scoping import ScopedQuerySet


class PoolMembership(models.Model):
    """A firm in the hard-tech support pool (硬科技帮扶库, P8).

    The baseline is operating revenue in the year before entry; the target is
    twice the baseline in the check year, three fiscal years after the baseline.
    """

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("进度正常")
        AT_RISK = "at_risk", _("存在风险")
        DOUBLED = "doubled", _("已实现倍增")
        MISSED = "missed", _("未实现倍增")
        UNRATED = "unrated", _("待评估")

    firm = models.OneToOneField(
        Firm, on_delete=models.CASCADE, related_name="pool_membership", verbose_name=_("企业")
    )
    cohort_year = models.PositiveSmallIntegerField(_("入库年度"), db_index=True)
    baseline_year = models.PositiveSmallIntegerField(_("基准年度"))
    baseline_revenue = models.DecimalField(_("基准营业收入（万元）"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("倍增状态"), max_length=10, choices=Status.choices, default=Status.UNRATED, db_index=True
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-cohort_year", "firm__name"]
        verbose_name = _("硬科技帮扶库成员")
        verbose_name_plural = _("硬科技帮扶库成员")
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_year=models.F("cohort_year") - 1), name="pool_baseline_is_year_before"
            ),
            models.CheckConstraint(condition=Q(baseline_revenue__gte=0), name="pool_baseline_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.firm.name} ({self.cohort_year})"
