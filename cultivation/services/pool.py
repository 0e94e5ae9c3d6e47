"""Admission to the hard-tech support pool (P8): the entry rule, the baseline, and the city's override.

A member is admitted here and nowhere else (the admin's add page and any future API route call
``admit_to_pool``). The entry rule is the pool tier of the rule set in force on the admission day,
read through the selectors like every other evaluation, so no threshold is repeated here. The baseline
is the firm's operating revenue in the baseline year (the year before entry) as filed: never typed,
and admission waits until those figures are on the register. A firm that fails the rule (or whose
attested conditions are not yet confirmed) is refused, unless a city caseworker or a programme admin
records why it is admitted all the same; that reason stays on the member and in its history.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import AnnualFigures, Firm
from registry.roles import can_edit_register, is_city_caseworker

from ..models import PoolMembership
from ..rules.status import MET
from ..selectors import eligibility_of_firm
from ..tiers import HARDTECH_POOL
from .rules import ensure_can_act_on

OVERRIDE_REASON_MAX_LENGTH = 500
HISTORY_REASON_LENGTH = 100  # simple-history's change-reason column


def may_override_pool_entry(user) -> bool:
    """City caseworkers (no district) and programme admins may admit a firm that fails the entry rule.

    The pool is the city's (市经济信息委); a district caseworker admits only firms that meet the rule.
    """
    return is_city_caseworker(user)


def pool_entry_refusals(firm: Firm, entered_on: datetime.date) -> tuple[list[str], str]:
    """Why ``firm`` does not meet the pool's entry rule on ``entered_on`` (empty when it does), and the
    code of the rule set that judged it (the Chongqing set holding the pool's rule on that day).

    Pending attestations count as not met: admission is a decision, not an application to review.
    Before any entry rule is in force the tier answers "not in force", which refuses as well.
    """
    report = eligibility_of_firm(firm, as_of=entered_on)
    verdict = report.tiers.get(HARDTECH_POOL)
    if verdict is None or not verdict.in_force:
        message = verdict.message if verdict is not None else ""
        message = message or _("%(day)s 没有生效的硬科技帮扶库入库规则。") % {"day": entered_on.isoformat()}
        return [message], (verdict.rule_set if verdict is not None else None) or report.rule_set
    rule_set = verdict.rule_set or report.rule_set
    if verdict.eligible is True:
        return [], rule_set
    return [c.explain() for c in verdict.criteria if c.status != MET], rule_set


@transaction.atomic
def admit_to_pool(
    *, firm: Firm, entered_on: datetime.date, actor, override_reason: str = ""
) -> PoolMembership:
    """Admit ``firm`` to the pool on ``entered_on`` (cohort = that year, baseline = the year before).

    Refused (``ValidationError``, nothing written) when: the day is missing or in the future; the firm
    is already a member; the baseline year's operating revenue is not filed; the entry rule is not met
    and no override reason is given. ``PermissionDenied`` when the actor may not edit the register, the
    firm is outside their scope, or they give an override reason without being city-level. The firm row
    is locked, so two people admitting it at once cannot both pass; the baseline year's figures are
    frozen with the reason (P9), so the baseline and the figures never disagree.
    """
    if not can_edit_register(actor):
        raise PermissionDenied(_("只有经办人可以办理帮扶库入库。"))
    override_reason = (override_reason or "").strip()
    _check_input(entered_on, override_reason)
    locked = Firm.objects.select_for_update().get(pk=firm.pk)
    ensure_can_act_on(actor, locked)
    if PoolMembership.objects.filter(firm=locked).exists():
        raise ValidationError({"firm": _("该企业已在硬科技帮扶库中。")})
    baseline_year = entered_on.year - 1
    baseline = _baseline(locked, baseline_year)
    refusals, rule_set = pool_entry_refusals(locked, entered_on)
    if refusals and not override_reason:
        raise ValidationError(
            {
                "firm": [
                    _("%(day)s 按 %(rule_set)s 评估，该企业不符合硬科技帮扶库入库条件：")
                    % {"day": entered_on.isoformat(), "rule_set": rule_set},
                    *refusals,
                    _("如确需入库，须由市级经办人填写破格入库理由。"),
                ]
            }
        )
    if refusals and not may_override_pool_entry(actor):
        raise PermissionDenied(_("只有市级经办人或项目管理员可以为不符合入库条件的企业破格入库。"))
    member = PoolMembership(
        firm=locked,
        cohort_year=entered_on.year,
        baseline_year=baseline_year,
        baseline_revenue=baseline,
        entered_on=entered_on,
        entry_rule_set=rule_set,
        entry_override_reason=override_reason if refusals else "",
    )
    if refusals:
        change = _("破格入库：%(reason)s") % {"reason": override_reason}
    else:
        change = _("入库：符合入库条件（%(rule_set)s）") % {"rule_set": rule_set}
    member._change_reason = change[:HISTORY_REASON_LENGTH]
    member._history_user = actor
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as error:  # the one-membership constraint: someone admitted it meanwhile
        raise ValidationError({"firm": _("该企业已在硬科技帮扶库中。")}) from error
    reason = _("硬科技帮扶库入库基准（%(year)d 年入库）") % {"year": entered_on.year}
    AnnualFigures.objects.filter(firm=locked, year=baseline_year).freeze(reason)
    return member


def _check_input(entered_on, override_reason: str) -> None:
    errors: dict[str, str] = {}
    if not isinstance(entered_on, datetime.date):
        errors["entered_on"] = _("请填写入库日期。")
    elif entered_on > timezone.localdate():
        errors["entered_on"] = _("入库日期不能晚于今天。")
    if len(override_reason) > OVERRIDE_REASON_MAX_LENGTH:
        limit = {"n": OVERRIDE_REASON_MAX_LENGTH}
        errors["override_reason"] = _("破格入库理由不能超过 %(n)d 个字符。") % limit
    if errors:
        raise ValidationError(errors)


def _baseline(firm: Firm, baseline_year: int):
    """The baseline year's operating revenue as filed; admission waits for it."""
    revenue = (
        AnnualFigures.objects.filter(firm=firm, year=baseline_year)
        .values_list("operating_revenue", flat=True)
        .first()
    )
    if revenue is None:
        raise ValidationError(
            {
                "entered_on": _(
                    "尚无 %(year)d 年度（基准年度，即入库前一年）的营业收入数据："
                    "请先录入该年度数据，再办理入库。"
                )
                % {"year": baseline_year}
            }
        )
    return revenue


@transaction.atomic
def exit_pool(*, membership: PoolMembership, actor, reason: str = "") -> None:
    """Take a member out of the pool (the admin's delete and the API's exit): the row goes, its history stays.

    Programme admins only, as the admin has always allowed (caseworkers' groups hold no delete permission
    on members: they admit, the programme decides who leaves). The reason, when given, is the history's
    change reason (the admin's delete page asks none). The baseline year's figures stay frozen: they were
    the baseline of a published decision.
    """
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("只有项目管理员可以办理帮扶库出库。"))
    ensure_can_act_on(actor, membership.firm)
    locked = PoolMembership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        raise ValidationError({"firm": _("该企业已不在硬科技帮扶库中。")})
    change = _("出库：%(reason)s") % {"reason": reason.strip()} if reason.strip() else _("出库")
    locked._change_reason = change[:HISTORY_REASON_LENGTH]
    locked._history_user = actor
    locked.delete()
