"""Rule set CN-2026 (provisional): the revised 《优质中小企业梯度培育管理办法》, effective 2026-04-01.

Only the 小巨人 part of V2026 was found (a consultant page, S10: "seven indicators"), so this set
derives from CN-2022 and replaces ``little_giant``; every other tier is inherited unchanged. The
whole set is provisional until the official text is verified (domain §8 item 1).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.utils.translation import gettext_noop as _

from ..tiers import LITTLE_GIANT, PREREQUISITE, SRDI_SME
from .ruleset import RuleSet, TierRule
from .spec import at_least, attested, measurable, prerequisite

CODE = "CN-2026"
EFFECTIVE_FROM = date(2026, 4, 1)


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
                PREREQUISITE[LITTLE_GIANT] or SRDI_SME,
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
                {"field": "operating_revenue", "years": 2, "threshold": "5"},
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
                note="复核: ≥ 60 in either of the last 2 years (the attestation covers it).",
            ),
        ),
    )


def build(base: RuleSet) -> RuleSet:
    """CN-2026 derived from ``base`` (CN-2022).

    Every 2026 小巨人 criterion is provisional (one consultant page, S10); the tiers inherited from CN-2022
    keep their own flags, so screens mark as unconfirmed only what is.
    """
    rule = little_giant()
    rule = replace(rule, criteria=tuple(replace(c, provisional=True) for c in rule.criteria))
    return base.derive(
        CODE,
        EFFECTIVE_FROM,
        title=_("优质中小企业梯度培育管理办法（2026修订，暂按咨询机构文本编码）"),
        provisional=True,
        tiers=[rule],
        note=(
            "Inherits every tier but 小巨人 from CN-2022. V2026 专精特新 and 科技和创新型 thresholds are [U] "
            "and not encoded."
        ),
    )
