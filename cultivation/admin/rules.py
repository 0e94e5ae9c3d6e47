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
from ..services import decide_attestation, derive_rule_set


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
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
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
            raise ValidationError(_("应为 {\"称号.条件\": {\"参数\": 值}} 的形式。"))
        return value


@admin.register(RuleSet)
class RuleSetAdmin(RoleGatedAdmin):
    list_display = ("code", "title", "effective_from", "provisional", "builtin", "based_on")
    list_select_related = ("based_on",)
    readonly_fields = (
        "code",
        "title",
        "effective_from",
        "provisional",
        "builtin",
        "based_on",
        "note",
        "created_by",
        "created_at",
        "thresholds",
    )
    fields = readonly_fields

    def can_write(self, request) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False  # new versions come from "derive", never from a blank form

    def has_change_permission(self, request, obj=None):
        return False  # a published version is never edited

    @admin.display(description=_("条件与阈值"))
    def thresholds(self, obj: RuleSet):
        return render_to_string("admin/cultivation/ruleset/thresholds.html", {"definition": obj.definition})

    def get_urls(self):
        derive = self.admin_site.admin_view(self.derive_view)
        return [path("<int:pk>/derive/", derive, name="cultivation_ruleset_derive"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {**(extra_context or {}), "can_derive": request.user.is_superuser}
        return super().change_view(request, object_id, form_url, extra)

    def derive_view(self, request, pk: int):
        """Publish a new version with changed thresholds (P1); the base version stays as it was."""
        if not request.user.is_superuser:
            raise PermissionDenied
        base = get_object_or_404(RuleSet, pk=pk)
        form = DeriveRuleSetForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                record = derive_rule_set(base=base, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("已发布规则集 %(code)s。") % {"code": record.code})
                return redirect(reverse("admin:cultivation_ruleset_change", args=[record.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "base": base,
            "form": form,
            "title": _("基于 %(code)s 创建新版本") % {"code": base.code},
        }
        return TemplateResponse(request, "admin/cultivation/ruleset/derive.html", context)


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
    list_display = ("firm", "code", "occurred_on", "lifted_on", "recorded_by")
    list_select_related = ("firm", "recorded_by")
    list_filter = ("code", "lifted_on", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code")
    raw_id_fields = ("firm",)
    readonly_fields = ("recorded_by", "recorded_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
