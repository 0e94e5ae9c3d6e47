"""FilterSets of digital-maturity assessments and listing tracks, shared by the API (and its exports)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from registry.filters import BooleanFilter, FirmCodeFilter, YearFilter

from .models import ListingTrack, MaturityAssessment
from .models.maturity import transformed_q
from .rules.listing import BOARD_CHOICES, LISTED, LISTING_STAGE_CHOICES
from .rules.maturity import LEVEL_CHOICES, LEVELS
from .services.maturity import transformed_min_level


class MaturityFilter(django_filters.FilterSet):
    """Assessments: by firm, district, level, the programme's "transformed" rule, year, and only the
    latest of each firm (its current level)."""

    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    district = django_filters.CharFilter(field_name="firm__district__code", label=_("区县代码"))
    level = django_filters.TypedChoiceFilter(choices=LEVEL_CHOICES, coerce=int, label=_("数字化水平等级"))
    level_min = django_filters.NumberFilter(
        field_name="level",
        lookup_expr="gte",
        min_value=LEVELS[0],
        max_value=LEVELS[-1],
        label=_("等级不低于"),
    )
    transformed = BooleanFilter(method="filter_transformed", label=_("已实现数字化转型"))
    year = YearFilter(field_name="assessed_on", lookup_expr="year", label=_("评测年度"))
    assessed_after = django_filters.DateFilter(
        field_name="assessed_on", lookup_expr="gte", label=_("评测日期不早于")
    )
    assessed_before = django_filters.DateFilter(
        field_name="assessed_on", lookup_expr="lte", label=_("评测日期不晚于")
    )
    latest = BooleanFilter(method="filter_latest", label=_("仅各企业最新一次评测"))

    class Meta:
        model = MaturityAssessment
        fields = ("firm", "district", "level", "level_min", "transformed", "year", "latest")

    def filter_transformed(self, queryset, name, value):
        if value is None:
            return queryset
        threshold = transformed_min_level()
        transformed = transformed_q(threshold)
        return queryset.filter(transformed) if value else queryset.exclude(transformed)

    def filter_latest(self, queryset, name, value):
        if value is None:
            return queryset
        latest = MaturityAssessment.objects.latest_per_firm().values("pk")
        return queryset.filter(pk__in=latest) if value else queryset.exclude(pk__in=latest)


class ListingFilter(django_filters.FilterSet):
    """Listing tracks: by firm, district, stage, board, whether listed, and pool membership."""

    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    district = django_filters.CharFilter(field_name="firm__district__code", label=_("区县代码"))
    stage = django_filters.ChoiceFilter(choices=LISTING_STAGE_CHOICES, label=_("上市进程阶段"))
    board = django_filters.ChoiceFilter(choices=BOARD_CHOICES, label=_("拟上市板块"))
    listed = BooleanFilter(method="filter_listed", label=_("已上市"))
    pool_member = BooleanFilter(
        field_name="firm__pool_membership", lookup_expr="isnull", exclude=True, label=_("硬科技帮扶库成员")
    )

    class Meta:
        model = ListingTrack
        fields = ("firm", "district", "stage", "board", "listed", "pool_member")

    def filter_listed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(stage=LISTED) if value else queryset.exclude(stage=LISTED)
