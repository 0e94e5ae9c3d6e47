"""The evaluator's contract: pending → None, missing data → 'missing', gaps and messages, JSON answer."""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from cultivation.rules import CN_2026, Facts, Status, YearFigures, evaluate, evaluate_tier, in_force
from cultivation.rules.parse import facts_from_dict
from cultivation.tiers import GAZELLE, HARDTECH_POOL, INNOVATIVE_SME, SRDI_SME, TIERS

from .builders import CN_AND_CQ, D, claimed, confirmed, firm, last_year, result, without_year

# --- pending attestations (P3) ------------------------------------------------------------------------


def test_claimed_attestation_is_pending_and_decides_the_tier():
    facts = firm(attested={**confirmed("future_industry_field"), **claimed("chain_role")})
    report = evaluate_tier(facts, CN_AND_CQ, HARDTECH_POOL)
    assert report.criterion("chain_role").status == Status.PENDING
    assert report.eligible is None
    confirmed_all = facts.with_changes(attested=confirmed("future_industry_field", "chain_role"))
    assert evaluate_tier(confirmed_all, CN_AND_CQ, HARDTECH_POOL).eligible is True


def test_pending_does_not_rescue_a_failed_measurable_criterion():
    facts = last_year(
        firm(attested={**confirmed("future_industry_field"), **claimed("chain_role")}), class1_ip=0
    )
    assert evaluate_tier(facts, CN_AND_CQ, HARDTECH_POOL).eligible is False


def test_scored_tier_is_pending_when_claims_could_carry_the_score():
    # R&D 0 and no Ⅰ类 IP: innovation = 5 (Ⅱ类) < 20. A claimed high-value Ⅰ类 IP would give 20.
    weak = last_year(firm(), rd_expense=D(0), class1_ip=0, class2_ip=1)
    assert evaluate_tier(weak, CN_AND_CQ, INNOVATIVE_SME).eligible is False
    pending = weak.with_changes(attested=claimed("high_value_class1_ip"))
    report = evaluate_tier(pending, CN_AND_CQ, INNOVATIVE_SME)
    assert report.score == 65  # innovation 5 + growth 30 + specialisation 30
    assert report.potential_score == 80
    assert report.criterion("ip").status == Status.PENDING
    assert report.criterion("score").status == Status.PENDING
    assert report.eligible is None
    assert (
        evaluate_tier(
            weak.with_changes(attested=confirmed("high_value_class1_ip")), CN_AND_CQ, INNOVATIVE_SME
        ).eligible
        is True
    )


def test_scored_tier_is_false_when_even_confirmed_claims_fall_short():
    weak = last_year(firm(), rd_expense=D(0), class1_ip=0, class2_ip=0)
    pending = weak.with_changes(attested=claimed("self_developed_class1_ip"))  # 15 + 0 < 20
    assert evaluate_tier(pending, CN_AND_CQ, INNOVATIVE_SME).eligible is False


def test_what_if_true_counts_as_confirmed():
    facts = firm(attested={"chain_role": True, "future_industry_field": True, "own_brand": False})
    assert evaluate_tier(facts, CN_AND_CQ, HARDTECH_POOL).eligible is True
    assert "own_brand" not in facts.attested


# --- missing data -------------------------------------------------------------------------------------


def test_no_figures_for_last_year_is_missing_not_an_error():
    facts = without_year(firm(), 2024)
    report = evaluate(facts, CN_AND_CQ)
    outcome = report[SRDI_SME].criterion("c2_rd_intensity")
    assert outcome.status == Status.MISSING
    assert "2024" in outcome.explain()
    assert report[SRDI_SME].eligible is False


def test_zero_revenue_makes_ratios_undefined():
    outcome = result(last_year(firm(), operating_revenue=D(0)), HARDTECH_POOL, "rd_intensity")
    assert outcome.status == Status.MISSING
    with translation.override("zh-hans"):
        assert "为零或负数" in outcome.explain()


def test_a_firm_with_nothing_recorded_is_judged_without_exceptions():
    facts = Facts(as_of=date(2025, 6, 30))
    for rule_set in (CN_AND_CQ, in_force(date(2025, 6, 30), named=CN_2026)):
        report = evaluate(facts, rule_set)
        assert set(report.tiers) == set(TIERS)
        assert report.eligible_tiers() == []
        json.dumps(report.to_dict(), ensure_ascii=False)


def test_missing_year_in_cagr():
    outcome = result(without_year(firm(), 2021), GAZELLE, "revenue_cagr")
    assert outcome.status == Status.MISSING


# --- gaps and messages (P4) ---------------------------------------------------------------------------


@pytest.mark.parametrize(("revenue", "rd", "gap"), [("8000", "208", "32.00"), ("12000", "312", "48.00")])
def test_rd_intensity_gap_in_wan_yuan(revenue, rd, gap):
    facts = last_year(firm(designations={INNOVATIVE_SME}), operating_revenue=D(revenue), rd_expense=D(rd))
    outcome = result(facts, SRDI_SME, "c2_rd_intensity")  # 2.6% < 3%
    assert outcome.status == Status.NOT_MET
    assert outcome.value == Decimal("2.6")
    assert outcome.gap == Decimal(gap)
    assert outcome.gap_key == "rd_expense"
    with translation.override("zh-hans"):
        message = outcome.explain()
    assert "2.60%" in message
    assert "3%" in message
    assert f"{gap} 万元" in message


def test_gap_lands_exactly_on_the_bar():
    facts = last_year(firm(designations={INNOVATIVE_SME}), operating_revenue=D("7777.77"), rd_expense=D(100))
    outcome = result(facts, SRDI_SME, "c2_rd_intensity")
    fixed = last_year(facts, rd_expense=D(100) + outcome.gap)
    assert result(fixed, SRDI_SME, "c2_rd_intensity").met
    short = last_year(facts, rd_expense=D(100) + outcome.gap - D("0.01"))
    assert not result(short, SRDI_SME, "c2_rd_intensity").met


@pytest.mark.parametrize(
    ("changes", "code", "gap"),
    [
        ({"total_liabilities": D(7600)}, "debt_ratio", "2000.00"),  # (7600 − 0.7·10000)/(1 − 0.7)
        ({"main_business_revenue": D(6000)}, "main_business_share", "3333.34"),  # (7000 − 6000)/0.3
    ],
)
def test_gaps_account_for_the_denominator_moving(changes, code, gap):
    facts = last_year(firm(designations={"srdi_sme"}), **changes)
    outcome = result(facts, "little_giant", code)
    assert outcome.gap == Decimal(gap)


def test_displayed_value_never_contradicts_the_status():
    # 2.99999% displays as 2.99%, not 3.00%, because it does not meet ≥ 3%.
    facts = last_year(
        firm(designations={INNOVATIVE_SME}), operating_revenue=D(1000000), rd_expense=D("29999.99")
    )
    outcome = result(facts, SRDI_SME, "c2_rd_intensity")
    assert outcome.status == Status.NOT_MET
    assert outcome.to_dict()["value"] == "2.99"


def test_messages_translate_when_asked(settings):
    outcome = result(last_year(firm(), rd_expense=D(0)), HARDTECH_POOL, "rd_intensity")
    with translation.override("en"):
        assert outcome.explain()  # falls back to the Chinese source until the English catalogue has it


# --- the JSON answer (docs/API.md) ----------------------------------------------------------------------


def test_to_dict_shape():
    answer = evaluate(firm(designations={INNOVATIVE_SME}), CN_AND_CQ).to_dict()
    text = json.dumps(answer, ensure_ascii=False)
    assert answer["rule_set"] == "CN-2022"
    assert set(answer["tiers"]) == set(TIERS)
    srdi = answer["tiers"][SRDI_SME]
    assert srdi["eligible"] in (True, False, None)
    assert isinstance(srdi["score"], str)
    criterion = srdi["criteria"][0]
    for key in ("code", "status", "value", "threshold", "gap", "label", "message", "provisional"):
        assert key in criterion
    assert '"threshold": "3"' in text


def test_design_example_request():
    data = {
        "rule_set": "CN-2022",
        "as_of": "2025-06-30",
        "founded_on": "2016-04-01",
        "niche_since": 2017,
        "sector": "industry",
        "strategic_emerging": True,
        "designations": ["innovative_sme"],
        "cluster": "C01",
        "attested": {"quality_certification": True, "own_brand": True},
        "years": [
            {
                "year": 2024,
                "operating_revenue": "8000.00",
                "main_business_revenue": "7200.00",
                "rd_expense": "400.00",
                "net_profit": "600.00",
                "total_assets": "9000.00",
                "total_liabilities": "4000.00",
                "employees": 150,
                "rd_staff": 30,
                "class1_ip": 3,
                "class2_ip": 8,
                "equity_financing": "0.00",
                "valuation_usd_m": None,
                "cumulative_financing_usd_m": None,
            }
        ],
    }
    facts = facts_from_dict({k: v for k, v in data.items() if k != "rule_set"})
    report = evaluate(facts, CN_AND_CQ)
    assert report[INNOVATIVE_SME].criterion("main_business_growth").status == Status.MISSING  # no 2023
    assert report[SRDI_SME].criterion("quality_management").points == 5
    assert all(r.eligible in (True, False) for r in report.tiers.values())  # what-if: no pending


def test_tiers_subset_and_unknown_tier():
    report = evaluate(firm(), CN_AND_CQ, tiers=[GAZELLE])
    assert list(report.tiers) == [GAZELLE]
    with pytest.raises(KeyError):
        evaluate(firm(), CN_AND_CQ, tiers=["nope"])


def test_year_figures_coerce_numbers():
    figures = YearFigures(2024, operating_revenue="8000.10", rd_expense=12, net_profit=1.5)
    assert figures.operating_revenue == Decimal("8000.10")
    assert figures.rd_expense == Decimal(12)
    assert figures.net_profit == Decimal("1.5")
    with pytest.raises(TypeError):
        YearFigures(2024, employees="12")


def test_all_tiers_well_under_a_millisecond():
    facts = firm(designations={INNOVATIVE_SME}, attested=claimed("chain_role"))
    evaluate(facts, CN_AND_CQ)
    runs = 300
    start = time.perf_counter()
    for _ in range(runs):
        evaluate(facts, CN_AND_CQ)
    per_firm = (time.perf_counter() - start) / runs
    assert per_firm < 0.002  # generous for shared CI machines; bench/bench_evaluator.py has the figures
