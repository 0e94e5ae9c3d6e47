"""FilterSets for the register's lists (firms, annual figures), shared by the API and the portal.

The ``tier`` filter needs designations, which live in ``cultivation``; it is added by
``cultivation.filters.FirmTierFilter`` so the register does not import the programme.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .credit_code import normalise
from .models import AnnualFigures, Firm
from .stages import Stage


class FirmCodeFilter(django_filters.CharFilter):
    """A firm by its Unified Social Credit Code, however the user typed it (P10 normalisation)."""

    def filter(self, qs, value):
        return super().filter(qs, normalise(value) if value else value)


def last_fiscal_year() -> int:
    """The last completed fiscal year (calendar year before today)."""
    return timezone.localdate().year - 1


class FirmFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("企业名称或统一社会信用代码"))
    district = django_filters.CharFilter(field_name="district__code", label=_("区县代码"))
    cluster = django_filters.CharFilter(field_name="cluster__code", label=_("产业集群代码"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("发展阶段"))
    founded_after = django_filters.DateFilter(
        field_name="founded_on", lookup_expr="gte", label=_("成立日期不早于")
    )
    founded_before = django_filters.DateFilter(
        field_name="founded_on", lookup_expr="lte", label=_("成立日期不晚于")
    )
    revenue_min = django_filters.NumberFilter(method="filter_revenue", label=_("上年营业收入不低于（万元）"))
    revenue_max = django_filters.NumberFilter(method="filter_revenue", label=_("上年营业收入不高于（万元）"))
    ordering = django_filters.OrderingFilter(fields=("name", "founded_on", "credit_code"), label=_("排序"))

    class Meta:
        model = Firm
        fields = (
            "q",
            "district",
            "cluster",
            "stage",
            "founded_after",
            "founded_before",
            "revenue_min",
            "revenue_max",
        )

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code=normalise(value)))

    def filter_revenue(self, queryset, name, value):
        """Firms whose last fiscal year's operating revenue is within the bound (no figures: excluded)."""
        lookup = "operating_revenue__gte" if name == "revenue_min" else "operating_revenue__lte"
        figures = AnnualFigures.objects.filter(
            firm=OuterRef("pk"), year=last_fiscal_year(), **{lookup: value}
        )
        return queryset.filter(Exists(figures))


class AnnualFiguresFilter(django_filters.FilterSet):
    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    year = django_filters.NumberFilter(label=_("年度"))

    class Meta:
        model = AnnualFigures
        fields = ("firm", "year")
