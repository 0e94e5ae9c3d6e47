"""Admin for the programme's records, and the programme's additions to the firm admin.

``registry`` must not import ``cultivation`` (layers point one way), so the
firm admin's tier filter and designations inline are added here, by
re-registering ``registry.admin.FirmAdmin`` with them.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils.translation import gettext_lazy as _

from registry.admin import FirmAdmin as RegistryFirmAdmin
from registry.admin import ScopedAdminMixin
from registry.models import Firm
from registry.pagination import EstimatedCountPaginator

from ..filters import firms_holding
from ..models import Designation, PoolMembership
from ..reports import render_eligibility
from ..selectors import eligibility_of_firm
from ..services import exit_pool, may_record_historical_designations
from ..tiers import DESIGNATION_TIER_CHOICES
from . import revocation
from .pool import admit_view
from .recording import record_view


class ActiveTierFilter(admin.SimpleListFilter):
    """Firms that hold a tier now (an active, unexpired designation)."""

    title = _("现有称号")
    parameter_name = "tier"

    def lookups(self, request, model_admin):
        return [*DESIGNATION_TIER_CHOICES, ("none", _("暂无称号"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value not in dict(self.lookup_choices):
            raise IncorrectLookupParameters(value)  # the admin's "?e=1", as for its own filters
        return firms_holding(queryset, value) if value else queryset


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0
    fields = ("tier", "granted_on", "expires_on", "status", "batch")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


admin.site.unregister(Firm)


@admin.register(Firm)
class FirmAdmin(RegistryFirmAdmin):
    list_filter = (*RegistryFirmAdmin.list_filter[:4], ActiveTierFilter, *RegistryFirmAdmin.list_filter[4:])
    inlines = [*RegistryFirmAdmin.inlines, DesignationInline]
    fieldsets = (
        *RegistryFirmAdmin.fieldsets,
        (_("资格自评（按现行规则集）"), {"fields": ("eligibility_panel",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "eligibility_panel"]

    @admin.display(description=_("各称号资格"))
    def eligibility_panel(self, obj):
        """The same report the firm sees in its self-check and the API returns."""
        if obj is None or obj.pk is None:
            return "—"
        return render_eligibility(eligibility_of_firm(obj).to_dict())


@admin.register(Designation)
class DesignationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("firm", "tier", "granted_on", "expires_on", "status", "batch")
    list_select_related = ("firm",)
    list_filter = ("tier", "status", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code", "batch")
    raw_id_fields = ("firm",)
    date_hierarchy = "expires_on"
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # A designation is a published decision: it comes from the workflow's designate, or is recorded
    # (granted before Tiermark) on the add page through record_historical_designation, by programme
    # admins and city caseworkers only. Once on the register nothing is edited or deleted here: the
    # change page is read-only, status changes through the revoke action (reason, 3-year bar, open
    # applications terminated) and the nightly scan (expiry).
    readonly_fields = ("status", "revoked_on", "revoked_reason", "source_application")
    actions = ["revoke_selected"]

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and may_record_historical_designations(request.user)

    def has_change_permission(self, request, obj=None):
        """Caseworkers keep the change permission for the revoke action; no designation is edited."""
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return record_view(self, request)

    @admin.action(description=_("撤销所选称号（需填写原因）"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        return revocation.revoke_selected(self, request, queryset)


@admin.register(PoolMembership)
class PoolMembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "firm",
        "cohort_year",
        "baseline_year",
        "baseline_revenue",
        "status",
        "rating_reason",
        "judged_on",
        "listing_stage",
        "admitted_by_override",
    )
    list_select_related = ("firm", "firm__listing_track")
    list_filter = ("cohort_year", "status", "rating_reason", "firm__listing_track__stage", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code")
    raw_id_fields = ("firm",)
    # Admission goes through admit_to_pool (the add page): the entry rule on the day, the baseline
    # from the figures. The rating is the pool scan's, stored with its reason and day (P8, P9).
    # Nothing here is typed after admission; leaving the pool (delete) goes through exit_pool, as in the API.
    fields = (
        "firm",
        "entered_on",
        "cohort_year",
        "baseline_year",
        "baseline_revenue",
        "entry_rule_set",
        "entry_override_reason",
        "status",
        "rating_reason",
        "rated_year",
        "rated_revenue",
        "judged_on",
    )
    readonly_fields = fields

    @admin.display(description=_("上市进程"))
    def listing_stage(self, obj) -> str:
        """The member's road to listing next to its doubling path: stage and board (P14)."""
        track = getattr(obj.firm, "listing_track", None)
        if track is None:
            return "—"
        return f"{track.get_stage_display()}（{track.get_board_display()}）"

    @admin.display(description=_("破格入库"), boolean=True)
    def admitted_by_override(self, obj) -> bool:
        return bool(obj.entry_override_reason)

    def add_view(self, request, form_url="", extra_context=None):
        return admit_view(self, request)

    def delete_model(self, request, obj):
        exit_pool(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for member in queryset.select_related("firm"):
            exit_pool(membership=member, actor=request.user)
