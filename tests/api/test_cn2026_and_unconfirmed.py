"""Issue 15, items 8 and 11, through the API people use.

CN-2026's base rung 科技和创新型中小企业 from 2026-04-01 (what-if on both sides of the day); every 创新型 and
专精特新 criterion CN-2026 carries over from CN-2022 is marked provisional; the unconfirmed 单项冠军 4亿 floor
and 专精特新 IP bands are flagged in the eligibility JSON and the rule-set API; 单项冠军's "product on the
market ≥ 3 years" is an attested criterion, judged from stored claims decided through the services.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cultivation.services import claim_attestation, decide_attestation
from tests.factories import FiguresFactory, FirmFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def api(caseworker) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def what_if(api, as_of: str, attested: dict) -> dict:
    """A small firm far below the 创新型 score (no R&D, no IP), with or without a 科技型 registration."""
    body = {
        "as_of": as_of,
        "founded_on": "2018-05-01",
        "niche_since": 2019,
        "sector": "industry",
        "attested": attested,
        "years": [
            {
                "year": 2025,
                "operating_revenue": "1200.00",
                "main_business_revenue": "500.00",
                "rd_expense": "0.00",
                "net_profit": "30.00",
                "total_assets": "1500.00",
                "total_liabilities": "1300.00",
                "employees": 60,
                "rd_staff": 0,
                "class1_ip": 0,
                "class2_ip": 0,
            }
        ],
    }
    response = api.post("/api/eligibility/", body, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


# --- item 8: CN-2026's base rung ------------------------------------------------------------------------


@pytest.mark.parametrize(("as_of", "eligible"), [("2026-03-31", False), ("2026-04-01", True)])
def test_a_registered_tech_sme_is_base_tier_eligible_from_2026_04_01(api, as_of, eligible):
    report = what_if(api, as_of, {"tech_sme_registered": True})
    base = report["tiers"]["innovative_sme"]
    assert base["eligible"] is eligible
    codes = {c["code"] for c in base["criteria"]}
    assert ("d5_tech_sme" in codes) is eligible
    assert (report["rule_set"] == "CN-2026") is eligible


def test_without_the_registration_the_weak_firm_is_not_eligible_on_2026_04_01(api):
    base = what_if(api, "2026-04-01", {})["tiers"]["innovative_sme"]
    assert base["eligible"] is False
    assert {c["code"]: c["status"] for c in base["criteria"]}["d5_tech_sme"] == "not_met"


def test_cn2026_marks_every_carried_over_base_and_srdi_criterion_provisional(api):
    report = what_if(api, "2026-04-01", {"tech_sme_registered": True})
    for tier in ("innovative_sme", "srdi_sme"):
        own = [c for c in report["tiers"][tier]["criteria"] if c["kind"] != "common"]
        assert own and all(c["provisional"] for c in own), tier
        assert all(c["provisional_reason"] for c in own), tier
        assert report["tiers"][tier]["provisional"] is True


def test_rule_set_api_gives_the_reason_for_each_carried_over_criterion(api):
    definition = api.get("/api/rule-sets/CN-2026/").json()["definition"]
    for tier in ("innovative_sme", "srdi_sme"):
        for criterion in definition["tiers"][tier]["criteria"]:
            assert criterion["provisional"] is True, (tier, criterion["code"])
            assert criterion["note"].startswith("Provisional:"), (tier, criterion["code"])
            assert criterion["provisional_reason"], (tier, criterion["code"])
    assert "科技和创新型中小企业" in definition["tiers"]["innovative_sme"]["note"]


# --- item 11: unconfirmed items shown as such ------------------------------------------------------------


def test_rule_set_api_flags_the_champion_floor_the_product_years_and_the_srdi_ip_bands(api):
    definition = api.get("/api/rule-sets/CN-2022/").json()["definition"]
    champion = {c["code"]: c for c in definition["tiers"]["single_champion"]["criteria"]}
    srdi = {c["code"]: c for c in definition["tiers"]["srdi_sme"]["criteria"]}
    for criterion in (champion["main_business_revenue_mean"], champion["product_on_market"], srdi["ip"]):
        assert criterion["provisional"] is True
        assert criterion["note"].startswith("Provisional:") and criterion["source"]
        assert "待核实" in criterion["provisional_reason"] or "未核实" in criterion["provisional_reason"]
    assert champion["product_on_market"]["kind"] == "attested"
    assert champion["product_on_market"]["params"] == {"any_of": ["product_on_market_3y"]}
    assert champion["global_top3"]["provisional"] is False


def test_eligibility_json_flags_the_srdi_ip_bands(api):
    report = what_if(api, "2025-06-30", {})
    srdi = {c["code"]: c for c in report["tiers"]["srdi_sme"]["criteria"]}
    assert srdi["ip"]["provisional"] is True and srdi["rd_input"]["provisional"] is False
    assert "四川" in srdi["ip"]["provisional_reason"] and "provisional_reason" not in srdi["rd_input"]


@pytest.fixture
def champion_firm(caseworker):
    """A large manufacturer 15 years in its field, 4.2亿 main business a year, 3 attestations confirmed."""
    firm = FirmFactory(niche_since=2009)
    for year in (2022, 2023, 2024):
        FiguresFactory(
            firm=firm,
            year=year,
            operating_revenue=Decimal("44000.00"),
            main_business_revenue=Decimal("42000.00"),
            employees=2500,
        )
    user = UserFactory(roles=["firm"], firm=firm)
    for code in ("global_top3_share", "profitability_above_industry", "energy_use_advanced"):
        confirm(claim(firm, code, user), caseworker)
    return firm, user


def claim(firm, code, user):
    return claim_attestation(firm=firm, code=code, evidence=SimpleUploadedFile("proof.pdf", PDF), actor=user)


def confirm(attestation, caseworker):
    return decide_attestation(attestation=attestation, confirm=True, actor=caseworker)


def champion_report(api, firm) -> dict:
    response = api.get(
        f"/api/firms/{firm.credit_code}/eligibility/", {"rule_set": "CN-2022", "as_of": "2025-06-30"}
    )
    assert response.status_code == 200, response.json()
    report = response.json()["tiers"]["single_champion"]
    report["by_code"] = {c["code"]: c for c in report["criteria"]}
    return report


def test_champion_without_the_product_years_claim_is_not_eligible(api, champion_firm):
    report = champion_report(api, champion_firm[0])
    assert report["by_code"]["product_on_market"]["status"] == "not_met"
    assert report["eligible"] is False


def test_champion_is_pending_while_the_product_years_are_claimed_and_eligible_once_confirmed(
    api, champion_firm, caseworker
):
    firm, user = champion_firm
    attestation = claim(firm, "product_on_market_3y", user)
    pending = champion_report(api, firm)
    assert pending["by_code"]["product_on_market"]["status"] == "pending"
    assert pending["eligible"] is None
    confirm(attestation, caseworker)
    met = champion_report(api, firm)
    assert met["by_code"]["product_on_market"]["status"] == "met"
    assert met["eligible"] is True
    for code in ("product_on_market", "main_business_revenue_mean"):
        assert met["by_code"][code]["provisional"] is True
        assert met["by_code"][code]["provisional_reason"]
    assert met["by_code"]["global_top3"]["provisional"] is False and met["provisional"] is True


def test_champion_is_not_eligible_when_the_product_years_are_rejected(api, champion_firm, caseworker):
    firm, user = champion_firm
    attestation = claim(firm, "product_on_market_3y", user)
    decide_attestation(attestation=attestation, confirm=False, actor=caseworker, reason="上市不足三年")
    report = champion_report(api, firm)
    assert report["by_code"]["product_on_market"]["status"] == "not_met"
    assert report["eligible"] is False
