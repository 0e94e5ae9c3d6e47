"""专精特新“小巨人”: V2022 six dimensions (CN-2022) and the V2026 seven indicators (CN-2026)."""

from __future__ import annotations

import pytest

from cultivation.rules import CN_2022, CN_2026, evaluate_tier
from cultivation.tiers import LITTLE_GIANT, SRDI_SME

from .builders import LITTLE_GIANT_ATTESTED as V2022_ATTESTED
from .builders import D, claimed, confirmed, firm, giant, last_year, result, with_year

TIER = LITTLE_GIANT


def met(facts, code, rule_set=CN_2022):
    return result(facts, TIER, code, rule_set).met


def test_baseline_is_eligible():
    assert evaluate_tier(giant(), CN_2022, TIER).eligible is True


def test_requires_active_srdi_designation():
    assert evaluate_tier(giant(designations=frozenset()), CN_2022, TIER).eligible is False


@pytest.mark.parametrize(("niche_since", "expected"), [(2021, True), (2022, False)])
def test_three_years_in_niche(niche_since, expected):
    assert met(giant(niche_since=niche_since), "niche_years") is expected


@pytest.mark.parametrize(("main_business", "expected"), [("7000", True), ("6999.99", False)])
def test_main_business_share_70(main_business, expected):
    assert met(last_year(giant(), main_business_revenue=D(main_business)), "main_business_share") is expected


@pytest.mark.parametrize(("main_business", "expected"), [("11000", True), ("10999.99", False)])
def test_mean_growth_5(main_business, expected):
    facts = with_year(
        with_year(giant(), 2022, main_business_revenue=D(10000)), 2023, main_business_revenue=D(10000)
    )
    facts = last_year(facts, main_business_revenue=D(main_business), operating_revenue=D(20000))
    assert met(facts, "main_business_growth") is expected


@pytest.mark.parametrize(("liabilities", "expected"), [("7000", True), ("7000.01", False)])
def test_debt_ratio_not_above_70(liabilities, expected):
    assert met(last_year(giant(), total_liabilities=D(liabilities)), "debt_ratio") is expected


@pytest.mark.parametrize(
    ("revenue", "rd", "expected"),
    [
        ("10000", "300", True),  # ≥ 1亿: 3% each year (2023: 480 of 8000)
        ("10000", "299.99", False),
        ("9999.99", "300", False),  # 5000万-1亿: 6% needed
        ("5000", "300", True),
        ("5000", "299.99", False),
    ],
)
def test_g1_rd_bar_by_revenue_band(revenue, rd, expected):
    facts = last_year(giant(), operating_revenue=D(revenue), rd_expense=D(rd))
    assert met(facts, "g1_rd_by_revenue") is expected


def _small(**changes):
    """Under 5000万 revenue: financing ≥ 8000, two-year R&D ≥ 3000 and R&D staff ≥ 50% are needed."""
    values = {"equity_financing": D(4000), "rd_expense": D(1500)}
    values.update({k: v for k, v in changes.items() if k in values})
    facts = with_year(giant(), 2023, operating_revenue=D(3000), equity_financing=D(4000), rd_expense=D(1500))
    return last_year(facts, operating_revenue=D("4999.99"), rd_staff=changes.get("rd_staff", 100), **values)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, True),
        ({"equity_financing": D("3999.99")}, False),
        ({"rd_expense": D("1499.99")}, False),
        ({"rd_staff": 99}, False),
    ],
)
def test_g1_small_firm_band(changes, expected):
    outcome = result(_small(**changes), TIER, "g1_rd_by_revenue")
    assert outcome.met is expected
    assert [part.code for part in outcome.parts] == [
        "g1_rd_by_revenue.equity_financing",
        "g1_rd_by_revenue.rd_expense_2y",
        "g1_rd_by_revenue.rd_staff_share",
    ]


@pytest.mark.parametrize(("class1", "expected"), [(2, True), (1, False)])
def test_g3_two_class1_ip(class1, expected):
    assert met(last_year(giant(), class1_ip=class1), "g3_class1_ip") is expected


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ((), False),
        (("national_st_award_top3",), True),
        (("maker_china_top50",), True),
        (("maker_china_top500",), False),
    ],
)
def test_direct_conditions_replace_the_general_innovation_conditions(extra, expected):
    facts = last_year(giant(), class1_ip=1)  # G3 fails
    facts = facts.with_changes(attested={**confirmed(*V2022_ATTESTED), **confirmed(*extra)})
    assert evaluate_tier(facts, CN_2022, TIER).eligible is expected


@pytest.mark.parametrize("code", V2022_ATTESTED)
def test_each_attested_dimension_is_required(code):
    attested = confirmed(*(c for c in V2022_ATTESTED if c != code))
    assert evaluate_tier(giant(attested=attested), CN_2022, TIER).eligible is False
    pending = {**attested, **claimed(code)}
    assert evaluate_tier(giant(attested=pending), CN_2022, TIER).eligible is None


# --- V2026 (CN-2026, provisional) -------------------------------------------------------------------

V2026_ATTESTED = ("niche_share_10", "key_chain_product", "srdi_evaluation_60")


def giant_2026(**changes):
    values = {"designations": frozenset({SRDI_SME}), "attested": confirmed(*V2026_ATTESTED)}
    values.update(changes)
    facts = firm(**values)
    facts = with_year(facts, 2023, rd_expense=D(500))  # 6.25% of 8000
    return last_year(facts, rd_expense=D(700))  # two-year total 1200


def met26(facts, code):
    return result(facts, TIER, code, CN_2026).met


def test_2026_baseline_is_eligible_and_provisional():
    report = evaluate_tier(giant_2026(), CN_2026, TIER)
    assert report.eligible is True
    assert report.provisional is True
    own = [c for c in report.criteria if c.kind != "common"]
    assert own and all(c.provisional for c in own)
    # the common conditions are CN-2022's, confirmed: only what is unconfirmed is marked so
    assert not any(c.provisional for c in report.criteria if c.kind == "common")


@pytest.mark.parametrize(("revenue", "expected"), [("5000", True), ("4999.99", False)])
def test_2026_revenue_5000(revenue, expected):
    assert met26(last_year(giant_2026(), operating_revenue=D(revenue)), "operating_revenue") is expected


@pytest.mark.parametrize(("main_business", "expected"), [("9000", True), ("8999.99", False)])
def test_2026_main_business_share_90(main_business, expected):
    assert (
        met26(last_year(giant_2026(), main_business_revenue=D(main_business)), "main_business_share")
        is expected
    )


@pytest.mark.parametrize(("end", "expected"), [("8820", True), ("8819.99", False)])
def test_2026_two_year_cagr_5_exact(end, expected):
    # Start (2022) 8000: 8000 × 1.05² = 8820 exactly.
    facts = with_year(giant_2026(), 2022, operating_revenue=D(8000))
    assert met26(last_year(facts, operating_revenue=D(end)), "revenue_cagr") is expected


@pytest.mark.parametrize(("liabilities", "expected"), [("7500", True), ("7500.01", False)])
def test_2026_debt_ratio_75(liabilities, expected):
    assert met26(last_year(giant_2026(), total_liabilities=D(liabilities)), "debt_ratio") is expected


@pytest.mark.parametrize(("rd_2023", "expected"), [("500", True), ("499.99", False)])
def test_2026_two_year_rd_1200(rd_2023, expected):
    assert met26(with_year(giant_2026(), 2023, rd_expense=D(rd_2023)), "rd_expense_2y") is expected


@pytest.mark.parametrize(("rd_2023", "expected"), [("240", True), ("239.99", False)])
def test_2026_rd_intensity_each_year(rd_2023, expected):
    assert met26(with_year(giant_2026(), 2023, rd_expense=D(rd_2023)), "rd_intensity_2y") is expected


@pytest.mark.parametrize(
    ("class1", "award", "expected"), [(4, False, True), (3, False, False), (3, True, True), (0, True, True)]
)
def test_2026_four_ip_unless_national_award(class1, award, expected):
    codes = V2026_ATTESTED + (("national_st_award_top3",) if award else ())
    facts = last_year(giant_2026(attested=confirmed(*codes)), class1_ip=class1)
    assert evaluate_tier(facts, CN_2026, TIER).eligible is expected


@pytest.mark.parametrize("share", ["niche_share_10", "international_niche_share", "domestic_top3_share"])
def test_2026_market_share_alternatives(share):
    facts = giant_2026(attested=confirmed(share, "key_chain_product", "srdi_evaluation_60"))
    assert evaluate_tier(facts, CN_2026, TIER).eligible is True


def test_2026_same_firm_judged_by_2022_rules_differs():
    facts = giant_2026()
    assert evaluate_tier(facts, CN_2022, TIER).eligible is False  # V2022 attestations absent
    assert evaluate_tier(facts, CN_2026, TIER).eligible is True


@pytest.mark.parametrize(("niche_since", "expected"), [(2021, True), (2022, False)])
def test_2026_three_years_in_niche(niche_since, expected):
    assert met26(giant_2026(niche_since=niche_since), "niche_years") is expected


def test_2026_requires_active_srdi_designation():
    assert evaluate_tier(giant_2026(designations=frozenset()), CN_2026, TIER).eligible is False


@pytest.mark.parametrize("code", ["key_chain_product", "srdi_evaluation_60"])
def test_2026_attested_indicators(code):
    others = [c for c in V2026_ATTESTED if c != code]
    assert evaluate_tier(giant_2026(attested=confirmed(*others)), CN_2026, TIER).eligible is False
    pending = {**confirmed(*others), **claimed(code)}
    assert evaluate_tier(giant_2026(attested=pending), CN_2026, TIER).eligible is None
