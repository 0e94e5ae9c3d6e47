"""The programme's targets (P11): every programme staff member reads them, programme admins edit them."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import CheckedHistoryIdsMixin
from registry.roles import is_programme_staff

from ..models import Target


@admin.register(Target)
class TargetAdmin(CheckedHistoryIdsMixin, SimpleHistoryAdmin):
    list_display = ("year", "subject", "kind", "count", "note")
    list_filter = ("year", "kind", "subject")
    ordering = ("year", "kind", "subject")

    def has_module_permission(self, request):
        return is_programme_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_programme_staff(request.user)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
