"""The application review workflow as one declarative table (docs/ARCHITECTURE.md, docs/RULES.md).

Everything that decides what may happen to an application reads this module: the transition
service (``cultivation.services.applications.application_transition``), the API's
``available_actions`` and the admin's action buttons. Adding a stage or an action means adding a
row here; no view or service hard-codes a status.

A row names: the action, the stages it starts from, the stage it leads to, who may take it
(a role and its scope, see ``Who``), its preconditions, the event it emits and the inputs it needs.
A row with ``offered=False`` is never a person's to take: no button, no API choice, and
``application_transition`` (the entry for people) refuses it; only a service takes it, through
``service_transition`` (``revoke_designation`` terminating the firm's open applications).
Preconditions that only look at the application and its prefetched relations are checked here
(``PURE_CHECKS``); the ones that need the register (eligibility, the ladder, the revocation bar) are
checked by the service, which names them in the same table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registry.models import User
from registry.roles import Role, is_caseworker, is_city_caseworker, is_programme_staff, is_reviewer, scope_of


class TransitionConflict(Exception):
    """The action is no longer possible: the application moved on (the API answers 409)."""


class Status(models.TextChoices):
    """Stages of an application; the label is the staff label (see ``STAGES`` for the firm's)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交待受理")
    DISTRICT_REVIEW = "district_review", _("区县初审")
    CITY_REVIEW = "city_review", _("市级复审（专家评审）")
    PUBLIC_NOTICE = "public_notice", _("公示中")
    NOTICE_PAUSED = "notice_paused", _("公示暂停（异议处理中）")
    RETURNED = "returned", _("退回补充材料")
    DESIGNATED = "designated", _("已认定")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


@dataclass(frozen=True)
class ApplicationStage:
    """One stage of an application (not a firm's life-cycle ``registry.stages.Stage``): what staff call it,
    what the firm sees (internal stages are not shown as such), and whether the application ends there."""

    status: str
    staff_label: Promise
    firm_label: Promise
    terminal: bool = False


STAGES: dict[str, ApplicationStage] = {
    stage.status: stage
    for stage in (
        ApplicationStage(Status.DRAFT, Status.DRAFT.label, _("草稿")),
        ApplicationStage(Status.SUBMITTED, Status.SUBMITTED.label, _("已提交")),
        ApplicationStage(Status.DISTRICT_REVIEW, Status.DISTRICT_REVIEW.label, _("审核中")),
        ApplicationStage(Status.CITY_REVIEW, Status.CITY_REVIEW.label, _("审核中")),
        ApplicationStage(Status.PUBLIC_NOTICE, Status.PUBLIC_NOTICE.label, _("公示中")),
        ApplicationStage(Status.NOTICE_PAUSED, Status.NOTICE_PAUSED.label, _("公示中")),
        ApplicationStage(Status.RETURNED, Status.RETURNED.label, _("待补充材料")),
        ApplicationStage(Status.DESIGNATED, Status.DESIGNATED.label, _("已认定"), terminal=True),
        ApplicationStage(Status.REJECTED, Status.REJECTED.label, _("未通过"), terminal=True),
        ApplicationStage(Status.WITHDRAWN, Status.WITHDRAWN.label, _("已撤回"), terminal=True),
    )
}
OPEN_STATUSES = frozenset(code for code, stage in STAGES.items() if not stage.terminal)
# The snapshot is written on (re)submission, i.e. only while leaving these stages.
SNAPSHOT_WRITABLE = frozenset({Status.DRAFT, Status.RETURNED})


class Who(StrEnum):
    """Who may take an action: a role and how far its scope must reach."""

    FIRM = "firm"  # a user of the applicant firm
    CASEWORKER = "caseworker"  # a caseworker whose scope covers the firm (its district, or city level)
    CITY_CASEWORKER = "city_caseworker"  # a city-level caseworker (no district) or a programme admin
    ASSIGNED_REVIEWER = "assigned_reviewer"  # an expert assigned to this application
    STAFF = "staff"  # any caseworker or reviewer whose scope covers the firm
    SYSTEM = "system"  # a scan (no person: ``actor=None``)


WHO_LABELS: dict[Who, Promise] = {
    Who.FIRM: _("申报企业"),
    Who.CASEWORKER: _("经办人（本区县或市级）"),
    Who.CITY_CASEWORKER: _("市级经办人"),
    Who.ASSIGNED_REVIEWER: _("已分配的评审专家"),
    Who.STAFF: _("经办人或评审专家（本区县或市级）"),
    Who.SYSTEM: _("系统定时扫描"),
}


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交申请")
    WITHDRAW = "withdraw", _("撤回申请")
    ACCEPT = "accept", _("受理")
    RETURN = "return", _("退回补充材料")
    RESUBMIT = "resubmit", _("补充后重新提交")
    REJECT = "reject", _("不予通过")
    RECOMMEND = "recommend", _("初审通过，报市级复审")
    REVIEW = "review", _("提交评审意见")
    APPROVE = "approve", _("复审通过，进入公示")
    OBJECT = "object", _("登记异议")
    DISMISS_OBJECTION = "dismiss_objection", _("异议不成立，恢复公示")
    UPHOLD_OBJECTION = "uphold_objection", _("异议成立，不予认定")
    DESIGNATE = "designate", _("公示期满，予以认定")
    TERMINATE = "terminate", _("因称号撤销终止申请")


class Input(StrEnum):
    REASON = "reason"
    SCORE = "score"
    RECOMMENDATION = "recommendation"
    COMMENT = "comment"
    OBJECTION = "objection"


PRECONDITION_LABELS: dict[str, Promise] = {
    "may_apply": _(
        "未持有该称号（有效期最后6个月内复核除外）、无同一称号的进行中申请、具备前序称号、不在撤销禁入期内"
    ),
    "eligible": _("按提交当日施行的规则集评估为符合或待佐证确认"),
    "reviews_complete": _("已分配评审专家，且全部专家已提交本版本评审意见"),
    "not_reviewed_yet": _("本人尚未提交本版本评审意见"),
    "notice_running": _("公示期内（或公示因异议暂停中）"),
    "notice_elapsed": _("公示期已满"),
    "no_open_objection": _("无未处理的异议"),
}


@dataclass(frozen=True)
class Transition:
    """One row of the table: from ``sources`` by ``action`` to ``target``."""

    action: Action
    sources: frozenset[str]
    target: str
    who: frozenset[Who]
    event: str
    preconditions: tuple[str, ...] = ()
    required: tuple[Input, ...] = ()
    optional: tuple[Input, ...] = ()
    offered: bool = True  # False: only services take it (never a button)

    @property
    def label(self) -> Promise:
        return self.action.label

    @property
    def inputs(self) -> tuple[Input, ...]:
        return (*self.required, *self.optional)


def _row(action, sources, target, who, event, **extra) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(who), event, **extra)


S, A, W, I = Status, Action, Who, Input  # noqa: E741  (short names keep the table readable)
_OPEN_BEFORE_DECISION = (S.DRAFT, S.SUBMITTED, S.DISTRICT_REVIEW, S.CITY_REVIEW, S.RETURNED)
_REVIEW_INPUTS = {"required": (I.SCORE, I.RECOMMENDATION), "optional": (I.COMMENT,)}

TRANSITIONS: tuple[Transition, ...] = (
    _row(A.SUBMIT, [S.DRAFT], S.SUBMITTED, [W.FIRM, W.CASEWORKER], "application.submitted",
         preconditions=("may_apply", "eligible")),
    _row(A.WITHDRAW, [*_OPEN_BEFORE_DECISION, S.PUBLIC_NOTICE, S.NOTICE_PAUSED], S.WITHDRAWN, [W.FIRM],
         "application.withdrawn", optional=(I.REASON,)),
    _row(A.ACCEPT, [S.SUBMITTED], S.DISTRICT_REVIEW, [W.CASEWORKER], "application.accepted"),
    _row(A.RETURN, [S.SUBMITTED, S.DISTRICT_REVIEW], S.RETURNED, [W.CASEWORKER], "application.returned",
         required=(I.REASON,)),
    _row(A.RETURN, [S.CITY_REVIEW], S.RETURNED, [W.CITY_CASEWORKER], "application.returned",
         required=(I.REASON,)),
    _row(A.RESUBMIT, [S.RETURNED], S.SUBMITTED, [W.FIRM, W.CASEWORKER], "application.resubmitted",
         preconditions=("may_apply", "eligible"), optional=(I.REASON,)),
    _row(A.REJECT, [S.DISTRICT_REVIEW], S.REJECTED, [W.CASEWORKER], "application.rejected",
         required=(I.REASON,)),
    _row(A.REJECT, [S.CITY_REVIEW], S.REJECTED, [W.CITY_CASEWORKER], "application.rejected",
         required=(I.REASON,)),
    _row(A.RECOMMEND, [S.DISTRICT_REVIEW], S.CITY_REVIEW, [W.CASEWORKER], "application.recommended",
         optional=(I.REASON,)),
    _row(A.REVIEW, [S.CITY_REVIEW], S.CITY_REVIEW, [W.ASSIGNED_REVIEWER], "application.reviewed",
         preconditions=("not_reviewed_yet",), **_REVIEW_INPUTS),
    _row(A.APPROVE, [S.CITY_REVIEW], S.PUBLIC_NOTICE, [W.CITY_CASEWORKER], "application.notice_opened",
         preconditions=("reviews_complete",), optional=(I.REASON,)),
    _row(A.OBJECT, [S.PUBLIC_NOTICE, S.NOTICE_PAUSED], S.NOTICE_PAUSED, [W.STAFF], "application.objected",
         preconditions=("notice_running",), required=(I.OBJECTION,)),
    _row(A.DISMISS_OBJECTION, [S.NOTICE_PAUSED], S.PUBLIC_NOTICE, [W.CASEWORKER],
         "application.notice_resumed", required=(I.REASON,)),
    _row(A.UPHOLD_OBJECTION, [S.NOTICE_PAUSED], S.REJECTED, [W.CASEWORKER], "application.objection_upheld",
         required=(I.REASON,)),
    _row(A.DESIGNATE, [S.PUBLIC_NOTICE], S.DESIGNATED, [W.SYSTEM, W.CITY_CASEWORKER],
         "application.designated", preconditions=("notice_elapsed", "no_open_objection")),
    _row(A.TERMINATE, OPEN_STATUSES, S.REJECTED, [W.CASEWORKER], "application.terminated",
         required=(I.REASON,), offered=False),
)  # fmt: skip

del S, A, W, I

# The actions people take (portal, API, admin): every action with a row offered to them. The others
# (``offered=False``: ``terminate``) are taken only by a service, through ``service_transition``.
OFFERED_ACTIONS: frozenset[str] = frozenset(row.action.value for row in TRANSITIONS if row.offered)


def _index(rows: Iterable[Transition]) -> dict[tuple[str, str], Transition]:
    """(stage, action) -> row; two rows for the same move would make the table ambiguous."""
    index: dict[tuple[str, str], Transition] = {}
    for row in rows:
        for source in row.sources:
            if (source, row.action) in index:
                raise ValueError(f"two rows for {row.action} from {source}")
            index[(source, row.action)] = row
    return index


BY_SOURCE = _index(TRANSITIONS)


def transition_for(status: str, action: str) -> Transition | None:
    """The row for ``action`` from ``status``, or None when the table has no such move."""
    return BY_SOURCE.get((status, action))


def rows_for(action: str) -> list[Transition]:
    return [row for row in TRANSITIONS if row.action == action]


def stage_label(status: str, user) -> Promise:
    """The label the user should see: firms see the firm label, everyone else the staff label."""
    stage = STAGES[status]
    return stage.firm_label if getattr(user, "firm_id", None) else stage.staff_label


# --- Who may act -------------------------------------------------------------------------------


def _covers(user, application) -> bool:
    """Whether the staff member's scope covers the application's firm (firm users never reach this)."""
    return scope_of(user).covers(application.firm)


def is_assigned(user, application) -> bool:
    """Whether ``user`` is an expert assigned to the application (uses prefetched assignments)."""
    return is_reviewer(user) and any(
        a.reviewer_id == user.pk for a in application.assignments.all()
    )


def may_be_assigned(user, application) -> bool:
    """Whether ``user`` may be asked to score the application (``assign_reviewers`` checks it).

    An active expert, not a firm user, whose scope covers the firm: a reviewer of the firm's
    district, or a city-level reviewer (no district), who may be assigned anywhere. An assignment is
    what opens an application to an expert (``ApplicationQuerySet.visible_to``), so it must never
    reach past the expert's scope.
    """
    return bool(
        user.is_active
        and not user.firm_id
        and is_reviewer(user)
        and (user.district_id is None or user.district_id == application.firm.district_id)
    )


def assignable_reviewers(district_ids: Iterable[int]) -> models.QuerySet:
    """The experts ``may_be_assigned`` accepts for firms in every one of ``district_ids``.

    What the assignment forms list: city-level reviewers always, a district's reviewers only when
    every application chosen is of that district.
    """
    ids = set(district_ids)
    covers = models.Q(district__isnull=True)
    if len(ids) == 1:
        covers |= models.Q(district_id=next(iter(ids)))
    experts = User.objects.filter(groups__name=Role.REVIEWER, is_active=True, firm__isnull=True)
    return experts.filter(covers).order_by("username")


def acts_as(who: Who, user, application) -> bool:
    """Whether ``user`` (None for a scan) is a ``who`` for this application."""
    if who is Who.SYSTEM:
        return user is None
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if who is Who.FIRM:
        return user.firm_id == application.firm_id
    if user.firm_id:
        return False  # a firm user is never staff
    if who is Who.CASEWORKER:
        return is_caseworker(user) and _covers(user, application)
    if who is Who.CITY_CASEWORKER:
        return is_city_caseworker(user)
    if who is Who.STAFF:
        return is_programme_staff(user) and _covers(user, application)
    return is_assigned(user, application)


def may_take(row: Transition, user, application) -> bool:
    return any(acts_as(who, user, application) for who in row.who)


def ever_allowed(action: str, user, application) -> bool:
    """Whether the user's role could take ``action`` on this application from some stage.

    Distinguishes "not yours to do" (403) from "not possible any more" (409).
    """
    return any(may_take(row, user, application) for row in rows_for(action))


# --- Preconditions that need no query beyond prefetched relations --------------------------------


def current_reviews(application) -> dict[int, object]:
    """Reviews of the current revision by assignment id (prefetched ``assignments__reviews``)."""
    found = {}
    for assignment in application.assignments.all():
        for review in assignment.reviews.all():
            if review.revision == application.revision:
                found[assignment.pk] = review
    return found


def _reviews_complete(application, actor, as_of: date) -> str | None:
    assignments = list(application.assignments.all())
    if not assignments:
        return str(_("尚未分配评审专家。"))
    missing = len(assignments) - len(current_reviews(application))
    if missing:
        return str(_("还有 %(count)d 位专家未提交本版本的评审意见。") % {"count": missing})
    return None


def _not_reviewed_yet(application, actor, as_of: date) -> str | None:
    reviews = current_reviews(application)
    mine = [a for a in application.assignments.all() if actor is not None and a.reviewer_id == actor.pk]
    if any(a.pk in reviews for a in mine):
        return str(_("您已提交本版本的评审意见。"))
    return None


def _notice_running(application, actor, as_of: date) -> str | None:
    if application.status == Status.NOTICE_PAUSED:
        return None
    if application.notice_ends_on is None or as_of > application.notice_ends_on:
        return str(_("公示期已结束，不能再登记异议。"))
    return None


def _notice_elapsed(application, actor, as_of: date) -> str | None:
    if application.notice_ends_on is None or as_of <= application.notice_ends_on:
        return str(_("公示期尚未届满（截至 %(day)s）。") % {"day": application.notice_ends_on})
    return None


def _no_open_objection(application, actor, as_of: date) -> str | None:
    if any(o.is_open for o in application.objections.all()):
        return str(_("有未处理的异议。"))
    return None


# Preconditions that only fail because someone already did it: the API answers 409, not 400.
CONFLICT_PRECONDITIONS = frozenset({"not_reviewed_yet"})

PURE_CHECKS: dict[str, Callable[..., str | None]] = {
    "reviews_complete": _reviews_complete,
    "not_reviewed_yet": _not_reviewed_yet,
    "notice_running": _notice_running,
    "notice_elapsed": _notice_elapsed,
    "no_open_objection": _no_open_objection,
}


def pure_failures(row: Transition, application, actor, as_of: date | None = None) -> list[str]:
    """Messages of the row's query-free preconditions that do not hold (empty: all hold)."""
    as_of = as_of or timezone.localdate()
    checks = (PURE_CHECKS[name] for name in row.preconditions if name in PURE_CHECKS)
    return [message for check in checks if (message := check(application, actor, as_of))]


def available_actions(application, user, as_of: date | None = None) -> list[Transition]:
    """The offered actions ``user`` can take on the application now (API field, admin buttons).

    Register-backed preconditions (eligibility, ladder, bar) are left to the service, which answers
    with the reason when they fail; everything else is decided here, without queries when
    ``assignments__reviews`` and ``objections`` are prefetched.
    """
    rows = (transition_for(application.status, action) for action in Action.values)
    return [
        row
        for row in rows
        if row is not None
        and row.offered
        and may_take(row, user, application)
        and not pure_failures(row, application, user, as_of)
    ]


def describe(rows: Iterable[Transition] = TRANSITIONS) -> list[dict[str, object]]:
    """The table as plain rows (documentation, admin help page, tests)."""
    return [
        {
            "action": row.action.value,
            "label": str(row.label),
            "from": sorted(row.sources),
            "to": row.target,
            "who": sorted(str(w) for w in row.who),
            "preconditions": list(row.preconditions),
            "event": row.event,
            "inputs": {
                "required": [str(i) for i in row.required],
                "optional": [str(i) for i in row.optional],
            },
        }
        for row in rows
    ]
