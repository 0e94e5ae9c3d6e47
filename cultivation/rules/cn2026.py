"""Rule set CN-2026 (provisional): the revised 《优质中小企业梯度培育管理办法》, effective 2026-04-01.

Only the 小巨人 part of V2026 was found (a consultant page, S10: "seven indicators"), so this set
derives from CN-2022 and replaces ``little_giant``. The base rung becomes 科技和创新型中小企业 (科技型
merged with 创新型, S11): the same rung and tier code (``innovative_sme``, renamed on screens by
``tiers.label_on``), judged by CN-2022's 创新型 evaluation or a valid 科技型中小企业 evaluation. Every
criterion of 创新型 and 专精特新 carried over from CN-2022 is provisional, with its reason: its V2026 value
is not known. The whole set is provisional until the official text is verified (domain §8 item 1).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.utils.translation import gettext_noop as _

from ..tiers import INNOVATIVE_SME, LITTLE_GIANT, PREREQUISITE_TIER, SRDI_SME
from .ruleset import Criterion, RuleSet, TierRule, thaw
from .spec import at_least, attested, measurable, prerequisite

CODE = "CN-2026"
EFFECTIVE_FROM = date(2026, 4, 1)
# Why a criterion carried over from CN-2022 is provisional in CN-2026 (P1: 2022 rules never shown as settled):
# the note for docs/RULES.md, the reason (a message id) for the people who read a report.
INHERITED = (
    "Provisional: carried over from CN-2022; the V2026 value is not known, so the 2022 "
    "rule applies until the official V2026 text is verified."
)
CARRIED_OVER = _("2026年修订办法中该项标准未见原文，暂沿用2022年标准，待核实")
TECH_SME_ROUTE = _("科技型中小企业并入后的认定方式未见原文，暂按有效期内入库的科技型中小企业可认定，待核实")


def inherited(criterion: Criterion) -> Criterion:
    """A CN-2022 criterion as CN-2026 carries it: provisional, unconfirmed, the reason in its note.

    A criterion already provisional for its own reason (a growth formula, say) keeps that reason for
    users; the note says it is carried over as well.
    """
    note = f"{INHERITED} {criterion.note}".strip()
    reason = criterion.provisional_reason if criterion.provisional else ""
    return replace(
        criterion, provisional=True, confidence="U", note=note, provisional_reason=reason or CARRIED_OVER
    )


def tech_and_innovative_sme(base: TierRule) -> TierRule:
    """科技和创新型中小企业 (V2026 base rung, §1.0/§1.7): 创新型 as in CN-2022, or a valid 科技型 evaluation.

    V2026 merges 科技型中小企业 into the base rung; its own thresholds were not found. Read here as: the
    CN-2022 创新型 evaluation (score ≥ 60 or a direct condition), every criterion provisional, or a firm
    the 科技型 platform has evaluated and registered (attested, provisional: the merged standard is [U]).
    """
    tech = attested(
        "d5_tech_sme",
        _("已通过科技型中小企业评价并取得有效期内的入库登记编号"),
        ["tech_sme_registered"],
        direct=True,
        source="S11, S30",
        confidence="U",
        provisional=True,
        provisional_reason=TECH_SME_ROUTE,
        note=(
            "Provisional: V2026 merges 科技型中小企业 into this rung (S11); how the merged standard treats a "
            "registered 科技型 firm is not known, read here as qualifying on its own. Attested (the "
            "evaluation is the 科技型 platform's, S30)."
        ),
    )
    rule = thaw(base.effective_pass_rule())
    routes = [*rule["any"], tech.code] if set(rule) == {"any"} else [rule, tech.code]
    return replace(
        base,
        criteria=(*(inherited(c) for c in base.criteria), tech),
        pass_rule={"any": routes},
        note=(
            "科技和创新型中小企业 from 2026-04-01: the 创新型 rung renamed with 科技型 merged in; same tier "
            "code, so designations and the ladder carry on. Thresholds [U]: CN-2022's, all provisional."
        ),
    )


def srdi_sme(base: TierRule) -> TierRule:
    """专精特新 under CN-2026: V2026's standard was not found; CN-2022's, every criterion provisional."""
    return replace(base, criteria=tuple(inherited(c) for c in base.criteria))


def little_giant() -> TierRule:
    """小巨人 V2026, the seven indicators (§1.3), all required."""
    return TierRule(
        LITTLE_GIANT,
        pass_rule={
            "all": [
                "prerequisite",
                "niche_years",
                "operating_revenue",
                "main_business_share",
                "revenue_cagr",
                "debt_ratio",
                "rd_expense_2y",
                "rd_intensity_2y",
                {"any": ["class1_ip", "national_award"]},
                "niche_share",
                "product_field",
                "srdi_evaluation",
            ]
        },
        criteria=(
            prerequisite(
                "prerequisite",
                _("（1）已认定为专精特新中小企业（有效期内）"),
                PREREQUISITE_TIER[LITTLE_GIANT] or SRDI_SME,
                source="S10",
                confidence="P",
            ),
            at_least(
                "niche_years",
                _("（1）截至上年末从事特定细分市场时间"),
                "years_in_niche",
                3,
                source="S10",
                confidence="P",
            ),
            at_least(
                "operating_revenue",
                _("（2）上年度营业收入"),
                "operating_revenue",
                "5000",
                year=0,
                source="S10",
                confidence="P",
            ),
            at_least(
                "main_business_share",
                _("（2）上年度主营业务收入占营业收入比重"),
                "main_business_share",
                90,
                year=0,
                source="S10",
                confidence="P",
            ),
            measurable(
                "revenue_cagr",
                _("（2）近2年营业收入复合增长率"),
                "cagr_at_least",
                {"field": "operating_revenue", "years": 2, "threshold": "5", "waived_for_renewal": True},
                source="S10",
                confidence="P",
                note="end ≥ start·1.05² over the last two years; not checked for 复核 (re-review).",
            ),
            measurable(
                "debt_ratio",
                _("（2）截至上年末资产负债率"),
                "at_most",
                {"metric": "debt_ratio", "year": 0, "threshold": "75"},
                source="S10",
                confidence="P",
            ),
            at_least(
                "rd_expense_2y",
                _("（3）近2年研发费用总额"),
                "rd_expense_sum",
                "1200",
                years=2,
                source="S10",
                confidence="P",
            ),
            measurable(
                "rd_intensity_2y",
                _("（3）近2年每年研发费用占营业收入比重"),
                "each_year_at_least",
                {"metric": "rd_intensity", "years": 2, "threshold": "3"},
                source="S10",
                confidence="P",
            ),
            at_least(
                "class1_ip",
                _("（4）与主导产品相关的Ⅰ类知识产权数量"),
                "class1_ip",
                4,
                year=0,
                source="S10",
                confidence="P",
            ),
            attested(
                "national_award",
                _("（4）近三年获得国家级科技奖励并在获奖单位中排名前三（可替代知识产权要求）"),
                ["national_st_award_top3"],
                source="S10",
                confidence="P",
            ),
            attested(
                "niche_share",
                _("（5）主导产品国内或国际细分市场占有率达到10%以上，或国内排名前三"),
                ["niche_share_10", "international_niche_share", "domestic_top3_share"],
                source="S10",
                confidence="P",
            ),
            attested(
                "product_field",
                _("（6）主导产品所属领域并处于产业链关键环节"),
                ["key_chain_product"],
                source="S10",
                confidence="P",
            ),
            attested(
                "srdi_evaluation",
                _("（7）本年度专精特新发展评价得分达到60分以上"),
                ["srdi_evaluation_60"],
                source="S10, S21",
                confidence="P",
                for_renewal={"any_of": ["srdi_evaluation_60", "srdi_evaluation_60_last2"]},
                note="复核: ≥ 60 in either of the last 2 years (its own attestation, for a renewal only).",
            ),
        ),
    )


def build(base: RuleSet) -> RuleSet:
    """CN-2026 derived from ``base`` (CN-2022).

    Every 2026 小巨人 criterion is provisional (one consultant page, S10), and so is every 创新型 and
    专精特新 criterion carried over from CN-2022 (their V2026 values are not known); the other tiers
    (outside V2026) keep their own flags, so screens mark as unconfirmed only what is.
    """
    rule = little_giant()
    rule = replace(rule, criteria=tuple(replace(c, provisional=True) for c in rule.criteria))
    return base.derive(
        CODE,
        EFFECTIVE_FROM,
        title=_("优质中小企业梯度培育管理办法（2026修订，暂按咨询机构文本编码）"),
        provisional=True,
        tiers=[
            tech_and_innovative_sme(base.tiers[INNOVATIVE_SME]),
            srdi_sme(base.tiers[SRDI_SME]),
            rule,
        ],
        note=(
            "V2026: the base rung is 科技和创新型中小企业 (科技型 merged with 创新型; code innovative_sme). "
            "Its 创新型 and 专精特新 thresholds are [U]: CN-2022's apply, every one marked provisional; "
            "小巨人 follows the seven indicators (S10); other tiers are inherited from CN-2022."
        ),
    )
