"""Digital recognitions of a firm's sites and the industry platforms (行业产业大脑) lead firms run (issue 18).

A site's recognitions climb 数字化车间 → 智能工厂 → 未来工厂 (``rules.digital``); every recognition is kept
(the history of a site's climb), and ``counting()`` keeps only each site's highest, which is what counts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Firm
from registry.scoping import ScopedQuerySet
from registry.years import FIRST_YEAR, LAST_YEAR

from ..rules.digital import RECOGNITION_CHOICES, RECOGNITION_LADDER, higher_levels
from ..validators import validate_evidence
from .attestations import evidence_path

YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
SITE_MAX_LENGTH = 100


def recorder_field() -> models.ForeignKey:
    """Who recorded a digital-transformation record (kept when the account goes): one definition for the
    recognitions, the platforms and the 技改 projects."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )


BATCH_MAX_LENGTH = 60
NOTE_MAX_LENGTH = 2000


class DigitalRecognitionQuerySet(ScopedQuerySet):
    def counting(self):
        """Each site's highest recognition only: a lower one superseded on the same site does not count."""
        counts = Q()
        for level in RECOGNITION_LADDER:
            above = higher_levels(level)
            if not above:
                counts |= Q(level=level)
                continue
            superseded = DigitalRecognition.objects.filter(
                firm=OuterRef("firm"), site_name=OuterRef("site_name"), level__in=above
            )
            counts |= Q(level=level) & ~Q(Exists(superseded))
        return self.filter(counts)

    def with_counts(self):
        """Each row annotated ``counts``: True when no higher level is recorded for its site (the same
        ladder as ``counting``, as a column for lists that show every record)."""
        whens = []
        for level in RECOGNITION_LADDER:
            above = higher_levels(level)
            if not above:
                whens.append(When(level=level, then=Value(True)))
                continue
            superseded = DigitalRecognition.objects.filter(
                firm=OuterRef("firm"), site_name=OuterRef("site_name"), level__in=above
            )
            whens.append(When(level=level, then=~Exists(superseded)))
        return self.annotate(counts=Case(*whens, default=Value(False), output_field=BooleanField()))


class DigitalRecognition(models.Model):
    """A firm's site recognised at one rung of the ladder, in a year and batch, with its evidence."""

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="digital_recognitions", verbose_name=_("企业")
    )
    site_name = models.CharField(
        _("车间或工厂名称"),
        max_length=SITE_MAX_LENGTH,
        help_text=_("认定文件上的车间、工厂或厂区名称；同一场所逐级认定时请填写相同名称，以最高等级计。"),
    )
    level = models.CharField(_("认定等级"), max_length=20, choices=RECOGNITION_CHOICES)
    year = models.PositiveSmallIntegerField(_("认定年度"), validators=YEAR_VALIDATORS)
    batch = models.CharField(
        _("批次"), max_length=BATCH_MAX_LENGTH, blank=True, help_text=_("如“2023年第二批”或认定文件文号。")
    )
    evidence = models.FileField(
        _("证明材料"),
        upload_to=evidence_path,
        validators=[validate_evidence],
        max_length=200,
        blank=True,
        help_text=_("认定文件或证书，PDF、PNG 或 JPEG，不超过 10 MB。"),
    )
    valid_until = models.DateField(
        _("有效期至"), null=True, blank=True, help_text=_("认定有有效期的填写；长期有效的留空。")
    )
    note = models.TextField(_("备注"), blank=True, validators=[MaxLengthValidator(NOTE_MAX_LENGTH)])
    recorded_by = recorder_field()
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = DigitalRecognitionQuerySet.as_manager()

    class Meta:
        ordering = ["firm_id", "site_name", "-year"]
        verbose_name = _("数字化认定")
        verbose_name_plural = _("数字化认定")
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "site_name", "level"], name="digital_recognition_one_per_site_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.firm.name} · {self.site_name} · {self.get_level_display()}"

    def clean(self) -> None:
        """A year not after this one; a validity that ends after the year it was recognised in."""
        super().clean()
        errors = {}
        self.site_name = " ".join((self.site_name or "").split())
        if self.year and self.year > timezone.localdate().year:
            errors["year"] = _("认定年度不能晚于今年。")
        if self.valid_until and self.year and self.valid_until.year < self.year:
            errors["valid_until"] = _("有效期应晚于认定年度。")
        if errors:
            raise ValidationError(errors)

    @property
    def expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


class IndustryBrain(models.Model):
    """A 行业产业大脑: an industry platform one lead firm builds and runs for one industry."""

    name = models.CharField(_("平台名称"), max_length=100, unique=True)
    industry = models.CharField(_("服务行业"), max_length=60)
    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="industry_brains", verbose_name=_("牵头企业")
    )
    year = models.PositiveSmallIntegerField(_("认定年度"), validators=YEAR_VALIDATORS)
    batch = models.CharField(_("批次"), max_length=BATCH_MAX_LENGTH, blank=True)
    evidence = models.FileField(
        _("证明材料"), upload_to=evidence_path, validators=[validate_evidence], max_length=200, blank=True
    )
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True, validators=[MaxLengthValidator(NOTE_MAX_LENGTH)])
    recorded_by = recorder_field()
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("行业产业大脑")
        verbose_name_plural = _("行业产业大脑")

    def __str__(self) -> str:
        return f"{self.name}（{self.firm.name}）"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.year and self.year > timezone.localdate().year:
            errors["year"] = _("认定年度不能晚于今年。")
        if self.valid_until and self.year and self.valid_until.year < self.year:
            errors["valid_until"] = _("有效期应晚于认定年度。")
        if errors:
            raise ValidationError(errors)
