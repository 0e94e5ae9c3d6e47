"""Alerts the scans raise and their delivery to people (docs/ARCHITECTURE.md).

The database is the source of truth: an alert and its deliveries are written
in the scan's transaction, and Celery only triggers the sending. An alert is
unique on (kind, firm, tier, period), so rerunning a scan, retrying a chunk or
recovering from a killed worker can never raise the same alert twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.roles import is_programme_staff, scope_of
from registry.scoping import ScopedQuerySet

from ..tiers import TIER_CHOICES


class AlertKind(models.TextChoices):
    PROMOTION_DUE = "promotion_due", _("可申报更高称号")
    STAGE_CHANGED = "stage_changed", _("发展阶段变化")
    DESIGNATION_EXPIRING = "designation_expiring", _("称号即将到期")
    RENEWAL_WINDOW_OPEN = "renewal_window_open", _("复核申报已开放")
    FIGURES_OVERDUE = "figures_overdue", _("年度数据逾期未报")
    POOL_RATING = "pool_rating", _("帮扶库倍增进度变化")
    POOL_CHECK = "pool_check", _("帮扶库三年倍增考核")
    POOL_INTAKE = "pool_intake", _("帮扶库年度入库不足")
    UPGRADE_OVERDUE = "upgrade_overdue", _("技改项目逾期未完工")
    APPLICATION_UPDATE = "application_update", _("申请进展")
    SCAN_SUMMARY = "scan_summary", _("扫描汇总")
    LISTING_STAGE = "listing_stage", _("上市进程变化")


class AlertQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Alerts about firms the user may see, plus programme-wide alerts for programme staff."""
        scope = scope_of(user)
        about_firms = super().visible_to(user)
        if scope.everything or (scope.district_id and is_programme_staff(user)):
            return about_firms | self.filter(firm__isnull=True)
        return about_firms


class Alert(models.Model):
    kind = models.CharField(_("类型"), max_length=24, choices=AlertKind.choices, db_index=True)
    firm = models.ForeignKey(
        "registry.Firm",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("企业"),
    )
    tier = models.CharField(_("称号"), max_length=24, choices=TIER_CHOICES, blank=True)
    period = models.CharField(
        _("周期"), max_length=40, help_text=_("同一企业、同一称号、同一周期只提醒一次，例如年度或到期窗口。")
    )
    payload = models.JSONField(_("内容"), default=dict)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True, db_index=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "firm", "tier", "period"],
                condition=Q(firm__isnull=False),
                name="alert_unique_per_firm",
            ),
            models.UniqueConstraint(
                fields=["kind", "tier", "period"],
                condition=Q(firm__isnull=True),
                name="alert_unique_programme",
            ),
        ]

    def __str__(self) -> str:
        subject = self.firm.name if self.firm_id else _("全市")
        return f"{self.get_kind_display()} · {subject} · {self.period}"


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    EMAIL = "email", _("电子邮件")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    DIGEST = "digest", _("待汇总发送")
    FAILED = "failed", _("发送失败")


class AlertDelivery(models.Model):
    """One alert for one person on one channel; the inbox row is 'sent' as soon as it exists.

    ``kind`` and ``tier`` are the alert's own, copied when the delivery is made (``for_alert``): an alert
    never changes them once raised, and with them on the row a reviewer's inbox of 580,000 alerts is
    grouped and filtered from one index, never joining the alerts. Newest first is the row's ``id``: a
    delivery is written in the transaction that raises its alert, so ids follow the alerts' creation.

    An immediate email row gets its ``quota_day`` when the sender grants it one of the person's daily
    emails (``services.alerts.send_email_deliveries``): from then on it counts against that day whether
    it is sent at once or only after a retry, so a retried or re-triggered row never takes a second slot."""

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("提醒")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_deliveries",
        verbose_name=_("接收人"),
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    kind = models.CharField(_("类型"), max_length=24, choices=AlertKind.choices, editable=False)
    tier = models.CharField(_("称号"), max_length=24, choices=TIER_CHOICES, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=8, choices=DeliveryStatus.choices, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    quota_day = models.DateField(
        _("计入即时邮件额度的日期"),
        null=True,
        blank=True,
        help_text=_("即时邮件获准发送时计入该日的每日上限；未计入的邮件超出上限后转入每日汇总。"),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("提醒送达")
        verbose_name_plural = _("提醒送达")
        constraints = [
            models.UniqueConstraint(fields=["alert", "user", "channel"], name="delivery_unique"),
            models.CheckConstraint(condition=~Q(kind=""), name="delivery_kind_copied"),
        ]
        indexes = [
            # The unread badge (user, channel, unread), the inbox's count and its kind/tier groups and
            # filters: all read from this index alone (an index-only scan), whatever the inbox's size.
            models.Index(fields=["user", "channel", "read_at", "kind", "tier"], name="delivery_inbox"),
            # The inbox page, newest first: the first 25 rows of 580,000 without sorting them.
            models.Index(fields=["user", "channel", "-id"], name="delivery_newest"),
            # Today's immediate emails of one person, counted under their lock: only rows ever granted.
            models.Index(
                fields=["user", "quota_day"], name="delivery_quota", condition=Q(quota_day__isnull=False)
            ),
            # One person's email rows by status: the digest marks those waiting, then reads back the ones it
            # marked (by their timestamp) without walking the person's whole email history.
            models.Index(
                fields=["user", "status", "sent_at"], name="delivery_email", condition=Q(channel="email")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert} → {self.user} ({self.channel})"

    @classmethod
    def for_alert(cls, alert: Alert, **fields) -> AlertDelivery:
        """A delivery of ``alert`` carrying its kind and tier: the one way deliveries are made."""
        return cls(alert=alert, kind=alert.kind, tier=alert.tier, **fields)


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("即时发送")
    DAILY = "daily", _("每日汇总")
    OFF = "off", _("不发送邮件")


class AlertPreference(models.Model):
    """How a person wants alert emails; the in-app inbox always receives them.

    The row is also the lock behind the daily cap on immediate emails: whoever grants a person emails or
    sends them their digest locks it first (it is created, with the default mode, when missing)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_preference",
        verbose_name=_("用户"),
    )
    email = models.CharField(
        _("邮件提醒"), max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )

    class Meta:
        verbose_name = _("提醒偏好")
        verbose_name_plural = _("提醒偏好")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_display()}"
