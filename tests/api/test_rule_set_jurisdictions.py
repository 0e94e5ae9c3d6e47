"""Issue 15 items 9, 6 and 11 through the API: the what-if on both sides of every effective date, and
``GET /api/rule-sets/`` with jurisdictions, dates and provisional marks."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

GIANT_ATTESTED = {
    code: True
    for code in (
        "info_system",
        "quality_certification",
        "niche_share_10",
        "own_brand",
        "rd_institution_municipal",
        "chain_role",
        "key_field_product",
    )
}


@pytest.fixture
def api(caseworker) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


def year(year: int, revenue: str, **changes) -> dict:
    value = float(revenue)
    row = {
        "year": year,
        "operating_revenue": revenue,
        "main_business_revenue": f"{value * 0.9:.2f}",
        "rd_expense": f"{value * 0.05:.2f}",
        "net_profit": f"{value * 0.08:.2f}",
        "total_assets": "9000.00",
        "total_liabilities": "4000.00",
        "employees": 150,
        "rd_staff": 30,
        "class1_ip": 3,
        "class2_ip": 8,
    }
    row.update(changes)
    return row


def gazelle_body(as_of: str) -> dict:
    years = [
        year(2019, "1000"),
        year(2020, "1500"),
        year(2021, "2000"),
        year(2022, "2300"),
        year(2023, "3000"),
    ]
    return {
        "as_of": as_of,
        "founded_on": "2016-01-01",
        "cluster": "intelligent-equipment",
        "attested": {"chain_role": True, "future_industry_field": True},
        "years": years,
    }


def giant_body(as_of: str, **changes) -> dict:
    body = {
        "as_of": as_of,
        "founded_on": "2010-01-01",
        "niche_since": 2015,
        "designations": ["srdi_sme"],
        "attested": dict(GIANT_ATTESTED),
        "years": [year(2022, "8000"), year(2023, "9000"), year(2024, "10000")],
    }
    body.update(changes)
    return body


def what_if(api, body) -> dict:
    response = api.post("/api/eligibility/", body, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.parametrize(
    ("tier", "before", "starts", "rule_set"),
    [
        ("gazelle", "2023-12-30", "2023-12-31", "CQ-2023"),
        ("unicorn", "2023-12-30", "2023-12-31", "CQ-2023"),
        ("hardtech_pool", "2024-12-17", "2024-12-18", "CQ-2024"),
    ],
)
def test_a_chongqing_tier_answers_not_in_force_until_its_rules_start(api, tier, before, starts, rule_set):
    early = what_if(api, gazelle_body(before))["tiers"][tier]
    assert early["in_force"] is False and early["eligible"] is None and early["criteria"] == []
    assert early["effective_from"] == starts and early["rule_set"] == rule_set
    assert early["message"] == f"该称号的重庆市认定标准自 {starts} 起施行"
    on_time = what_if(api, gazelle_body(starts))["tiers"][tier]
    assert on_time["in_force"] is True and on_time["rule_set"] == rule_set and on_time["criteria"]


def test_a_gazelle_is_judged_on_the_first_day_of_cq_2023(api):
    answer = what_if(api, gazelle_body("2023-12-31"))
    assert answer["rule_sets"] == ["CN-2022", "CQ-2023"]
    assert answer["tiers"]["gazelle"]["eligible"] is True
    growth = {c["code"]: c for c in answer["tiers"]["gazelle"]["criteria"]}["revenue_cagr"]
    assert growth["provisional"] is True and growth["provisional_reason"].startswith("增长率计算口径")


def test_naming_a_chongqing_set_before_its_date_still_evaluates_it(api):
    answer = what_if(api, {**gazelle_body("2023-12-30"), "rule_set": "CQ-2023"})
    assert answer["rule_sets"] == ["CN-2022", "CQ-2023"] and answer["tiers"]["gazelle"]["in_force"] is True


def test_the_2025_round_starts_on_15_may(api):
    champion = ["srdi_sme", "single_champion"]
    before = what_if(api, giant_body("2025-05-14", designations=champion))
    on = what_if(api, giant_body("2025-05-15", designations=champion))
    assert before["rule_set"] == "CN-2022" and before["tiers"]["little_giant"]["eligible"] is True
    assert on["rule_set"] == "CN-2022-R2025" and on["tiers"]["little_giant"]["eligible"] is False
    statuses = {c["code"]: c["status"] for c in on["tiers"]["little_giant"]["criteria"]}
    assert statuses["not_single_champion"] == "not_met"


def test_naming_cn_2022_in_the_round_gives_the_unmodified_rules(api):
    champion = ["srdi_sme", "single_champion"]
    named = what_if(api, giant_body("2025-06-30", designations=champion, rule_set="CN-2022"))
    assert named["rule_set"] == "CN-2022" and named["tiers"]["little_giant"]["eligible"] is True
    assert named["tiers"]["gazelle"]["rule_set"] == "CQ-2024"  # Chongqing's set in force still applies


def test_an_affiliation_given_true_excludes_in_the_round(api):
    attested = {**GIANT_ATTESTED, "little_giant_affiliation": True}
    before = what_if(api, giant_body("2025-05-14", attested=attested))["tiers"]["little_giant"]
    on = what_if(api, giant_body("2025-05-15", attested=attested))["tiers"]["little_giant"]
    assert before["eligible"] is True and on["eligible"] is False


@pytest.mark.parametrize(("revenue", "status"), [("5000.00", "met"), ("4999.99", "not_met")])
def test_the_rounds_revenue_floor_is_provisional(api, revenue, status):
    years = [year(2022, "8000"), year(2023, "9000"), year(2024, revenue)]
    answer = what_if(api, giant_body("2025-05-15", years=years))["tiers"]["little_giant"]
    floor = {c["code"]: c for c in answer["criteria"]}["revenue_2025"]
    assert floor["status"] == status and floor["provisional"] is True and floor["provisional_reason"]


def test_the_growth_rule_is_waived_for_a_renewal_in_the_round(api):
    flat = [year(2022, "8000"), year(2023, "8000"), year(2024, "8000")]  # 0% growth
    for kind, day, expected in (
        ("new", "2025-05-15", "not_met"),
        ("renewal", "2025-05-14", "not_met"),
        ("renewal", "2025-05-15", "met"),
    ):
        body = giant_body(day, years=flat, application_kind=kind)
        criteria = {c["code"]: c for c in what_if(api, body)["tiers"]["little_giant"]["criteria"]}
        assert criteria["main_business_growth"]["status"] == expected, (kind, day)


def test_rule_sets_list_jurisdictions_dates_and_provisional_flags(api):
    sets = {s["code"]: s for s in api.get("/api/rule-sets/").json()["results"]}
    assert {code: s["jurisdiction"] for code, s in sets.items()} == {
        "CN-2022": "CN",
        "CQ-2023": "CQ",
        "CQ-2024": "CQ",
        "CN-2022-R2025": "CN",
        "CN-2026": "CN",
    }
    assert (sets["CQ-2023"]["effective_from"], sets["CQ-2023"]["effective_until"]) == (
        "2023-12-31",
        "2024-12-17",
    )
    assert (sets["CN-2022"]["effective_from"], sets["CN-2022"]["effective_until"]) == (
        "2022-08-01",
        "2025-05-14",
    )
    assert (
        sets["CN-2022-R2025"]["effective_until"] == "2026-03-31"
        and sets["CN-2026"]["effective_until"] is None
    )
    assert sets["CQ-2023"]["effective_from_provisional"] is True and sets["CQ-2023"]["effective_from_note"]
    assert (
        sets["CN-2022"]["effective_from_provisional"] is False
        and sets["CN-2022"]["effective_from_note"] == ""
    )
    assert all(s["has_provisional_criteria"] for s in sets.values())  # growth formulas (item 11) at least
    assert sets["CQ-2024"]["source"].endswith("S25") and sets["CQ-2024"]["based_on"] == "CQ-2023"
    detail = api.get("/api/rule-sets/CQ-2024/").json()
    assert detail["definition"]["jurisdiction"] == "CQ" and "hardtech_pool" in detail["definition"]["tiers"]


def test_rule_sets_filter_by_jurisdiction(api):
    chongqing = api.get("/api/rule-sets/", {"jurisdiction": "CQ"}).json()["results"]
    assert [s["code"] for s in chongqing] == ["CQ-2023", "CQ-2024"]
    assert api.get("/api/rule-sets/", {"jurisdiction": "XX"}).status_code == 400
