"""创新型中小企业 (domain §1.1): every band edge of the six indicators, the pass rule, D1-D4."""

from __future__ import annotations

import pytest

from cultivation.rules import CN_2022, evaluate_tier
from cultivation.tiers import INNOVATIVE_SME

from .builders import D, confirmed, firm, last_year, result, with_year

TIER = INNOVATIVE_SME


def points(facts, code):
    return result(facts, TIER, code).points


@pytest.mark.parametrize(
    ("rd", "expected"),
    [
        ("500", 20),
        ("499.99", 15),
        ("300", 15),
        ("299.99", 10),
        ("200", 10),
        ("199.99", 5),
        ("100", 5),
        ("99.99", 0),
        ("0", 0),
    ],
)
def test_rd_intensity_bands(rd, expected):
    # Revenue 10000万: 5% = 500, 3% = 300, 2% = 200, 1% = 100.
    assert points(last_year(firm(), rd_expense=D(rd)), "rd_intensity") == expected


@pytest.mark.parametrize(
    ("main_business", "expected"),
    [
        ("8280", 20),
        ("8279.99", 15),
        ("7920", 15),
        ("7919.99", 10),
        ("7560", 10),
        ("7559.99", 5),
        ("7200", 5),
        ("7199.99", 0),
    ],
)
def test_main_business_growth_bands(main_business, expected):
    # Previous year's main-business revenue is 7200: +15% = 8280, +10% = 7920, +5% = 7560, 0% = 7200.
    assert (
        points(last_year(firm(), main_business_revenue=D(main_business)), "main_business_growth") == expected
    )


@pytest.mark.parametrize(
    ("liabilities", "expected"),
    [("5499.99", 10), ("5500", 5), ("7499.99", 5), ("7500", 0), ("9000", 0)],
)
def test_debt_ratio_bands(liabilities, expected):
    # Assets 10000: <55% → 10, [55%, 75%) → 5, 75%以上 → 0 (P2).
    assert points(last_year(firm(), total_liabilities=D(liabilities)), "debt_ratio") == expected


@pytest.mark.parametrize(
    ("main_business", "expected"),
    [
        ("7000", 20),
        ("6999.99", 15),
        ("6000", 15),
        ("5999.99", 10),
        ("5500", 10),
        ("5499.99", 5),
        ("5000", 5),
        ("4999.99", 0),
    ],
)
def test_main_business_share_bands(main_business, expected):
    assert (
        points(last_year(firm(), main_business_revenue=D(main_business)), "main_business_share") == expected
    )


@pytest.mark.parametrize(
    ("class1", "class2", "attested", "expected"),
    [
        (0, 0, {}, 0),
        (0, 1, {}, 5),
        (1, 0, {}, 10),
        (1, 0, confirmed("self_developed_class1_ip"), 15),
        (1, 0, confirmed("high_value_class1_ip"), 20),
        (1, 0, confirmed("high_value_class1_ip", "self_developed_class1_ip"), 20),
    ],
)
def test_ip_points(class1, class2, attested, expected):
    facts = last_year(firm(attested=attested), class1_ip=class1, class2_ip=class2)
    assert points(facts, "ip") == expected


@pytest.mark.parametrize(("strategic", "expected"), [(True, 10), (False, 5)])
def test_product_field(strategic, expected):
    assert points(firm(strategic_emerging=strategic), "product_field") == expected


def _scored(rd, class1, class2, main_business, liabilities, strategic=True, **extra):
    """A firm whose indicator values are chosen to hit given class totals."""
    facts = firm(strategic_emerging=strategic, **extra)
    return last_year(
        facts,
        rd_expense=D(rd),
        class1_ip=class1,
        class2_ip=class2,
        main_business_revenue=D(main_business),
        total_liabilities=D(liabilities),
    )


def test_total_exactly_60_with_class_minimums_passes():
    # innovation 15 + 5 = 20; growth: main business 8000/7200 = +11.1% → 15, debt 60% → 5 → 20; specialisation
    # 5 (not strategic) + share 80% → 20 = 25 … total 65: lower the share to 60% (15) for exactly 60.
    facts = _scored("300", 0, 1, "6000", "6000", strategic=False)
    facts = with_year(facts, 2023, main_business_revenue=D("5400"))  # growth 6000/5400 = +11.1% → 15
    report = evaluate_tier(facts, CN_2022, TIER)
    assert report.class_scores == {"innovation": 20, "growth": 20, "specialisation": 20}
    assert report.score == 60
    assert report.eligible is True


def test_total_below_60_fails_even_with_class_minimums():
    # As above but main-business share 55% (10 points): total 55, every class still at its minimum.
    facts = _scored("300", 0, 1, "5500", "6000", strategic=False)
    facts = with_year(facts, 2023, main_business_revenue=D("4950"))  # growth +11.1% → 15
    report = evaluate_tier(facts, CN_2022, TIER)
    assert report.class_scores == {"innovation": 20, "growth": 20, "specialisation": 15}
    assert report.score == 55
    assert report.eligible is False
    assert report.criterion("score").gap == 5


def test_class_minimum_fails_despite_total():
    # innovation: rd 2% → 10, ip Ⅱ类 → 5 = 15 < 20; the total is far above 60.
    facts = _scored("200", 0, 1, "9000", "4000")
    report = evaluate_tier(facts, CN_2022, TIER)
    assert report.class_scores["innovation"] == 15
    assert report.score >= 60
    assert report.eligible is False
    assert report.criterion("score").status == "not_met"


@pytest.mark.parametrize(
    "code",
    [
        "st_award_provincial_or_above",
        "national_st_award_top3",
        "high_tech_enterprise",
        "rd_institution_provincial",
        "rd_institution_national",
    ],
)
def test_direct_conditions_replace_the_score(code):
    weak = last_year(firm(), rd_expense=D(0), class1_ip=0, class2_ip=0)
    assert evaluate_tier(weak, CN_2022, TIER).criterion("score").status == "not_met"
    report = evaluate_tier(weak.with_changes(attested=confirmed(code)), CN_2022, TIER)
    assert report.eligible is True
    assert report.direct_met


@pytest.mark.parametrize(
    ("amounts", "met"), [(("200", "200", "100"), True), (("200", "200", "99.99"), False)]
)
def test_d4_equity_financing_over_three_years(amounts, met):
    facts = firm()
    for year, amount in zip((2024, 2023, 2022), amounts, strict=True):
        facts = with_year(facts, year, equity_financing=D(amount))
    assert result(facts, TIER, "d4_equity_financing").met is met


def test_municipal_institution_is_not_d3():
    assert (
        result(firm(attested=confirmed("rd_institution_municipal")), TIER, "d3_rd_institution").met is False
    )
