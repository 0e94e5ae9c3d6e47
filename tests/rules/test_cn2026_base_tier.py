"""CN-2026's base rung 科技和创新型中小企业 and the provisional marks of what it carries (issue 15, item 8).

V2026 merges 科技型中小企业 into the base rung from 2026-04-01; its thresholds are not known, so CN-2026
applies CN-2022's 创新型 and 专精特新 rules with every criterion provisional, and admits a registered
科技型中小企业 (attested). The rung keeps its tier code; only its name changes from that day.
"""

from __future__ import annotations

from datetime import date

import pytest

from cultivation.rules import CN_2022, CN_2026, cn2026, evaluate_tier
from cultivation.tiers import INNOVATIVE_SME, SRDI_SME, TIERS, label_on

from .builders import confirmed, firm, last_year

WEAK = {"main_business_revenue": 0, "rd_expense": 0, "class1_ip": 0, "class2_ip": 0}


def weak_firm(**changes):
    """A firm far below the 创新型 score (no R&D, no IP, no main business) and no direct condition."""
    return last_year(firm(strategic_emerging=False, **changes), **WEAK)


@pytest.mark.parametrize("tier", [INNOVATIVE_SME, SRDI_SME])
def test_every_carried_over_criterion_is_provisional_with_its_reason(tier):
    for criterion in CN_2026.tiers[tier].criteria:
        assert criterion.provisional, criterion.code
        assert criterion.note.startswith("Provisional:"), criterion.code
        assert criterion.confidence == "U" and criterion.provisional_reason


def test_cn2022_keeps_its_own_flags():
    """Deriving CN-2026 does not touch CN-2022: its 创新型 rules stay settled there."""
    assert not any(c.provisional for c in CN_2022.tiers[INNOVATIVE_SME].criteria)


def test_the_same_rung_keeps_its_code_and_its_2022_routes():
    rule = CN_2026.tiers[INNOVATIVE_SME]
    routes = set(rule.pass_rule["any"])
    assert set(CN_2022.tiers[INNOVATIVE_SME].pass_rule["any"]) < routes
    assert routes - set(CN_2022.tiers[INNOVATIVE_SME].pass_rule["any"]) == {"d5_tech_sme"}


@pytest.mark.parametrize(("rule_set", "eligible"), [(CN_2022, False), (CN_2026, True)])
def test_a_registered_tech_sme_qualifies_only_under_cn2026(rule_set, eligible):
    facts = weak_firm(attested=confirmed("tech_sme_registered"))
    report = evaluate_tier(facts, rule_set, INNOVATIVE_SME)
    assert report.eligible is eligible


def test_without_the_registration_the_weak_firm_fails_cn2026_too():
    report = evaluate_tier(weak_firm(), CN_2026, INNOVATIVE_SME)
    assert report.eligible is False and report.provisional is True
    assert report.criterion("d5_tech_sme").status == "not_met"


def test_the_rung_is_renamed_on_the_day_cn2026_takes_effect():
    assert date(2026, 4, 1) == cn2026.EFFECTIVE_FROM
    assert (
        str(label_on(INNOVATIVE_SME, date(2026, 3, 31)))
        == str(TIERS[INNOVATIVE_SME].label)
        == "创新型中小企业"
    )
    assert str(label_on(INNOVATIVE_SME, cn2026.EFFECTIVE_FROM)) == "科技和创新型中小企业"
    assert str(label_on(SRDI_SME, date(2026, 4, 1))) == str(TIERS[SRDI_SME].label)
