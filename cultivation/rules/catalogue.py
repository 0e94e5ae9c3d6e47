"""The rule sets shipped with the code (P1); the Django layer stores them and their later versions.

National sets (``CN-2022``, the 2025 round ``CN-2022-R2025``, provisional ``CN-2026``) and
Chongqing's own (``CQ-2023``, ``CQ-2024``) are built once at import and validated (compiled), so a
mistake in the data fails at start-up rather than on the first evaluation. An evaluation applies
the national set and the Chongqing set in force on its day together (``in_force`` below: the
shipped sets unless others are given; ``ruleset`` itself never reaches for this module).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from . import cn2022, cn2022_r2025, cn2026, cq, ruleset
from .ruleset import NATIONAL, InForce, RuleSet

CN_2022: RuleSet = cn2022.build().validate()
CN_2022_R2025: RuleSet = cn2022_r2025.build(CN_2022)
CN_2026: RuleSet = cn2026.build(CN_2022)
CQ_2023: RuleSet = cq.build_growth().validate()
CQ_2024: RuleSet = cq.build_pool(CQ_2023)

# The national line, then the city's (the order RULES.md shows them in).
RULE_SETS: tuple[RuleSet, ...] = (CN_2022, CN_2022_R2025, CN_2026, CQ_2023, CQ_2024)
BY_CODE: dict[str, RuleSet] = {rule_set.code: rule_set for rule_set in RULE_SETS}


def get(code: str) -> RuleSet:
    """A shipped rule set by code."""
    return BY_CODE[code]


def rule_set_for(day: date, sets: Iterable[RuleSet] | None = None, jurisdiction: str = NATIONAL) -> RuleSet:
    """``ruleset.rule_set_for`` over the shipped sets, unless ``sets`` are given."""
    return ruleset.rule_set_for(day, RULE_SETS if sets is None else sets, jurisdiction)


def in_force(day: date, sets: Iterable[RuleSet] | None = None, named: RuleSet | None = None) -> InForce:
    """``ruleset.in_force`` over the shipped sets, unless ``sets`` are given."""
    return ruleset.in_force(day, RULE_SETS if sets is None else sets, named)
