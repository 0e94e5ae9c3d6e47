"""Listing tracks in the admin (P14). The add page opens a track and the change page moves it forward,
both through ``advance_listing`` (order, dates, audit, the firm's listing and stage, the caseworkers'
alert); the board, securities code and note are edited through ``edit_listing_details``. Nothing typed
here writes a stage or a stage's day directly."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import ScopedAdminMixin

from ..listing_imports import ListingTrackResource
from ..models import ListingTrack
from ..models.listing import NOTE_MAX_LENGTH, STAGE_DATE_FIELDS
from ..rules.listing import BOARD_CHOICES, LISTING_STAGE_CHOICES
from ..services.listing import advance_listing, check_board_change, check_move, edit_listing_details
from .file_imports import PreviewImportMixin
from .service_forms import ScopedFirmForm, service_form_page, show_on_form

OPEN_INTRO = _(
    "为企业建立上市培育档案：选择拟上市板块、当前所处阶段及进入该阶段的日期。此后阶段只能按"
    "上市培育 → 辅导备案 → 申报受理 → 审核通过/注册 → 上市 的顺序向前推进（可跳过），日期不能晚于今天。"
    "在沪深主板、创业板、科创板或北交所上市后，企业标记为已上市，发展阶段随之进入跨越期。"
)
BLANK = [("", "---------")]


class OpenTrackForm(ScopedFirmForm):
    firm_of = ListingTrack
    board = forms.ChoiceField(label=_("拟上市板块"), choices=BLANK + BOARD_CHOICES)
    stage = forms.ChoiceField(label=_("当前阶段"), choices=LISTING_STAGE_CHOICES)
    on = forms.DateField(label=_("进入该阶段日期"), widget=AdminDateWidget, initial=timezone.localdate)
    stock_code = forms.CharField(label=_("证券代码"), required=False, max_length=12)
    note = forms.CharField(label=_("备注"), required=False, max_length=NOTE_MAX_LENGTH)


def open_view(model_admin, request):
    """GET: the form; POST: ``advance_listing``, with its refusals on the form (nothing saved)."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = OpenTrackForm(data, user=request.user, admin_site=model_admin.admin_site)
    if form.is_bound and form.is_valid():
        if ListingTrack.objects.filter(firm=form.cleaned_data["firm"]).exists():
            form.add_error("firm", _("该企业已有上市培育档案，请在档案中推进阶段。"))
        else:
            try:
                track = advance_listing(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                show_on_form(form, error)
            else:
                model_admin.log_addition(request, track, [{"added": {}}])
                messages.success(request, _("已建立上市培育档案：%(track)s。") % {"track": track})
                return redirect(reverse("admin:cultivation_listingtrack_change", args=[track.pk]))
    return service_form_page(
        model_admin, request, form, title=_("建立上市培育档案"), intro=OPEN_INTRO, submit=_("建立")
    )


class TrackChangeForm(forms.ModelForm):
    """The board, code and note as fields; moving forward as two optional fields the service judges."""

    advance_to = forms.ChoiceField(
        label=_("推进至阶段"), choices=BLANK + LISTING_STAGE_CHOICES, required=False
    )
    advance_on = forms.DateField(label=_("进入该阶段日期"), widget=AdminDateWidget, required=False)
    change_reason = forms.CharField(
        label=_("修改原因"), required=False, max_length=100, help_text=_("记录在变更历史中，便于追溯。")
    )

    class Meta:
        model = ListingTrack
        fields = ("board", "stock_code", "note")

    def clean(self):
        cleaned = super().clean()
        stage, on = cleaned.get("advance_to"), cleaned.get("advance_on")
        stored = ListingTrack.objects.select_related("firm").get(pk=self.instance.pk)
        if "board" in self.changed_data:
            try:
                check_board_change(stored)
            except ValidationError as error:
                self.add_error("board", error.message_dict["board"])
        if stage and not on:
            self.add_error("advance_on", _("推进阶段时请填写进入该阶段的日期。"))
        elif on and not stage:
            self.add_error("advance_to", _("请选择要推进到的阶段。"))
        elif stage and on:
            try:
                check_move(stored, stage, on, stored.firm)
            except ValidationError as error:
                for field, reasons in error.message_dict.items():
                    self.add_error({"stage": "advance_to", "on": "advance_on"}.get(field), reasons)
        return cleaned


@admin.register(ListingTrack)
class ListingTrackAdmin(PreviewImportMixin, ScopedAdminMixin, SimpleHistoryAdmin, ImportExportModelAdmin):
    form = TrackChangeForm
    resource_classes = [ListingTrackResource]
    list_display = ("firm", "board", "stage", "stage_since", "stock_code", "pool_path")
    list_select_related = ("firm", "firm__pool_membership")
    list_filter = ("stage", "board", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code", "stock_code")
    readonly_fields = ("firm", "stage", *STAGE_DATE_FIELDS.values())
    fieldsets = (
        (None, {"fields": ("firm", "board", "stage", *STAGE_DATE_FIELDS.values(), "stock_code", "note")}),
        (_("推进阶段"), {"fields": ("advance_to", "advance_on", "change_reason")}),
    )

    @admin.display(description=_("进入当前阶段日期"))
    def stage_since(self, obj: ListingTrack):
        return obj.stage_since or "—"

    @admin.display(description=_("帮扶库倍增状态"))
    def pool_path(self, obj: ListingTrack):
        """A pool member's doubling path next to its listing stage (P8)."""
        member = getattr(obj.firm, "pool_membership", None)
        return member.get_status_display() if member else "—"

    def has_delete_permission(self, request, obj=None):
        return False  # the road travelled is kept; a track only moves forward

    def add_view(self, request, form_url="", extra_context=None):
        return open_view(self, request)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        reason = data.get("change_reason") or ""
        details = {"board": obj.board, "stock_code": obj.stock_code, "note": obj.note, "reason": reason}
        stored = ListingTrack.objects.get(pk=obj.pk)
        if data.get("advance_to"):
            track = advance_listing(
                firm=stored.firm,
                stage=data["advance_to"],
                on=data["advance_on"],
                actor=request.user,
                **details,
            )
        else:
            track = edit_listing_details(track=stored, actor=request.user, **details)
        obj.__dict__.update({name: getattr(track, name) for name in ("stage", *STAGE_DATE_FIELDS.values())})
