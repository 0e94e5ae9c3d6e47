"""Services for attestations and rule-set versions (the stage has its own: ``stages``)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.files import files_removed_on_rollback
from registry.models import Firm
from registry.roles import can_edit_register, scope_of

from ..models import Attestation
from ..models import RuleSet as RuleSetRecord
from ..rules.checks import RuleError
from ..rules.ruleset import RuleSet as RuleSetSpec
from ..selectors import rule_set_named


def ensure_can_act_on(user, firm: Firm) -> None:
    """Refuse a user acting on a firm outside their scope."""
    if not scope_of(user).covers(firm):
        raise PermissionDenied(_("您无权处理该企业。"))


def claim_attestation(*, firm: Firm, code: str, evidence, note: str = "", actor) -> Attestation:
    """A firm (or a caseworker for it) claims an attested criterion with evidence; it is pending.

    Claims of one firm are taken one at a time (a lock on the firm's row), so of two at once the second
    sees the first and is refused like any duplicate; should the one-live-claim constraint still refuse
    the insert, that is the same 400, never a 500. Evidence stored by a claim that does not commit is
    deleted (issue 14: eight parallel claims left a 500 and an orphan file).
    """
    ensure_can_act_on(actor, firm)
    attestation = Attestation(firm=firm, code=code, evidence=evidence, note=note, claimed_by=actor)
    attestation._change_reason = _("企业申报")
    try:
        with files_removed_on_rollback(attestation, "evidence"):
            Firm.objects.select_for_update(no_key=True).filter(pk=firm.pk).first()
            _refuse_second_live_claim(firm, code)
            attestation.full_clean()
            attestation.save()
    except IntegrityError:
        _refuse_second_live_claim(firm, code)  # lost the race to the constraint: the same answer
        raise
    return attestation


def _refuse_second_live_claim(firm: Firm, code: str) -> None:
    if Attestation.objects.live().filter(firm=firm, code=code).exists():
        raise ValidationError({"code": _("该事项已有待确认或已确认的申报。")})


@transaction.atomic
def decide_attestation(*, attestation: Attestation, confirm: bool, actor, reason: str = "") -> Attestation:
    """A caseworker confirms or rejects a pending claim; a rejection needs a reason."""
    locked = Attestation.objects.select_for_update().get(pk=attestation.pk)
    if not can_edit_register(actor):
        raise PermissionDenied(_("只有经办人可以确认佐证事项。"))
    ensure_can_act_on(actor, locked.firm)
    if locked.status != Attestation.Status.CLAIMED:
        raise ValidationError(_("该申报已处理（%(status)s）。") % {"status": locked.get_status_display()})
    if not confirm and not reason.strip():
        raise ValidationError({"decision_reason": _("不通过时请填写原因。")})
    locked.status = Attestation.Status.CONFIRMED if confirm else Attestation.Status.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason.strip()
    locked._change_reason = reason.strip() or _("确认")
    locked.save()
    return locked


def _refuse_unless_programme_admin(actor) -> None:
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("只有项目管理员可以发布规则集。"))


def _refuse_same_day(jurisdiction: str, effective_from: datetime.date, but: int | None = None) -> None:
    """Two published versions of one line on one day would be ambiguous (drafts never apply)."""
    clash = RuleSetRecord.objects.published().filter(jurisdiction=jurisdiction, effective_from=effective_from)
    if clash.exclude(pk=but).exists():
        raise ValidationError({"effective_from": _("同一适用范围内同一天已有规则集生效。")})


def _derived_spec(
    base: RuleSetRecord,
    code: str,
    effective_from: datetime.date,
    overrides: Mapping[str, Mapping[str, Any]],
    title: str,
    note: str,
) -> RuleSetSpec:
    try:
        return rule_set_named(base.code).derive(
            code, effective_from, overrides, title=title or None, note=note or None
        )
    except (RuleError, KeyError, ValueError, TypeError) as error:
        raise ValidationError({"overrides": str(error)}) from error


@transaction.atomic
def derive_rule_set(
    *,
    base: RuleSetRecord,
    code: str,
    effective_from: datetime.date,
    overrides: Mapping[str, Mapping[str, Any]],
    title: str = "",
    note: str = "",
    draft: bool = False,
    actor,
) -> RuleSetRecord:
    """A new rule-set version with changed thresholds; the base stays as it was (P1).

    Published at once, or kept as a ``draft`` (issue 16): stored, previewed in impact reports,
    editable (``update_draft``) and applied by nothing until ``publish_rule_set``.
    """
    _refuse_unless_programme_admin(actor)
    if base.is_draft:
        raise ValidationError(_("草稿不能作为基础版本；请先发布。"))
    if RuleSetRecord.objects.filter(code=code).exists():
        raise ValidationError({"code": _("规则集代码已存在。")})
    if not draft:
        _refuse_same_day(base.jurisdiction, effective_from)
    spec = _derived_spec(base, code, effective_from, overrides, title, note)
    now = timezone.now()
    record = RuleSetRecord(
        code=spec.code,
        jurisdiction=spec.jurisdiction,  # a version stays in its base's line (national or Chongqing)
        effective_from=spec.effective_from,
        title=spec.title,
        provisional=spec.provisional,
        based_on=base,
        definition=spec.to_dict(),
        overrides=json_overrides(overrides),
        note=note,
        created_by=actor,
        status=RuleSetRecord.Status.DRAFT if draft else RuleSetRecord.Status.PUBLISHED,
        published_at=None if draft else now,
        published_by=None if draft else actor,
    )
    record._change_reason = _("创建草稿") if draft else _("发布")
    record.save()
    return record


def json_overrides(overrides: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Overrides as stored: plain JSON as the form took it (a Decimal given by code becomes a string)."""
    return json.loads(json.dumps(overrides, default=str))


def _locked_draft(record: RuleSetRecord) -> RuleSetRecord:
    locked = (
        RuleSetRecord.objects.select_for_update(of=("self",)).select_related("based_on").get(pk=record.pk)
    )
    if not locked.is_draft:
        raise ValidationError(_("规则集一经发布不可修改；如需调整阈值，请基于它创建新版本。"))
    return locked


@transaction.atomic
def update_draft(
    *,
    record: RuleSetRecord,
    overrides: Mapping[str, Mapping[str, Any]],
    effective_from: datetime.date | None = None,
    title: str | None = None,
    note: str | None = None,
    actor,
) -> RuleSetRecord:
    """Change a draft's thresholds (and date, title, note): rebuilt from its base with the new overrides.

    Each change is kept in the version's history (who, when, the overrides before and after).
    """
    _refuse_unless_programme_admin(actor)
    draft = _locked_draft(record)
    day = effective_from or draft.effective_from
    title = draft.title if title is None else title
    note = draft.note if note is None else note
    spec = _derived_spec(draft.based_on, draft.code, day, overrides, title, note)
    draft.definition, draft.overrides = spec.to_dict(), json_overrides(overrides)
    draft.effective_from, draft.title, draft.note = day, spec.title, note
    draft._change_reason = _("修改草稿")
    draft.save()
    return draft


@transaction.atomic
def publish_rule_set(*, record: RuleSetRecord, actor) -> RuleSetRecord:
    """Publish a draft: from now on it applies from its effective date and is never changed again."""
    _refuse_unless_programme_admin(actor)
    draft = _locked_draft(record)
    _refuse_same_day(draft.jurisdiction, draft.effective_from, but=draft.pk)
    draft.status = RuleSetRecord.Status.PUBLISHED
    draft.published_at, draft.published_by = timezone.now(), actor
    draft._change_reason = _("发布")
    draft.save()
    return draft
