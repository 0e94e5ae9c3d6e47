"""The designation admin's add page: record a designation granted before Tiermark, through the service.

A designation is a published decision, so the admin never saves one from a model form: the add page asks
for the firm, tier, grant date, batch and a reason, and calls ``record_historical_designation``, which
checks the actor, the ladder and overlaps and computes the expiry. Designations granted through the
workflow come from ``designate``; nothing typed here sets an expiry date or a status.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Designation
from ..services import record_historical_designation
from ..services.designations import BATCH_MAX_LENGTH, RECORD_REASON_MAX_LENGTH
from ..tiers import DESIGNATION_TIER_CHOICES
from .service_forms import ScopedFirmForm, service_form_page, show_on_form

RECORD_INTRO = _(
    "本页仅用于补录在本系统之外（如系统启用前）已作出的认定。经本系统申请、评审和公示的认定由流程自动生成。"
    "有效期按称号的有效期限自动计算；前提称号须已在册。"
)


class RecordDesignationForm(ScopedFirmForm):
    """What a historical designation needs; the expiry is the tier's validity, never an input."""

    firm_of = Designation
    tier = forms.ChoiceField(label=_("称号"), choices=[("", "---------"), *DESIGNATION_TIER_CHOICES])
    granted_on = forms.DateField(label=_("认定日期"), widget=AdminDateWidget)
    batch = forms.CharField(
        label=_("批次"),
        required=False,
        max_length=BATCH_MAX_LENGTH,
        help_text=_("原认定的批次或文件文号，如“2021年第一批”。"),
    )
    reason = forms.CharField(
        label=_("补录原因"),
        max_length=RECORD_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("记录在变更历史中：该称号由何机关、依何文件认定，为何未经本系统流程。"),
    )


def record_view(model_admin, request):
    """GET: the form; POST: the service, with its refusals shown on the form (nothing saved)."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = RecordDesignationForm(data, user=request.user, admin_site=model_admin.admin_site)
    if form.is_bound and form.is_valid():
        try:
            designation = record_historical_designation(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            model_admin.log_addition(request, designation, [{"added": {}}])
            messages.success(
                request,
                _("已补录“%(designation)s”，有效期至 %(day)s。")
                % {"designation": designation, "day": designation.expires_on},
            )
            return redirect(reverse("admin:cultivation_designation_change", args=[designation.pk]))
    return service_form_page(
        model_admin,
        request,
        form,
        title=_("补录历史认定"),
        intro=RECORD_INTRO,
        submit=_("补录"),
    )
