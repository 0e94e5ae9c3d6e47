"""Admin for digital recognitions, industry platforms (行业产业大脑) and 技改 projects (issue 18).

Caseworkers record them for the firms of their scope (experts read): the lists are scoped like every
firm record, each change is in the record's history with who and why, and files load them in bulk with
Chinese headers (``cultivation.digital_resources``). Every save and delete goes through
``services.digital``; a project's status moves only on its "推进项目" page (``advance_upgrade``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import ClearableFileInput
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import ReasonFormMixin, ScopedAdminMixin, checked_id
from registry.forms import CheckedImportForm
from registry.pagination import EstimatedCountPaginator

from ..digital_resources import DigitalRecognitionResource, IndustryBrainResource, UpgradeProjectResource
from ..models import DigitalRecognition, IndustryBrain, UpgradeProject
from ..rules.digital import ACCEPTED, PRODUCTIVITY_MAX, PRODUCTIVITY_MIN, is_overdue, next_status
from ..services.digital import STEP_FIELDS, advance_upgrade, delete_digital_record, save_digital_record
from .service_forms import service_form_page, show_on_form


class SmallImportForm(CheckedImportForm):
    """These files are read at once (no background job): a file over the synchronous limit is refused."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["import_file"].help_text = _(
            "每个文件最多 %(max)s 行数据；更多的记录请分多个文件导入。"
        ) % {"max": f"{settings.IMPORT_SYNC_MAX_ROWS:,}"}

    def clean(self):
        cleaned = super().clean()
        if self.row_count is not None and self.row_count > settings.IMPORT_SYNC_MAX_ROWS:
            self.add_error(
                "import_file",
                _("文件有 %(rows)s 行数据，超过每个文件 %(max)s 行的上限。")
                % {"rows": f"{self.row_count:,}", "max": f"{settings.IMPORT_SYNC_MAX_ROWS:,}"},
            )
        return cleaned


class EvidenceInput(ClearableFileInput):
    """The file input whose "currently" link is the access-checked download (MEDIA_URL is not served)."""

    download_url: str | None = None

    def format_value(self, value):
        if value and self.download_url:
            return EvidenceLink(self.download_url)
        return super().format_value(value)


class EvidenceLink:
    """What the file input shows as the current file: a link to the download, not the storage path."""

    def __init__(self, url: str):
        self.url = url

    def __str__(self) -> str:
        return str(_("查看现有文件"))


EVIDENCE_KIND = {"digitalrecognition": "recognition", "industrybrain": "brain"}


class DigitalRecordAdmin(ScopedAdminMixin, SimpleHistoryAdmin, ImportExportModelAdmin):
    """Shared: scoped lists, saves and deletes through the service, the reason in the history."""

    import_form_class = SmallImportForm
    list_select_related = ("firm",)
    search_fields = ("firm__name", "=firm__credit_code")
    raw_id_fields = ("firm",)
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_form(self, request, obj=None, change=False, **kwargs):
        """An evidence field links its current file through the access-checked download."""
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("evidence")
        if field is not None:
            field.widget = EvidenceInput()
            if obj is not None and obj.evidence:
                field.widget.download_url = evidence_url(obj)
        return form

    def save_model(self, request, obj, form, change):
        """The form has run the row's checks; the service checks the scope again and records who and why."""
        reason = form.cleaned_data.get("change_reason") or ""
        save_digital_record(obj, user=request.user, reason=reason, keep_steps=True)

    def delete_model(self, request, obj):
        delete_digital_record(obj, user=request.user)

    @admin.display(description=_("证明材料"))
    def evidence_link(self, obj):
        if not getattr(obj, "evidence", None):
            return "—"
        return format_html('<a href="{}">{}</a>', evidence_url(obj), _("查看"))

    def delete_queryset(self, request, queryset):
        for record in queryset.select_related("firm"):
            delete_digital_record(record, user=request.user)


def evidence_url(obj) -> str:
    return reverse("portal:digital-evidence", args=[EVIDENCE_KIND[obj._meta.model_name], obj.pk])


class RecognitionForm(ReasonFormMixin):
    class Meta:
        model = DigitalRecognition
        fields = ("firm", "site_name", "level", "year", "batch", "evidence", "valid_until", "note")


@admin.register(DigitalRecognition)
class DigitalRecognitionAdmin(DigitalRecordAdmin):
    form = RecognitionForm
    resource_classes = [DigitalRecognitionResource]
    list_display = ("firm", "site_name", "level", "year", "batch", "valid_until", "counts", "evidence_link")
    list_filter = ("level", "year", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code", "site_name")
    readonly_fields = ("recorded_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description=_("计入（场所最高等级）"), boolean=True)
    def counts(self, obj) -> bool:
        """False when the same site holds a higher level: the site counts once, at its highest."""
        return getattr(obj, "counts", True)


class IndustryBrainForm(ReasonFormMixin):
    class Meta:
        model = IndustryBrain
        fields = ("name", "industry", "firm", "year", "batch", "evidence", "valid_until", "note")


@admin.register(IndustryBrain)
class IndustryBrainAdmin(DigitalRecordAdmin):
    form = IndustryBrainForm
    resource_classes = [IndustryBrainResource]
    list_display = ("name", "industry", "firm", "year", "batch", "valid_until", "evidence_link")
    list_filter = ("year", "firm__district")
    search_fields = ("name", "industry", "firm__name", "=firm__credit_code")
    readonly_fields = ("recorded_by", "created_at")


class OverdueFilter(admin.SimpleListFilter):
    """Projects past their planned finish today and not completed (what the overdue alert is about)."""

    title = _("逾期未完工")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("是")), ("no", _("否"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value not in ("yes", "no"):
            return queryset
        overdue = UpgradeProject.objects.overdue(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=overdue) if value == "yes" else queryset.exclude(pk__in=overdue)


class UpgradeProjectForm(ReasonFormMixin):
    class Meta:
        model = UpgradeProject
        fields = ("firm", "name", "kind", "investment", "planned_start", "planned_finish", "note")


@admin.register(UpgradeProject)
class UpgradeProjectAdmin(DigitalRecordAdmin):
    form = UpgradeProjectForm
    resource_classes = [UpgradeProjectResource]
    list_display = (
        "name",
        "firm",
        "kind",
        "investment",
        "planned_finish",
        "status",
        "productivity_change",
        "overdue",
    )
    list_filter = ("status", OverdueFilter, "kind", "firm__district")
    search_fields = ("name", "firm__name", "=firm__credit_code")
    date_hierarchy = "planned_finish"
    readonly_fields = (*STEP_FIELDS, "advance_link", "recorded_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("firm", "name", "kind", "investment", "note")}),
        (_("计划"), {"fields": ("planned_start", "planned_finish")}),
        (_("进度（通过“推进项目”办理）"), {"fields": (*STEP_FIELDS, "advance_link")}),
        (_("修改原因"), {"fields": ("change_reason",)}),
        (_("记录"), {"fields": ("recorded_by", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # a new project is planned: its steps come later
            return [fs for fs in self.fieldsets if fs[0] not in (_("进度（通过“推进项目”办理）"), _("记录"))]
        return self.fieldsets

    @admin.display(description=_("逾期未完工"), boolean=True)
    def overdue(self, obj) -> bool:
        return is_overdue(obj.status, obj.planned_finish, timezone.localdate())

    @admin.display(description=_("下一步"))
    def advance_link(self, obj):
        step = next_status(obj.status) if obj and obj.pk else None
        if step is None:
            return "—"
        label = dict(UpgradeProject._meta.get_field("status").choices)[step]
        url = reverse("admin:cultivation_upgradeproject_advance", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("推进项目：改为“%s”") % label)

    def get_urls(self):
        advance = self.admin_site.admin_view(self.advance_view)
        return [
            path("<path:object_id>/advance/", advance, name="cultivation_upgradeproject_advance"),
            *super().get_urls(),
        ]

    def advance_view(self, request, object_id):
        """GET: the next step's form; POST: ``advance_upgrade``, its refusals on the form (nothing saved)."""
        pk = checked_id(UpgradeProject._meta.pk, object_id)
        project = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, project):
            raise PermissionDenied
        step = next_status(project.status)
        if step is None:
            messages.info(request, _("该项目已验收，没有下一步。"))
            return redirect(reverse("admin:cultivation_upgradeproject_change", args=[project.pk]))
        form = AdvanceForm(request.POST if request.method == "POST" else None, step=step)
        if form.is_bound and form.is_valid():
            try:
                advance_upgrade(project=project, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("已更新“%(name)s”的进度。") % {"name": project.name})
                return redirect(reverse("admin:cultivation_upgradeproject_change", args=[project.pk]))
        return service_form_page(
            self,
            request,
            form,
            title=_("推进技改项目：%(name)s") % {"name": project.name},
            intro=ADVANCE_INTRO,
            submit=_("确认"),
        )


ADVANCE_INTRO = _(
    "技改项目按“计划 → 实施中 → 已完工 → 已验收”逐步推进，不能跳步或回退。"
    "填写这一步发生的日期（不能晚于今天）；验收时还须填写与改造前相比的劳动生产率变化。"
)


class AdvanceForm(forms.Form):
    """The next step only: its day, and at acceptance the productivity change."""

    to = forms.ChoiceField(label=_("改为"))
    on = forms.DateField(label=_("日期"), widget=AdminDateWidget, initial=timezone.localdate)
    productivity_change = forms.DecimalField(
        label=_("劳动生产率变化（%）"),
        required=False,
        max_digits=6,
        decimal_places=1,
        min_value=PRODUCTIVITY_MIN,
        max_value=PRODUCTIVITY_MAX,
    )
    reason = forms.CharField(label=_("说明"), required=False, max_length=100)

    def __init__(self, *args, step: str, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(UpgradeProject._meta.get_field("status").choices)
        self.fields["to"].choices = [(step, labels[step])]
        self.fields["to"].initial = step
        if step != ACCEPTED:
            del self.fields["productivity_change"]
