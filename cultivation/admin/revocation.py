"""The designation admin's "revoke" action: ask for the reason, then call ``revoke_designation``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..services import revoke_designation
from ..workflow import TransitionConflict


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销原因"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如发生重大安全、质量、环境事故，严重失信，偷漏税或数据造假等（暂行办法第十六条）。"),
    )


def revoke_selected(model_admin, request, queryset):
    """Intermediate page with the reason; each designation is revoked in its own transaction."""
    form = RevokeForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        _revoke(request, queryset, form.cleaned_data["reason"])
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "queryset": queryset,
        "form": form,
        "action": "revoke_selected",
        "title": _("撤销称号"),
    }
    return TemplateResponse(request, "admin/cultivation/designation/revoke.html", context)


def _revoke(request, queryset, reason: str) -> None:
    done, refused = 0, []
    for designation in queryset.select_related("firm"):
        try:
            revoke_designation(designation=designation, reason=reason, actor=request.user)
            done += 1
        except (ValidationError, PermissionDenied, TransitionConflict) as error:
            refused.append(f"{designation}: {'; '.join(getattr(error, 'messages', None) or [str(error)])}")
    if done:
        messages.success(request, _("已撤销 %(count)d 项称号。") % {"count": done})
    for line in refused:
        messages.warning(request, line)
