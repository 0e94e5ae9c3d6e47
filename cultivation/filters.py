"""FilterSets for the programme's lists, shared by the API, the portal and exports (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from registry.filters import BooleanFilter, FirmCodeFilter, FirmFilter, YearFilter
from registry.models import District
from registry.name_search import search_firms
from registry.roles import scope_of

from .models import (
    Application,
    Attestation,
    Designation,
    Disqualification,
    PoolMembership,
    Review,
    ReviewAssignment,
    RuleSet,
    Target,
)
from .models.alerts import AlertDelivery, AlertKind
from .models.targets import SUBJECT_CHOICES
from .rules import ATTESTATION_CHOICES
from .rules.attestations import DISQUALIFICATION_CHOICES
from .tiers import DESIGNATION_TIER_CHOICES, TIER_CHOICES
from .workflow import Status

__all__ = [
    "AlertFilter",
    "ApplicationFilter",
    "AttestationFilter",
    "CaseQueueFilter",
    "DesignationFilter",
    "FirmCodeFilter",
    "FirmTierFilter",
    "PoolFilter",
    "ReviewFilter",
    "RuleSetFilter",
    "TargetFilter",
    "firms_holding",
]


def firms_holding(queryset, tier: str):
    """Firms holding an active designation of ``tier`` now (``"none"``: holding none at all).

    The one definition behind the API's and exports' ``tier`` filter and the admin's 现有称号 filter.
    """
    active = Designation.objects.active().filter(firm=OuterRef("pk"))
    if tier == "none":
        return queryset.filter(~Exists(active))
    return queryset.filter(Exists(active.filter(tier=tier)))


class FirmTierFilter(FirmFilter):
    """The register's firm filter plus ``tier``: firms holding an active designation of that tier."""

    tier = django_filters.ChoiceFilter(
        choices=DESIGNATION_TIER_CHOICES, method="filter_tier", label=_("持有有效称号")
    )

    class Meta(FirmFilter.Meta):
        fields = (*FirmFilter.Meta.fields, "tier")

    def filter_tier(self, queryset, name, value):
        return firms_holding(queryset, value)


ALL = _("全部")  # the empty choice of a filter: no restriction, in the reader's words


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("企业名称或统一社会信用代码"))
    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("状态"))
    tier = django_filters.ChoiceFilter(choices=DESIGNATION_TIER_CHOICES, label=_("申请称号"), empty_label=ALL)
    kind = django_filters.ChoiceFilter(choices=Application.Kind.choices, label=_("申请类型"), empty_label=ALL)
    district = django_filters.CharFilter(field_name="firm__district__code", label=_("区县代码"))
    assigned_to_me = BooleanFilter(method="filter_assigned", label=_("分配给我评审"))

    class Meta:
        model = Application
        fields = ("q", "firm", "status", "tier", "kind", "district", "assigned_to_me")

    def filter_q(self, queryset, name, value):
        """Part of the firm's name, or its credit code however typed: what a caseworker has at hand."""
        return search_firms(queryset, value, prefix="firm__")

    def filter_assigned(self, queryset, name, value):
        """Applications the requesting expert is (or, with ``false``, is not) assigned to score."""
        reviewer = getattr(getattr(self.request, "user", None), "pk", None)
        mine = ReviewAssignment.objects.filter(application=OuterRef("pk"), reviewer_id=reviewer)
        return queryset.filter(Exists(mine)) if value else queryset.exclude(Exists(mine))


def districts_in_scope(request) -> QuerySet[District]:
    """The districts a signed-in user's scope reaches, for a drop-down of names."""
    scope = scope_of(request.user) if request is not None else None
    if scope is None or scope.nothing:
        return District.objects.none()
    if scope.everything:
        return District.objects.order_by("code")
    return District.objects.filter(pk=scope.district_id)


class CaseQueueFilter(ApplicationFilter):
    """The caseworkers' queue in the portal: the API's filter with a form people fill in.

    The parameters keep their API names and values (``district`` is still the code), but the form
    shows the districts by name and 分配给我 as a checkbox; the credit code has its own box no more,
    ``q`` takes it as well as the name.
    """

    district = django_filters.ModelChoiceFilter(
        field_name="firm__district",
        to_field_name="code",
        queryset=districts_in_scope,
        empty_label=ALL,
        label=_("区县"),
    )
    firm = None  # ``q`` takes the credit code too: one box
    assigned_to_me = django_filters.BooleanFilter(
        method="filter_mine", widget=forms.CheckboxInput, label=_("分配给我")
    )

    class Meta(ApplicationFilter.Meta):
        fields = ("q", "status", "tier", "kind", "district", "assigned_to_me")

    def filter_mine(self, queryset, name, value):
        """Ticked: only those assigned to the user; unticked is no filter (a checkbox has no "no")."""
        return self.filter_assigned(queryset, name, True) if value else queryset


class DesignationFilter(django_filters.FilterSet):
    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    tier = django_filters.ChoiceFilter(choices=DESIGNATION_TIER_CHOICES, label=_("称号"))
    active = BooleanFilter(method="filter_active", label=_("当前有效"))
    status = django_filters.ChoiceFilter(choices=Designation.Status.choices, label=_("状态"))
    district = django_filters.CharFilter(field_name="firm__district__code", label=_("区县代码"))
    granted_year = YearFilter(field_name="granted_on__year", label=_("认定年度"))

    class Meta:
        model = Designation
        fields = ("firm", "tier", "active", "status", "district", "granted_year")

    def filter_active(self, queryset, name, value):
        """In force today (active and not past its expiry), or everything else."""
        active = Designation.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class AlertFilter(django_filters.FilterSet):
    """A user's inbox: by kind, tier, firm, district and read state (kind and tier are the delivery's copy
    of its alert's, so those filters stay on the inbox's index)."""

    kind = django_filters.ChoiceFilter(field_name="kind", choices=AlertKind.choices, label=_("类型"))
    tier = django_filters.ChoiceFilter(field_name="tier", choices=TIER_CHOICES, label=_("称号"))
    firm = FirmCodeFilter(field_name="alert__firm__credit_code", label=_("统一社会信用代码"))
    district = django_filters.CharFilter(field_name="alert__firm__district__code", label=_("区县代码"))
    unread = BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("未读"))

    class Meta:
        model = AlertDelivery
        fields = ("kind", "tier", "firm", "district", "unread")


class PoolFilter(django_filters.FilterSet):
    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    cohort_year = YearFilter(label=_("入库年度"))
    district = django_filters.CharFilter(field_name="firm__district__code", label=_("区县代码"))

    class Meta:
        model = PoolMembership
        fields = ("firm", "cohort_year", "district")


class ReviewFilter(django_filters.FilterSet):
    """Expert reviews: by application, firm, recommendation and revision."""

    application = django_filters.NumberFilter(
        field_name="assignment__application_id", min_value=1, max_value=2**31 - 1, label=_("申请编号")
    )
    firm = FirmCodeFilter(
        field_name="assignment__application__firm__credit_code", label=_("统一社会信用代码")
    )
    recommendation = django_filters.ChoiceFilter(choices=Review.Recommendation.choices, label=_("评审建议"))
    revision = django_filters.NumberFilter(min_value=0, max_value=32767, label=_("评审版本"))

    class Meta:
        model = Review
        fields = ("application", "firm", "recommendation", "revision")


class AttestationFilter(django_filters.FilterSet):
    """Attested-criterion claims: by firm, district, criterion and decision state."""

    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    district = django_filters.CharFilter(field_name="firm__district__code", label=_("区县代码"))
    code = django_filters.ChoiceFilter(choices=ATTESTATION_CHOICES, label=_("认定事项"))
    status = django_filters.ChoiceFilter(choices=Attestation.Status.choices, label=_("状态"))

    class Meta:
        model = Attestation
        fields = ("firm", "district", "code", "status")


class TargetFilter(django_filters.FilterSet):
    """The programme's targets: by subject, year and kind."""

    subject = django_filters.ChoiceFilter(choices=SUBJECT_CHOICES, label=_("对象"))
    year = YearFilter(label=_("年度"))
    kind = django_filters.ChoiceFilter(choices=Target.Kind.choices, label=_("目标类型"))

    class Meta:
        model = Target
        fields = ("subject", "year", "kind")


class RuleSetFilter(django_filters.FilterSet):
    provisional = BooleanFilter(label=_("暂行"))
    builtin = BooleanFilter(label=_("内置"))
    jurisdiction = django_filters.ChoiceFilter(choices=RuleSet.Jurisdiction.choices, label=_("适用范围"))

    class Meta:
        model = RuleSet
        fields = ("provisional", "builtin", "jurisdiction")


class DisqualificationFilter(django_filters.FilterSet):
    """Recorded disqualifications: by firm, district, condition, and whether lifted."""

    firm = FirmCodeFilter(field_name="firm__credit_code", label=_("统一社会信用代码"))
    district = django_filters.CharFilter(field_name="firm__district__code", label=_("区县代码"))
    code = django_filters.ChoiceFilter(choices=DISQUALIFICATION_CHOICES, label=_("情形"))
    lifted = BooleanFilter(field_name="lifted_on", lookup_expr="isnull", exclude=True, label=_("已解除"))

    class Meta:
        model = Disqualification
        fields = ("firm", "district", "code", "lifted")
