"""Large imports in the admin: files over ``IMPORT_SYNC_MAX_ROWS`` become a background job with a page.

``BackgroundImportMixin`` sits in front of django-import-export's ``import_action`` on the firm and
figures admins: the import form has already checked the file and counted its rows
(``registry.forms.CheckedImportForm``); a large file is handed to ``registry.imports.start_job`` and the
user is sent to the job's page, a small one goes through the usual preview and confirmation.

A refused preview lists one line per row and field -- row number, column header, the cell as written
and the reasons (``error_lines``, shown by ``admin/registry/import.html``) -- rather than the
library's red badges.

``ImportJobAdmin`` lists a user's own jobs (programme admins see all) and shows one job: its status, a
progress bar refreshed by ``<meta http-equiv="refresh">`` while it runs (no script: the
Content-Security-Policy allows none inline), and its counts or refused rows when it ends. A large file
is first checked by a dry run: the page then shows what the import would do (new / changed / unchanged
counts and a sample of the changes) with 确认导入 and 取消 (``confirm_view``, ``cancel_view``, POST
only). Another user's job is a 404, whoever asks.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .imports import RESOURCES, cancel_job, confirm_job, kind_of, runs_as_job, start_job
from .models import ImportJob
from .roles import can_edit_register

REFRESH_SECONDS = 2
IMPORT_PAGES = {
    ImportJob.Kind.FIRMS: "admin:registry_firm_import",
    ImportJob.Kind.FIGURES: "admin:registry_annualfigures_import",
}


def error_lines(result, resource_class) -> list[dict]:
    """Every refused row of a preview as ``{"row", "column", "value", "messages"}``, in file order."""
    headers = [str(header) for header in result.diff_headers]
    lines = [line("", "", "", [str(e.error)]) for e in result.base_errors]
    for invalid in result.invalid_rows:
        cells = dict(zip(headers, invalid.values, strict=False))
        for field, reasons in invalid.field_specific_errors.items():
            column = str(column_label(resource_class, field))
            lines.append(line(invalid.number, column, cells.get(column, ""), reasons))
        if invalid.non_field_specific_errors:
            lines.append(line(invalid.number, "", "", invalid.non_field_specific_errors))
    for number, errors in result.row_errors():
        lines.append(line(number, "", "", [str(e.error) for e in errors]))
    return sorted(lines, key=lambda line: (line["row"] or 0, line["column"]))


def line(row, column: str, value, reasons) -> dict:
    return {"row": row, "column": column, "value": value, "messages": [str(r) for r in reasons]}


def column_label(resource_class, field: str):
    """The column header of a field the import refused (the field's name when it has no column)."""
    try:
        return resource_class.label_of(field)
    except Exception:  # not a model field (e.g. a key or a widget's own name)
        return field


def job_error_lines(job: ImportJob) -> list[dict]:
    """A job's refused rows with each field's column header, as the file names it."""
    resource_class = RESOURCES[job.kind]
    return [
        {**error, "column": str(column_label(resource_class, error["field"])) if error["field"] else ""}
        for error in job.errors or []
    ]


class BackgroundImportMixin:
    """Send a file over ``IMPORT_SYNC_MAX_ROWS`` rows to a background job instead of the preview, and
    list a refused preview's errors per row and field."""

    import_template_name = "admin/registry/import.html"

    def create_import_form(self, request):
        """One form per request, so the file is read and counted once."""
        form = getattr(request, "_tiermark_import_form", None)
        if form is None:
            form = super().create_import_form(request)
            request._tiermark_import_form = form
        return form

    def import_action(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid() and form.row_count is not None and runs_as_job(form.row_count):
                return self._start_job(request, form)
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", None) and response.context_data.get("result")
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            resource_class = self.choose_import_resource_class(self.create_import_form(request), request)
            lines = error_lines(result, resource_class)
            response.context_data["error_lines"] = lines
            response.context_data["error_rows"] = len({line["row"] for line in lines})
        return response

    def _start_job(self, request, form):
        file_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        job = start_job(
            user=request.user,
            kind=kind_of(self.choose_import_resource_class(form, request)),
            data=form.file_data,
            file_name=form.cleaned_data["import_file"].name,
            binary=file_format.is_binary(),
            rows=form.row_count,
            preview=True,
        )
        messages.info(
            request,
            gettext("文件共 %(rows)s 行，已转为后台任务：先校验全部数据，校验通过后在本页核对并确认导入。")
            % {"rows": f"{job.rows_total:,}"},
        )
        return redirect(reverse("admin:registry_importjob_change", args=[job.pk]))


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "rows_total", "rows_processed", "created_at", "finished_at")
    list_filter = ("status", "kind")
    list_select_related = ("user",)
    job_template = "admin/registry/importjob/job.html"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_list_display(self, request):
        if request.user.is_superuser:
            return ("__str__", "user", *self.list_display[1:])
        return self.list_display

    def has_module_permission(self, request):
        return request.user.is_active and can_edit_register(request.user)

    def has_view_permission(self, request, obj=None):
        """Those who import see their jobs; a job is its owner's (and the programme admins')."""
        if not self.has_module_permission(request):
            return False
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    def has_add_permission(self, request):
        return False  # a job is started by uploading a file on the firm or figures import page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _job_or_404(self, request, object_id) -> ImportJob:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            pk = int(object_id)
            if not 0 < pk < 2**63:  # beyond the column's range the query itself would fail (a 500)
                raise ValueError(object_id)
            job = self.get_queryset(request).select_related("user").get(pk=pk)
        except (ImportJob.DoesNotExist, ValueError, TypeError):
            raise Http404(_("没有这个导入任务。")) from None
        if not self.has_view_permission(request, job):
            raise Http404(_("没有这个导入任务。"))
        return job

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self._job_or_404(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("导入任务"),
            "subtitle": str(job),
            "opts": self.opts,
            "job": job,
            "job_errors": job_error_lines(job),
            "job_changes": self.job_changes(job),
            "refresh": None if job.finished or job.waiting else REFRESH_SECONDS,
            "import_url": reverse(IMPORT_PAGES[job.kind]),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.job_template, context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/confirm/", wrap(self.confirm_view), name="registry_importjob_confirm"),
            path("<path:object_id>/cancel/", wrap(self.cancel_view), name="registry_importjob_cancel"),
            *super().get_urls(),
        ]

    @staticmethod
    def job_changes(job: ImportJob) -> list[dict]:
        """The preview's sample rows, each with its action in words."""
        actions = {"new": _("新增"), "update": _("更新")}
        return [{**change, "label": actions.get(change.get("action"), "")} for change in job.changes or []]

    def confirm_view(self, request, object_id):
        """确认导入: the previewed file is imported by the worker; back to the job's page."""
        return self._act(request, object_id, confirm_job, gettext("已确认，正在后台导入。"))

    def cancel_view(self, request, object_id):
        """取消: nothing is imported and the stored file is deleted."""
        return self._act(request, object_id, cancel_job, gettext("已取消导入，未导入任何数据。"))

    def _act(self, request, object_id, action, done: str):
        job = self._job_or_404(request, object_id)  # another user's job: 404 whatever the method
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action(job.pk, request.user) is None:
            messages.warning(request, gettext("该导入任务当前不在待确认状态，未作任何处理。"))
        else:
            messages.success(request, done)
        return redirect(reverse("admin:registry_importjob_change", args=[job.pk]))

    def history_view(self, request, object_id, extra_context=None):
        self._job_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)
