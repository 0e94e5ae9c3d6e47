"""Revoking a designation (§1.4, 暂行办法 Art.16): the record, the firm's open applications, its stage.

Revocation sits above both the designation records (``designations``) and the workflow
(``applications``, whose ``designate`` step grants through ``designations``): it terminates the firm's
open applications through the workflow, so it lives in its own module rather than making those two
import each other.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.roles import can_edit_register

from ..models import Application, Designation
from ..tiers import bar_ends_on
from ..workflow import Action, TransitionConflict
from .applications import service_transition
from .rules import ensure_can_act_on
from .stages import settle_stage


@transaction.atomic
def revoke_designation(
    *, designation: Designation, reason: str, actor, on: datetime.date | None = None
) -> Designation:
    """Revoke at once with a reason (§1.4, 暂行办法 Art.16); the firm is barred from applying for 3 years.

    The firm's open applications are terminated in the same transaction: a barred firm must not be
    designated by a notice that happens to close later.
    """
    if not can_edit_register(actor):
        raise PermissionDenied(_("只有经办人可以撤销称号。"))
    ensure_can_act_on(actor, designation.firm)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    locked = Designation.objects.select_for_update().get(pk=designation.pk)
    if locked.status == Designation.Status.REVOKED:
        raise TransitionConflict(_("该称号已于 %(day)s 撤销。") % {"day": locked.revoked_on})
    locked.status = Designation.Status.REVOKED
    locked.revoked_on = on or timezone.localdate()
    locked.revoked_reason = reason
    locked._change_reason = reason[:100]
    locked.save()
    _terminate_open_applications(locked, reason, actor)
    settle_stage(firm=locked.firm, on=locked.revoked_on)
    return locked


def _terminate_open_applications(designation: Designation, reason: str, actor) -> None:
    note = _("称号“%(tier)s”被撤销（%(reason)s），%(day)s 前不得申请。") % {
        "tier": designation.get_tier_display(),
        "reason": reason,
        "day": bar_ends_on(designation.revoked_on),
    }
    for application in Application.objects.open().filter(firm=designation.firm_id):
        service_transition(application=application, action=Action.TERMINATE, actor=actor, reason=note)
