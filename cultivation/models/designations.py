"""Designations a firm holds (P7)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Firm
from registry.scoping import ScopedQuerySet

from ..tiers import DESIGNATION_TIER_CHOICES


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
    source_application = models.ForeignKey(
        "cultivation.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations",
        verbose_name=_("来源申请"),
        help_text=_("认定或最近一次复核所依据的申请。"),
    )
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
