"""Disqualifications (P3, §1.0a): a caseworker records a negative common condition on a firm, and lifts it.

The admin's add and change pages and the API call these, so the scope check, the validation (the model's
``clean``: no day in the future, a lift between the occurrence and today, a reason for lifting) and the audit
reason are the same whoever records. A recorded flag is not deleted: lifting it keeps the record and says why.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Firm
from registry.roles import can_edit_register

from ..models import Disqualification
from ..workflow import TransitionConflict
from .rules import ensure_can_act_on

HISTORY_REASON_LENGTH = 100  # simple-history's change-reason column


def _ensure_recorder(actor, firm: Firm) -> None:
    if not can_edit_register(actor):
        raise PermissionDenied(_("只有经办人可以记录或解除否决情形。"))
    ensure_can_act_on(actor, firm)


@transaction.atomic
def record_disqualification(
    *, firm: Firm, code: str, occurred_on: datetime.date, reason: str, actor
) -> Disqualification:
    """Record a flag against ``firm``; ``ValidationError`` (nothing saved) for an unknown code, a day in the
    future or a missing reason, ``PermissionDenied`` for a firm outside the actor's scope."""
    _ensure_recorder(actor, firm)
    flag = Disqualification(
        firm=firm, code=code, occurred_on=occurred_on, reason=(reason or "").strip(), recorded_by=actor
    )
    flag.full_clean()
    flag._change_reason = (_("记录否决情形：%(reason)s") % {"reason": flag.reason})[:HISTORY_REASON_LENGTH]
    flag._history_user = actor
    flag.save()
    return flag


@transaction.atomic
def lift_disqualification(
    *, disqualification: Disqualification, reason: str, actor, lifted_on: datetime.date | None = None
) -> Disqualification:
    """Lift a flag from ``lifted_on`` (today when not given) with a reason; it stops barring from that day.

    ``TransitionConflict`` (HTTP 409) when it was lifted already; ``ValidationError`` for a missing reason or
    a day outside the occurrence..today range.
    """
    _ensure_recorder(actor, disqualification.firm)
    locked = Disqualification.objects.select_for_update().get(pk=disqualification.pk)
    if locked.lifted_on is not None:
        raise TransitionConflict(_("该否决情形已于 %(day)s 解除。") % {"day": locked.lifted_on})
    locked.lifted_on = lifted_on or timezone.localdate()
    locked.lifted_reason = (reason or "").strip()
    if not locked.lifted_reason:
        raise ValidationError({"lifted_reason": _("解除时请填写原因。")})
    locked.full_clean(exclude=["recorded_by"])  # flags recorded before the recorder was kept have none
    change = _("解除否决情形：%(reason)s") % {"reason": locked.lifted_reason}
    locked._change_reason = change[:HISTORY_REASON_LENGTH]
    locked._history_user = actor
    locked.save()
    return locked
