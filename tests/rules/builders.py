"""Small factories for Facts: a strong baseline firm, and one-line changes to it.

The baseline (as of 2025-06-30, so "last year" is 2024) passes the measurable criteria of most tiers,
so a test changes exactly the figure it is about and reads one criterion's result.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from cultivation.rules import (
    CN_2022,
    Attest,
    CriterionResult,
    Facts,
    InForce,
    RuleSet,
    YearFigures,
    evaluate_tier,
    in_force,
)
from cultivation.tiers import SRDI_SME

AS_OF = date(2025, 6, 30)
LAST = AS_OF.year - 1  # 2024
# The 2022 national rules with Chongqing's own in force on AS_OF (CQ-2024: gazelle, unicorns, pool).
CN_AND_CQ = in_force(AS_OF, named=CN_2022)

# Operating revenue by year: 5000 → 10000 over three years (CAGR 26%), growing every year.
REVENUE = {2021: Decimal("5000"), 2022: Decimal("6500"), 2023: Decimal("8000"), 2024: Decimal("10000")}


def figures(year: int, **changes: Any) -> YearFigures:
    """One year of healthy figures: 90% main business, 6% R&D, 10% net margin, 40% debt, 25% R&D staff."""
    revenue = REVENUE.get(year, Decimal("4000"))
    values: dict[str, Any] = {
        "operating_revenue": revenue,
        "main_business_revenue": revenue * Decimal("0.9"),
        "rd_expense": revenue * Decimal("0.06"),
        "net_profit": revenue * Decimal("0.1"),
        "total_assets": Decimal("10000"),
        "total_liabilities": Decimal("4000"),
        "employees": 200,
        "rd_staff": 50,
        "class1_ip": 5,
        "class2_ip": 10,
        "equity_financing": Decimal("0"),
    }
    values.update(changes)
    return YearFigures(year, **values)


def firm(*, years: dict[int, dict[str, Any]] | None = None, **changes: Any) -> Facts:
    """The baseline firm; ``years={2024: {...}}`` changes figures of given years."""
    per_year = {year: {} for year in REVENUE}
    for year, year_changes in (years or {}).items():
        per_year.setdefault(year, {}).update(year_changes)
    values: dict[str, Any] = {
        "as_of": AS_OF,
        "founded_on": date(2012, 3, 1),
        "niche_since": 2013,
        "sector": "industry",
        "strategic_emerging": True,
        "cluster": "C01",
        "designations": frozenset(),
        "attested": {},
        "years": [figures(year, **year_changes) for year, year_changes in per_year.items()],
    }
    values.update(changes)
    return Facts(**values)


def last_year(facts: Facts, **changes: Any) -> Facts:
    """``facts`` with last year's figures changed."""
    return with_year(facts, facts.last_year, **changes)


def with_year(facts: Facts, year: int, **changes: Any) -> Facts:
    """``facts`` with one year's figures changed (or added)."""
    current = facts.years.get(year) or YearFigures(year)
    years = dict(facts.years)
    years[year] = replace(current, **changes)
    return facts.with_changes(years=list(years.values()))


def without_year(facts: Facts, year: int) -> Facts:
    return facts.with_changes(years=[f for y, f in facts.years.items() if y != year])


def confirmed(*codes: str) -> dict[str, Attest]:
    return dict.fromkeys(codes, Attest.CONFIRMED)


def claimed(*codes: str) -> dict[str, Attest]:
    return dict.fromkeys(codes, Attest.CLAIMED)


# Every attestation the 小巨人 criteria ask for (V2022 and the rounds derived from it).
LITTLE_GIANT_ATTESTED = (
    "info_system",
    "quality_certification",
    "niche_share_10",
    "own_brand",
    "rd_institution_municipal",
    "chain_role",
    "key_field_product",
)


def giant(**changes: Any) -> Facts:
    """The baseline firm as a 小巨人 candidate: holds 专精特新, every attestation confirmed."""
    values: dict[str, Any] = {
        "designations": frozenset({SRDI_SME}),
        "attested": confirmed(*LITTLE_GIANT_ATTESTED),
    }
    values.update(changes)
    return firm(**values)


def result(facts: Facts, tier: str, code: str, rule_set: RuleSet | InForce | None = None) -> CriterionResult:
    """One criterion's result when ``facts`` is judged for ``tier``."""
    return evaluate_tier(facts, rule_set or CN_AND_CQ, tier).criterion(code)


def D(value: Any) -> Decimal:
    return Decimal(str(value))
