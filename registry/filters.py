"""FilterSets for the register's lists (firms, annual figures), shared by the API and the portal.

The ``tier`` filter needs designations, which live in ``cultivation``; it is added by
``cultivation.filters.FirmTierFilter`` so the register does not import the programme.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .credit_code import normalise
from .models import AnnualFigures, Cluster, District, Firm
from .name_search import search_firms
from .stages import Stage
from .years import FIRST_YEAR, LAST_YEAR


class FirmCodeFilter(django_filters.CharFilter):
    """A firm by its Unified Social Credit Code, however the user typed it (P10 normalisation)."""

    def filter(self, qs, value):
        return super().filter(qs, normalise(value) if value else value)


def last_fiscal_year() -> int:
    """The last completed fiscal year (calendar year before today)."""
    return timezone.localdate().year - 1


# Bounds on numeric filters keep out-of-range input a 400 rather than a database overflow (500).
MONEY_BOUNDS = {"max_digits": 16, "decimal_places": 2}
YEAR_BOUNDS = {"min_value": FIRST_YEAR, "max_value": LAST_YEAR}


class YearFilter(django_filters.NumberFilter):
    """A fiscal or calendar year in the register's range (anything else is a 400, not an integer overflow)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**YEAR_BOUNDS, **kwargs})


class StrictBooleanField(forms.NullBooleanField):
    """``true``/``false`` (or 1/0, yes/no); anything else is an error rather than "no filter"."""

    widget = forms.TextInput
    TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}

    def to_python(self, value):
        text = str(value).strip().lower() if value is not None else ""
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        if text:
            raise forms.ValidationError(_("请填写 true 或 false。"), code="invalid")
        return None


class BooleanFilter(django_filters.BooleanFilter):
    """django-filter's boolean filter, but ``?unread=ture`` is a 400 instead of silently ignored."""

    field_class = StrictBooleanField


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
    revenue_min = django_filters.NumberFilter(
        method="filter_revenue", label=_("上年营业收入不低于（万元）"), **MONEY_BOUNDS
    )
    revenue_max = django_filters.NumberFilter(
        method="filter_revenue", label=_("上年营业收入不高于（万元）"), **MONEY_BOUNDS
    )
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
        """Part of the name or the whole credit code, as the admin's search (``registry.name_search``)."""
        return search_firms(queryset, value)

    def filter_revenue(self, queryset, name, value):
        """Firms whose last fiscal year's operating revenue is within the bound (no figures: excluded)."""
        lookup = "operating_revenue__gte" if name == "revenue_min" else "operating_revenue__lte"
        figures = AnnualFigures.objects.filter(
            firm=OuterRef("pk"), year=last_fiscal_year(), **{lookup: value}
        )
        return queryset.filter(Exists(figures))


class AnnualFiguresFilter(django_filters.FilterSet):
    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    year = YearFilter(label=_("年度"))
    year_min = YearFilter(field_name="year", lookup_expr="gte", label=_("年度不早于"))
    year_max = YearFilter(field_name="year", lookup_expr="lte", label=_("年度不晚于"))
    district = django_filters.CharFilter(field_name="firm__district__code", label=_("区县代码"))
    audited = BooleanFilter(label=_("已审计"))
    frozen = BooleanFilter(label=_("已冻结"))

    class Meta:
        model = AnnualFigures
        fields = ("firm", "year", "year_min", "year_max", "district", "audited", "frozen")


class ClusterFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Cluster.Level.choices, label=_("层级"))
    provisional = BooleanFilter(label=_("名称待核实"))

    class Meta:
        model = Cluster
        fields = ("level", "provisional")


class DistrictFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("区县名称或代码"))

    class Meta:
        model = District
        fields = ("q",)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name_zh__icontains=value) | Q(name_en__icontains=value) | Q(code=value))
