"""Digital-maturity assessments in the admin (P13): recorded and corrected by caseworkers in their scope,
through ``save_maturity``; audited (history with a reason); importable and exportable with Chinese headers."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import ReasonFormMixin, ScopedAdminMixin

from ..listing_imports import MaturityResource
from ..models import MaturityAssessment
from ..rules.maturity import is_transformed
from ..services.maturity import save_maturity, transformed_min_level
from .file_imports import PreviewImportMixin


class MaturityForm(ReasonFormMixin):
    class Meta:
        model = MaturityAssessment
        fields = ("firm", "level", "assessed_on", "evidence")


@admin.register(MaturityAssessment)
class MaturityAssessmentAdmin(
    PreviewImportMixin, ScopedAdminMixin, SimpleHistoryAdmin, ImportExportModelAdmin
):
    form = MaturityForm
    resource_classes = [MaturityResource]
    list_display = ("firm", "level", "transformed", "assessed_on", "evidence")
    list_select_related = ("firm",)
    list_filter = ("level", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code", "evidence")
    raw_id_fields = ("firm",)
    date_hierarchy = "assessed_on"

    @admin.display(description=_("已实现数字化转型"), boolean=True)
    def transformed(self, obj: MaturityAssessment) -> bool:
        """At or above the programme's level (a setting, provisional [U])."""
        return is_transformed(obj.level, transformed_min_level())

    def has_delete_permission(self, request, obj=None):
        return False  # an assessment is kept; a later one supersedes it, a wrong one is corrected

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason") or ""
        save_maturity(obj, user=request.user, force_insert=not change, reason=reason)
