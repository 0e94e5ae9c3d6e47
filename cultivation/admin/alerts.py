"""Alerts in the admin: what the scans raised (scoped), each person's inbox, email preferences."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.roles import is_programme_staff

from ..models.alerts import Alert, AlertDelivery, AlertPreference


class StaffReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return is_programme_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_programme_staff(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = AlertDelivery
    extra = 0
    fields = ("user", "channel", "status", "attempts", "sent_at", "read_at", "last_error")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(StaffReadOnly):
    list_display = ("kind", "firm", "tier", "period", "created_at")
    list_select_related = ("firm",)
    list_filter = ("kind", "tier", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code", "period")
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = ("kind", "firm", "tier", "period", "payload", "created_at")
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class ReadFilter(admin.SimpleListFilter):
    title = _("阅读状态")
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("1", _("未读")), ("0", _("已读"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(read_at__isnull=self.value() == "1")
        return queryset


@admin.register(AlertDelivery)
class InboxAdmin(StaffReadOnly):
    """ "My alerts": the signed-in person's inbox, with a mark-as-read action."""

    list_display = ("alert", "kind", "tier", "created", "read_at")
    list_select_related = ("alert__firm",)
    list_filter = (ReadFilter, "kind", "tier", "alert__firm__district")  # the delivery's copies: indexed
    search_fields = ("alert__firm__name", "=alert__firm__credit_code")
    actions = ["mark_read"]
    show_full_result_count = False
    # Only the read mark is the person's to change; editable foreign keys would also list every
    # alert and user of the programme in their select boxes.
    fields = ("alert", "channel", "status", "sent_at", "read_at")
    readonly_fields = ("alert", "channel", "status", "sent_at")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user, channel="inbox")

    def has_change_permission(self, request, obj=None):
        return is_programme_staff(request.user) and (obj is None or obj.user_id == request.user.pk)

    @admin.display(description=_("生成时间"), ordering="alert__created_at")
    def created(self, obj):
        return obj.alert.created_at

    @admin.action(description=_("标记为已读"))
    def mark_read(self, request, queryset):
        count = queryset.filter(read_at__isnull=True).update(read_at=timezone.now())
        messages.success(request, _("已标记 %(count)d 条为已读。") % {"count": count})


@admin.register(AlertPreference)
class AlertPreferenceAdmin(admin.ModelAdmin):
    """Each person chooses how alert emails reach them; programme admins see everyone's."""

    list_display = ("user", "email")
    fields = ("email",)

    def has_module_permission(self, request):
        return is_programme_staff(request.user)

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("user")
        return rows if request.user.is_superuser else rows.filter(user=request.user)

    def has_view_permission(self, request, obj=None):
        return is_programme_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return is_programme_staff(request.user) and (obj is None or obj.user_id == request.user.pk)

    def has_add_permission(self, request):
        return (
            is_programme_staff(request.user)
            and not AlertPreference.objects.filter(user=request.user).exists()
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = request.user
        super().save_model(request, obj, form, change)
