"""Services for attestations and rule-set versions (the stage has its own: ``stages``)."""

from __future__ import annotations

import datetime
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


@transaction.atomic
def derive_rule_set(
    *,
    base: RuleSetRecord,
    code: str,
    effective_from: datetime.date,
    overrides: Mapping[str, Mapping[str, Any]],
    title: str = "",
    note: str = "",
    actor,
) -> RuleSetRecord:
    """Publish a new rule-set version with changed thresholds; the base stays as it was (P1)."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("只有项目管理员可以发布规则集。"))
    if RuleSetRecord.objects.filter(code=code).exists():
        raise ValidationError({"code": _("规则集代码已存在。")})
    if RuleSetRecord.objects.filter(jurisdiction=base.jurisdiction, effective_from=effective_from).exists():
        raise ValidationError({"effective_from": _("同一适用范围内同一天已有规则集生效。")})
    try:
        spec = rule_set_named(base.code).derive(
            code, effective_from, overrides, title=title or None, note=note or None
        )
    except (RuleError, KeyError, ValueError, TypeError) as error:
        raise ValidationError({"overrides": str(error)}) from error
    return RuleSetRecord.objects.create(
        code=spec.code,
        jurisdiction=spec.jurisdiction,  # a version stays in its base's line (national or Chongqing)
        effective_from=spec.effective_from,
        title=spec.title,
        provisional=spec.provisional,
        based_on=base,
        definition=spec.to_dict(),
        note=note,
        created_by=actor,
    )
