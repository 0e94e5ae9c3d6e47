"""Designations: granted or extended when an application is designated, and revoked with a reason (P7).

Every change recomputes the firm's cached life-cycle stage (``refresh_stage``, P5).
"""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.roles import can_edit_register

from ..models import Application, Designation
from ..tiers import bar_ends_on, expiry_for
from ..workflow import Action, TransitionConflict
from .rules import ensure_can_act_on, refresh_stage


def _batch(application: Application, granted_on: datetime.date) -> str:
    """Designations are announced in batches: those whose notice closed on the same day."""
    day = application.notice_ends_on or granted_on
    return _("%(day)s 公示期满批次") % {"day": day.isoformat()}


@transaction.atomic
def grant_designation(*, application: Application, granted_on: datetime.date, actor) -> Designation:
    """A new designation from a designated application, valid per ``expiry_for`` (3 years or a list year)."""
    designation = Designation(
        firm=application.firm,
        tier=application.tier,
        granted_on=granted_on,
        expires_on=expiry_for(application.tier, granted_on),
        batch=_batch(application, granted_on),
        source_application=application,
    )
    designation._change_reason = _("申请 #%(id)d 公示期满认定") % {"id": application.pk}
    designation.save()
    refresh_stage(firm=application.firm)
    return designation


@transaction.atomic
def renew_designation(*, designation: Designation, application: Application, actor) -> Designation:
    """A passed 复核 extends the designation by a full validity from the day after it would have expired."""
    locked = Designation.objects.select_for_update().get(pk=designation.pk)
    start = (locked.expires_on or timezone.localdate()) + timedelta(days=1)
    locked.expires_on = expiry_for(locked.tier, start)
    locked.status = Designation.Status.ACTIVE
    locked.source_application = application
    locked._change_reason = _("申请 #%(id)d 复核通过，有效期延续") % {"id": application.pk}
    locked.save()
    refresh_stage(firm=locked.firm)
    return locked


def designate_from(*, application: Application, granted_on: datetime.date, actor) -> Designation:
    """The designation a designated application produces: a renewal extends the one it re-reviewed."""
    if application.kind == Application.Kind.RENEWAL:
        current = (
            Designation.objects.filter(
                firm=application.firm,
                tier=application.tier,
                status__in=[Designation.Status.ACTIVE, Designation.Status.EXPIRED],
            )
            .order_by("-expires_on")
            .first()
        )
        if current is not None:
            return renew_designation(designation=current, application=application, actor=actor)
    return grant_designation(application=application, granted_on=granted_on, actor=actor)


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
    refresh_stage(firm=locked.firm)
    return locked


def _terminate_open_applications(designation: Designation, reason: str, actor) -> None:
    from .applications import application_transition

    note = _("称号“%(tier)s”被撤销（%(reason)s），%(day)s 前不得申请。") % {
        "tier": designation.get_tier_display(),
        "reason": reason,
        "day": bar_ends_on(designation.revoked_on),
    }
    for application in Application.objects.open().filter(firm=designation.firm_id):
        application_transition(application=application, action=Action.TERMINATE, actor=actor, reason=note)
