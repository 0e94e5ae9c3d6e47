"""单项冠军 (§2), the Chongqing growth ladder (§3) and the hard-tech pool (§4)."""

from __future__ import annotations

from datetime import date

import pytest

from cultivation.rules import CN_2022, evaluate_tier
from cultivation.tiers import (
    GAZELLE,
    HARDTECH_POOL,
    LITTLE_GIANT,
    POTENTIAL_UNICORN,
    SINGLE_CHAMPION,
    UNICORN,
)

from .builders import CN_AND_CQ, D, claimed, confirmed, firm, last_year, result, with_year, without_year

# --- 单项冠军 ------------------------------------------------------------------------------------------

CHAMPION_ATTESTED = confirmed(
    "global_top3_share", "profitability_above_industry", "energy_use_advanced", "product_on_market_3y"
)


def champion(**changes):
    values = {"attested": CHAMPION_ATTESTED, "niche_since": 2014}  # 10 completed years at the end of 2024
    values.update(changes)
    facts = firm(**values)
    for year in (2022, 2023, 2024):
        facts = with_year(
            facts, year, main_business_revenue=D(40000), operating_revenue=D(42000), employees=5000
        )
    return facts


def test_champion_baseline_is_eligible_and_not_limited_to_smes():
    report = evaluate_tier(champion(), CN_AND_CQ, SINGLE_CHAMPION)
    assert report.eligible is True
    assert "sme_size" not in [c.code for c in report.criteria]


@pytest.mark.parametrize(("niche_since", "expected"), [(2014, True), (2015, False)])
def test_champion_ten_years_in_field(niche_since, expected):
    """Ten completed years after the entry year by the end of 2024: entered 2014 yes, 2015 no (issue 15)."""
    assert result(champion(niche_since=niche_since), SINGLE_CHAMPION, "years_in_field").met is expected


@pytest.mark.parametrize(
    ("revenue_2022", "designations", "expected"),
    [("40000", (), True), ("39999.99", (), False), ("39999.99", (LITTLE_GIANT,), True)],
)
def test_champion_revenue_floor_or_little_giant(revenue_2022, designations, expected):
    facts = with_year(
        champion(designations=frozenset(designations)), 2022, main_business_revenue=D(revenue_2022)
    )
    assert evaluate_tier(facts, CN_AND_CQ, SINGLE_CHAMPION).eligible is expected


def test_champion_revenue_needs_all_three_years():
    outcome = result(without_year(champion(), 2022), SINGLE_CHAMPION, "main_business_revenue_mean")
    assert outcome.status == "missing"


def test_champion_needs_global_top3():
    facts = champion(
        attested=confirmed("profitability_above_industry", "energy_use_advanced", "product_on_market_3y")
    )
    assert evaluate_tier(facts, CN_AND_CQ, SINGLE_CHAMPION).eligible is False


PRODUCT_ON_MARKET_STATES = [
    ("confirmed", "met", True),
    ("claimed", "pending", None),
    ("absent", "not_met", False),
]


@pytest.mark.parametrize(("state", "status", "eligible"), PRODUCT_ON_MARKET_STATES)
def test_champion_product_on_market_three_years_is_attested(state, status, eligible):
    """主导产品上市时间 ≥ 3 年 (domain §2): met only when confirmed, pending while claimed (P3)."""
    others = confirmed("global_top3_share", "profitability_above_industry", "energy_use_advanced")
    extra = {"confirmed": confirmed, "claimed": claimed, "absent": lambda _code: {}}[state]
    facts = champion(attested={**others, **extra("product_on_market_3y")}, niche_since=2010)
    report = evaluate_tier(facts, CN_AND_CQ, SINGLE_CHAMPION)
    assert report.criterion("product_on_market").status == status
    assert report.eligible is eligible


def test_champion_unconfirmed_items_are_provisional():
    """The 4亿 floor and the product's 3 years are [U] (domain §8 item 7): flagged, with the reason."""
    report = evaluate_tier(champion(), CN_AND_CQ, SINGLE_CHAMPION)
    flagged = {c.code for c in report.criteria if c.provisional}
    assert {"main_business_revenue_mean", "product_on_market"} <= flagged
    assert "global_top3" not in flagged and report.provisional is True
    rule = CN_2022.tiers[SINGLE_CHAMPION]
    for code in ("main_business_revenue_mean", "product_on_market"):
        assert rule.criterion(code).note.startswith("Provisional:")


# --- 瞪羚 ---------------------------------------------------------------------------------------------


def gazelle(start: str, end: str, middle: str | None = None):
    """A firm whose revenue goes from ``start`` (2021) to ``end`` (2024), R&D at 5% every year."""
    start_d, end_d = D(start), D(end)
    mid = D(middle) if middle else (start_d + end_d) / 2
    facts = firm()
    for year, revenue in ((2021, start_d), (2022, mid), (2023, mid), (2024, end_d)):
        facts = with_year(facts, year, operating_revenue=revenue, rd_expense=revenue * D("0.05"))
    return facts


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("1000", "2197", True),  # 1000万-5000万: CAGR 30% exactly (1.3³ = 2.197)
        ("1000", "2196.99", False),
        ("999.99", "99999", False),  # under 1000万 at the start: never eligible
        ("4999.99", "10984.98", True),  # still the 30% band: 4999.99 × 2.197 = 10984.978…
        ("4999.99", "10984.97", False),
        ("5000", "8640", True),  # 5000万-1亿: 20% (1.2³ = 1.728)
        ("5000", "8639.99", False),
        ("9999.99", "17279.99", True),  # 9999.99 × 1.728 = 17279.982…
        ("10000", "15208.75", True),  # ≥ 1亿: 15% (1.15³ = 1.520875)
        ("10000", "15208.74", False),
    ],
)
def test_gazelle_cagr_bands(start, end, expected):
    outcome = result(gazelle(start, end), GAZELLE, "revenue_cagr")
    assert outcome.met is expected
    assert evaluate_tier(gazelle(start, end), CN_AND_CQ, GAZELLE).eligible is expected


def test_gazelle_below_1000_is_not_met_with_the_band_floor():
    outcome = result(gazelle("999.99", "99999"), GAZELLE, "revenue_cagr")
    assert outcome.status == "not_met"
    assert outcome.threshold == 1000
    assert not outcome.parts


def test_gazelle_cagr_gap_is_revenue_to_add():
    outcome = result(gazelle("1000", "2100"), GAZELLE, "revenue_cagr")
    assert outcome.gap == D("97.00")
    assert outcome.parts[0].gap == D("97.00")


@pytest.mark.parametrize(("end", "expected"), [("2500", True), ("2400", False)])
def test_gazelle_positive_growth_last_year_is_strict(end, expected):
    # 2023 revenue is 2400 (the middle value): equal revenue is no growth.
    facts = gazelle("1000", end, middle="2400")
    assert result(facts, GAZELLE, "revenue_growth").met is expected


@pytest.mark.parametrize(("rd_2022", "expected"), [("60", True), ("59.99", False)])
def test_gazelle_rd_three_percent_each_year(rd_2022, expected):
    facts = with_year(gazelle("1000", "3000"), 2022, rd_expense=D(rd_2022))  # 2022 revenue is 2000
    assert result(facts, GAZELLE, "rd_intensity_3y").met is expected


def test_gazelle_needs_ip_and_cluster():
    assert evaluate_tier(gazelle("1000", "3000"), CN_AND_CQ, GAZELLE).eligible is True
    assert (
        evaluate_tier(last_year(gazelle("1000", "3000"), class1_ip=0), CN_AND_CQ, GAZELLE).eligible is False
    )
    assert (
        evaluate_tier(gazelle("1000", "3000").with_changes(cluster=None), CN_AND_CQ, GAZELLE).eligible
        is False
    )


# --- 潜在独角兽 / 独角兽 ----------------------------------------------------------------------------------


def unicorn_firm(founded: date, valuation: str, financing: str, **changes):
    facts = firm(founded_on=founded, **changes)
    return last_year(facts, valuation_usd_m=D(valuation), cumulative_financing_usd_m=D(financing))


@pytest.mark.parametrize(
    ("tier", "founded", "valuation", "financing", "expected"),
    [
        (POTENTIAL_UNICORN, date(2016, 6, 30), "100", "5", True),  # exactly 9 years on 2025-06-30
        (POTENTIAL_UNICORN, date(2016, 6, 29), "100", "5", False),
        (POTENTIAL_UNICORN, date(2016, 6, 30), "99.99", "5", False),
        (POTENTIAL_UNICORN, date(2016, 6, 30), "100", "4.99", False),
        (UNICORN, date(2015, 6, 30), "1000", "50", True),
        (UNICORN, date(2015, 6, 29), "1000", "50", False),
        (UNICORN, date(2015, 6, 30), "999.99", "50", False),
        (UNICORN, date(2015, 6, 30), "1000", "49.99", False),
    ],
)
def test_unicorn_thresholds(tier, founded, valuation, financing, expected):
    assert evaluate_tier(unicorn_firm(founded, valuation, financing), CN_AND_CQ, tier).eligible is expected


def test_unicorn_must_be_unlisted_and_in_a_cluster():
    facts = unicorn_firm(date(2020, 1, 1), "2000", "100")
    assert evaluate_tier(facts, CN_AND_CQ, UNICORN).eligible is True
    assert evaluate_tier(facts.with_changes(listed=True), CN_AND_CQ, UNICORN).eligible is False
    assert evaluate_tier(facts.with_changes(cluster=""), CN_AND_CQ, UNICORN).eligible is False


def test_valuation_is_the_latest_recorded_up_to_this_year():
    facts = unicorn_firm(date(2020, 1, 1), "50", "10")
    facts = with_year(facts, 2025, valuation_usd_m=D(150))  # a round this year
    facts = with_year(facts, 2026, valuation_usd_m=D(9999))  # a future year is ignored
    outcome = result(facts, POTENTIAL_UNICORN, "valuation")
    assert outcome.value == 150
    assert outcome.met


def test_unicorn_age_missing_founding_date():
    outcome = result(firm(founded_on=None), UNICORN, "age")
    assert outcome.status == "missing"


# --- 硬科技帮扶库 --------------------------------------------------------------------------------------

POOL_ATTESTED = confirmed("chain_role", "future_industry_field")


@pytest.mark.parametrize(("rd", "expected"), [("500", True), ("499.99", False)])
def test_pool_rd_intensity_5(rd, expected):
    facts = last_year(firm(attested=POOL_ATTESTED), rd_expense=D(rd))
    assert evaluate_tier(facts, CN_AND_CQ, HARDTECH_POOL).eligible is expected


@pytest.mark.parametrize(("class1", "expected"), [(1, True), (0, False)])
def test_pool_class1_ip(class1, expected):
    facts = last_year(firm(attested=POOL_ATTESTED), class1_ip=class1)
    assert evaluate_tier(facts, CN_AND_CQ, HARDTECH_POOL).eligible is expected


def test_pool_is_for_smes():
    facts = last_year(
        firm(attested=POOL_ATTESTED), employees=1000, operating_revenue=D(40000), rd_expense=D(4000)
    )
    report = evaluate_tier(facts, CN_AND_CQ, HARDTECH_POOL)
    assert report.criterion("sme_size").status == "not_met"
    assert report.eligible is False
