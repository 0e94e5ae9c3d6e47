"""Stored rule-set versions (P1)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RuleSetQuerySet(models.QuerySet):
    def published(self) -> RuleSetQuerySet:
        """The versions decisions may use: scans, applications, self-checks, what-if (issue 16)."""
        return self.filter(status=RuleSet.Status.PUBLISHED)

    def drafts(self) -> RuleSetQuerySet:
        return self.filter(status=RuleSet.Status.DRAFT)


class RuleSet(models.Model):
    """A stored version of the rules (P1): built-in sets from code, and versions derived from them.

    The definition is the JSON of ``cultivation.rules.ruleset.RuleSet``. A row
    is never edited once written: changing a threshold means deriving a new
    version with its own code and effective date, so every past evaluation can
    be replayed against the rules it was made under.

    A derived version may first be saved as a *draft* (issue 16): never applied by any decision,
    its thresholds (``overrides`` over its base) editable until it is published, which fixes it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    class Jurisdiction(models.TextChoices):
        NATIONAL = "CN", _("国家")
        CHONGQING = "CQ", _("重庆市")

    code = models.CharField(_("代码"), max_length=40, unique=True)
    jurisdiction = models.CharField(
        _("适用范围"),
        max_length=2,
        choices=Jurisdiction.choices,
        default=Jurisdiction.NATIONAL,
        help_text=_("国家规则与重庆市自有规则各自一条版本线；评估时合并两者在当日施行的版本。"),
    )
    effective_from = models.DateField(_("生效日期"))
    title = models.CharField(_("名称"), max_length=200)
    provisional = models.BooleanField(_("暂行（含待核实指标）"), default=False)
    builtin = models.BooleanField(_("内置"), default=False, editable=False)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("基于"),
    )
    definition = models.JSONField(_("规则定义"), editable=False)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    overrides = models.JSONField(
        _("阈值调整"), default=dict, blank=True, editable=False, help_text=_("相对基础版本修改的参数。")
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    history = HistoricalRecords(excluded_fields=["definition"])

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        ordering = ["effective_from"]
        constraints = [
            # One version line per jurisdiction: two sets of one line on one day would be ambiguous.
            # Drafts never apply, so only published versions count.
            models.UniqueConstraint(
                fields=["jurisdiction", "effective_from"],
                condition=models.Q(status="published"),
                name="ruleset_one_version_per_day",
            )
        ]
        verbose_name = _("规则集")
        verbose_name_plural = _("规则集")

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def save(self, *args, **kwargs) -> None:
        """Refuse changing a published row's rules or taking it back to draft (a draft changes freely)."""
        published = RuleSet.objects.filter(pk=self.pk, status=self.Status.PUBLISHED) if self.pk else None
        if published is not None and (
            published.exclude(definition=self.definition).exists()
            or (self.status != self.Status.PUBLISHED and published.exists())
        ):
            raise ValidationError(_("规则集一经发布不可修改；如需调整阈值，请基于它创建新版本。"))
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT
