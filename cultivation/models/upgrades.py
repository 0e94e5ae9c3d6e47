"""Technology-upgrade (技改) projects of a firm (issue 18): planned, under way, completed, accepted.

The status moves only through ``services.upgrades.advance_upgrade`` (admin page, API, demo), which stamps
the day of each step; ``clean`` keeps the dates coherent with the status whoever saves the row (an import
of past projects included).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Firm
from registry.scoping import ScopedQuerySet

from ..rules.digital import (
    ACCEPTED,
    COMPLETED,
    NOT_COMPLETED,
    PLANNED,
    PRODUCTIVITY_MAX,
    PRODUCTIVITY_MIN,
    UNDER_WAY,
    UPGRADE_KIND_CHOICES,
    UPGRADE_STATUS_CHOICES,
)
from .digital import recorder_field

NAME_MAX_LENGTH = 120
NOTE_MAX_LENGTH = 2000


def overdue_q(on) -> models.Q:
    """``rules.digital.is_overdue`` as a query condition: the scan's list, the admin filter, the dashboard."""
    return models.Q(status__in=NOT_COMPLETED, planned_finish__lt=on)


class UpgradeProjectQuerySet(ScopedQuerySet):
    def overdue(self, on):
        """Past their planned finish on ``on`` and not completed (``rules.digital.is_overdue`` as a query)."""
        return self.filter(overdue_q(on))


class UpgradeProject(models.Model):
    """One 技改 project of a firm: what, how much, when planned and when done, and what it raised."""

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="upgrade_projects", verbose_name=_("企业")
    )
    name = models.CharField(_("项目名称"), max_length=NAME_MAX_LENGTH)
    kind = models.CharField(_("改造类型"), max_length=12, choices=UPGRADE_KIND_CHOICES)
    investment = models.DecimalField(
        _("计划投资（万元）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    planned_start = models.DateField(_("计划开工日期"))
    planned_finish = models.DateField(_("计划完工日期"))
    actual_start = models.DateField(_("实际开工日期"), null=True, blank=True)
    actual_finish = models.DateField(_("实际完工日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=UPGRADE_STATUS_CHOICES, default=PLANNED, db_index=True
    )
    productivity_change = models.DecimalField(
        _("验收时劳动生产率变化（%）"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(PRODUCTIVITY_MIN), MaxValueValidator(PRODUCTIVITY_MAX)],
        help_text=_("验收时填写：与改造前相比的变化百分比，如提高 58.6% 填 58.6。"),
    )
    note = models.TextField(_("备注"), blank=True, validators=[MaxLengthValidator(NOTE_MAX_LENGTH)])
    recorded_by = recorder_field()
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    objects = UpgradeProjectQuerySet.as_manager()

    class Meta:
        ordering = ["planned_finish", "pk"]
        verbose_name = _("技改项目")
        verbose_name_plural = _("技改项目")
        constraints = [
            models.UniqueConstraint(fields=["firm", "name"], name="upgrade_project_unique_name_per_firm")
        ]
        indexes = [models.Index(fields=["status", "planned_finish"], name="upgrade_open_by_finish")]

    def __str__(self) -> str:
        return f"{self.firm.name} · {self.name}"

    def clean(self) -> None:
        """The plan in order, and each step's date present once the project has taken it (and only then)."""
        super().clean()
        self.name = " ".join((self.name or "").split())
        errors: dict[str, str] = {}
        if self.planned_start and self.planned_finish and self.planned_finish < self.planned_start:
            errors["planned_finish"] = _("计划完工日期不能早于计划开工日期。")
        steps = (
            ("actual_start", UNDER_WAY, _("项目开工后须填写实际开工日期。")),
            ("actual_finish", COMPLETED, _("项目完工后须填写实际完工日期。")),
            ("accepted_on", ACCEPTED, _("项目验收后须填写验收日期。")),
        )
        reached = [code for code, _label in UPGRADE_STATUS_CHOICES]
        position = reached.index(self.status) if self.status in reached else 0
        for name, step, missing in steps:
            taken = position >= reached.index(step)
            if taken and not getattr(self, name):
                errors[name] = missing
            elif not taken and getattr(self, name):
                errors[name] = _("项目尚未到这一步，不能填写该日期。")
        errors.update(self._order_errors())
        if self.status == ACCEPTED and self.productivity_change is None:
            errors.setdefault("productivity_change", _("验收时须填写劳动生产率变化。"))
        if self.status != ACCEPTED and self.productivity_change is not None:
            errors.setdefault("productivity_change", _("劳动生产率变化在验收时填写。"))
        if errors:
            raise ValidationError(errors)

    def _order_errors(self) -> dict[str, str]:
        """Start, finish and acceptance in that order."""
        errors = {}
        if self.actual_start and self.actual_finish and self.actual_finish < self.actual_start:
            errors["actual_finish"] = _("实际完工日期不能早于实际开工日期。")
        if self.actual_finish and self.accepted_on and self.accepted_on < self.actual_finish:
            errors["accepted_on"] = _("验收日期不能早于实际完工日期。")
        return errors
