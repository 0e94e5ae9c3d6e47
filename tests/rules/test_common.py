"""Common conditions (§1.0a, §1.8): SME size by sector and the disqualifying flags (P3)."""

from __future__ import annotations

import pytest

from cultivation.rules import evaluate
from cultivation.tiers import HARDTECH_POOL, INNOVATIVE_SME, LITTLE_GIANT, SRDI_SME, TIERS

from .builders import CN_AND_CQ, D, firm, last_year, result


@pytest.mark.parametrize(
    ("sector", "employees", "revenue", "status"),
    [
        ("industry", 999, "99999", "met"),  # either bound suffices
        ("industry", 5000, "39999.99", "met"),
        ("industry", 1000, "40000", "not_met"),  # both exactly on the upper bound: not an SME
        ("software", 299, "99999", "met"),
        ("software", 999, "9999.99", "met"),
        ("software", 300, "10000", "not_met"),
        ("industry", None, "39999.99", "met"),
        ("industry", None, "40000", "missing"),  # the missing staff count could still make it an SME
    ],
)
def test_sme_size(sector, employees, revenue, status):
    facts = last_year(firm(sector=sector), employees=employees, operating_revenue=D(revenue))
    assert result(facts, INNOVATIVE_SME, "sme_size").status == status


def test_sme_size_applies_to_the_miit_tiers_and_the_pool_only():
    report = evaluate(last_year(firm(), employees=5000, operating_revenue=D(90000)), CN_AND_CQ)
    with_size = {tier for tier, r in report.tiers.items() if any(c.code == "sme_size" for c in r.criteria)}
    assert with_size == {INNOVATIVE_SME, SRDI_SME, LITTLE_GIANT, HARDTECH_POOL}
    assert all(report[tier].eligible is False for tier in with_size)


@pytest.mark.parametrize(
    "flag",
    [
        "major_accident",
        "abnormal_operations",
        "serious_dishonesty",
        "tax_evasion",
        "data_fraud",
        "banned_products",
    ],
)
def test_any_disqualification_blocks_every_tier(flag):
    report = evaluate(firm(disqualifications={flag}), CN_AND_CQ)
    assert set(report.tiers) == set(TIERS)
    for tier_report in report.tiers.values():
        assert tier_report.eligible is False
        outcome = tier_report.criterion("no_disqualification")
        assert outcome.status == "not_met"
        assert outcome.detail == [flag]


def test_common_results_are_shared_between_tiers():
    report = evaluate(firm(), CN_AND_CQ)
    first = report[INNOVATIVE_SME].criterion("sme_size")
    assert report[SRDI_SME].criterion("sme_size") is first
