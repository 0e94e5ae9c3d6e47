"""Rule set CN-2022-R2025: the 2025 小巨人 round (工信厅企业函〔2025〕190号, docs/RULES.md).

The round still applies the V2022 standards, with four changes to 小巨人 only, from the notice
(relayed mid-May 2025; 2025-05-15 is used, marked provisional) until CN-2026 takes over on 2026-04-01:

- a firm already designated 单项冠军 is excluded;
- a control relationship with an existing 小巨人, or similar products within one group, excludes
  (a negative attested condition: confirmed means excluded, ``not_attested``);
- last year's operating revenue below 5000万元 is not accepted (relays only, [P]: provisional);
- the 5% average growth rule is waived for a 复核 (``waived_for_renewal``, facts' ``application_kind``).

Every other tier is CN-2022's. Naming ``CN-2022`` explicitly still gives the unmodified 2022 set.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.utils.translation import gettext_noop as _

from ..tiers import LITTLE_GIANT, SINGLE_CHAMPION
from .reasons import ROUND_2025_DATE, ROUND_2025_REVENUE
from .ruleset import Criterion, RuleSet, TierRule, thaw
from .spec import at_least, measurable

CODE = "CN-2022-R2025"
EFFECTIVE_FROM = date(2025, 5, 15)
EXCLUSIONS = ("not_single_champion", "no_little_giant_affiliation", "revenue_2025")


def _exclusions() -> tuple[Criterion, ...]:
    return (
        measurable(
            "not_single_champion",
            _("2025年：尚未认定为制造业单项冠军企业"),
            "designation_not_held",
            {"tier": SINGLE_CHAMPION},
            source="S12",
        ),
        Criterion(
            "no_little_giant_affiliation",
            _("2025年：与已认定的“小巨人”企业不存在控股关系，且非同一集团内同类产品企业"),
            "attested",
            "not_attested",
            {"any_of": ["little_giant_affiliation"]},
            source="S12",
            note="Negative attested condition: a confirmed affiliation excludes the firm.",
        ),
        at_least(
            "revenue_2025",
            _("2025年：上年度营业收入不低于5000万元"),
            "operating_revenue",
            "5000",
            year=0,
            source="S12c",
            confidence="P",
            provisional=True,
            provisional_reason=ROUND_2025_REVENUE,
            note="Relays say revenue below 5000万 is not accepted in 2025 (S12c, [P]).",
        ),
    )


def little_giant(base: TierRule) -> TierRule:
    """CN-2022's 小巨人 with the 2025 round's exclusions, and its growth rule waived for a 复核."""
    criteria = []
    for criterion in base.criteria:
        if criterion.code == "main_business_growth":
            criterion = replace(
                criterion,
                params={**thaw(criterion.params), "waived_for_renewal": True},
                note=f"{criterion.note} 2025 round: not checked for 复核 (S12).".strip(),
            )
        criteria.append(criterion)
    rule = thaw(base.effective_pass_rule())
    return replace(
        base,
        criteria=(*criteria, *_exclusions()),
        pass_rule={"all": [*rule["all"], *EXCLUSIONS]},
        note="2025 round (工信厅企业函〔2025〕190号): the V2022 standard with the round's exclusions.",
    )


def build(base: RuleSet) -> RuleSet:
    """CN-2022-R2025 derived from ``base`` (CN-2022)."""
    return base.derive(
        CODE,
        EFFECTIVE_FROM,
        title=_("优质中小企业梯度培育管理暂行办法（2022）：2025年“小巨人”申报与复核调整"),
        tiers=[little_giant(base.tiers[LITTLE_GIANT])],
        note=(
            "The 2025 小巨人 round (S12): excludes 单项冠军 holders and affiliated firms, revenue ≥ 5000万 "
            "[P], growth waived for 复核. Other tiers as CN-2022."
        ),
        source="S12",
        date_confidence="P",
        date_note=ROUND_2025_DATE,
    )
