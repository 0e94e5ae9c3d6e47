"""The pool member admin's add page: admission through ``admit_to_pool``, never a typed baseline.

The page asks for the firm, the admission day and, for a firm that fails the entry rule, the city's
override reason. The service judges the entry rule on that day, takes the baseline from the firm's
figures for the year before and refuses what it must; its refusals appear on the form, nothing saved.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminDateWidget, ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Firm

from ..models import PoolMembership
from ..services import admit_to_pool
from ..services.pool import OVERRIDE_REASON_MAX_LENGTH


class AdmitToPoolForm(forms.Form):
    """What an admission needs: the cohort and baseline follow from the day and the firm's figures."""

    firm = forms.ModelChoiceField(label=_("企业"), queryset=Firm.objects.none())
    entered_on = forms.DateField(label=_("入库日期"), widget=AdminDateWidget, initial=timezone.localdate)
    override_reason = forms.CharField(
        label=_("破格入库理由"),
        required=False,
        max_length=OVERRIDE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("仅当企业不符合入库条件时填写，且仅市级经办人或项目管理员可以破格入库；理由显示在成员记录和变更历史中。"),
    )

    def __init__(self, *args, user, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["firm"]
        field.queryset = Firm.objects.visible_to(user)
        field.widget = ForeignKeyRawIdWidget(PoolMembership._meta.get_field("firm").remote_field, admin_site)


def admit_view(model_admin, request):
    """GET: the form; POST: the service, with its refusals shown on the form (nothing saved)."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = AdmitToPoolForm(data, user=request.user, admin_site=model_admin.admin_site)
    if form.is_bound and form.is_valid():
        try:
            member = admit_to_pool(actor=request.user, **form.cleaned_data)
        except PermissionDenied as refused:
            form.add_error("override_reason" if form.cleaned_data["override_reason"] else None, str(refused))
        except ValidationError as error:
            _show_on_form(form, error)
        else:
            # The admin's history page shows the same words as the audit trail (the override reason).
            model_admin.log_addition(request, member, member._change_reason)
            messages.success(
                request,
                _("“%(firm)s”已入库（%(year)d 年批次），基准营业收入 %(baseline)s 万元。")
                % {"firm": member.firm.name, "year": member.cohort_year, "baseline": member.baseline_revenue},
            )
            return redirect(reverse("admin:cultivation_poolmembership_change", args=[member.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "form": form,
        "media": model_admin.media + form.media,
        "title": _("办理帮扶库入库"),
    }
    return TemplateResponse(request, "admin/cultivation/poolmembership/admit.html", context)


def _show_on_form(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)
