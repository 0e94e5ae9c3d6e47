"""Chongqing's own rule sets (docs/RULES.md; issue 15): the city's rules, not the national programme's.

- ``CQ-2023``: 《重庆市独角兽、瞪羚企业培育工作方案（2023—2027年）》, issued at the end of 2023 — 瞪羚,
  潜在独角兽, 独角兽. The exact date of issue was not found: 2023-12-31 is used and marked provisional.
- ``CQ-2024``: CQ-2023 plus the entry rule of the 中小型“硬科技”企业帮扶库, from the day the pool was
  announced (2024-12-18, S25). The 工作方案 behind it is undated in the sources, so the date is marked
  provisional too.

One line of versions for the city, as for the nation: an evaluation applies the latest Chongqing set
in force on its day next to the national set in force (``ruleset.in_force``). Before a set exists its
tiers are *not in force* (``TierReport.not_in_force``), never "not eligible".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.utils.translation import gettext_noop as _

from ..tiers import GAZELLE, HARDTECH_POOL, POTENTIAL_UNICORN, UNICORN
from . import cn2022
from .reasons import GROWTH_FORMULA
from .ruleset import CHONGQING, Criterion, RuleSet, TierRule
from .spec import at_least, attested, measurable

GROWTH_CODE, GROWTH_FROM = "CQ-2023", date(2023, 12, 31)
POOL_CODE, POOL_FROM = "CQ-2024", date(2024, 12, 18)
GROWTH_TIERS = (GAZELLE, POTENTIAL_UNICORN, UNICORN)


def _common(code: str, tiers: tuple[str, ...]) -> Criterion:
    """The national common condition ``code`` (CN-2022's, whatever it says today) for the city's tiers."""
    found = next(c for c in cn2022.COMMON if c.code == code)
    return replace(found, applies_to=tiers)


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
                provisional=True,
                provisional_reason=GROWTH_FORMULA,
                note=(
                    "Start year = last year − 3, end = last year; end ≥ start·(1+r)³ compared exactly. "
                    "Start-year revenue below 1000万元 is not eligible. Provisional: the growth formula "
                    "(compound rate from the start year's revenue) is a reading, not a published definition."
                ),
            ),
            measurable(
                "revenue_growth",
                _("上年度营业收入正增长"),
                "more_than",
                {"metric": "operating_revenue_growth", "year": 0, "threshold": "0"},
                source="S23c",
                provisional=True,
                provisional_reason=GROWTH_FORMULA,
                note="Last year's revenue over the year before's, strictly above; formula not published.",
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


def build_growth() -> RuleSet:
    """CQ-2023: the gazelle and unicorn lists (§3)."""
    return RuleSet(
        GROWTH_CODE,
        GROWTH_FROM,
        _("重庆市独角兽、瞪羚企业培育工作方案（2023—2027年）"),
        provisional=False,
        common=(_common("no_disqualification", GROWTH_TIERS),),
        tiers=[gazelle(), _unicorn(POTENTIAL_UNICORN, 9, "100", "5"), _unicorn(UNICORN, 10, "1000", "50")],
        note="Lists are published once a year (§3); no SME size rule applies to them.",
        jurisdiction=CHONGQING,
        source="S23a, S23b, S23c",
        date_confidence="P",
        date_note=_("方案于2023年底印发，具体印发日期未核实，暂按2023-12-31起施行"),
    )


def build_pool(growth: RuleSet) -> RuleSet:
    """CQ-2024: CQ-2023 and the hard-tech pool's entry rule (§4, P8), from the pool's announcement."""
    pool = growth.derive(
        POOL_CODE,
        POOL_FROM,
        title=_("重庆市独角兽、瞪羚企业培育工作方案及中小型“硬科技”企业帮扶库"),
        provisional=False,
        tiers=[hardtech_pool()],
        note="Adds the hard-tech pool (entry rule, P8) to CQ-2023; the growth tiers are unchanged.",
        source="S23a, S23b, S23c, S25",
        date_confidence="P",
        date_note=_("帮扶库名单于2024-12-18公布；工作方案印发日期未核实，暂按公布日起施行"),
    )
    common = [
        replace(c, applies_to=(*c.applies_to, HARDTECH_POOL)) if c.code == "no_disqualification" else c
        for c in pool.common
    ]
    common.append(_common("sme_size", (HARDTECH_POOL,)))
    return replace(pool, common=tuple(common)).validate()
