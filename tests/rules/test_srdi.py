"""专精特新中小企业 (domain §1.2): C1-C4, every band edge of the 13 indicators, the ladder prerequisite."""

from __future__ import annotations

import pytest

from cultivation.rules import CN_2022, evaluate_tier
from cultivation.tiers import INNOVATIVE_SME, SRDI_SME

from .builders import D, confirmed, firm, last_year, result, with_year

TIER = SRDI_SME


def srdi_firm(**changes):
    return firm(designations=frozenset({INNOVATIVE_SME}), **changes)


def points(facts, code):
    return result(facts, TIER, code).points


# --- conditions C1-C3 and the prerequisite -----------------------------------------------------------


@pytest.mark.parametrize(("niche_since", "met"), [(2022, True), (2023, False)])
def test_c1_two_years_in_niche(niche_since, met):
    # 2023 and 2024 are two fiscal years up to the end of last year.
    assert result(srdi_firm(niche_since=niche_since), TIER, "c1_niche_years").met is met


@pytest.mark.parametrize(("rd", "met"), [("100", True), ("99.99", False)])
def test_c2_rd_expense_floor(rd, met):
    facts = last_year(srdi_firm(), operating_revenue=D(1000), rd_expense=D(rd))
    assert result(facts, TIER, "c2_rd_expense").met is met


@pytest.mark.parametrize(("rd", "met"), [("300", True), ("299.99", False)])
def test_c2_rd_intensity_three_percent(rd, met):
    assert result(last_year(srdi_firm(), rd_expense=D(rd)), TIER, "c2_rd_intensity").met is met


@pytest.mark.parametrize(
    ("revenue", "financing", "eligible"),
    [
        ("1000", ("0", "0"), True),
        ("999.99", ("0", "0"), False),
        ("999.99", ("1000", "1000"), True),
        ("999.99", ("1000", "999.99"), False),
    ],
)
def test_c3_revenue_or_two_year_financing(revenue, financing, eligible):
    facts = srdi_firm(attested=confirmed("maker_china_top500"))  # C4 met directly: isolate C3
    facts = last_year(
        facts, operating_revenue=D(revenue), rd_expense=D(100), main_business_revenue=D(revenue)
    )
    facts = with_year(facts, 2024, equity_financing=D(financing[0]))
    facts = with_year(facts, 2023, equity_financing=D(financing[1]))
    assert evaluate_tier(facts, CN_2022, TIER).eligible is eligible


def test_requires_active_innovative_sme():
    facts = srdi_firm(attested=confirmed("chain_role"))  # 56 points from the figures + 5
    assert evaluate_tier(facts, CN_2022, TIER).score == 61
    assert evaluate_tier(facts, CN_2022, TIER).eligible is True
    report = evaluate_tier(facts.with_changes(designations=frozenset()), CN_2022, TIER)
    assert report.eligible is False
    assert report.criterion("prerequisite").status == "not_met"


# --- the 13 indicators -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("main_business", "expected"),
    [("8000", 5), ("7999.99", 3), ("7000", 3), ("6999.99", 1), ("6000", 1), ("5999.99", 0)],
)
def test_1_main_business_share(main_business, expected):
    assert (
        points(last_year(srdi_firm(), main_business_revenue=D(main_business)), "main_business_share")
        == expected
    )


@pytest.mark.parametrize(
    ("main_business", "expected"),
    [
        ("12000", 10),
        ("11999.99", 8),
        ("11600", 8),
        ("11599.99", 6),
        ("11200", 6),
        ("11199.99", 4),
        ("10800", 4),
        ("10799.99", 2),
        ("10000", 2),
        ("9999.99", 0),
    ],
)
def test_2_mean_growth_of_two_years(main_business, expected):
    # 2022 and 2023 at 10000 (growth 0%), so the two-year mean is half of 2024's growth.
    facts = with_year(srdi_firm(), 2022, main_business_revenue=D(10000))
    facts = with_year(facts, 2023, main_business_revenue=D(10000))
    facts = last_year(facts, main_business_revenue=D(main_business), operating_revenue=D(20000))
    assert points(facts, "main_business_growth") == expected


@pytest.mark.parametrize(
    ("niche_since", "expected"),
    [
        (2014, 5),
        (2015, 4),
        (2016, 4),
        (2017, 3),
        (2018, 3),
        (2019, 2),
        (2020, 2),
        (2021, 1),
        (2022, 1),
        (2023, 0),
    ],
)
def test_3_years_in_niche(niche_since, expected):
    assert points(srdi_firm(niche_since=niche_since), "niche_years") == expected


@pytest.mark.parametrize(
    ("codes", "expected"),
    [((), 0), (("six_foundations",), 3), (("chain_role",), 5), (("chain_role", "six_foundations"), 5)],
)
def test_4_product_field(codes, expected):
    assert points(srdi_firm(attested=confirmed(*codes)), "product_field") == expected


@pytest.mark.parametrize(
    ("codes", "expected"), [((), 0), (("digital_level_2",), 3), (("digital_level_3",), 5)]
)
def test_5_digital_level(codes, expected):
    assert points(srdi_firm(attested=confirmed(*codes)), "digital_level") == expected


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ((), 0),
        (("quality_award",), 3),
        (("own_brand", "standards_drafting"), 5),
        (("quality_award", "quality_certification", "own_brand", "standards_drafting"), 5),
    ],
)
def test_6_quality_management_three_per_item_capped_at_five(codes, expected):
    assert points(srdi_firm(attested=confirmed(*codes)), "quality_management") == expected


@pytest.mark.parametrize(
    ("profit", "expected"),
    [
        ("1000", 10),
        ("999.99", 8),
        ("800", 8),
        ("799.99", 6),
        ("600", 6),
        ("599.99", 4),
        ("400", 4),
        ("399.99", 2),
        ("200", 2),
        ("199.99", 0),
        ("-50", 0),
    ],
)
def test_7_net_margin(profit, expected):
    assert points(last_year(srdi_firm(), net_profit=D(profit)), "net_margin") == expected


@pytest.mark.parametrize(
    ("liabilities", "expected"),
    [("4999.99", 5), ("5000", 3), ("5999.99", 3), ("6000", 1), ("6999.99", 1), ("7000", 0)],
)
def test_8_debt_ratio(liabilities, expected):
    assert points(last_year(srdi_firm(), total_liabilities=D(liabilities)), "debt_ratio") == expected


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ((), 0),
        (("local_key_industry",), 8),
        (("local_key_industry", "local_distinctive_product"), 12),
        (("local_key_industry", "local_distinctive_product", "local_regional_unique"), 15),
    ],
)
def test_9_local_feature_is_provisional(codes, expected):
    outcome = result(srdi_firm(attested=confirmed(*codes)), TIER, "local_feature")
    assert outcome.points == expected
    assert outcome.provisional is True


@pytest.mark.parametrize(
    ("class1", "class2", "codes", "expected"),
    [
        (0, 0, (), 0),
        (0, 3, (), 2),
        (1, 0, (), 6),
        (1, 0, ("self_developed_class1_ip",), 8),
        (1, 0, ("high_value_class1_ip",), 10),
    ],
)
def test_10_ip(class1, class2, codes, expected):
    facts = last_year(srdi_firm(attested=confirmed(*codes)), class1_ip=class1, class2_ip=class2)
    assert points(facts, "ip") == expected


@pytest.mark.parametrize(
    ("rd", "expected"),
    [
        ("500", 10),
        ("499.99", 8),
        ("400", 8),
        ("399.99", 6),
        ("300", 6),
        ("299.99", 4),
        ("200", 4),
        ("199.99", 2),
        ("100", 2),
        ("99.99", 0),
    ],
)
def test_11_rd_input_by_amount(rd, expected):
    # Revenue 100000万: intensity stays under 3%, so only the amount scores.
    facts = last_year(srdi_firm(), operating_revenue=D(100000), rd_expense=D(rd))
    assert points(facts, "rd_input") == expected


@pytest.mark.parametrize(
    ("rd", "expected"),
    [
        ("100", 10),
        ("99.99", 8),
        ("80", 8),
        ("79.99", 6),
        ("60", 6),
        ("59.99", 4),
        ("40", 4),
        ("39.99", 2),
        ("30", 2),
        ("29.99", 0),
    ],
)
def test_11_rd_input_by_intensity(rd, expected):
    # Revenue 1000万: amounts under 100万 score nothing, so the intensity decides.
    facts = last_year(srdi_firm(), operating_revenue=D(1000), rd_expense=D(rd))
    assert points(facts, "rd_input") == expected


@pytest.mark.parametrize(("rd_staff", "expected"), [(40, 5), (39, 3), (20, 3), (19, 1), (10, 1), (9, 0)])
def test_12_rd_staff_share_is_provisional(rd_staff, expected):
    outcome = result(last_year(srdi_firm(), rd_staff=rd_staff), TIER, "rd_staff_share")  # of 200 employees
    assert outcome.points == expected
    assert outcome.provisional is True


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (None, 0),
        ("rd_institution_below", 2),
        ("rd_institution_municipal", 4),
        ("rd_institution_provincial", 8),
        ("rd_institution_national", 10),
    ],
)
def test_13_rd_institution(code, expected):
    facts = srdi_firm(attested=confirmed(code) if code else {})
    assert points(facts, "rd_institution") == expected


def test_class_maxima_sum_to_100():
    rule = CN_2022.tiers[TIER]
    assert {c.code: c.maximum for c in rule.classes} == {
        "specialisation": 25,
        "refinement": 25,
        "distinctiveness": 15,
        "innovation": 35,
    }


# --- C4: score ≥ 60 or a direct condition ----------------------------------------------------------


def _low_scorer():
    """Meets C1-C3 but scores under 60 (no attestations, modest figures)."""
    facts = last_year(
        srdi_firm(niche_since=2022),
        rd_expense=D(300),
        class1_ip=0,
        class2_ip=0,
        rd_staff=9,
        net_profit=D(0),
        total_liabilities=D(8000),
        main_business_revenue=D(5000),
    )
    return facts


# Confirmed items worth 50 points on top of the low scorer's 7: local 15, institution 10, IP 10, product
# field 5, digitalisation 5, quality 5 (capped).
FIFTY = confirmed(
    "local_key_industry",
    "local_distinctive_product",
    "local_regional_unique",
    "rd_institution_national",
    "high_value_class1_ip",
    "chain_role",
    "digital_level_3",
    "quality_award",
    "own_brand",
)


def test_low_scorer_scores_seven():
    report = evaluate_tier(_low_scorer(), CN_2022, TIER)
    assert report.score == 7
    assert report.eligible is False


def test_score_exactly_60_passes():
    facts = last_year(_low_scorer().with_changes(attested=FIFTY), rd_staff=20)  # R&D staff 10% → 3
    report = evaluate_tier(facts, CN_2022, TIER)
    assert report.score == 60
    assert report.eligible is True


def test_score_59_fails():
    facts = _low_scorer().with_changes(attested=FIFTY, niche_since=2020)  # niche 4 years → 2 (+1)
    facts = last_year(facts, total_liabilities=D("6999.99"))  # debt ratio just under 70% → 1
    report = evaluate_tier(facts, CN_2022, TIER)
    assert report.score == 59
    assert report.eligible is False
    assert report.criterion("score").gap == 1


@pytest.mark.parametrize(
    ("code", "changes"),
    [
        ("c4a_st_award", {"attested": confirmed("st_award_top_ranked")}),
        ("c4a_st_award", {"attested": confirmed("national_st_award_top3")}),
        ("c4d_maker_china", {"attested": confirmed("maker_china_top500")}),
        ("c4d_maker_china", {"attested": confirmed("maker_china_top50")}),
    ],
)
def test_c4_attested_direct_conditions(code, changes):
    facts = _low_scorer().with_changes(**changes)
    report = evaluate_tier(facts, CN_2022, TIER)
    assert report.eligible is True
    assert code in report.direct_met


@pytest.mark.parametrize(("rd_2023", "met"), [("1400", True), ("1399.99", False)])
def test_c4b_two_year_mean_rd(rd_2023, met):
    facts = last_year(_low_scorer(), operating_revenue=D(20000), rd_expense=D(600))  # 3% keeps C2
    facts = with_year(facts, 2023, rd_expense=D(rd_2023))  # mean of 600 and 1400 = 1000
    assert result(facts, TIER, "c4b_rd_expense_mean").met is met
    assert evaluate_tier(facts, CN_2022, TIER).eligible is met


@pytest.mark.parametrize(("amount", "met"), [("3000", True), ("2999.99", False)])
def test_c4c_two_year_financing(amount, met):
    facts = with_year(_low_scorer(), 2024, equity_financing=D(3000))
    facts = with_year(facts, 2023, equity_financing=D(amount))
    assert result(facts, TIER, "c4c_equity_financing").met is met
