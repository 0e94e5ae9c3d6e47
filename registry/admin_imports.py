"""Large imports in the admin: files over ``IMPORT_SYNC_MAX_ROWS`` become a background job with a page.

``BackgroundImportMixin`` sits in front of django-import-export's ``import_action`` on the firm and
figures admins: the import form has already checked the file and counted its rows
(``registry.forms.CheckedImportForm``); a large file is handed to ``registry.imports.start_job`` and the
user is sent to the job's page, a small one goes through the usual preview and confirmation.

``ImportJobAdmin`` lists a user's own jobs (programme admins see all) and shows one job: its status, a
progress bar refreshed by ``<meta http-equiv="refresh">`` while it runs (no script: the
Content-Security-Policy allows none inline), and its counts or refused rows when it ends. Another
user's job is a 404, whoever asks.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .imports import kind_of, runs_as_job, start_job
from .models import ImportJob
from .roles import can_edit_register

REFRESH_SECONDS = 2
IMPORT_PAGES = {
    ImportJob.Kind.FIRMS: "admin:registry_firm_import",
    ImportJob.Kind.FIGURES: "admin:registry_annualfigures_import",
}


class BackgroundImportMixin:
    """Send a file over ``IMPORT_SYNC_MAX_ROWS`` rows to a background job instead of the preview."""

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
        return super().import_action(request, **kwargs)

    def _start_job(self, request, form):
        file_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        job = start_job(
            user=request.user,
            kind=kind_of(self.choose_import_resource_class(form, request)),
            data=form.file_data,
            file_name=form.cleaned_data["import_file"].name,
            binary=file_format.is_binary(),
            rows=form.row_count,
        )
        messages.info(
            request,
            gettext("文件共 %(rows)s 行，已转为后台导入任务；完成后可在本页查看结果。")
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
            "refresh": None if job.finished else REFRESH_SECONDS,
            "import_url": reverse(IMPORT_PAGES[job.kind]),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.job_template, context)

    def history_view(self, request, object_id, extra_context=None):
        self._job_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)
