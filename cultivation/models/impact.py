"""Stored impact reports and threshold sweeps (issue 16): who ran which comparison, and what it found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImpactReport(models.Model):
    """One run of ``cultivation.impact``: an impact report (B against A) or a threshold sweep of B.

    Kept so a meeting can cite it: who ran it, when, on which versions, as of which day and over which
    firms, with the result as JSON. Runs as a job (``cultivation.impact_jobs``) with its progress.
    """

    class Kind(models.TextChoices):
        IMPACT = "impact", _("影响报告")
        SWEEP = "sweep", _("阈值扫描")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.IMPACT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人")
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    from_code = models.CharField(
        _("对照版本"), max_length=40, blank=True, help_text=_("留空：评估日施行的版本。")
    )
    to_code = models.CharField(_("评估版本"), max_length=40)
    from_key = models.CharField(_("对照版本（实际适用）"), max_length=100, blank=True)
    as_of = models.DateField(_("评估日期"))
    district = models.CharField(_("区县代码"), max_length=6, blank=True)
    cluster = models.CharField(_("产业集群代码"), max_length=40, blank=True)
    sweep_path = models.CharField(_("扫描条件"), max_length=80, blank=True)
    sweep_param = models.CharField(_("扫描参数"), max_length=40, blank=True)
    sweep_values = models.JSONField(_("扫描取值"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("已完成批次"), default=0)
    total = models.PositiveIntegerField(_("批次总数"), default=0)
    attempt = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    detail = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("影响报告")
        verbose_name_plural = _("影响报告")

    def __str__(self) -> str:
        base = self.from_key or self.from_code or _("施行版本")
        return f"#{self.pk} {base} → {self.to_code} ({self.as_of})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
