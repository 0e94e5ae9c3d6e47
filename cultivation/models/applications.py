"""Applications for a designation and their review (docs/ARCHITECTURE.md, docs/RULES.md).

Status changes only through ``cultivation.services.applications.application_transition``; the
stages and actions are the table in ``cultivation.workflow``. The snapshot freezes what the
application was judged on: once submitted it cannot be rewritten except by a resubmission.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Firm
from registry.roles import is_caseworker, is_reviewer, scope_of
from registry.scoping import ScopedQuerySet

from ..tiers import DESIGNATION_TIER_CHOICES
from ..workflow import OPEN_STATUSES, SNAPSHOT_WRITABLE, STAGES, Action, Status
from .rulesets import RuleSet

SCORE_MIN, SCORE_MAX = 0, 100
# What a submission is judged on; rewritten only by (re)submission (see ``refuse_rewriting_the_record``).
FIXED_FIELDS = ("snapshot", "firm_id", "tier", "kind", "rule_set_id", "revision")


class FrozenSnapshotError(ValidationError):
    """Raised when something tries to rewrite what a submitted application was judged on."""


def reads_assigned_only(user) -> bool:
    """An expert who is not also a caseworker or programme admin reads only the files assigned to them."""
    if user.is_superuser or user.firm_id:
        return False  # decided without reading the user's groups
    return is_reviewer(user) and not is_caseworker(user)


class ApplicationQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Who reads which application: the one rule for lists, pages, API, admin, history and exports.

        * a firm user: their firm's applications, drafts included: a draft is the firm's own until
          it is submitted;
        * an expert (``reads_assigned_only``): only the applications assigned to them, never a draft.
          An assignment is what opens a file to an expert, and ``assign_reviewers`` only assigns
          experts whose scope covers the firm (their district, or city level);
        * caseworkers and programme admins: their scope (district or city) without the firms' drafts;
          a draft shows only to the person who opened it (a caseworker filing a paper case for the
          firm). Staff, programme admins included, see drafts only as a number (the dashboard's
          applications by status), never as a row.
        """
        scope = scope_of(user)
        if scope.nothing:
            return self.none()
        if scope.firm_id:
            return super().visible_to(user)
        if reads_assigned_only(user):
            assigned = ReviewAssignment.objects.filter(application=OuterRef("pk"), reviewer=user)
            return self.filter(Exists(assigned)).exclude(status=Status.DRAFT)
        return super().visible_to(user).filter(~Q(status=Status.DRAFT) | Q(created_by=user))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def with_workflow(self):
        """What ``workflow.available_actions`` and the serializers read, in a fixed number of queries."""
        return self.select_related("firm", "firm__district", "rule_set").prefetch_related(
            Prefetch("assignments", queryset=ReviewAssignment.objects.order_by("pk")),
            Prefetch("assignments__reviews", queryset=Review.objects.order_by("pk")),
            Prefetch("objections", queryset=Objection.objects.order_by("pk")),
        )


class Application(models.Model):
    """A firm's application for one tier: new, or a re-review (复核) of a tier it holds."""

    class Kind(models.TextChoices):
        NEW = "new", _("新申请")
        RENEWAL = "renewal", _("复核")

    firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="applications", verbose_name=_("企业")
    )
    tier = models.CharField(_("申请称号"), max_length=24, choices=DESIGNATION_TIER_CHOICES, db_index=True)
    kind = models.CharField(_("申请类型"), max_length=8, choices=Kind.choices, default=Kind.NEW)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True, editable=False
    )
    revision = models.PositiveSmallIntegerField(
        _("版本"), default=0, editable=False, help_text=_("每次（重新）提交加一；专家按版本评审。")
    )
    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="applications",
        verbose_name=_("评审规则集"),
    )
    snapshot = models.JSONField(
        _("提交时快照"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("提交时的企业数据与资格评估结果。"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    notice_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True, editable=False)
    notice_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True, editable=False)
    notice_paused_on = models.DateField(_("公示暂停日期"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "snapshot"])

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("称号申请")
        verbose_name_plural = _("称号申请")
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "tier"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="application_one_open_per_tier",
                violation_error_message=_("该企业已有同一称号的进行中申请。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "notice_ends_on"], name="application_notice")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.firm.name} · {self.get_tier_display()}"

    def save(self, *args, **kwargs) -> None:
        self.refuse_rewriting_the_record()
        super().save(*args, **kwargs)

    def refuse_rewriting_the_record(self) -> None:
        """What an application was judged on is fixed once submitted (only a resubmission rewrites it).

        The service writes the snapshot while the stored row is still a draft or returned; from any
        other stage a changed snapshot, firm, tier, kind or rule set is refused.
        """
        if not self.pk:
            return
        stored = Application.objects.filter(pk=self.pk).values(*FIXED_FIELDS, "status").first()
        if stored is None or stored["status"] in SNAPSHOT_WRITABLE:
            return
        changed = [name for name in FIXED_FIELDS if stored[name] != getattr(self, name)]
        if changed:
            raise FrozenSnapshotError(
                _("申请已提交（%(status)s），提交时的快照与申请信息不能修改。"),
                code="frozen",
                params={"status": Status(stored["status"]).label},
            )


def sees_all_reviews(user) -> bool:
    """Blind review: caseworkers and programme admins read every expert's work, anyone else only their own.

    The one test behind every rendering of reviews, review events and assignments (API, portal, admin,
    history pages): experts must judge a file without knowing who else scores it or how.
    """
    if not getattr(user, "is_authenticated", False) or getattr(user, "firm_id", None):
        return False
    return is_caseworker(user)


def _in_visible_applications(queryset, user, path: str):
    return queryset.filter(**{f"{path}__in": Application.objects.visible_to(user).values("pk")})


class AssignmentQuerySet(ScopedQuerySet):
    firm_path = "application__firm"

    def visible_to(self, user):
        """Caseworkers see the assignments in their scope; an expert only their own (not who else scores)."""
        if sees_all_reviews(user):
            return super().visible_to(user)
        if not getattr(user, "is_authenticated", False) or getattr(user, "firm_id", None):
            return self.none()
        return _in_visible_applications(self.filter(reviewer_id=user.pk), user, "application")


def history_visible_to(records, user):
    """The application history rows (simple-history) ``user`` may read.

    A review saves the application, so its history row names the expert who scored it. An expert
    must not learn who else is assigned or whether they have scored: rows written by another expert
    assigned to the application are hidden from everyone who does not see all reviews.
    """
    if sees_all_reviews(user):
        return records
    colleagues = ReviewAssignment.objects.filter(
        application_id=OuterRef("id"), reviewer_id=OuterRef("history_user_id")
    ).exclude(reviewer_id=getattr(user, "pk", None))
    return records.exclude(Exists(colleagues))


class ReviewAssignment(models.Model):
    """An expert asked to score an application in the city review (复审), by a due date."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("申请")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("评审专家"),
    )
    due_at = models.DateField(_("截止日期"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("分配人"),
    )
    assigned_at = models.DateTimeField(_("分配时间"), default=timezone.now)
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="assignment_unique_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.application} → {self.reviewer}"


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reviews of the applications the user sees: caseworkers all, an expert their own, firms none."""
        if sees_all_reviews(user):
            return _in_visible_applications(self, user, "assignment__application")
        if not getattr(user, "is_authenticated", False) or getattr(user, "firm_id", None):
            return self.none()
        mine = self.filter(assignment__reviewer_id=user.pk)
        return _in_visible_applications(mine, user, "assignment__application")


class Review(models.Model):
    """An expert's structured score of one revision of an application, on its frozen snapshot."""

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("建议通过")
        RETURN = "return", _("建议退回补充材料")
        REJECT = "reject", _("建议不予通过")

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("评审分配")
    )
    revision = models.PositiveSmallIntegerField(_("评审版本"))
    score = models.PositiveSmallIntegerField(
        _("评分"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    recommendation = models.CharField(_("评审建议"), max_length=10, choices=Recommendation.choices)
    comment = models.TextField(_("评审意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    history = HistoricalRecords()

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("专家评审意见")
        verbose_name_plural = _("专家评审意见")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "revision"], name="review_one_per_revision"),
            models.CheckConstraint(condition=Q(score__lte=SCORE_MAX), name="review_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.score}"


class Objection(models.Model):
    """An objection lodged during the public notice; it pauses the notice until a caseworker decides."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("待处理")
        DISMISSED = "dismissed", _("不成立")
        UPHELD = "upheld", _("成立")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="objections", verbose_name=_("申请")
    )
    text = models.TextField(_("异议内容"))
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    lodged_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    outcome = models.CharField(
        _("处理结果"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["lodged_at", "pk"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self) -> str:
        return f"{self.application} · {self.get_outcome_display()}"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN


ASSIGN = "assign"  # the event ``assign_reviewers`` writes (not a workflow action)


def _unchanged_for_firms() -> Q:
    """Events between two stages the firm sees under one label (internal steps such as a review)."""
    groups: dict[str, list[str]] = {}
    with translation.override(None):  # group by the label itself, whatever the language
        for status, stage in STAGES.items():
            groups.setdefault(str(stage.firm_label), []).append(status)
    unchanged = Q(pk__in=[])
    for statuses in groups.values():
        unchanged |= Q(from_status__in=statuses, to_status__in=statuses)
    return unchanged


class EventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The history rows the user may read, the one rule for every rendering of an application's history.

        Firms see only the steps that changed what they see, never a review or an assignment;
        caseworkers and programme admins see everything in their scope; an expert sees the steps,
        their own review, and neither another expert's review nor the assignment (which names
        everyone scoring the file).
        """
        events = _in_visible_applications(self, user, "application")
        if getattr(user, "firm_id", None):
            return events.exclude(action__in=[Action.REVIEW, ASSIGN]).exclude(_unchanged_for_firms())
        if sees_all_reviews(user):
            return events
        return events.exclude(action=ASSIGN).exclude(Q(action=Action.REVIEW), ~Q(actor_id=user.pk))


class ApplicationEvent(models.Model):
    """The audit row every transition writes: who moved the application, from where to where, and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("申请")
    )
    action = models.CharField(
        _("操作"), max_length=24, choices=[*Action.choices, (ASSIGN, _("分配评审专家"))]
    )
    event = models.CharField(_("事件"), max_length=40)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
        help_text=_("为空表示系统定时扫描。"),
    )
    reason = models.TextField(_("理由"), blank=True)
    revision = models.PositiveSmallIntegerField(_("版本"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("申请办理记录")
        verbose_name_plural = _("申请办理记录")

    def __str__(self) -> str:
        return f"{self.application_id} {self.from_status} → {self.to_status}"


class HolidayQuerySet(models.QuerySet):
    def calendar(self, start, end) -> tuple[frozenset, frozenset]:
        """(holidays, make-up working days) between ``start`` and ``end`` for ``workdays``."""
        rows = self.filter(day__gte=start, day__lte=end).values_list("day", "is_workday")
        return (
            frozenset(day for day, workday in rows if not workday),
            frozenset(day for day, workday in rows if workday),
        )


class Holiday(models.Model):
    """A public holiday (or a weekend day worked instead, 调休补班) for counting notice working days."""

    day = models.DateField(_("日期"), unique=True)
    name = models.CharField(_("名称"), max_length=60)
    is_workday = models.BooleanField(
        _("调休上班"), default=False, help_text=_("勾选表示该日虽为周末但需上班（补班），计入工作日。")
    )
    history = HistoricalRecords()

    objects = HolidayQuerySet.as_manager()

    class Meta:
        ordering = ["day"]
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")

    def __str__(self) -> str:
        return f"{self.day} {self.name}"
