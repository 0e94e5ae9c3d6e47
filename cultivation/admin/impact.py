"""The rule-set admin's impact pages (issue 16): 预览影响 and 阈值扫描 on a version, and the report page.

Programme admins only (as drafts are theirs). A request becomes a stored report run as a job
(``cultivation.impact_jobs``); the report page refreshes itself until the job is done, then shows the
charts, the tables and the CSV/XLSX exports (``cultivation.impact_report``).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from registry.models import Cluster, District

from .. import impact_report
from ..impact import numeric_params, sweep_values
from ..impact_jobs import may_run_reports, request_report
from ..models import ImpactReport, RuleSet
from ..rules.ruleset import RuleSet as RuleSetSpec


def _published_choices() -> list[tuple[str, str]]:
    published = RuleSet.objects.published().order_by("effective_from")
    return [("", _("评估日施行的版本")), *((r.code, str(r)) for r in published)]


class ImpactForm(forms.Form):
    from_code = forms.ChoiceField(label=_("对照版本"), required=False)
    as_of = forms.DateField(
        label=_("评估日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    district = forms.ModelChoiceField(
        District.objects.all(), label=_("区县"), required=False, to_field_name="code", empty_label=_("全部")
    )
    cluster = forms.ModelChoiceField(
        Cluster.objects.all(),
        label=_("产业集群"),
        required=False,
        to_field_name="code",
        empty_label=_("全部"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_code"].choices = _published_choices()


class SweepForm(forms.Form):
    threshold = forms.ChoiceField(label=_("阈值"))
    start = forms.DecimalField(label=_("起始值"))
    stop = forms.DecimalField(label=_("终止值"))
    step = forms.DecimalField(label=_("步长"), min_value=Decimal("0.0001"))
    as_of = forms.DateField(
        label=_("评估日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    district = ImpactForm.base_fields["district"]
    cluster = ImpactForm.base_fields["cluster"]

    def __init__(self, spec: RuleSetSpec, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["threshold"].choices = [
            (f"{path}|{param}", f"{path}.{param}（{_('当前')} {value}）")
            for path, param, value in numeric_params(spec)
        ]

    def clean(self):
        data = super().clean()
        if {"start", "stop", "step"} <= set(data):
            try:
                data["values"] = sweep_values(data["start"], data["stop"], data["step"])
            except ValueError as error:
                raise ValidationError(_("扫描范围无效：%(error)s") % {"error": error}) from error
        return data


def impact_urls(model_admin) -> list:
    """The pages, wrapped by the admin site (login, CSRF) and bound to the rule-set admin."""
    view = model_admin.admin_site.admin_view
    pages = ImpactPages(model_admin)
    return [
        path("<int:pk>/impact/", view(pages.request_impact), name="cultivation_ruleset_impact"),
        path("<int:pk>/sweep/", view(pages.request_sweep), name="cultivation_ruleset_sweep"),
        path("impact/<int:report_id>/", view(pages.report), name="cultivation_ruleset_report"),
        path(
            "impact/<int:report_id>/export.<str:fmt>",
            view(pages.export),
            name="cultivation_ruleset_report_export",
        ),
    ]


class ImpactPages:
    def __init__(self, model_admin) -> None:
        self.model_admin = model_admin

    def _context(self, request, **extra) -> dict:
        return {
            **self.model_admin.admin_site.each_context(request),
            "opts": RuleSet._meta,
            **extra,
        }

    @staticmethod
    def _refuse_unless_allowed(request) -> None:
        if not may_run_reports(request.user):
            raise PermissionDenied

    def request_impact(self, request, pk: int):
        """预览影响: this version (B) against A, as of a day, over the register or a district/cluster."""
        self._refuse_unless_allowed(request)
        record = get_object_or_404(RuleSet, pk=pk)
        form = ImpactForm(request.POST or None, initial={"as_of": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            report = request_report(
                actor=request.user,
                to_code=record.code,
                from_code=data["from_code"],
                as_of=data["as_of"],
                district=data["district"].code if data["district"] else "",
                cluster=data["cluster"].code if data["cluster"] else "",
            )
            return redirect(reverse("admin:cultivation_ruleset_report", args=[report.pk]))
        context = self._context(
            request,
            record=record,
            form=form,
            reports=ImpactReport.objects.filter(to_code=record.code).select_related("created_by")[:20],
            title=_("预览影响：%(code)s") % {"code": record.code},
        )
        return TemplateResponse(request, "admin/cultivation/ruleset/impact_form.html", context)

    def request_sweep(self, request, pk: int):
        """阈值扫描: one numeric threshold of this version over a range, eligible counts at each value."""
        self._refuse_unless_allowed(request)
        record = get_object_or_404(RuleSet, pk=pk)
        spec = RuleSetSpec.from_dict(record.definition)
        form = SweepForm(spec, request.POST or None, initial={"as_of": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            criterion, _sep, param = data["threshold"].partition("|")
            report = request_report(
                actor=request.user,
                to_code=record.code,
                as_of=data["as_of"],
                district=data["district"].code if data["district"] else "",
                cluster=data["cluster"].code if data["cluster"] else "",
                sweep_path=criterion,
                sweep_param=param,
                sweep_values=data["values"],
            )
            return redirect(reverse("admin:cultivation_ruleset_report", args=[report.pk]))
        context = self._context(
            request,
            record=record,
            form=form,
            sweep=True,
            title=_("阈值扫描：%(code)s") % {"code": record.code},
        )
        return TemplateResponse(request, "admin/cultivation/ruleset/impact_form.html", context)

    def report(self, request, report_id: int):
        """The report: charts and tables once done; until then its progress, refreshed every few seconds."""
        self._refuse_unless_allowed(request)
        report = get_object_or_404(ImpactReport.objects.select_related("created_by"), pk=report_id)
        record = RuleSet.objects.filter(code=report.to_code).first()
        result = report.result or {}
        sweep = report.kind == ImpactReport.Kind.SWEEP
        context = self._context(
            request,
            report=report,
            record=record,
            about=impact_report.about(report),
            tables=impact_report.tables(report),
            bars=impact_report.bar_chart(result) if result and not sweep else None,
            line=impact_report.line_chart(result) if result and sweep else None,
            title=_("影响报告 #%(id)s") % {"id": report.pk},
        )
        return TemplateResponse(request, "admin/cultivation/ruleset/impact_report.html", context)

    def export(self, request, report_id: int, fmt: str):
        """The report's tables as CSV or XLSX, with Chinese headers and the report's particulars."""
        self._refuse_unless_allowed(request)
        report = get_object_or_404(ImpactReport, pk=report_id, status=ImpactReport.Status.SUCCEEDED)
        if fmt == "csv":
            response = HttpResponse(impact_report.export_csv(report), content_type="text/csv; charset=utf-8")
        elif fmt == "xlsx":
            response = HttpResponse(
                impact_report.export_xlsx(report),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            return HttpResponse(status=404)
        response["Content-Disposition"] = f'attachment; filename="impact-{report.pk}.{fmt}"'
        return response


@admin.register(ImpactReport)
class ImpactReportAdmin(admin.ModelAdmin):
    """Every stored report, for programme admins to find and cite one; each opens on its report page."""

    list_display = (
        "id",
        "kind",
        "to_code",
        "from_key",
        "as_of",
        "district",
        "cluster",
        "status",
        "created_by",
        "created_at",
        "open",
    )
    list_filter = ("kind", "status")
    search_fields = ("to_code", "from_code")
    list_select_related = ("created_by",)

    def has_module_permission(self, request):
        return may_run_reports(request.user)

    def has_view_permission(self, request, obj=None):
        return may_run_reports(request.user)

    def has_add_permission(self, request):
        return False  # reports are asked for on a version's page (预览影响, 阈值扫描)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("报告"))
    def open(self, obj: ImpactReport):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:cultivation_ruleset_report", args=[obj.pk]), _("查看")
        )
