"""The programme's records: designations a firm holds and hard-tech pool memberships."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Firm
from registry.roles import scope_of

from .tiers import DESIGNATION_TIER_CHOICES


class ScopedQuerySet(models.QuerySet):
    """Rows that belong to a firm, limited to the firms a user may see (``registry.roles``)."""

    firm_path = "firm"

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.firm_id:
            return self.filter(**{f"{self.firm_path}_id": scope.firm_id})
        if scope.district_id:
            return self.filter(**{f"{self.firm_path}__district_id": scope.district_id})
        return self.none()


class DesignationQuerySet(ScopedQuerySet):
    def active(self, on=None):
        """Designations in force on ``on`` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(status=Designation.Status.ACTIVE, granted_on__lte=on).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on)
        )


class Designation(models.Model):
    """A tier a firm was granted, with its validity (P7)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已撤销")

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="designations", verbose_name=_("企业")
    )
    tier = models.CharField(_("称号"), max_length=24, choices=DESIGNATION_TIER_CHOICES, db_index=True)
    granted_on = models.DateField(_("认定日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    batch = models.CharField(_("批次"), max_length=60, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoked_reason = models.TextField(_("撤销原因"), blank=True)
    history = HistoricalRecords()

    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_on"]
        verbose_name = _("认定")
        verbose_name_plural = _("认定")
        constraints = [
            models.UniqueConstraint(fields=["firm", "tier", "granted_on"], name="designation_unique_grant"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("granted_on")),
                name="designation_expires_after_grant",
            ),
        ]
        indexes = [models.Index(fields=["tier", "status", "expires_on"], name="designation_tier_status")]

    def __str__(self) -> str:
        return f"{self.firm.name} · {self.get_tier_display()}"


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
