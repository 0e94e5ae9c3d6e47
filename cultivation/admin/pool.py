"""The pool member admin's add page: admission through ``admit_to_pool``, never a typed baseline.

The page asks for the firm, the admission day and, for a firm that fails the entry rule, the city's
override reason. The service judges the entry rule on that day, takes the baseline from the firm's
figures for the year before and refuses what it must; its refusals appear on the form, nothing saved.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import PoolMembership
from ..services import admit_to_pool
from ..services.pool import OVERRIDE_REASON_MAX_LENGTH
from .service_forms import ScopedFirmForm, service_form_page, show_on_form

ADMIT_INTRO = _(
    "入库时按入库日期生效的规则集评估入库条件（研发投入强度、Ⅰ类知识产权、产业链作用和未来产业领域等）。"
    "入库年度为入库日期所在年度，基准年度为其前一年，基准营业收入取该企业已录入的基准年度数据，不能手工填写；"
    "缺少该年度数据时须先录入。不符合入库条件的企业只能由市级经办人或项目管理员填写破格入库理由后入库。"
)


class AdmitToPoolForm(ScopedFirmForm):
    """What an admission needs: the cohort and baseline follow from the day and the firm's figures."""

    firm_of = PoolMembership
    entered_on = forms.DateField(label=_("入库日期"), widget=AdminDateWidget, initial=timezone.localdate)
    override_reason = forms.CharField(
        label=_("破格入库理由"),
        required=False,
        max_length=OVERRIDE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("仅当企业不符合入库条件时填写，且仅市级经办人或项目管理员可以破格入库；理由显示在成员记录和变更历史中。"),
    )


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
            show_on_form(form, error)
        else:
            # The admin's history page shows the same words as the audit trail (the override reason).
            model_admin.log_addition(request, member, member._change_reason)
            messages.success(
                request,
                _("“%(firm)s”已入库（%(year)d 年批次），基准营业收入 %(baseline)s 万元。")
                % {"firm": member.firm.name, "year": member.cohort_year, "baseline": member.baseline_revenue},
            )
            return redirect(reverse("admin:cultivation_poolmembership_change", args=[member.pk]))
    return service_form_page(
        model_admin,
        request,
        form,
        title=_("办理帮扶库入库"),
        intro=ADMIT_INTRO,
        submit=_("入库"),
    )
