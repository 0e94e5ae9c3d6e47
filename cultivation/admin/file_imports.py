"""The import pages of the programme's own files (digital maturity, listing tracks): the register's
preview with its per-row error list, without background jobs (these files are a district's or the city's
few hundred rows; ``IMPORT_MAX_ROWS`` still caps them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from registry.admin_imports import error_lines


class PreviewImportMixin:
    """Every file is previewed and confirmed; a refused preview lists each bad row, column and reason."""

    import_template_name = "admin/registry/import.html"

    def create_import_form(self, request):
        form = getattr(request, "_tiermark_import_form", None)
        if form is None:
            form = super().create_import_form(request)
            form.fields["import_file"].help_text = _("文件先预览：任何一行有误时不导入任何记录。")
            request._tiermark_import_form = form
        return form

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", None) and response.context_data.get("result")
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            resource_class = self.choose_import_resource_class(self.create_import_form(request), request)
            lines = error_lines(result, resource_class)
            response.context_data["error_lines"] = lines
            response.context_data["error_rows"] = len({line["row"] for line in lines})
        return response
