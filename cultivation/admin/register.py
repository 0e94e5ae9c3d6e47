"""Admin for the programme's records, and the programme's additions to the firm admin.

``registry`` must not import ``cultivation`` (layers point one way), so the
firm admin's tier filter and designations inline are added here, by
re-registering ``registry.admin.FirmAdmin`` with them.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registry.admin import FirmAdmin as RegistryFirmAdmin
from registry.admin import ScopedAdminMixin
from registry.models import Firm
from registry.pagination import EstimatedCountPaginator

from ..filters import firms_holding
from ..models import Designation, PoolMembership
from ..reports import render_eligibility
from ..selectors import eligibility_of_firm
from ..services import refresh_stage
from ..tiers import DESIGNATION_TIER_CHOICES, expiry_for


class ActiveTierFilter(admin.SimpleListFilter):
    """Firms that hold a tier now (an active, unexpired designation)."""

    title = _("现有称号")
    parameter_name = "tier"

    def lookups(self, request, model_admin):
        return [*DESIGNATION_TIER_CHOICES, ("none", _("暂无称号"))]

    def queryset(self, request, queryset):
        value = self.value()
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
    # Status changes only through the revoke action (reason, 3-year bar, open applications terminated)
    # and the nightly scan (expiry); a blank expiry date is filled from the tier's validity (P7).
    readonly_fields = ("status", "revoked_on", "revoked_reason", "source_application")
    actions = ["revoke_selected"]

    def save_model(self, request, obj, form, change):
        if obj.expires_on is None and obj.granted_on:
            obj.expires_on = expiry_for(obj.tier, obj.granted_on)
        super().save_model(request, obj, form, change)
        refresh_stage(firm=obj.firm)

    @admin.action(description=_("撤销所选称号（需填写原因）"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        from .revocation import revoke_selected

        return revoke_selected(self, request, queryset)


@admin.register(PoolMembership)
class PoolMembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("firm", "cohort_year", "baseline_year", "baseline_revenue", "status")
    list_select_related = ("firm",)
    list_filter = ("cohort_year", "status", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code")
    raw_id_fields = ("firm",)
    readonly_fields = ("status",)  # rated by the nightly pool scan (P8)
