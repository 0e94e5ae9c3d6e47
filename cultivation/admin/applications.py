"""Admin for applications: the frozen snapshot as a readable report, the transition history, the
workflow's action buttons, bulk expert assignment and the holiday calendar.

Nothing here changes a status directly: every button posts to ``application_transition`` and the
buttons shown are ``workflow.available_actions`` for the signed-in user, the same list the API gives.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import CheckedHistoryIdsMixin, ScopedHistoryMixin
from registry.pagination import EstimatedCountPaginator

from ..forms import NOT_ASSIGNABLE
from ..models import Application, ApplicationEvent, Holiday, Objection, ReviewAssignment
from ..models.applications import SCORE_MAX, SCORE_MIN, Review, history_visible_to
from ..reports import render_eligibility
from ..services import (
    application_transition,
    assign_reviewers,
    delete_holiday,
    save_holiday,
    unassign_reviewer,
)
from ..workflow import (
    TransitionConflict,
    Who,
    acts_as,
    assignable_reviewers,
    available_actions,
    transition_for,
)


def error_messages(error: Exception) -> list[str]:
    return list(getattr(error, "messages", None) or [str(error)])


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = ApplicationEvent
    verbose_name_plural = _("办理记录")
    fields = ("created_at", "action", "from_status", "to_status", "actor", "reason", "revision")
    ordering = ("created_at", "pk")

    def get_queryset(self, request):
        """The history the user may read (blind review: no other expert's review or assignment)."""
        return ApplicationEvent.objects.visible_to(request.user).select_related("actor")


class AssignmentInline(ReadOnlyInline):
    model = ReviewAssignment
    fields = ("reviewer", "due_at", "assigned_by", "assigned_at", "current_review")

    def get_queryset(self, request):
        """Caseworkers see every expert's assignment and score; an expert only their own (blind review)."""
        queryset = ReviewAssignment.objects.visible_to(request.user)
        return queryset.select_related("reviewer", "assigned_by", "application").prefetch_related("reviews")

    @admin.display(description=_("本版本评审意见"))
    def current_review(self, assignment: ReviewAssignment) -> str:
        for review in assignment.reviews.all():
            if review.revision == assignment.application.revision:
                return f"{review.score} · {review.get_recommendation_display()} · {review.comment}"
        return str(_("未提交"))


class ObjectionInline(ReadOnlyInline):
    model = Objection
    fields = ("lodged_at", "lodged_by", "text", "outcome", "decided_by", "decision_reason")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lodged_by", "decided_by")


class TransitionForm(forms.Form):
    """The inputs one table row asks for; required ones are required."""

    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))
    score = forms.IntegerField(label=_("评分"), min_value=SCORE_MIN, max_value=SCORE_MAX)
    recommendation = forms.ChoiceField(label=_("评审建议"), choices=Review.Recommendation.choices)
    comment = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 4}))
    objection = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, row, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in row.inputs:
                del self.fields[name]
            else:
                self.fields[name].required = name in row.required


class AssignReviewersForm(forms.Form):
    """Lists only the experts who may score every selected application (``workflow.assignable_reviewers``):
    city-level reviewers, and a district's reviewers when all the applications are of that district."""

    reviewers = forms.ModelMultipleChoiceField(
        label=_("评审专家"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_ASSIGNABLE},
    )
    due_at = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        districts = applications.values_list("firm__district_id", flat=True).distinct().order_by()
        self.fields["reviewers"].queryset = assignable_reviewers(districts)


@admin.register(Application)
class ApplicationAdmin(ScopedHistoryMixin, SimpleHistoryAdmin):
    list_display = ("id", "firm", "tier", "kind", "status", "revision", "submitted_at", "notice_ends_on")
    list_select_related = ("firm",)
    list_filter = ("status", "tier", "kind", "firm__district")
    search_fields = ("firm__name", "=firm__credit_code")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    inlines = [AssignmentInline, ObjectionInline, EventInline]
    actions = ["assign_reviewers_selected"]
    fieldsets = (
        (None, {"fields": ("firm", "tier", "kind", "status", "revision", "rule_set", "submitted_at")}),
        (_("公示"), {"fields": ("notice_starts_on", "notice_ends_on", "notice_paused_on", "decided_at")}),
        (_("提交时快照（评审依据）"), {"fields": ("snapshot_report",)}),
    )
    readonly_fields = (
        "firm",
        "tier",
        "kind",
        "status",
        "revision",
        "rule_set",
        "submitted_at",
        "notice_starts_on",
        "notice_ends_on",
        "notice_paused_on",
        "decided_at",
        "snapshot_report",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .select_related("firm__district", "rule_set")
        )

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        """The history page hides the rows another expert's review wrote (blind review)."""
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return history_visible_to(records, request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A version hidden from the history page is not shown by its id either."""
        self._history_in_scope(request, object_id)  # a malformed or out-of-scope id is a 404
        versions = history_visible_to(Application.history.filter(id=unquote(object_id)), request.user)
        if not str(version_id).isdigit() or not versions.filter(history_id=int(version_id)).exists():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_add_permission(self, request):
        return False  # firms apply through the portal or API (create_application)

    def has_change_permission(self, request, obj=None):
        return False  # every change goes through the workflow buttons

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("资格评估与企业数据"))
    def snapshot_report(self, obj: Application) -> str:
        """The frozen evaluation rendered like the live eligibility report, the applied tier first."""
        snapshot = obj.snapshot or {}
        if not snapshot:
            return str(_("尚未提交，暂无快照。"))
        report = snapshot["report"]
        applied = {**report, "tiers": {obj.tier: report["tiers"][obj.tier]}}
        others = {**report, "tiers": {k: v for k, v in report["tiers"].items() if k != obj.tier}}
        return render_to_string(
            "admin/cultivation/application/snapshot.html",
            {
                "facts": snapshot["facts"],
                "applied": render_eligibility(applied),
                "others": render_eligibility(others),
            },
        )

    # --- action buttons from the workflow table ---

    def get_urls(self):
        act = self.admin_site.admin_view(self.transition_view)
        return [
            path("<int:pk>/act/<str:action>/", act, name="cultivation_application_transition"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        buttons = []
        if obj is not None:
            obj = Application.objects.with_workflow().get(pk=obj.pk)
            buttons = [
                (row.label, reverse("admin:cultivation_application_transition", args=[obj.pk, row.action]))
                for row in available_actions(obj, request.user)
            ]
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "buttons": buttons}
        )

    def transition_view(self, request, pk: int, action: str):
        """Ask for the row's inputs, then call the transition service; refusals come back as messages."""
        application = get_object_or_404(self.get_queryset(request), pk=pk)
        row = transition_for(application.status, action)
        change_url = reverse("admin:cultivation_application_change", args=[pk])
        if row is None or not row.offered:
            messages.error(request, _("该申请当前阶段不能执行此操作。"))
            return redirect(change_url)
        form = TransitionForm(request.POST or None, row=row)
        if request.method == "POST" and form.is_valid():
            try:
                application_transition(
                    application=application, action=action, actor=request.user, **form.cleaned_data
                )
            except (PermissionDenied, TransitionConflict) as error:
                messages.error(request, "; ".join(error_messages(error)))
                return redirect(change_url)
            except ValidationError as error:
                self._form_errors(form, error)
            else:
                messages.success(request, _("已执行：%(action)s。") % {"action": row.label})
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": application,
            "row": row,
            "form": form,
            "title": f"{row.label} · {application}",
        }
        return TemplateResponse(request, "admin/cultivation/application/transition.html", context)

    @staticmethod
    def _form_errors(form: forms.Form, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)

    # --- bulk expert assignment ---

    def has_assign_permission(self, request) -> bool:
        """Only city caseworkers assign experts (the service checks it again per application)."""
        return acts_as(Who.CITY_CASEWORKER, request.user, None)

    @admin.action(description=_("分配评审专家（批量）"), permissions=["assign"])
    def assign_reviewers_selected(self, request, queryset):
        form = AssignReviewersForm(request.POST if "apply" in request.POST else None, applications=queryset)
        if form.is_bound and form.is_valid():
            self._assign(request, queryset, **form.cleaned_data)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": "assign_reviewers_selected",
            "title": _("分配评审专家"),
        }
        return TemplateResponse(request, "admin/cultivation/application/assign.html", context)

    def _assign(self, request, queryset, *, reviewers, due_at) -> None:
        done, refused = 0, []
        for application in queryset.select_related("firm"):
            try:
                assign_reviewers(
                    application=application, reviewers=reviewers, due_at=due_at, actor=request.user
                )
                done += 1
            except (ValidationError, PermissionDenied, TransitionConflict) as error:
                refused.append(f"{application}: {'; '.join(error_messages(error))}")
        if done:
            messages.success(request, _("已为 %(count)d 件申请分配评审专家。") % {"count": done})
        for line in refused:
            messages.warning(request, line)


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    """Experts' work list: what is assigned to whom and by when (assign from the application list)."""

    list_display = ("application", "reviewer", "due_at", "assigned_by", "assigned_at")
    list_select_related = ("application__firm", "reviewer", "assigned_by")
    list_filter = ("due_at",)
    search_fields = ("application__firm__name", "reviewer__username")
    readonly_fields = ("application", "reviewer", "assigned_by", "assigned_at")

    def get_queryset(self, request):
        """Caseworkers see the assignments in their scope; an expert sees their own (blind review)."""
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False  # through "assign reviewers", which checks the stage and the roles

    def has_change_permission(self, request, obj=None):
        """Moving a due date or removing an expert is the city caseworkers' step, as assigning is."""
        city = acts_as(Who.CITY_CASEWORKER, request.user, None)
        return city and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        """Removing an expert is offered only before their review (``unassign_reviewer`` checks it again)."""
        city = acts_as(Who.CITY_CASEWORKER, request.user, None)
        reviewed = obj is not None and obj.reviews.exists()
        return city and not reviewed and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        self._unassign(request, [obj])

    def delete_queryset(self, request, queryset):
        self._unassign(request, queryset.select_related("reviewer"))

    def _unassign(self, request, assignments) -> None:
        """Through the service, as the API does; a refusal comes back as a message, nothing removed."""
        for assignment in assignments:
            try:
                unassign_reviewer(assignment=assignment, actor=request.user)
            except (PermissionDenied, TransitionConflict) as error:
                messages.error(request, f"{assignment}: {'; '.join(error_messages(error))}")


@admin.register(Holiday)
class HolidayAdmin(CheckedHistoryIdsMixin, SimpleHistoryAdmin):
    """The calendar that notice working days are counted against (holidays and 调休 working weekends)."""

    list_display = ("day", "name", "is_workday")
    list_filter = ("is_workday",)
    search_fields = ("name",)
    date_hierarchy = "day"
    ordering = ("-day",)

    def get_changeform_initial_data(self, request):
        return {"day": timezone.localdate()}

    def save_model(self, request, obj, form, change):
        save_holiday(holiday=obj, actor=request.user)  # as the API does (cultivation.services.calendar)

    def delete_model(self, request, obj):
        delete_holiday(holiday=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for holiday in queryset:
            delete_holiday(holiday=holiday, actor=request.user)
