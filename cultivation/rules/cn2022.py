"""Rule set CN-2022: MIIT 梯度培育 V2022 (创新型, 专精特新, 小巨人) and 单项冠军 (docs/RULES.md).
Every figure below is the one place it is defined.

The quality-ladder tiers are in ``cn2022_quality``; the common conditions are here. Chongqing's own
rules (the growth ladder §3, the hard-tech pool §4) are the city's rule sets in ``cq`` (issue 15).
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_noop as _

from ..tiers import INNOVATIVE_SME, LITTLE_GIANT, SINGLE_CHAMPION, SRDI_SME
from .attestations import DISQUALIFICATIONS
from .cn2022_quality import innovative_sme, little_giant, single_champion, srdi_sme
from .ruleset import NATIONAL, RuleSet
from .spec import common

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
        MIIT_TIERS,
        source="S20, S29",
        note=(
            "Last-year employees and operating revenue; SME if either is below the sector's upper bound. "
            "Applies to the MIIT 梯度培育 tiers, whose 参评基本条件 require SME size (and, in CQ-2024, "
            "to the hard-tech pool, a pool of 中小型 firms by name). Not to 单项冠军 (large manufacturers "
            "by design) nor to the gazelle/unicorn lists (no size rule in S23)."
        ),
    ),
    common(
        "no_disqualification",
        _("无否决事项（未列入经营异常名录、严重失信主体名单或禁止类产品目录；近三年无重大事故、偷漏税、数据造假）"),
        "no_disqualification",
        {"flags": [d.code for d in DISQUALIFICATIONS]},
        (*MIIT_TIERS, SINGLE_CHAMPION),
        source="S20, S14, S22",
        note=(
            "Flags are recorded by caseworkers with a date. A listing bars while it stands, until lifted; an "
            "event bars for the three years after it (attestations.bars_on); only flags in force are passed."
        ),
    ),
)


def build() -> RuleSet:
    """The CN-2022 rule set."""
    return RuleSet(
        CODE,
        EFFECTIVE_FROM,
        _("优质中小企业梯度培育管理暂行办法（2022）及制造业单项冠军认定标准"),
        provisional=False,
        common=COMMON,
        tiers=[innovative_sme(), srdi_sme(), little_giant(), single_champion()],
        note=(
            "National rules only: Chongqing's growth ladder and hard-tech pool are its own rule sets "
            "(CQ-2023, CQ-2024), combined with the national set in force on the evaluation day."
        ),
        jurisdiction=NATIONAL,
        source="S1, S2, S8, S9, S22",
    )
