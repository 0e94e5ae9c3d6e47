"""CN-2022, the quality ladder: 创新型, 专精特新, 小巨人 (MIIT V2022, domain §1.1-§1.3) and 单项冠军 (§2).

Every figure below is the one place it is defined. Indicator codes follow the official tables;
labels carry the official wording (Chinese message ids, translated when shown).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

from ..tiers import INNOVATIVE_SME, LITTLE_GIANT, PREREQUISITE_TIER, SINGLE_CHAMPION, SRDI_SME
from .reasons import GROWTH_FORMULA
from .ruleset import ScoreClass, TierRule
from .spec import at_least, attested, bands, measurable, option, prerequisite, score

# Why an item is provisional, as users read it next to the criterion (domain §8 items 2 and 7).
IP_BANDS = _("知识产权分档分值（10/8/6/2分）仅见于四川省转载文本，待核实")
CHAMPION_REVENUE_FLOOR = _("近3年主营业务收入均值4亿元的门槛出自2019年通知，2023年认定管理办法中的数值未核实")
CHAMPION_PRODUCT_YEARS = _("申请产品上市时间要求各来源不一（3年或5年），暂按3年，待核实")


def innovative_sme() -> TierRule:
    """创新型中小企业 (§1.1): score ≥ 60 with class minimums, or any direct condition D1-D4."""
    return TierRule(
        INNOVATIVE_SME,
        classes=(
            ScoreClass("innovation", _("创新能力"), 40),
            ScoreClass("growth", _("成长性"), 30),
            ScoreClass("specialisation", _("专业化"), 30),
        ),
        pass_rule={"any": ["score", "d1_st_award", "d2_honours", "d3_rd_institution", "d4_equity_financing"]},
        criteria=(
            measurable(
                "ip",
                _("与主导产品相关的有效知识产权"),
                "best_of_points",
                {
                    "options": [
                        option(20, attested=["high_value_class1_ip"]),
                        option(15, attested=["self_developed_class1_ip"]),
                        option(10, metric="class1_ip", min=1),
                        option(5, metric="class2_ip", min=1),
                    ],
                    "else": 0,
                },
                score_class="innovation",
                source="S2",
                note="Ⅰ类高价值 and self-developed Ⅰ类 are attested (the figures only count IP).",
            ),
            measurable(
                "rd_intensity",
                _("上年度研发费用总额占营业收入总额比重"),
                "banded_points",
                {
                    "metric": "rd_intensity",
                    "year": 0,
                    "bands": bands([(5, 20), (3, 15), (2, 10), (1, 5)]),
                    "else": 0,
                },
                score_class="innovation",
                source="S2",
            ),
            measurable(
                "main_business_growth",
                _("上年度主营业务收入增长率"),
                "banded_points",
                {
                    "metric": "main_business_growth",
                    "year": 0,
                    "bands": bands([(15, 20), (10, 15), (5, 10), (0, 5)]),
                    "else": 0,
                },
                score_class="growth",
                source="S2",
            ),
            measurable(
                "debt_ratio",
                _("上年度资产负债率"),
                "banded_points",
                {
                    "metric": "debt_ratio",
                    "year": 0,
                    "op": "lt",
                    "bands": bands([(55, 10), (75, 5)]),
                    "else": 0,
                },
                score_class="growth",
                source="S2",
                note="P2: 55%以下 <55; 55%-75% [55, 75); 75%以上 ≥75.",
            ),
            measurable(
                "product_field",
                _("主导产品所属领域（属于《战略性新兴产业分类》）"),
                "best_of_points",
                {"options": [option(10, fact="strategic_emerging")], "else": 5},
                score_class="specialisation",
                source="S2",
            ),
            measurable(
                "main_business_share",
                _("上年度主营业务收入总额占营业收入总额比重"),
                "banded_points",
                {
                    "metric": "main_business_share",
                    "year": 0,
                    "bands": bands([(70, 20), (60, 15), (55, 10), (50, 5)]),
                    "else": 0,
                },
                score_class="specialisation",
                source="S2",
            ),
            score(60, {"innovation": 20, "growth": 15, "specialisation": 15}, source="S2"),
            attested(
                "d1_st_award",
                _("近三年获得国家级、省级科技奖励"),
                ["st_award_provincial_or_above", "st_award_top_ranked", "national_st_award_top3"],
                direct=True,
                source="S2",
            ),
            attested(
                "d2_honours",
                _(
                    "获得高新技术企业、国家级技术创新示范企业、知识产权优势企业和知识产权示范企业等荣誉（有效期内）"
                ),
                ["high_tech_enterprise"],
                direct=True,
                source="S2",
            ),
            attested(
                "d3_rd_institution",
                _("拥有经认定的省部级以上研发机构"),
                ["rd_institution_national", "rd_institution_provincial"],
                direct=True,
                source="S2",
            ),
            at_least(
                "d4_equity_financing",
                _("近三年新增股权融资总额（合格机构投资者的实缴额）"),
                "equity_financing_sum",
                "500",
                years=3,
                direct=True,
                source="S2",
                note="Sum of the last 3 fiscal years' new equity financing; an unrecorded year counts as 0.",
            ),
        ),
    )


def _srdi_scoring() -> tuple:
    """The 13 indicators of 专精特新 (§1.2), classes 25/25/15/35."""
    return (
        measurable(
            "main_business_share",
            _("主营业务收入占营业收入比重"),
            "banded_points",
            {
                "metric": "main_business_share",
                "year": 0,
                "bands": bands([(80, 5), (70, 3), (60, 1)]),
                "else": 0,
            },
            score_class="specialisation",
            source="S1, S3, S4",
        ),
        measurable(
            "main_business_growth",
            _("近2年主营业务收入平均增长率"),
            "banded_points",
            {
                "metric": "main_business_growth_mean",
                "years": 2,
                "bands": bands([(10, 10), (8, 8), (6, 6), (4, 4), (0, 2)]),
                "else": 0,
            },
            score_class="specialisation",
            source="S1, S3, S4",
            provisional=True,
            provisional_reason=GROWTH_FORMULA,
            note="Formula [U]: simple mean of the last two annual growth rates (needs three years of data).",
        ),
        measurable(
            "niche_years",
            _("从事特定细分市场年限"),
            "banded_points",
            {
                "metric": "years_in_niche",
                "bands": bands([(10, 5), (8, 4), (6, 3), (4, 2), (2, 1)]),
                "else": 0,
            },
            score_class="specialisation",
            source="S1, S3, S4",
            note="S4 form: 1 point per full 2 years, max 5.",
        ),
        measurable(
            "product_field",
            _("主导产品所属领域"),
            "best_of_points",
            {
                "options": [option(5, attested=["chain_role"]), option(3, attested=["six_foundations"])],
                "else": 0,
            },
            score_class="specialisation",
            source="S1, S3, S4",
        ),
        measurable(
            "digital_level",
            _("数字化水平"),
            "best_of_points",
            {
                "options": [option(5, attested=["digital_level_3"]), option(3, attested=["digital_level_2"])],
                "else": 0,
            },
            score_class="refinement",
            source="S3",
        ),
        measurable(
            "quality_management",
            _("质量管理水平"),
            "sum_of_points",
            {
                "options": [
                    option(3, attested=["quality_award"]),
                    option(3, attested=["quality_certification"]),
                    option(3, attested=["own_brand"]),
                    option(3, attested=["standards_drafting"]),
                ],
                "cap": 5,
            },
            score_class="refinement",
            source="S3",
            note="3 points per item, at most 5.",
        ),
        measurable(
            "net_margin",
            _("上年度净利润率"),
            "banded_points",
            {
                "metric": "net_margin",
                "year": 0,
                "bands": bands([(10, 10), (8, 8), (6, 6), (4, 4), (2, 2)]),
                "else": 0,
            },
            score_class="refinement",
            source="S3",
        ),
        measurable(
            "debt_ratio",
            _("上年度资产负债率"),
            "banded_points",
            {
                "metric": "debt_ratio",
                "year": 0,
                "op": "lt",
                "bands": bands([(50, 5), (60, 3), (70, 1)]),
                "else": 0,
            },
            score_class="refinement",
            source="S3",
        ),
        measurable(
            "local_feature",
            _("地方特色指标"),
            "sum_of_points",
            {
                "options": [
                    option(8, attested=["local_key_industry"]),
                    option(4, attested=["local_distinctive_product"]),
                    option(3, attested=["local_regional_unique"]),
                ],
                "cap": 15,
            },
            score_class="distinctiveness",
            source="S6",
            confidence="U",
            provisional=True,
            note="Chongqing's own indicator was not found; modelled on the Sichuan example (8/4/3).",
        ),
        measurable(
            "ip",
            _("与主导产品相关的有效知识产权"),
            "best_of_points",
            {
                "options": [
                    option(10, attested=["high_value_class1_ip"]),
                    option(8, attested=["self_developed_class1_ip"]),
                    option(6, metric="class1_ip", min=1),
                    option(2, metric="class2_ip", min=1),
                ],
                "else": 0,
            },
            score_class="innovation",
            source="S6",
            confidence="P",
            provisional=True,
            provisional_reason=IP_BANDS,
            note="Provisional: the 10/8/6/2 IP bands were seen only in the Sichuan copy.",
        ),
        measurable(
            "rd_input",
            _("上年度研发费用投入"),
            "best_banded_points",
            {
                "scales": [
                    {
                        "metric": "rd_expense",
                        "year": 0,
                        "bands": bands([(500, 10), (400, 8), (300, 6), (200, 4), (100, 2)]),
                    },
                    {
                        "metric": "rd_intensity",
                        "year": 0,
                        "bands": bands([(10, 10), (8, 8), (6, 6), (4, 4), (3, 2)]),
                    },
                ],
                "else": 0,
            },
            score_class="innovation",
            source="S5, S6",
            note="Amount or intensity, whichever scores higher.",
        ),
        measurable(
            "rd_staff_share",
            _("上年度研发人员占比"),
            "banded_points",
            {"metric": "rd_staff_share", "year": 0, "bands": bands([(20, 5), (10, 3), (5, 1)]), "else": 0},
            score_class="innovation",
            source="none found",
            confidence="U",
            provisional=True,
            note="Bands from memory (not confirmed in the published texts).",
        ),
        measurable(
            "rd_institution",
            _("建立研发机构级别"),
            "best_of_points",
            {
                "options": [
                    option(10, attested=["rd_institution_national"]),
                    option(8, attested=["rd_institution_provincial"]),
                    option(4, attested=["rd_institution_municipal"]),
                    option(2, attested=["rd_institution_below"]),
                ],
                "else": 0,
            },
            score_class="innovation",
            source="none found",
            confidence="U",
            provisional=True,
            note="Levels and points from memory (not confirmed in the published texts).",
        ),
    )


def srdi_sme() -> TierRule:
    """专精特新中小企业 (§1.2): C1-C3 all, and C4 = score ≥ 60 or a direct condition (a)-(d)."""
    return TierRule(
        SRDI_SME,
        classes=(
            ScoreClass("specialisation", _("专业化"), 25),
            ScoreClass("refinement", _("精细化"), 25),
            ScoreClass("distinctiveness", _("特色化"), 15),
            ScoreClass("innovation", _("创新能力"), 35),
        ),
        pass_rule={
            "all": [
                "prerequisite",
                "c1_niche_years",
                "c2_rd_expense",
                "c2_rd_intensity",
                {"any": ["c3_revenue", "c3_equity_financing"]},
                {
                    "any": [
                        "score",
                        "c4a_st_award",
                        "c4b_rd_expense_mean",
                        "c4c_equity_financing",
                        "c4d_maker_china",
                    ]
                },
            ]
        },
        criteria=(
            prerequisite(
                "prerequisite",
                _("已认定为创新型中小企业（有效期内）"),
                PREREQUISITE_TIER[SRDI_SME] or INNOVATIVE_SME,
                source="S20",
                confidence="P",
                note="Ladder: the lower rung must be held (Shandong/Jinan practice, a product rule).",
            ),
            at_least(
                "c1_niche_years",
                _("从事特定细分市场时间"),
                "years_in_niche",
                2,
                source="S1, S7",
                note=(
                    "Completed years after the entry year up to the end of last year (entered 2023: 1 at the"
                    " end of 2024); whole months after the entry month where it is recorded."
                ),
            ),
            at_least("c2_rd_expense", _("上年度研发费用总额"), "rd_expense", "100", year=0, source="S1, S7"),
            at_least(
                "c2_rd_intensity",
                _("上年度研发费用占营业收入总额比重"),
                "rd_intensity",
                3,
                year=0,
                source="S1, S7",
            ),
            at_least(
                "c3_revenue", _("上年度营业收入总额"), "operating_revenue", "1000", year=0, source="S1, S7"
            ),
            at_least(
                "c3_equity_financing",
                _("近2年新增股权融资总额（合格机构投资者的实缴额）"),
                "equity_financing_sum",
                "2000",
                years=2,
                source="S1, S7",
                note="Alternative to the revenue bar for firms under 1000万元.",
            ),
            *_srdi_scoring(),
            score(60, source="S1, S3"),
            attested(
                "c4a_st_award",
                _("近三年获得省级科技奖励并在获奖单位中排名前三，或获得国家级科技奖励并在获奖单位中排名前五"),
                ["st_award_top_ranked", "national_st_award_top3"],
                direct=True,
                source="S1, S7",
            ),
            at_least(
                "c4b_rd_expense_mean",
                _("近2年研发费用总额均值"),
                "rd_expense_mean",
                "1000",
                years=2,
                direct=True,
                source="S1, S7",
            ),
            at_least(
                "c4c_equity_financing",
                _("近2年新增股权融资总额（合格机构投资者的实缴额）"),
                "equity_financing_sum",
                "6000",
                years=2,
                direct=True,
                source="S1, S7",
            ),
            attested(
                "c4d_maker_china",
                _("近三年进入“创客中国”中小企业创新创业大赛全国500强企业组名单"),
                ["maker_china_top500", "maker_china_top50"],
                direct=True,
                source="S1, S7",
            ),
        ),
    )


def _g1_rd_by_revenue() -> dict:
    """小巨人 G1: the R&D bar depends on last year's operating revenue."""
    return {
        "metric": "operating_revenue",
        "year": 0,
        "bands": [
            {
                "min": "10000",
                "all": [
                    {
                        "code": "rd_intensity_2y",
                        "label": _("近2年每年研发费用占营业收入比重"),
                        "check": "each_year_at_least",
                        "params": {"metric": "rd_intensity", "years": 2, "threshold": "3"},
                    }
                ],
            },
            {
                "min": "5000",
                "all": [
                    {
                        "code": "rd_intensity_2y",
                        "label": _("近2年每年研发费用占营业收入比重"),
                        "check": "each_year_at_least",
                        "params": {"metric": "rd_intensity", "years": 2, "threshold": "6"},
                    }
                ],
            },
            {
                "min": "0",
                "all": [
                    {
                        "code": "equity_financing",
                        "label": _("近2年新增股权融资总额"),
                        "check": "at_least",
                        "params": {"metric": "equity_financing_sum", "years": 2, "threshold": "8000"},
                    },
                    {
                        "code": "rd_expense_2y",
                        "label": _("近2年研发费用总额"),
                        "check": "at_least",
                        "params": {"metric": "rd_expense_sum", "years": 2, "threshold": "3000"},
                    },
                    {
                        "code": "rd_staff_share",
                        "label": _("研发人员占从业人员比重"),
                        "check": "at_least",
                        "params": {"metric": "rd_staff_share", "year": 0, "threshold": "50"},
                    },
                ],
            },
        ],
    }


def little_giant() -> TierRule:
    """专精特新“小巨人” V2022 (§1.3): the six dimensions 专、精、特、新、链、品, all required."""
    return TierRule(
        LITTLE_GIANT,
        pass_rule={
            "all": [
                "prerequisite",
                "niche_years",
                "main_business_share",
                "main_business_growth",
                "info_system",
                "certification",
                "debt_ratio",
                "niche_share",
                "own_brand",
                {
                    "any": [
                        {"all": ["g1_rd_by_revenue", "g2_rd_institution", "g3_class1_ip"]},
                        "direct_national_award",
                        "direct_maker_china",
                    ]
                },
                "chain_role",
                "product_field",
            ]
        },
        criteria=(
            prerequisite(
                "prerequisite",
                _("已认定为专精特新中小企业（有效期内）"),
                PREREQUISITE_TIER[LITTLE_GIANT] or SRDI_SME,
                source="S12",
            ),
            at_least(
                "niche_years", _("专：截至上年末从事特定细分市场时间"), "years_in_niche", 3, source="S8"
            ),
            at_least(
                "main_business_share",
                _("专：上年度主营业务收入占营业收入比重"),
                "main_business_share",
                70,
                year=0,
                source="S8",
            ),
            at_least(
                "main_business_growth",
                _("专：近2年主营业务收入平均增长率"),
                "main_business_growth_mean",
                5,
                years=2,
                source="S8",
                provisional=True,
                provisional_reason=GROWTH_FORMULA,
                note="Same formula reading as 专精特新 #2 [U].",
            ),
            attested("info_system", _("精：至少1项核心业务采用信息系统支撑"), ["info_system"], source="S8"),
            attested(
                "certification",
                _("精：取得相关管理体系认证，或产品通过发达国家和地区产品认证"),
                ["quality_certification"],
                source="S8",
            ),
            measurable(
                "debt_ratio",
                _("精：截至上年末资产负债率"),
                "at_most",
                {"metric": "debt_ratio", "year": 0, "threshold": "70"},
                source="S8",
                note="“不高于70%”: 70% exactly meets it.",
            ),
            attested(
                "niche_share",
                _("特：主导产品在全国细分市场占有率达到10%以上"),
                ["niche_share_10"],
                source="S8",
            ),
            attested(
                "own_brand", _("特：拥有直接面向市场并具有竞争优势的自主品牌"), ["own_brand"], source="S8"
            ),
            measurable(
                "g1_rd_by_revenue",
                _("新（一般条件1）：按上年度营业收入分档的研发投入要求"),
                "banded_rule",
                _g1_rd_by_revenue(),
                source="S5, S9",
            ),
            attested(
                "g2_rd_institution",
                _("新（一般条件2）：自建或与高校、科研机构联合建立研发机构"),
                [
                    "rd_institution_national",
                    "rd_institution_provincial",
                    "rd_institution_municipal",
                    "rd_institution_below",
                ],
                source="S9",
            ),
            at_least(
                "g3_class1_ip",
                _("新（一般条件3）：拥有2项以上与主导产品相关的Ⅰ类知识产权"),
                "class1_ip",
                2,
                year=0,
                source="S9",
                note="Counted from the figures; “实际应用并已产生经济效益” is not checked.",
            ),
            attested(
                "direct_national_award",
                _("新（直通条件）：近三年获得国家级科技奖励并在获奖单位中排名前三"),
                ["national_st_award_top3"],
                direct=True,
                source="S8, S9",
            ),
            attested(
                "direct_maker_china",
                _("新（直通条件）：近三年进入“创客中国”大赛全国50强企业组名单"),
                ["maker_china_top50"],
                direct=True,
                source="S8, S9",
            ),
            attested(
                "chain_role",
                _("链：主导产品在产业链关键环节发挥补短板、锻长板、填空白作用"),
                ["chain_role"],
                source="S8",
                confidence="P",
                note="Exact official wording [U].",
            ),
            attested(
                "product_field",
                _("品：主导产品属于工业“六基”、制造强国或网络强国重点领域"),
                ["key_field_product"],
                source="S8",
                confidence="P",
                note="Exact official wording [U].",
            ),
        ),
    )


def single_champion() -> TierRule:
    """制造业单项冠军 (§2): ≥10 years in the field, global top 3, and 4亿 revenue or 小巨人 (P6)."""
    return TierRule(
        SINGLE_CHAMPION,
        pass_rule={
            "all": [
                "years_in_field",
                "global_top3",
                {"any": ["main_business_revenue_mean", "little_giant_held"]},
                "profitability",
                "energy_use",
                "product_on_market",
            ]
        },
        criteria=(
            at_least(
                "years_in_field",
                _("从事相关业务领域时间"),
                "years_in_niche",
                10,
                source="S22b, S22c",
                note="Completed years after niche_since (or whole months after its month) to last year-end.",
            ),
            attested(
                "global_top3", _("申请产品的全球市场占有率位居前三"), ["global_top3_share"], source="S22b"
            ),
            at_least(
                "main_business_revenue_mean",
                _("近3年主营业务收入均值"),
                "main_business_revenue_mean",
                "40000",
                years=3,
                source="S22d, S22f",
                confidence="P",
                provisional=True,
                provisional_reason=CHAMPION_REVENUE_FLOOR,
                note=(
                    "Provisional: the 4亿 floor is the 2019 rule [C]; the 2023 text's floor is not confirmed "
                    "in the published texts. Needs all three years."
                ),
            ),
            prerequisite(
                "little_giant_held",
                _("已认定为专精特新“小巨人”企业（可替代营业收入要求）"),
                LITTLE_GIANT,
                source="S22d",
                note="P6: 单项冠军 accepts 小巨人 or revenue ≥ 4亿.",
            ),
            attested(
                "profitability",
                _("盈利能力高于行业平均水平"),
                ["profitability_above_industry"],
                source="S22b",
            ),
            attested(
                "energy_use", _("单位产品能耗达到能耗限额标准先进值"), ["energy_use_advanced"], source="S22b"
            ),
            attested(
                "product_on_market",
                _("申请产品上市时间达到3年以上"),
                ["product_on_market_3y"],
                source="S22b, S22c",
                confidence="U",
                provisional=True,
                provisional_reason=CHAMPION_PRODUCT_YEARS,
                note=(
                    "Provisional: 3 years per S22b/S22c; one consultant page says 5 (S22f), unconfirmed for "
                    "the 2023 text. Attested: pending until a caseworker confirms it."
                ),
            ),
        ),
        note="Not encoded ([U]): a numeric R&D share; 示范/产品 tracks.",
    )
