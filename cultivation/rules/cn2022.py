"""Rule set CN-2022: MIIT 梯度培育 V2022 (创新型, 专精特新, 小巨人), 单项冠军, and Chongqing's growth
ladder and hard-tech pool (domain.md §1-§4). Every figure below is the one place it is defined.

The quality-ladder tiers are in ``cn2022_quality``; the common conditions, the growth ladder
(§3) and the hard-tech pool (§4) are here.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_noop as _

from ..tiers import (
    GAZELLE,
    HARDTECH_POOL,
    INNOVATIVE_SME,
    LITTLE_GIANT,
    POTENTIAL_UNICORN,
    SRDI_SME,
    TIERS,
    UNICORN,
)
from .attestations import DISQUALIFICATIONS
from .cn2022_quality import innovative_sme, little_giant, single_champion, srdi_sme
from .ruleset import RuleSet, TierRule
from .spec import at_least, attested, common, measurable

CODE = "CN-2022"
EFFECTIVE_FROM = date(2022, 8, 1)
MIIT_TIERS = (INNOVATIVE_SME, SRDI_SME, LITTLE_GIANT)

COMMON = (
    common(
        "sme_size",
        _("属于中小企业（《中小企业划型标准规定》）"),
        "sme_size",
        {
            "year": 0,
            "sectors": {
                "industry": {"employees_below": 1000, "revenue_below": "40000"},
                "software": {"employees_below": 300, "revenue_below": "10000"},
            },
        },
        (*MIIT_TIERS, HARDTECH_POOL),
        source="S20, S29",
        note=(
            "Last-year employees and operating revenue; SME if either is below the sector's upper bound. "
            "Applies to the MIIT 梯度培育 tiers, whose 参评基本条件 require SME size, and to the hard-tech "
            "pool, which is a pool of 中小型 firms by name. Not to 单项冠军 (large manufacturers by design) "
            "nor to the gazelle/unicorn lists (no size rule in S23)."
        ),
    ),
    common(
        "no_disqualification",
        _("无否决事项（近三年重大事故、经营异常、严重失信、偷漏税、数据造假、禁止类产品）"),
        "no_disqualification",
        {"flags": [d.code for d in DISQUALIFICATIONS]},
        tuple(TIERS),
        source="S20, S14, S22",
        note="Flags are recorded by caseworkers with a date; the Django layer passes only those in force.",
    ),
)


def _cagr_band(minimum: str, rate: str) -> dict:
    return {
        "min": minimum,
        "all": [
            {
                "code": "cagr",
                "label": _("近三年营业收入复合增长率"),
                "check": "cagr_at_least",
                "params": {"field": "operating_revenue", "years": 3, "threshold": rate},
            }
        ],
    }


def gazelle() -> TierRule:
    """瞪羚 (§3): R&D ≥ 3% each year, Ⅰ类 IP, CAGR by start-year revenue band, growth, 33618 field."""
    return TierRule(
        GAZELLE,
        criteria=(
            measurable(
                "rd_intensity_3y",
                _("近3年每年研发费用占营业收入比重"),
                "each_year_at_least",
                {"metric": "rd_intensity", "years": 3, "threshold": "3"},
                source="S23c",
            ),
            at_least(
                "class1_ip", _("拥有与主导产品相关的Ⅰ类知识产权"), "class1_ip", 1, year=0, source="S23c"
            ),
            measurable(
                "revenue_cagr",
                _("近三年营业收入复合增长率（按起始年营业收入分档）"),
                "banded_rule",
                {
                    "metric": "operating_revenue",
                    "year": 3,
                    "bands": [_cagr_band("10000", "15"), _cagr_band("5000", "20"), _cagr_band("1000", "30")],
                },
                source="S23b, S23c",
                note=(
                    "Start year = last year − 3, end = last year; end ≥ start·(1+r)³ compared exactly. "
                    "Start-year revenue below 1000万元 is not eligible."
                ),
            ),
            measurable(
                "revenue_growth",
                _("上年度营业收入正增长"),
                "more_than",
                {"metric": "operating_revenue_growth", "year": 0, "threshold": "0"},
                source="S23c",
            ),
            measurable("cluster", _("属于“33618”现代制造业集群体系领域"), "cluster_given", {}, source="S23b"),
        ),
        note="Age limit [U]: not encoded.",
    )


def _unicorn(tier: str, age: int, valuation: str, financing: str) -> TierRule:
    return TierRule(
        tier,
        criteria=(
            measurable(
                "age",
                _("成立年限"),
                "founded_within",
                {"years": age},
                source="S23b",
                note="Founded on or after the evaluation day minus the limit.",
            ),
            at_least(
                "valuation",
                _("最新投后估值（百万美元）"),
                "valuation_usd_m",
                valuation,
                source="S23b",
                note="Most recent valuation recorded up to the current year.",
            ),
            at_least(
                "financing",
                _("累计融资额（百万美元）"),
                "cumulative_financing_usd_m",
                financing,
                source="S23b, S24a",
            ),
            measurable("unlisted", _("未上市"), "fact_is", {"fact": "listed", "value": False}, source="S24a"),
            measurable("cluster", _("属于“33618”现代制造业集群体系领域"), "cluster_given", {}, source="S23b"),
        ),
    )


def hardtech_pool() -> TierRule:
    """硬科技企业帮扶库 entry (§4, P8)."""
    return TierRule(
        HARDTECH_POOL,
        criteria=(
            at_least(
                "rd_intensity", _("上年度研发费用占营业收入比重"), "rd_intensity", 5, year=0, source="S25"
            ),
            at_least("class1_ip", _("拥有与主导产品相关的Ⅰ类知识产权"), "class1_ip", 1, year=0, source="S25"),
            attested(
                "chain_role",
                _("主导产品或关键核心技术在产业链关键环节发挥补短板、锻长板、填空白作用"),
                ["chain_role"],
                source="S25",
            ),
            attested(
                "future_field",
                _("属于“33618”现代制造业集群体系中的未来产业领域"),
                ["future_industry_field"],
                source="S25",
                note="Read as required together with the chain role (one row of the source).",
            ),
        ),
        note="The source's list ends with 等等; only the named hard indicators are encoded.",
    )


def build() -> RuleSet:
    """The CN-2022 rule set."""
    return RuleSet(
        CODE,
        EFFECTIVE_FROM,
        _("优质中小企业梯度培育管理暂行办法（2022）及重庆市瞪羚、独角兽、硬科技帮扶库标准"),
        provisional=False,
        common=COMMON,
        tiers=[
            innovative_sme(),
            srdi_sme(),
            little_giant(),
            single_champion(),
            gazelle(),
            _unicorn(POTENTIAL_UNICORN, 9, "100", "5"),
            _unicorn(UNICORN, 10, "1000", "50"),
            hardtech_pool(),
        ],
        note=(
            "Chongqing's growth-ladder and hard-tech rules (2023/2024) are carried in this set; they are "
            "evaluated with it for any date on which it is in force."
        ),
    )
