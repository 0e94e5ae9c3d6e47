"""FilterSets for digital recognitions, industry platforms and 技改 projects (issue 18), used by the API.

Kept beside ``cultivation.filters`` (same filters for firm, district and year, same strict booleans);
the ``counting`` and ``overdue`` filters are the models' own queries (``counting()``, ``overdue()``).
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.filters import BooleanFilter, FirmCodeFilter, YearFilter

from .models import DigitalRecognition, IndustryBrain, UpgradeProject
from .rules.digital import RECOGNITION_CHOICES, UPGRADE_KIND_CHOICES, UPGRADE_STATUS_CHOICES

FIRM_LABEL = _("统一社会信用代码")
DISTRICT_LABEL = _("区县代码")


class DigitalRecognitionFilter(django_filters.FilterSet):
    """Recognitions: by firm, district, level, year, and whether the record counts (its site's highest)."""

    firm = FirmCodeFilter(field_name="firm__credit_code", label=FIRM_LABEL)
    district = django_filters.CharFilter(field_name="firm__district__code", label=DISTRICT_LABEL)
    level = django_filters.MultipleChoiceFilter(choices=RECOGNITION_CHOICES, label=_("认定等级"))
    year = YearFilter(label=_("认定年度"))
    year_min = YearFilter(field_name="year", lookup_expr="gte", label=_("认定年度不早于"))
    year_max = YearFilter(field_name="year", lookup_expr="lte", label=_("认定年度不晚于"))
    counting = BooleanFilter(method="filter_counting", label=_("仅计入的认定（场所最高等级）"))

    class Meta:
        model = DigitalRecognition
        fields = ("firm", "district", "level", "year", "year_min", "year_max", "counting")

    def filter_counting(self, queryset, name, value):
        counting = DigitalRecognition.objects.counting().values("pk")
        return queryset.filter(pk__in=counting) if value else queryset.exclude(pk__in=counting)


class IndustryBrainFilter(django_filters.FilterSet):
    """Industry platforms: by lead firm, its district, and the year recognised."""

    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("牵头企业统一社会信用代码"))
    district = django_filters.CharFilter(field_name="firm__district__code", label=DISTRICT_LABEL)
    year = YearFilter(label=_("认定年度"))

    class Meta:
        model = IndustryBrain
        fields = ("firm", "district", "year")


class UpgradeProjectFilter(django_filters.FilterSet):
    """技改 projects: by firm, district, kind, status, planned finish, and overdue today."""

    firm = FirmCodeFilter(field_name="firm__credit_code", label=FIRM_LABEL)
    district = django_filters.CharFilter(field_name="firm__district__code", label=DISTRICT_LABEL)
    kind = django_filters.ChoiceFilter(choices=UPGRADE_KIND_CHOICES, label=_("改造类型"))
    status = django_filters.MultipleChoiceFilter(choices=UPGRADE_STATUS_CHOICES, label=_("状态"))
    finish_year = YearFilter(field_name="planned_finish__year", label=_("计划完工年度"))
    overdue = BooleanFilter(method="filter_overdue", label=_("逾期未完工"))

    class Meta:
        model = UpgradeProject
        fields = ("firm", "district", "kind", "status", "finish_year", "overdue")

    def filter_overdue(self, queryset, name, value):
        overdue = UpgradeProject.objects.overdue(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)
