"""Admin for rule sets (read-only, new versions by derivation), attestations and disqualifications.

Permissions follow roles rather than per-model grants: programme staff read
rule sets; caseworkers decide attestations and record disqualifications for
the firms in their scope; only programme admins publish rule-set versions.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from registry.admin import ScopedAdminMixin
from registry.roles import can_edit_register, is_programme_staff

from ..models import Attestation, Disqualification, RuleSet
from ..services import (
    decide_attestation,
    derive_rule_set,
    lift_disqualification,
    publish_rule_set,
    record_disqualification,
    update_draft,
)
from ..worked_cases import CaseFileError, cases_for, load_text, run_cases, summary, table
from .impact import impact_urls


class RoleGatedAdmin(admin.ModelAdmin):
    """Programme staff may look; ``can_write`` decides who may change."""

    def has_module_permission(self, request):
        return is_programme_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_programme_staff(request.user)

    def can_write(self, request) -> bool:
        return can_edit_register(request.user)

    def has_add_permission(self, request):
        return self.can_write(request)

    def has_change_permission(self, request, obj=None):
        return self.can_write(request)

    def has_delete_permission(self, request, obj=None):
        return False


class DeriveRuleSetForm(forms.Form):
    code = forms.CharField(label=_("新版本代码"), max_length=40, help_text=_("例如 CQ-2027"))
    effective_from = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    title = forms.CharField(label=_("名称"), max_length=200, required=False)
    note = forms.CharField(label=_("调整说明"), widget=forms.Textarea(attrs={"rows": 3}))
    overrides = forms.CharField(
        label=_("阈值调整（JSON）"),
        widget=forms.Textarea(attrs={"rows": 8, "style": "font-family: monospace"}),
        help_text=_('按“称号.条件”填写要修改的参数，例如 {"srdi_sme.rd_expense": {"min_expense": "120"}}'),
    )

    def clean_overrides(self):
        try:
            value = json.loads(self.cleaned_data["overrides"])
        except json.JSONDecodeError as error:
            raise ValidationError(_("不是有效的 JSON：%(error)s") % {"error": error}) from error
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            raise ValidationError(_('应为 {"称号.条件": {"参数": 值}} 的形式。'))
        return value


class DraftForm(DeriveRuleSetForm):
    """A draft's editable part: everything the derive form takes but its code."""

    code = None


class CaseFileForm(forms.Form):
    MAX_BYTES = 1024 * 1024

    file = forms.FileField(
        label=_("示例案例文件（YAML）"),
        help_text=_("格式见 cultivation/rules/cases/README.md；文件中的案例按本版本评价。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("文件不能超过 1 MB。"))
        try:
            return upload.name, upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(_("文件须为 UTF-8 编码的文本。")) from error


@admin.register(RuleSet)
class RuleSetAdmin(RoleGatedAdmin):
    list_display = (
        "code",
        "jurisdiction",
        "title",
        "effective_from",
        "status",
        "provisional",
        "builtin",
        "based_on",
    )
    list_filter = ("jurisdiction", "status")
    list_select_related = ("based_on",)
    readonly_fields = (
        "code",
        "jurisdiction",
        "title",
        "effective_from",
        "status",
        "provisional",
        "builtin",
        "based_on",
        "overrides",
        "note",
        "created_by",
        "created_at",
        "published_by",
        "published_at",
        "thresholds",
    )
    fields = readonly_fields

    def can_write(self, request) -> bool:
        return request.user.is_superuser

    def get_queryset(self, request):
        """Drafts are the programme admins' own until published (issue 16)."""
        records = super().get_queryset(request)
        return records if request.user.is_superuser else records.published()

    def has_add_permission(self, request):
        return False  # new versions come from "derive", never from a blank form

    def has_change_permission(self, request, obj=None):
        return False  # a published version is never edited

    @admin.display(description=_("条件与阈值"))
    def thresholds(self, obj: RuleSet):
        return render_to_string("admin/cultivation/ruleset/thresholds.html", {"definition": obj.definition})

    def get_urls(self):
        derive = self.admin_site.admin_view(self.derive_view)
        cases = self.admin_site.admin_view(self.cases_view)
        edit = self.admin_site.admin_view(self.edit_draft_view)
        publish = self.admin_site.admin_view(self.publish_view)
        return [
            path("<int:pk>/derive/", derive, name="cultivation_ruleset_derive"),
            path("<int:pk>/draft/", edit, name="cultivation_ruleset_draft"),
            path("<int:pk>/publish/", publish, name="cultivation_ruleset_publish"),
            *impact_urls(self),
            path("<int:pk>/cases/", cases, name="cultivation_ruleset_cases"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {**(extra_context or {}), "can_derive": request.user.is_superuser}
        record = self.get_object(request, object_id)
        extra["is_draft"] = record is not None and record.is_draft
        return super().change_view(request, object_id, form_url, extra)

    def cases_view(self, request, pk: int):
        """Run worked cases against this version: its own file, else its nearest parent's, or an uploaded one.

        Read-only (evaluations only), so every staff member who may read rule sets may run them; a
        programme admin checks a derived version against the firms it should move before it takes effect.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        record = get_object_or_404(self.get_queryset(request).select_related("based_on"), pk=pk)
        form = CaseFileForm(request.POST or None, request.FILES or None)
        source, cases = None, []
        if request.method == "POST" and form.is_valid():
            name, text = form.cleaned_data["file"]
            try:
                cases = load_text(text, name)[1]
                source = name
            except CaseFileError as error:
                form.add_error("file", str(error))
        else:
            source, cases = cases_for(record.code, self._parents(record))
        outcomes = run_cases(cases, record.code)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "record": record,
            "form": form,
            "source": source,
            "rows": table(outcomes),
            "summary": summary(outcomes) if outcomes else "",
            "failed": any(not outcome.passed for outcome in outcomes),
            "title": _("运行示例案例：%(code)s") % {"code": record.code},
        }
        return TemplateResponse(request, "admin/cultivation/ruleset/cases.html", context)

    @staticmethod
    def _parents(record: RuleSet) -> list[str]:
        """Codes of the versions ``record`` derives from, nearest first (a derived version has no file)."""
        codes, seen = [], {record.pk}
        parent = record.based_on
        while parent is not None and parent.pk not in seen:
            codes.append(parent.code)
            seen.add(parent.pk)
            parent = parent.based_on
        return codes

    def derive_view(self, request, pk: int):
        """A new version with changed thresholds (P1), published at once or saved as a draft (issue 16)."""
        if not request.user.is_superuser:
            raise PermissionDenied
        base = get_object_or_404(RuleSet.objects.published(), pk=pk)
        form = DeriveRuleSetForm(request.POST or None)
        draft = "_draft" in request.POST
        if request.method == "POST" and form.is_valid():
            try:
                record = derive_rule_set(base=base, actor=request.user, draft=draft, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                done = _("已保存草稿 %(code)s。") if draft else _("已发布规则集 %(code)s。")
                messages.success(request, done % {"code": record.code})
                return redirect(reverse("admin:cultivation_ruleset_change", args=[record.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "base": base,
            "form": form,
            "title": _("基于 %(code)s 创建新版本") % {"code": base.code},
        }
        return TemplateResponse(request, "admin/cultivation/ruleset/derive.html", context)

    def edit_draft_view(self, request, pk: int):
        """Change a draft's thresholds, date, title or note (``update_draft``, kept in its history)."""
        if not request.user.is_superuser:
            raise PermissionDenied
        record = get_object_or_404(RuleSet.objects.drafts().select_related("based_on"), pk=pk)
        initial = {
            "effective_from": record.effective_from,
            "title": record.title,
            "note": record.note,
            "overrides": json.dumps(record.overrides, ensure_ascii=False, indent=2),
        }
        form = DraftForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                update_draft(record=record, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("已保存草稿 %(code)s。") % {"code": record.code})
                return redirect(reverse("admin:cultivation_ruleset_change", args=[record.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "base": record,
            "form": form,
            "editing": True,
            "title": _("修改草稿 %(code)s") % {"code": record.code},
        }
        return TemplateResponse(request, "admin/cultivation/ruleset/derive.html", context)

    def publish_view(self, request, pk: int):
        """Publish a draft after a confirmation page: it applies from its date, fixed from then on."""
        if not request.user.is_superuser:
            raise PermissionDenied
        record = get_object_or_404(RuleSet.objects.drafts(), pk=pk)
        if request.method != "POST":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "record": record,
                "title": _("发布规则集 %(code)s") % {"code": record.code},
            }
            return TemplateResponse(request, "admin/cultivation/ruleset/publish.html", context)
        try:
            publish_rule_set(record=record, actor=request.user)
        except ValidationError as error:
            for line in error.messages:
                messages.error(request, line)
        else:
            messages.success(request, _("已发布规则集 %(code)s。") % {"code": record.code})
        return redirect(reverse("admin:cultivation_ruleset_change", args=[record.pk]))


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("不通过原因"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Attestation)
class AttestationAdmin(ScopedAdminMixin, RoleGatedAdmin):
    list_display = ("firm", "code", "status", "claimed_at", "evidence_link", "decided_by")
    list_select_related = ("firm", "decided_by")
    list_filter = ("status", "code", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code")
    raw_id_fields = ("firm",)
    readonly_fields = ("status", "claimed_by", "claimed_at", "decided_by", "decided_at", "decision_reason")
    actions = ["confirm_selected", "reject_selected"]

    @admin.display(description=_("证明材料"))
    def evidence_link(self, obj: Attestation):
        if not obj.evidence:
            return "—"
        # Through the access-checked view: MEDIA_URL is not served, evidence is never public.
        return format_html('<a href="{}">{}</a>', reverse("portal:evidence", args=[obj.pk]), _("查看"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.claimed_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("确认所选佐证事项"))
    def confirm_selected(self, request, queryset):
        self._decide(request, queryset, confirm=True, reason="")

    @admin.action(description=_("不通过所选佐证事项（需填写原因）"))
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._decide(request, queryset, confirm=False, reason=form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": "reject_selected",
            "title": _("填写不通过原因"),
        }
        return TemplateResponse(request, "admin/cultivation/attestation/reject.html", context)

    def _decide(self, request, queryset, *, confirm: bool, reason: str) -> None:
        done, refused = 0, []
        for attestation in queryset.select_related("firm"):
            try:
                decide_attestation(
                    attestation=attestation, confirm=confirm, actor=request.user, reason=reason
                )
                done += 1
            except (ValidationError, PermissionDenied) as error:
                refused.append(f"{attestation}: {'; '.join(getattr(error, 'messages', [str(error)]))}")
        if done:
            messages.success(request, _("已处理 %(count)d 项。") % {"count": done})
        for line in refused:
            messages.warning(request, line)


@admin.register(Disqualification)
class DisqualificationAdmin(ScopedAdminMixin, RoleGatedAdmin):
    list_display = ("firm", "code", "bar_period", "occurred_on", "lifted_on", "bars_until", "recorded_by")
    list_select_related = ("firm", "recorded_by")
    list_filter = ("code", "lifted_on", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code")
    raw_id_fields = ("firm",)
    readonly_fields = ("bar_period", "bars_until", "recorded_by", "recorded_at")

    @admin.display(description=_("否决期间"))
    def bar_period(self, obj: Disqualification):
        """列入名录期间 (a listing, until lifted) or 事件发生后三年内 (an event): the code decides."""
        return obj.bar_kind.label if obj.code else "—"

    @admin.display(description=_("不再否决日期"))
    def bars_until(self, obj: Disqualification):
        if not obj.code or not obj.occurred_on:
            return "—"
        return obj.bars_until or _("解除前一直否决")

    def save_model(self, request, obj, form, change):
        """Recording and lifting go through their services (scope, validation, audit reason), as in the API;
        the form has already shown the model's own refusals. Other corrections are saved as typed."""
        if not change:
            saved = record_disqualification(
                firm=obj.firm,
                code=obj.code,
                occurred_on=obj.occurred_on,
                reason=obj.reason,
                actor=request.user,
            )
            obj.pk, obj.recorded_by, obj.recorded_at = saved.pk, saved.recorded_by, saved.recorded_at
            return
        if obj.lifted_on is None or form.initial.get("lifted_on") is not None:
            super().save_model(request, obj, form, change)
            return
        lifted_on, reason = obj.lifted_on, obj.lifted_reason
        obj.lifted_on, obj.lifted_reason = None, form.initial.get("lifted_reason", "")
        if set(form.changed_data) - {"lifted_on", "lifted_reason"}:
            super().save_model(request, obj, form, change)
        lift_disqualification(disqualification=obj, reason=reason, lifted_on=lifted_on, actor=request.user)
        obj.lifted_on, obj.lifted_reason = lifted_on, reason
