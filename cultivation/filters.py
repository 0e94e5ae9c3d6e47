"""FilterSets for the programme's lists, shared by the API, the portal and exports (DESIGN §2)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from registry.filters import FirmCodeFilter, FirmFilter

from .models import Application, Designation, PoolMembership
from .models.alerts import AlertDelivery, AlertKind
from .tiers import DESIGNATION_TIER_CHOICES, TIER_CHOICES
from .workflow import Status

__all__ = [
    "AlertFilter",
    "ApplicationFilter",
    "DesignationFilter",
    "FirmCodeFilter",
    "FirmTierFilter",
    "PoolFilter",
]


class FirmTierFilter(FirmFilter):
    """The register's firm filter plus ``tier``: firms holding an active designation of that tier."""

    tier = django_filters.ChoiceFilter(
        choices=DESIGNATION_TIER_CHOICES, method="filter_tier", label=_("持有有效称号")
    )

    class Meta(FirmFilter.Meta):
        fields = (*FirmFilter.Meta.fields, "tier")

    def filter_tier(self, queryset, name, value):
        held = Designation.objects.active().filter(firm=OuterRef("pk"), tier=value)
        return queryset.filter(Exists(held))


class ApplicationFilter(django_filters.FilterSet):
    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("状态"))
    tier = django_filters.ChoiceFilter(choices=DESIGNATION_TIER_CHOICES, label=_("申请称号"))
    kind = django_filters.ChoiceFilter(choices=Application.Kind.choices, label=_("申请类型"))

    class Meta:
        model = Application
        fields = ("firm", "status", "tier", "kind")


class DesignationFilter(django_filters.FilterSet):
    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    tier = django_filters.ChoiceFilter(choices=DESIGNATION_TIER_CHOICES, label=_("称号"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("当前有效"))

    class Meta:
        model = Designation
        fields = ("firm", "tier", "active")

    def filter_active(self, queryset, name, value):
        """In force today (active and not past its expiry), or everything else."""
        active = Designation.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class AlertFilter(django_filters.FilterSet):
    """A user's inbox: by kind, tier, firm, district and read state."""

    kind = django_filters.ChoiceFilter(field_name="alert__kind", choices=AlertKind.choices, label=_("类型"))
    tier = django_filters.ChoiceFilter(field_name="alert__tier", choices=TIER_CHOICES, label=_("称号"))
    firm = FirmCodeFilter(field_name="alert__firm__credit_code", label=_("统一社会信用代码"))
    district = django_filters.CharFilter(field_name="alert__firm__district__code", label=_("区县代码"))
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("未读"))

    class Meta:
        model = AlertDelivery
        fields = ("kind", "tier", "firm", "district", "unread")


class PoolFilter(django_filters.FilterSet):
    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    cohort_year = django_filters.NumberFilter(label=_("入库年度"))
    district = django_filters.CharFilter(field_name="firm__district__code", label=_("区县代码"))

    class Meta:
        model = PoolMembership
        fields = ("firm", "cohort_year", "district")
