"""Applications: opening a draft, assigning experts, and the one function that moves the status.

``application_transition`` is the only code that changes ``Application.status``. It locks the row
(``select_for_update``), re-reads the stage, and only then asks the table in ``cultivation.workflow``
whether the action is still possible, so two people acting at once give one transition and one
``TransitionConflict`` (HTTP 409). Every transition writes an ``ApplicationEvent``; the
``transitioned`` signal is sent only once the transaction commits. The firm's alert about the step
(``application_alerts``) is raised in the same transaction, its emails queued after the commit.

Two entries share that one code path (``_transition``). ``application_transition`` is the entry for
people (portal, API, admin) and the scans: it takes only the actions the table offers
(``workflow.OFFERED_ACTIONS``), so a forged form naming a service-only row (``offered=False``, e.g.
``terminate``) is refused whoever sends it. ``service_transition`` takes only those service-only rows
and is called by services, never by a view: ``revoke_designation`` terminates the firm's open
applications through it. A separate function rather than a flag on the public one, so no view can
reach a service-only row by passing an argument.

Expert assignment (``assign_reviewers``) accepts only experts whose scope covers the firm
(``workflow.may_be_assigned``: a reviewer of the firm's district, or a city-level reviewer); the
assignment forms list only those (``workflow.assignable_reviewers``).

Decision on eligibility: an application may be submitted only when the rule set in force on the
submission day says the tier is eligible (True) or pending attestations decide it (None). A
definite "not eligible" is refused with the failed criteria listed, because an application the
rules already reject would only cost a caseworker a rejection. The ladder (P6) comes from
``tiers.missing_prerequisite``, which the promotion scan reads too (``tiers.promotion_tiers``);
holding the tier, a parallel open application and the revocation bar are checked when the draft is
opened and again, under the lock, when it is (re)submitted. A 复核 is judged as one (the application's
``kind`` goes into the facts: renewal waivers apply) and needs last year's figures filed by 30 April.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import AnnualFigures, Firm
from registry.roles import can_edit_register

from ..models import Application, ApplicationEvent, Designation, Holiday, Objection, Review, ReviewAssignment
from ..models import RuleSet as RuleSetRecord
from ..models.applications import SCORE_MAX, SCORE_MIN
from ..rules.deadlines import figures_due_on, overdue_fiscal_year
from ..rules.evaluator import evaluate
from ..rules.status import MISSING, NOT_MET
from ..selectors import facts_for_firm, rule_set_on
from ..tiers import NOTICE_WORKING_DAYS, TIERS, bar_ends_on, missing_prerequisite, renewal_opens_on
from ..workdays import add_working_days, working_days_between
from ..workflow import (
    CONFLICT_PRECONDITIONS,
    OFFERED_ACTIONS,
    Action,
    Input,
    Status,
    Transition,
    TransitionConflict,
    Who,
    acts_as,
    ever_allowed,
    may_be_assigned,
    may_take,
    pure_failures,
    transition_for,
)
from .application_alerts import announce_to_firm
from .designations import designate_from
from .rules import ensure_can_act_on

# Sent after the transaction commits: ``application_id``, ``action``, ``event``, ``actor_id``.
transitioned = Signal()

CALENDAR_HORIZON = datetime.timedelta(days=120)  # holidays read ahead when counting a notice


def _today(as_of: datetime.date | None) -> datetime.date:
    return as_of or timezone.localdate()


# --- Who may apply, and for what -----------------------------------------------------------------


def active_designation(firm: Firm, tier: str, on: datetime.date) -> Designation | None:
    return Designation.objects.active(on).filter(firm=firm, tier=tier).order_by("-expires_on").first()


def barred_until(firm: Firm, on: datetime.date) -> datetime.date | None:
    """The day the revocation bar ends, or None when the firm is not barred on ``on`` (§1.4)."""
    revoked = Designation.objects.filter(
        firm=firm, status=Designation.Status.REVOKED, revoked_on__isnull=False
    ).values_list("revoked_on", flat=True)
    ends = [bar_ends_on(day) for day in revoked if bar_ends_on(day) > on]
    return max(ends, default=None)


def refusals_to_apply(
    *, firm: Firm, tier: str, kind: str, on: datetime.date, ignore: Application | None = None
) -> list[str]:
    """Why the firm may not apply for ``tier`` now (empty: it may)."""
    refusals = []
    until = barred_until(firm, on)
    if until:
        refusals.append(_("该企业有称号被撤销，%(day)s 前不得申请。") % {"day": until})
    refusals.extend(_holding_refusals(firm, tier, kind, on))
    others = Application.objects.open().filter(firm=firm, tier=tier)
    if ignore is not None:
        others = others.exclude(pk=ignore.pk)
    other = others.first()
    if other is not None:
        refusals.append(_("该企业已有同一称号的进行中申请（#%(id)d）。") % {"id": other.pk})
    if kind == Application.Kind.NEW:
        below = missing_prerequisite(tier, _active_tiers(firm, on))
        if below:
            refusals.append(_("须先持有有效的“%(tier)s”称号。") % {"tier": TIERS[below].label})
    return refusals


def _active_tiers(firm: Firm, on: datetime.date) -> set[str]:
    """The tiers the firm holds on ``on``, for the ladder check (``tiers.missing_prerequisite``)."""
    return set(Designation.objects.active(on).filter(firm=firm).values_list("tier", flat=True))


def _holding_refusals(firm: Firm, tier: str, kind: str, on: datetime.date) -> list[str]:
    """A tier held cannot be applied for again, except as a 复核 in its last months (P7)."""
    held = active_designation(firm, tier, on)
    if kind == Application.Kind.NEW:
        if held is None:
            return []
        return [_("已持有该称号（有效期至 %(day)s），到期前6个月内可申请复核。") % {"day": held.expires_on}]
    if held is None or held.expires_on is None:
        return [_("未持有有效的该称号，不能申请复核；请提交新申请。")]
    opens = renewal_opens_on(held.expires_on)
    if on < opens:
        return [_("复核申请自 %(day)s（有效期届满前6个月）起受理。") % {"day": opens}]
    return _figures_overdue_refusals(firm, on)


def _figures_overdue_refusals(firm: Firm, on: datetime.date) -> list[str]:
    """The 30 April rule (P9): last year's figures filed after the deadline, or not at all, cost the
    firm its 复核 for the rest of this year.

    Judged from the day the year's figures were first filed (``AnnualFigures.filed_on``), so a
    late filing does not restore the year's 复核. Before 1 May the deadline has not passed yet. A
    row whose filing day is unknown (entered before the day was kept, and not backfilled) counts as
    on time: nothing shows it late.
    """
    fiscal_year = overdue_fiscal_year(on)
    if fiscal_year is None:
        return []
    due = figures_due_on(fiscal_year)
    rows = list(AnnualFigures.objects.filter(firm=firm, year=fiscal_year).values_list("filed_on", flat=True))
    filed_on = rows[0] if rows else None
    if rows and (filed_on is None or filed_on <= due):
        return []
    shown = filed_on.isoformat() if filed_on else _("未报送")
    return [
        _("上年度（%(year)d 年度）数据未在 %(due)s 前报送（实际报送：%(filed)s），本年度不能申请复核。")
        % {"year": fiscal_year, "due": due.isoformat(), "filed": shown}
    ]


def _ensure_may_apply(firm: Firm, tier: str, kind: str, on: datetime.date, ignore=None) -> None:
    refusals = refusals_to_apply(firm=firm, tier=tier, kind=kind, on=on, ignore=ignore)
    if refusals:
        raise ValidationError({"tier": refusals})


def _ensure_applicant(actor, firm: Firm) -> None:
    """Firm users apply for their own firm; caseworkers may file for a firm in their scope (paper cases)."""
    if actor is None or not (actor.firm_id == firm.pk or can_edit_register(actor)):
        raise PermissionDenied(_("只有本企业用户或经办人可以提交申请。"))
    ensure_can_act_on(actor, firm)


@transaction.atomic
def create_application(*, firm: Firm, tier: str, kind: str = Application.Kind.NEW, actor) -> Application:
    """Open a draft; the rules that bar applying at all are checked now as well as at submission."""
    _ensure_applicant(actor, firm)
    if tier not in {code for code, _label in Application._meta.get_field("tier").choices}:
        raise ValidationError({"tier": _("不能申请该称号。")})
    if kind not in Application.Kind.values:
        raise ValidationError({"kind": _("申请类型无效。")})
    _ensure_may_apply(firm, tier, kind, timezone.localdate())
    application = Application(firm=firm, tier=tier, kind=kind, created_by=actor)
    application._change_reason = _("创建申请")
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:  # a parallel request opened one first (partial unique constraint)
        raise ValidationError({"tier": _("该企业已有同一称号的进行中申请。")}) from error
    return application


# --- The transition service ----------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    reason: str = ""
    score: int | None = None
    recommendation: str = ""
    comment: str = ""
    objection: str = ""


def application_transition(
    *,
    application: Application,
    action: str,
    actor,
    reason: str = "",
    score: int | None = None,
    recommendation: str = "",
    comment: str = "",
    objection: str = "",
    as_of: datetime.date | None = None,
) -> Application:
    """Take ``action`` on the application: the entry for people (portal, API, admin) and the scans.

    ``actor`` is the person acting, or None for a scan. Only the actions the table offers to people
    (``workflow.OFFERED_ACTIONS``) pass: a service-only row such as ``terminate`` is refused with a
    ``ValidationError`` whoever asks, so no form, however forged, can take it. Raises
    ``PermissionDenied`` when the actor may not take the action, ``TransitionConflict`` when the
    application is no longer in a stage the action applies to (someone else acted first),
    ``ValidationError`` for bad input or an unmet precondition. Returns the updated application.
    """
    if action not in Action.values:
        raise ValidationError({"action": _("未知的操作：%(action)s。") % {"action": action}})
    if action not in OFFERED_ACTIONS:
        message = _("“%(action)s”由系统在相关业务中自动执行，不能手动操作。")
        raise ValidationError({"action": message % {"action": Action(action).label}})
    inputs = Inputs(reason.strip(), score, recommendation, comment.strip(), objection.strip())
    return _transition(application, action, actor, inputs, as_of, service=False)


def transition_input_errors(application: Application, action: str, **inputs) -> dict[str, list[str]]:
    """What ``application_transition`` would say about these inputs for ``action`` now, acting on
    nothing: a form that already failed on one field (letters for the score) reports every other
    missing input with it, instead of one error per attempt."""
    row = transition_for(application.status, action) if action in Action.values else None
    if row is None:
        return {}
    try:
        _check_inputs(row, Inputs(**inputs))
    except ValidationError as error:
        return error.message_dict
    return {}


def service_transition(
    *, application: Application, action: str, actor, reason: str, as_of: datetime.date | None = None
) -> Application:
    """Take a row the table keeps from people (``offered=False``): for services only, never a view.

    ``revoke_designation`` terminates the firm's open applications through here. The row's ``who``,
    its stages and inputs are checked exactly as for ``application_transition``; an action offered
    to people is a programming error here (they go through ``application_transition``).
    """
    if action not in Action.values or action in OFFERED_ACTIONS:
        raise ValueError(f"{action!r} is not a service-only action: use application_transition")
    return _transition(application, action, actor, Inputs(reason=reason.strip()), as_of, service=True)


def _transition(
    application: Application,
    action: str,
    actor,
    inputs: Inputs,
    as_of: datetime.date | None,
    *,
    service: bool,
) -> Application:
    """The one code that changes a status: lock, re-read the stage, check the table, act, record."""
    on = _today(as_of)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        row = _authorise(locked, action, actor, service=service)
        _check_inputs(row, inputs)
        _check_preconditions(row, locked, actor, on)
        from_status = locked.status
        EFFECTS.get(row.action, _no_effect)(locked, actor, inputs, on)
        locked.status = row.target
        locked._change_reason = (inputs.reason or str(row.label))[:100]
        locked.save()
        event = _record(locked, row, from_status, actor, _event_reason(row, inputs))
        announce_to_firm(event, locked)
        transaction.on_commit(lambda: _announce(event))
    return locked


def _authorise(locked: Application, action: str, actor, *, service: bool) -> Transition:
    """403 when the actor's role never takes this action here, 409 when the stage moved on.

    A row not offered to people is taken only on a service's behalf (``service_transition``).
    """
    if not ever_allowed(action, actor, locked):
        raise PermissionDenied(_("您无权对该申请执行“%(action)s”。") % {"action": Action(action).label})
    row = transition_for(locked.status, action)
    if row is None:
        raise TransitionConflict(
            _("该申请当前为“%(status)s”，已不能执行“%(action)s”。")
            % {"status": Status(locked.status).label, "action": Action(action).label}
        )
    if not may_take(row, actor, locked) or (not row.offered and not service):
        raise PermissionDenied(_("您无权在当前阶段执行“%(action)s”。") % {"action": row.label})
    return row


def _check_inputs(row: Transition, inputs: Inputs) -> None:
    errors: dict[str, str] = {}
    if Input.REASON in row.required and not inputs.reason:
        errors["reason"] = _("请填写理由。")
    if Input.OBJECTION in row.required and not inputs.objection:
        errors["objection"] = _("请填写异议内容。")
    if Input.SCORE in row.required and (
        not isinstance(inputs.score, int)
        or isinstance(inputs.score, bool)
        or not SCORE_MIN <= inputs.score <= SCORE_MAX
    ):
        errors["score"] = _("评分应为 %(min)d 至 %(max)d 之间的整数。") % {"min": SCORE_MIN, "max": SCORE_MAX}
    if Input.RECOMMENDATION in row.required and inputs.recommendation not in Review.Recommendation.values:
        errors["recommendation"] = _("请选择评审建议。")
    if errors:
        raise ValidationError(errors)


def _check_preconditions(row: Transition, locked: Application, actor, on: datetime.date) -> None:
    failures = pure_failures(row, locked, actor, on)
    if failures and set(row.preconditions) & CONFLICT_PRECONDITIONS:
        raise TransitionConflict(" ".join(failures))
    if failures:
        raise ValidationError(failures)


def _event_reason(row: Transition, inputs: Inputs) -> str:
    if row.action == Action.OBJECT:
        return inputs.objection
    if row.action == Action.REVIEW:
        label = Review.Recommendation(inputs.recommendation).label
        return _("评分 %(score)d，%(recommendation)s") % {"score": inputs.score, "recommendation": label}
    return inputs.reason


def _record(locked: Application, row: Transition, from_status: str, actor, reason: str) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=locked,
        action=row.action,
        event=row.event,
        from_status=from_status,
        to_status=locked.status,
        actor=actor,
        reason=reason,
        revision=locked.revision,
    )


def _announce(event: ApplicationEvent) -> None:
    transitioned.send(
        sender=Application,
        application_id=event.application_id,
        action=event.action,
        event=event.event,
        actor_id=event.actor_id,
    )


# --- What each action does besides moving the status ---------------------------------------------


def _no_effect(application: Application, actor, inputs: Inputs, on: datetime.date) -> None:
    """Actions that only move the status (the event row keeps the reason)."""


def _submit(application: Application, actor, inputs: Inputs, on: datetime.date) -> None:
    """Judge the application by the rule set in force today and freeze what it was judged on."""
    firm = application.firm
    # Lock the firm's figures before reading them: a write waiting on these rows sees them frozen,
    # and one that came first is in the facts below, so the snapshot is what gets frozen (issue 14).
    list(AnnualFigures.objects.filter(firm=firm).for_write().values_list("pk", flat=True))
    _ensure_may_apply(firm, application.tier, application.kind, on, ignore=application)
    facts = facts_for_firm(firm, on, kind=application.kind)  # a 复核 is judged as one (waivers)
    spec = rule_set_on(on)
    report = evaluate(facts, spec)
    verdict = report.tiers[application.tier]
    if not verdict.in_force:  # e.g. a gazelle list application before Chongqing's rules existed
        raise ValidationError(verdict.message)
    if verdict.eligible is False:
        failed = [c.explain() for c in verdict.criteria if c.status in (NOT_MET, MISSING)]
        raise ValidationError(
            [
                _("按 %(rule_set)s 评估暂不符合“%(tier)s”条件：")
                % {"rule_set": verdict.rule_set, "tier": TIERS[application.tier].label},
                *failed,
            ]
        )
    application.revision += 1
    # The set that rated this tier (national or Chongqing's); the snapshot keeps the whole report.
    application.rule_set = RuleSetRecord.objects.get(code=verdict.rule_set)
    application.snapshot = {"facts": facts.to_dict(), "report": report.to_dict()}
    application.submitted_at = timezone.now()
    _freeze_figures(application, sorted(facts.years))


def _freeze_figures(application: Application, years: list[int]) -> None:
    """The figures a submission relied on are frozen (P9), each recorded in the figures' history;
    already frozen rows keep their first reason."""
    reason = _("申请 #%(id)d（%(tier)s，第 %(revision)d 版）的评审依据") % {
        "id": application.pk,
        "tier": TIERS[application.tier].label,
        "revision": application.revision,
    }
    AnnualFigures.objects.filter(firm=application.firm, year__in=years).freeze(reason)


def _review(application: Application, actor, inputs: Inputs, on: datetime.date) -> None:
    assignment = application.assignments.get(reviewer=actor)
    try:
        with transaction.atomic():
            Review.objects.create(
                assignment=assignment,
                revision=application.revision,
                score=inputs.score,
                recommendation=inputs.recommendation,
                comment=inputs.comment,
            )
    except IntegrityError as error:
        raise TransitionConflict(_("您已提交本版本的评审意见。")) from error


def _holidays(start: datetime.date) -> tuple[frozenset, frozenset]:
    return Holiday.objects.calendar(start, start + CALENDAR_HORIZON)


def _open_notice(application: Application, actor, inputs: Inputs, on: datetime.date) -> None:
    """公示 runs for the working days after approval (weekends and listed holidays skipped)."""
    application.notice_starts_on = on
    application.notice_ends_on = add_working_days(on, NOTICE_WORKING_DAYS, *_holidays(on))
    application.notice_paused_on = None


def _object(application: Application, actor, inputs: Inputs, on: datetime.date) -> None:
    Objection.objects.create(application=application, text=inputs.objection, lodged_by=actor)
    if application.notice_paused_on is None:
        application.notice_paused_on = on


def _resolve_objections(application: Application, actor, outcome: str, reason: str) -> None:
    application.objections.filter(outcome=Objection.Outcome.OPEN).update(
        outcome=outcome, decided_by=actor, decided_at=timezone.now(), decision_reason=reason
    )


def _dismiss(application: Application, actor, inputs: Inputs, on: datetime.date) -> None:
    """The clock restarts where it stopped: the working days left at the pause run from today."""
    _resolve_objections(application, actor, Objection.Outcome.DISMISSED, inputs.reason)
    paused, ends = application.notice_paused_on, application.notice_ends_on
    left = working_days_between(paused, ends, *_holidays(paused)) if paused and ends else 0
    application.notice_ends_on = add_working_days(on, left, *_holidays(on))
    application.notice_paused_on = None


def _close(application: Application, actor, inputs: Inputs, on: datetime.date) -> None:
    application.decided_at = timezone.now()


def _uphold(application: Application, actor, inputs: Inputs, on: datetime.date) -> None:
    _resolve_objections(application, actor, Objection.Outcome.UPHELD, inputs.reason)
    _close(application, actor, inputs, on)


def _designate(application: Application, actor, inputs: Inputs, on: datetime.date) -> None:
    designate_from(application=application, granted_on=on, actor=actor)
    _close(application, actor, inputs, on)


EFFECTS: dict[str, Callable[[Application, object, Inputs, datetime.date], None]] = {
    Action.SUBMIT: _submit,
    Action.RESUBMIT: _submit,
    Action.REVIEW: _review,
    Action.APPROVE: _open_notice,
    Action.OBJECT: _object,
    Action.DISMISS_OBJECTION: _dismiss,
    Action.UPHOLD_OBJECTION: _uphold,
    Action.DESIGNATE: _designate,
    Action.REJECT: _close,
    Action.WITHDRAW: _close,
    Action.TERMINATE: _close,
}


# --- Expert assignment ---------------------------------------------------------------------------


@transaction.atomic
def assign_reviewers(*, application: Application, reviewers, due_at: datetime.date, actor) -> int:
    """A city caseworker asks experts to score an application in the city review; returns how many are new.

    Only experts whose scope covers the firm may be assigned (``workflow.may_be_assigned``): an
    assignment opens the application to its expert, so it must not reach past their district. One
    expert refused refuses the whole call. Assigning again the same expert only moves the due date.
    Each call leaves an event row.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not acts_as(Who.CITY_CASEWORKER, actor, locked):
        raise PermissionDenied(_("只有市级经办人可以分配评审专家。"))
    if locked.status != Status.CITY_REVIEW:
        raise TransitionConflict(_("只有处于市级复审阶段的申请可以分配评审专家。"))
    reviewers = list(reviewers)
    if not reviewers:
        raise ValidationError({"reviewers": _("请至少选择一位评审专家。")})
    refused = [user.get_username() for user in reviewers if not may_be_assigned(user, locked)]
    if refused:
        message = _("%(names)s 不能评审该申请：须为具备评审专家角色、且属本区县或市级的专家。")
        raise ValidationError({"reviewers": message % {"names": "、".join(refused)}})
    if due_at < timezone.localdate():
        raise ValidationError({"due_at": _("截止日期不能早于今天。")})
    created = 0
    for reviewer in reviewers:
        _assignment, new = ReviewAssignment.objects.update_or_create(
            application=locked, reviewer=reviewer, defaults={"due_at": due_at, "assigned_by": actor}
        )
        created += new
    names = "、".join(user.get_username() for user in reviewers)
    ApplicationEvent.objects.create(
        application=locked,
        action="assign",
        event="application.reviewers_assigned",
        from_status=locked.status,
        to_status=locked.status,
        actor=actor,
        reason=_("分配评审专家：%(names)s，截止 %(day)s") % {"names": names, "day": due_at},
        revision=locked.revision,
    )
    return created
