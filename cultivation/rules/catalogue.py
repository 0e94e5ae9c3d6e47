"""The rule sets shipped with the code (P1); the Django layer stores them and their later versions.

``CN_2022`` and ``CN_2026`` are built once at import and validated (compiled), so a mistake in the
data fails at start-up rather than on the first evaluation.
"""

from __future__ import annotations

from . import cn2022, cn2026
from .ruleset import RuleSet

CN_2022: RuleSet = cn2022.build().validate()
CN_2026: RuleSet = cn2026.build(CN_2022)

RULE_SETS: tuple[RuleSet, ...] = (CN_2022, CN_2026)
BY_CODE: dict[str, RuleSet] = {rule_set.code: rule_set for rule_set in RULE_SETS}


def get(code: str) -> RuleSet:
    """A shipped rule set by code."""
    return BY_CODE[code]
