"""Designations: granted or extended when an application is designated, and revoked with a reason (P7).

A designation is a published decision: it comes from the workflow's ``designate`` (``grant_designation``,
``renew_designation``), or, for one granted before Tiermark kept the register, from
``record_historical_designation`` (programme admins and city caseworkers only, with a reason). Nothing else
creates or edits one: the admin and the API call these functions (revocation: ``services.revocation``).

Every change settles the firm's cached life-cycle stage (``stages.settle_stage``, P5), which raises the
stage-change alert when the stage moves.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Firm
from registry.roles import is_city_caseworker

from ..models import Application, Designation
from ..tiers import DESIGNATION_TIER_CHOICES, PREREQUISITE_TIER, TIERS, bar_ends_on, expiry_for
from .rules import ensure_can_act_on
from .stages import settle_stage


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
    settle_stage(firm=application.firm, on=granted_on)
    return designation


@transaction.atomic
def renew_designation(
    *, designation: Designation, application: Application, actor, on: datetime.date | None = None
) -> Designation:
    """A passed 复核 extends the designation by a full validity from the day after it would have expired."""
    locked = Designation.objects.select_for_update().get(pk=designation.pk)
    start = (locked.expires_on or timezone.localdate()) + timedelta(days=1)
    locked.expires_on = expiry_for(locked.tier, start)
    locked.status = Designation.Status.ACTIVE
    locked.source_application = application
    locked._change_reason = _("申请 #%(id)d 复核通过，有效期延续") % {"id": application.pk}
    locked.save()
    settle_stage(firm=locked.firm, on=on)
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
            return renew_designation(designation=current, application=application, actor=actor, on=granted_on)
    return grant_designation(application=application, granted_on=granted_on, actor=actor)


# The audit trail's change-reason column holds 100 characters: "补录：" and the reason must fit.
RECORD_REASON_MAX_LENGTH = 90
BATCH_MAX_LENGTH = Designation._meta.get_field("batch").max_length


def may_record_historical_designations(user) -> bool:
    """Programme admins and city caseworkers (caseworkers with no district) record designations granted
    before Tiermark. District caseworkers and experts never type a designation in: theirs come from the
    workflow, where a city caseworker or the notice scan decides."""
    return is_city_caseworker(user)


@transaction.atomic
def record_historical_designation(
    *, firm: Firm, tier: str, granted_on: datetime.date, actor, reason: str, batch: str = ""
) -> Designation:
    """Put on the register a designation granted outside Tiermark (e.g. before it existed).

    The same rules as a granted one: the ladder prerequisite (``tiers.PREREQUISITE_TIER``) must have been held
    on the grant date — already on the register, recorded first in its own act, since each record is a
    separate decision with its own reason; the expiry is computed from the tier's validity
    (``expiry_for``), never typed; no designation of the same tier may overlap it; a firm barred by a
    revocation could not have been granted one. The firm row is locked so two people recording the same
    designation at once cannot both pass the overlap check. The reason goes to the audit trail
    (simple-history's change reason, with the actor), the save to the firm change log, and the firm's
    stage is recomputed as for a granted designation.
    """
    if not may_record_historical_designations(actor):
        raise PermissionDenied(_("只有项目管理员或市级经办人可以补录历史认定。"))
    reason, batch = (reason or "").strip(), (batch or "").strip()
    _check_record_input(firm=firm, tier=tier, granted_on=granted_on, reason=reason, batch=batch)
    locked = Firm.objects.select_for_update().get(pk=firm.pk)
    ensure_can_act_on(actor, locked)
    expires_on = expiry_for(tier, granted_on)
    _check_prerequisite_held(locked, tier, granted_on)
    _check_no_overlap(locked, tier, granted_on, expires_on)
    _check_not_barred(locked, granted_on)
    today = timezone.localdate()
    designation = Designation(
        firm=locked,
        tier=tier,
        granted_on=granted_on,
        expires_on=expires_on,
        status=Designation.Status.ACTIVE if expires_on >= today else Designation.Status.EXPIRED,
        batch=batch,
    )
    designation._change_reason = _("补录：%(reason)s") % {"reason": reason}
    designation._history_user = actor
    designation.save()
    settle_stage(firm=locked)
    return designation


def _check_record_input(*, firm: Firm, tier: str, granted_on, reason: str, batch: str) -> None:
    """Refuse bad input field by field, before anything is locked or written."""
    errors: dict[str, str] = {}
    if tier not in dict(DESIGNATION_TIER_CHOICES):
        errors["tier"] = _("请选择有效的称号。")
    if not isinstance(granted_on, datetime.date):
        errors["granted_on"] = _("请填写认定日期。")
    elif granted_on > timezone.localdate():
        errors["granted_on"] = _("补录的是已作出的认定，认定日期不能晚于今天。")
    elif firm.founded_on and granted_on < firm.founded_on:
        errors["granted_on"] = _("认定日期早于企业成立日期（%(day)s）。") % {"day": firm.founded_on}
    if not reason:
        errors["reason"] = _("请填写补录原因（如原认定文件、公告及其文号）。")
    elif len(reason) > RECORD_REASON_MAX_LENGTH:
        errors["reason"] = _("补录原因不能超过 %(n)d 个字符。") % {"n": RECORD_REASON_MAX_LENGTH}
    if len(batch) > BATCH_MAX_LENGTH:
        errors["batch"] = _("批次不能超过 %(n)d 个字符。") % {"n": BATCH_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)


def _in_force_on(day: datetime.date) -> Q:
    """Designations in force on ``day``: granted by then, not expired, not revoked by then."""
    return (
        Q(granted_on__lte=day)
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        & ~Q(status=Designation.Status.REVOKED, revoked_on__lte=day)
    )


def _check_prerequisite_held(firm: Firm, tier: str, granted_on: datetime.date) -> None:
    required = PREREQUISITE_TIER.get(tier)
    if required is None:
        return
    if not Designation.objects.filter(_in_force_on(granted_on), firm=firm, tier=required).exists():
        raise ValidationError(
            {
                "tier": _(
                    "%(tier)s须以%(required)s为前提：该企业在 %(day)s 未持有有效的%(required)s称号。"
                    "如确曾持有，请先补录该称号。"
                )
                % {"tier": TIERS[tier].label, "required": TIERS[required].label, "day": granted_on}
            }
        )


def _check_no_overlap(firm: Firm, tier: str, granted_on: datetime.date, expires_on: datetime.date) -> None:
    """One designation of a tier at a time: refuse one whose validity meets an existing one's."""
    meets = Q(granted_on__lte=expires_on) & (Q(expires_on__isnull=True) | Q(expires_on__gte=granted_on))
    clash = (
        Designation.objects.filter(firm=firm, tier=tier)
        .filter(meets | Q(granted_on=granted_on))
        .exclude(status=Designation.Status.REVOKED, revoked_on__lte=granted_on)
        .order_by("granted_on")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "granted_on": _(
                    "该企业已有%(tier)s称号（%(start)s 认定，有效期至 %(end)s），与本次补录的有效期重叠。"
                )
                % {"tier": TIERS[tier].label, "start": clash.granted_on, "end": clash.expires_on or "—"}
            }
        )


def _check_not_barred(firm: Firm, granted_on: datetime.date) -> None:
    """A firm within three years of a revocation could not have been designated (暂行办法 Art.16)."""
    for revoked_on in Designation.objects.filter(
        firm=firm, status=Designation.Status.REVOKED, revoked_on__lte=granted_on
    ).values_list("revoked_on", flat=True):
        if granted_on < bar_ends_on(revoked_on):
            raise ValidationError(
                {
                    "granted_on": _("该企业的称号于 %(day)s 被撤销，%(end)s 前不得认定。")
                    % {"day": revoked_on, "end": bar_ends_on(revoked_on)}
                }
            )
