"""The rules engine: versioned rule sets as data and a pure-Python evaluator (P1-P4).

Public API::

    from cultivation.rules import Facts, YearFigures, Attest, evaluate, rule_set_for, CN_2022

    report = evaluate(facts, rule_set_for(facts.as_of))
    report["srdi_sme"].eligible        # True / False / None (pending attestations decide)
    report.to_dict()                   # the JSON answer of POST /api/eligibility/

Nothing here touches the ORM; only labels and messages use Django's translation machinery.
"""

from .attestations import ATTESTATION_CHOICES, ATTESTATIONS, DISQUALIFICATION_CHOICES, DISQUALIFICATIONS
from .catalogue import CN_2022, CN_2022_R2025, CN_2026, CQ_2023, CQ_2024, RULE_SETS, in_force, rule_set_for
from .checks import CHECKS, RuleError
from .evaluator import evaluate, evaluate_tier
from .facts import Attest, Facts, FactsError, YearFigures
from .results import CriterionResult, EligibilityReport, TierReport
from .ruleset import Criterion, InForce, RuleSet, ScoreClass, TierRule
from .status import Status

__all__ = [
    "ATTESTATIONS",
    "ATTESTATION_CHOICES",
    "CHECKS",
    "CN_2022",
    "CN_2022_R2025",
    "CN_2026",
    "CQ_2023",
    "CQ_2024",
    "DISQUALIFICATIONS",
    "DISQUALIFICATION_CHOICES",
    "RULE_SETS",
    "Attest",
    "Criterion",
    "CriterionResult",
    "EligibilityReport",
    "Facts",
    "FactsError",
    "InForce",
    "RuleError",
    "RuleSet",
    "ScoreClass",
    "Status",
    "TierReport",
    "TierRule",
    "YearFigures",
    "evaluate",
    "evaluate_tier",
    "in_force",
    "rule_set_for",
]
