"""Stored rule-set versions (P1)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):
    """A stored version of the rules (P1): built-in sets from code, and versions derived from them.

    The definition is the JSON of ``cultivation.rules.ruleset.RuleSet``. A row
    is never edited once written: changing a threshold means deriving a new
    version with its own code and effective date, so every past evaluation can
    be replayed against the rules it was made under.
    """

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

    class Meta:
        ordering = ["effective_from"]
        constraints = [
            # One version line per jurisdiction: two sets of one line on one day would be ambiguous.
            models.UniqueConstraint(
                fields=["jurisdiction", "effective_from"], name="ruleset_one_version_per_day"
            )
        ]
        verbose_name = _("规则集")
        verbose_name_plural = _("规则集")

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def save(self, *args, **kwargs) -> None:
        if self.pk and RuleSet.objects.filter(pk=self.pk).exclude(definition=self.definition).exists():
            raise ValidationError(_("规则集一经发布不可修改；如需调整阈值，请基于它创建新版本。"))
        super().save(*args, **kwargs)
