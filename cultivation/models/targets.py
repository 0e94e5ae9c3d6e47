"""The programme's own figures to reach (P11): stock by a year, or intake within a year."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.years import FIRST_YEAR, LAST_YEAR

from ..rules.digital import RECOGNITION_CHOICES
from ..tiers import TIER_CHOICES

GAZELLE_POOL = "gazelle_pool"  # firms holding any growth-ladder title (瞪羚/潜在独角兽/独角兽)
# Digital transformation and listing (issue 18): recognitions per level, platforms, 技改 projects and their
# investment (a target in 万元), transformed SMEs (P13) and exchange listings (P14).
INDUSTRY_BRAIN = "industry_brain"
UPGRADE_PROJECTS = "upgrade_projects"
UPGRADE_INVESTMENT = "upgrade_investment"
TRANSFORMED_SME = "transformed_sme"
LISTED = "listed"
SUBJECT_CHOICES = [
    *TIER_CHOICES,
    (GAZELLE_POOL, _("独角兽和瞪羚企业培育库")),
    *RECOGNITION_CHOICES,
    (INDUSTRY_BRAIN, _("行业产业大脑")),
    (UPGRADE_PROJECTS, _("技改项目")),
    (UPGRADE_INVESTMENT, _("技改投资（万元）")),
    (TRANSFORMED_SME, _("数字化转型中小企业")),
    (LISTED, _("境内交易所上市企业")),
]


class Target(models.Model):
    """One target of the programme: ``count`` active by ``year``, or ``count`` new in ``year``."""

    class Kind(models.TextChoices):
        ACTIVE_BY = "active_by", _("到期末存量")
        NEW_IN_YEAR = "new_in_year", _("年度新增")

    subject = models.CharField(_("对象"), max_length=24, choices=SUBJECT_CHOICES)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    kind = models.CharField(_("目标类型"), max_length=12, choices=Kind.choices)
    count = models.PositiveIntegerField(_("目标数量"), help_text=_("技改投资以万元计，其余以家或个计。"))
    note = models.CharField(_("依据"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "kind", "subject"]
        verbose_name = _("培育目标")
        verbose_name_plural = _("培育目标")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "year", "kind"], name="target_unique_subject_year_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_subject_display()} {self.get_kind_display()} {self.count}"
