"""The hard-tech support pool (P8)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Firm
from registry.scoping import ScopedQuerySet

from ..rules.pool import PoolReason


class PoolMembership(models.Model):
    """A firm in the hard-tech support pool (硬科技帮扶库, P8).

    The baseline is operating revenue in the year before entry; the target is
    twice the baseline in the check year, three fiscal years after the baseline.
    Members are admitted by ``services.pool.admit_to_pool`` (entry rule, baseline from the
    figures); the rating fields are written only by the pool scan, which stores the day it
    judged and why, so every list shows that judgement rather than re-judging on another day.
    """

    class RatingReason(models.TextChoices):
        """Labels of ``rules.pool.PoolReason`` (the same values)."""

        NO_FIGURES = PoolReason.NO_FIGURES.value, _("基准年度后尚无年度数据")
        ON_PATH = PoolReason.ON_PATH.value, _("最新年度营业收入达到倍增路径")
        BELOW_PATH = PoolReason.BELOW_PATH.value, _("最新年度营业收入低于倍增路径")
        AWAITING_CHECK = PoolReason.AWAITING_CHECK.value, _("等待考核年度数据")
        DOUBLED = PoolReason.DOUBLED.value, _("考核年度营业收入达到基准的两倍")
        BELOW_TARGET = PoolReason.BELOW_TARGET.value, _("考核年度营业收入未达到基准的两倍")
        CHECK_OVERDUE = PoolReason.CHECK_OVERDUE.value, _("考核年度数据逾期未报")

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
    judged_on = models.DateField(_("评定日期"), null=True, blank=True)
    rating_reason = models.CharField(_("评定依据"), max_length=16, choices=RatingReason.choices, blank=True)
    rated_year = models.PositiveSmallIntegerField(_("评定所依据的年度"), null=True, blank=True)
    rated_revenue = models.DecimalField(
        _("评定所依据的营业收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    entered_on = models.DateField(_("入库日期"), null=True, blank=True)
    entry_rule_set = models.CharField(_("入库时适用的规则集"), max_length=40, blank=True)
    entry_override_reason = models.TextField(
        _("未达入库条件的破格入库理由"),
        blank=True,
        help_text=_("企业未达到入库条件、由市级经办人决定破格入库时填写；记录在变更历史中。"),
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
