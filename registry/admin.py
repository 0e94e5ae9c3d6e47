"""The caseworkers' admin for the register: firms with their figures, districts, clusters, users."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .admin_history import figures_history
from .admin_imports import BackgroundImportMixin
from .admin_lists import FiguresOfYearFilter, fiscal_year, search_firms
from .file_formats import EXPORT_FORMATS, IMPORT_FORMATS
from .forms import CheckedImportForm, ExportForm
from .models import (
    FIGURE_FIELDS,
    FIRM_FIELDS,
    AnnualFigures,
    Cluster,
    District,
    Firm,
    FrozenFiguresError,
    User,
)
from .name_search import sorts_matches
from .number_fields import NumberFieldsMixin
from .pagination import EstimatedCountPaginator
from .resources import AnnualFiguresResource, FirmResource
from .roles import can_edit_register, scope_of
from .services import delete_figures, districts_for_firms_of, save_figures, save_firm
from .versioned_forms import VersionedFormMixin

admin.site.site_header = _("Tiermark 优质企业梯度培育管理")
admin.site.site_title = _("Tiermark")
admin.site.index_title = _("管理首页")


class ReasonFormMixin(forms.ModelForm):
    """Adds the optional "reason for this change" recorded in the audit trail."""

    change_reason = forms.CharField(
        label=_("修改原因"),
        required=False,
        max_length=100,
        help_text=_("记录在变更历史中，便于追溯。"),
    )


FIGURE_FORM_FIELDS = ("year", *FIGURE_FIELDS, "audited")


class FirmForm(VersionedFormMixin, ReasonFormMixin):
    class Meta:
        model = Firm
        fields = FIRM_FIELDS


def checked_id(field, raw: str):
    """``raw`` as a value of ``field`` (type and range), or 404: a malformed id in an admin URL
    (``/history/abc/``) reaching a query would be a 500."""
    try:
        return field.clean(unquote(raw), None)
    except ValidationError:
        raise Http404 from None


class CheckedHistoryIdsMixin:
    """simple-history's history pages pass the record and version ids from the URL straight to a
    query: a malformed or out-of-range one answers 404 here, never a 500 (issue 14)."""

    def history_view(self, request, object_id, extra_context=None):
        checked_id(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        checked_id(self.model._meta.pk, object_id)
        checked_id(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedHistoryMixin(CheckedHistoryIdsMixin):
    """simple-history's history pages look the record up without ``get_queryset`` (falling back to the
    history table), so a record outside the user's scope would show its history and could be reverted
    to an old version: refuse it (404) like every other page of a record the user cannot see."""

    def _history_in_scope(self, request, object_id) -> None:
        pk = checked_id(self.model._meta.pk, object_id)
        if self.get_queryset(request).filter(pk=pk).exists():
            return
        if scope_of(request.user).everything and not self.model._default_manager.filter(pk=pk).exists():
            return  # a deleted record: its history stays open to those who see everything
        raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._history_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._history_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedAdminMixin(ScopedHistoryMixin):
    """Querysets through ``visible_to``; writes only by caseworkers inside their scope."""

    import_form_class = CheckedImportForm  # the upload's content must match the chosen format
    export_form_class = ExportForm
    import_formats = IMPORT_FORMATS  # XLSX and CSV only (registry.file_formats)
    export_formats = EXPORT_FORMATS

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit_register(request.user)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and can_edit_register(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_edit_register(request.user)

    def has_import_permission(self, request):
        """Only those who maintain the register load files into it (import-export allows anyone)."""
        return super().has_import_permission(request) and can_edit_register(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A record can only be attached to a firm the user sees (the raw-id box accepts any id)."""
        if db_field.name == "firm" and db_field.related_model is Firm:
            kwargs.setdefault("queryset", Firm.objects.visible_to(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}


class FiguresYearFilter(admin.SimpleListFilter):
    """Which fiscal years a firm has reported, and who is missing last year's figures."""

    title = _("年度数据")
    parameter_name = "figures_year"

    def lookups(self, request, model_admin):
        last = timezone.localdate().year - 1
        options = [("missing", _("缺少 %(year)d 年度数据") % {"year": last})]
        years = range(last, last - 5, -1)
        return options + [(str(y), _("有 %(year)d 年度数据") % {"year": y}) for y in years]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        last = timezone.localdate().year - 1
        year = last if value == "missing" else fiscal_year(value)
        has_year = Exists(AnnualFigures.objects.filter(firm=OuterRef("pk"), year=year))
        return queryset.filter(~has_year if value == "missing" else has_year)


class UnfrozenFiguresFormSet(BaseInlineFormSet):
    """The editable figures of a firm: a frozen year among them is refused by name, never a 500.

    The page lists only unfrozen years here, but a POST is checked against every year of the firm,
    so a year frozen since the page was drawn, or a forged id, is an error on the form. The rows are
    locked (the admin's change view runs in one transaction) so no submission freezes them between
    this check and the save.
    """

    def clean(self) -> None:
        super().clean()
        ids = [form.instance.pk for form in self.initial_forms if form.instance.pk]
        frozen = {row.pk: row for row in AnnualFigures.objects.filter(pk__in=ids).for_write() if row.frozen}
        deleted = [
            frozen[f.instance.pk]
            for f in self.initial_forms
            if f.instance.pk in frozen and self._should_delete_form(f)
        ]
        if deleted:  # an edit is refused by the row's own clean(), under the same lock
            raise FrozenFiguresError.deleting(deleted)


class InlineFiguresForm(NumberFieldsMixin, VersionedFormMixin):
    """A year on the firm's page: a year changed by someone else since the page was drawn is refused."""

    class Meta:
        model = AnnualFigures
        fields = FIGURE_FORM_FIELDS


class AnnualFiguresInline(admin.StackedInline):
    """The years still open to correction; frozen years are shown, read-only, by ``FrozenFiguresInline``.

    One block per year with its figures in a wrapping grid (static/tiermark/admin.css): a table of
    sixteen input columns was twice as wide as a laptop's screen.
    """

    model = AnnualFigures
    classes = ("figures-grid",)
    form = InlineFiguresForm
    formset = UnfrozenFiguresFormSet
    extra = 0
    fields = ("version", *FIGURE_FORM_FIELDS)
    ordering = ("-year",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.method == "POST" else queryset.filter(frozen=False)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit_register(request.user)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and can_edit_register(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_edit_register(request.user)


class FrozenFiguresInline(admin.TabularInline):
    """Years an application was judged on (P9): values as text, no inputs, no delete box."""

    model = AnnualFigures
    verbose_name = _("已冻结的年度数据")
    verbose_name_plural = _("已冻结的年度数据（评审依据，不可修改或删除）")
    fields = (*FIGURE_FORM_FIELDS, "frozen_reason")
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    ordering = ("-year",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(frozen=True)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Firm)
class FirmAdmin(BackgroundImportMixin, ScopedAdminMixin, SimpleHistoryAdmin, ImportExportModelAdmin):
    form = FirmForm
    resource_classes = [FirmResource]
    list_display = ("name", "credit_code", "district", "cluster", "stage", "sector", "founded_on")
    list_select_related = ("district", "cluster")
    list_filter = (
        "district",
        "cluster__level",
        "cluster",
        "stage",
        "sector",
        "is_listed",
        FiguresYearFilter,
    )
    search_fields = ("name", "=credit_code")
    search_help_text = _("按企业名称或完整的统一社会信用代码搜索")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    ordering = ("name",)
    readonly_fields = ("stage", "created_at", "updated_at")
    autocomplete_fields = ()
    inlines = [AnnualFiguresInline, FrozenFiguresInline]
    object_history_template = "admin/registry/firm/object_history.html"
    fieldsets = (
        (None, {"fields": ("credit_code", "credit_code_override", "name", "district", "cluster")}),
        (
            _("经营信息"),
            {
                "fields": (
                    "founded_on",
                    ("niche_since", "niche_since_month"),
                    "sector",
                    "strategic_emerging",
                    "is_listed",
                    "stage",
                )
            },
        ),
        (_("联系方式"), {"fields": ("contact_name", "contact_phone", "contact_email", "address")}),
        (_("修改原因"), {"fields": ("change_reason", "version")}),
        (_("记录"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def history_view(self, request, object_id, extra_context=None):
        """The firm's history, then its figures' changes (edited on this page, recorded per year)."""
        pk = checked_id(self.model._meta.pk, object_id)
        context = {"figures_history": figures_history(pk), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def get_search_results(self, request, queryset, search_term):
        """Name or exact credit code, through the indexes (``registry.name_search.search_firms``)."""
        return search_firms(queryset, search_term), False

    def get_ordering(self, request):
        """By name; for a search with few matches, by name with "nulls first" (names are never null, so the
        order is the same) so that PostgreSQL sorts the matches read from the bigram or trigram index instead
        of walking the name index until a page of them turns up — 277,000 firms for 巴山 at a million
        (``registry.name_search.sorts_matches``)."""
        if sorts_matches(self.model.objects.db, request.GET.get(SEARCH_VAR, "")):
            return (F("name").asc(nulls_first=True),)
        return super().get_ordering(request)

    def get_inline_instances(self, request, obj=None):
        """The frozen years' table only for a firm that has some (one query on its change page)."""
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and obj.figures.filter(frozen=True).exists():
            return inlines
        return [inline for inline in inlines if not isinstance(inline, FrozenFiguresInline)]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A district caseworker can only put firms in their own district."""
        if db_field.name == "district":
            kwargs["queryset"] = districts_for_firms_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason") or ""
        save_firm(obj, user=request.user, reason=reason, expected_version=form.expected_version())

    def save_formset(self, request, form, formset, change):
        """The firm's years through the register's service, deletions first (as Django's own save)."""
        reason = form.cleaned_data.get("change_reason") or ""
        if formset.model is not AnnualFigures:  # the programme's inlines (read-only today)
            for inline_form in formset.forms:
                inline_form.instance._change_reason = reason
            return super().save_formset(request, form, formset, change)
        versions = {
            id(f.instance): f.expected_version()
            for f in formset.forms
            if isinstance(f, VersionedFormMixin) and hasattr(f, "cleaned_data")
        }
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            delete_figures(row, user=request.user, reason=reason)
        for row in rows:
            save_figures(row, user=request.user, reason=reason, expected_version=versions.get(id(row)))
        formset.save_m2m()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("credit_code")  # the natural key: other systems refer to it
        return fields


class AnnualFiguresForm(NumberFieldsMixin, VersionedFormMixin, ReasonFormMixin):
    class Meta:
        model = AnnualFigures
        fields = ("firm", *FIGURE_FORM_FIELDS)


@admin.action(permissions=["delete"], description=delete_selected.short_description)
def delete_unfrozen_selected(modeladmin, request, queryset):
    """Django's "delete selected", except that a selection holding a frozen year deletes nothing and
    says which years are frozen and by which application (rather than deleting the others)."""
    frozen = list(queryset.filter(frozen=True).select_related(None).order_by("firm_id", "-year")[:20])
    try:
        if frozen:
            raise FrozenFiguresError.deleting(frozen)
        return delete_selected(modeladmin, request, queryset)
    except FrozenFiguresError as error:  # also a year frozen between the confirmation and the delete
        message = _("未删除任何记录。%(reason)s") % {"reason": " ".join(error.messages)}
        modeladmin.message_user(request, message, messages.ERROR)
        return None


FROZEN_TITLE = _("已冻结：申请的评审依据，不能修改或删除")


@admin.register(AnnualFigures)
class AnnualFiguresAdmin(BackgroundImportMixin, ScopedAdminMixin, SimpleHistoryAdmin, ImportExportModelAdmin):
    form = AnnualFiguresForm
    resource_classes = [AnnualFiguresResource]
    list_display = (
        "firm",
        "year",
        "operating_revenue",
        "rd_expense",
        "employees",
        "class1_ip",
        "audited",
        "frozen",
    )
    list_select_related = ("firm",)
    list_filter = (FiguresOfYearFilter, "audited", "frozen", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code")
    raw_id_fields = ("firm",)
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    readonly_fields = ("frozen", "frozen_reason", "filed_on")  # filed_on: the 30 April rule (P9)

    def action_checkbox(self, obj):
        """No selection box on a frozen year: the list's only action deletes, which it refuses."""
        if obj.frozen:
            return format_html('<span class="frozen-mark" title="{}">{}</span>', FROZEN_TITLE, _("冻结"))
        return super().action_checkbox(obj)

    def get_search_results(self, request, queryset, search_term):
        """The firm's name or exact credit code, through the indexes (as the firm list)."""
        return search_firms(queryset, search_term, prefix="firm__"), False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.frozen:
            return [f.name for f in AnnualFigures._meta.fields]
        return super().get_readonly_fields(request, obj)

    def get_fields(self, request, obj=None):
        """A frozen year's page shows its values and reason; there is no change to give a reason for."""
        fields = super().get_fields(request, obj)
        return [f for f in fields if f != "change_reason"] if obj is not None and obj.frozen else fields

    def has_change_permission(self, request, obj=None):
        """A frozen year is view-only: no save buttons, a POST answers 403."""
        return super().has_change_permission(request, obj) and not (obj is not None and obj.frozen)

    def has_delete_permission(self, request, obj=None):
        """A frozen year has no delete button, and its delete page answers 403."""
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.frozen)

    def revert_disabled(self, request, obj=None):
        """A frozen year keeps its history pages but offers no revert (``obj`` is the old version)."""
        frozen = obj is not None and AnnualFigures.objects.filter(pk=obj.pk, frozen=True).exists()
        return frozen or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A POST reverting a frozen year to an earlier version is refused (403), not left to the form."""
        if request.method == "POST":
            pk = checked_id(self.model._meta.pk, object_id)
            if AnnualFigures.objects.filter(pk=pk, frozen=True).exists():
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            description = actions["delete_selected"][2]
            actions["delete_selected"] = (delete_unfrozen_selected, "delete_selected", description)
        return actions

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason") or ""
        save_figures(obj, user=request.user, reason=reason, expected_version=form.expected_version())

    def delete_model(self, request, obj):
        delete_figures(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        delete_figures(queryset, user=request.user)


@admin.register(District)
class DistrictAdmin(CheckedHistoryIdsMixin, SimpleHistoryAdmin):
    list_display = ("code", "name_zh", "name_en")
    search_fields = ("code", "name_zh", "name_en")


@admin.register(Cluster)
class ClusterAdmin(CheckedHistoryIdsMixin, SimpleHistoryAdmin):
    list_display = ("name_zh", "name_en", "level", "provisional", "code")
    list_filter = ("level", "provisional")
    search_fields = ("code", "name_zh", "name_en")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "firm", "district", "is_staff", "is_active")
    list_select_related = ("firm", "district")
    list_filter = ("groups", "district", "is_staff", "is_superuser", "is_active")
    raw_id_fields = ("firm",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("梯度培育"), {"fields": ("firm", "district")}),
    )
