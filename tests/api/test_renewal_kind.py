"""Issue 15 item 7 through the API: the what-if takes ``application_kind``; a stored firm's report
judges the tiers it holds as a 复核 and the others as new applications."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from cultivation.models import Designation
from cultivation.tiers import INNOVATIVE_SME, expiry_for
from tests.factories import FiguresFactory, FirmFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(caseworker) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


def little_giant_body(revenue_2023: str, **extra) -> dict:
    """A 专精特新 firm meeting CN-2026 小巨人 except, with ``revenue_2023`` above 10000, the 5% growth."""
    years = []
    for year, revenue in ((2023, revenue_2023), (2024, "10500.00"), (2025, "11025.00")):
        amount = Decimal(revenue)
        years.append(
            {
                "year": year,
                "operating_revenue": str(amount),
                "main_business_revenue": str((amount * Decimal("0.95")).quantize(Decimal("0.01"))),
                "rd_expense": str((amount * Decimal("0.06")).quantize(Decimal("0.01"))),
                "net_profit": "800.00",
                "total_assets": "20000.00",
                "total_liabilities": "8000.00",
                "employees": 200,
                "rd_staff": 40,
                "class1_ip": 5,
                "class2_ip": 0,
            }
        )
    return {
        "rule_set": "CN-2026",
        "as_of": "2026-06-30",
        "founded_on": "2012-03-01",
        "niche_since": 2015,
        "designations": ["srdi_sme"],
        "attested": {"niche_share_10": True, "key_chain_product": True, "srdi_evaluation_60": True},
        "years": years,
        **extra,
    }


def little_giant(api, body) -> dict:
    response = api.post("/api/eligibility/", body, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["tiers"]["little_giant"]


def criterion(report: dict, code: str) -> dict:
    return next(c for c in report["criteria"] if c["code"] == code)


@pytest.mark.parametrize(
    ("revenue_2023", "kind", "eligible", "growth"),
    [
        ("10000.00", "new", True, "met"),  # exactly 5% a year
        ("10000.01", "new", False, "not_met"),
        ("10000.01", "renewal", True, "met"),  # growth not checked for a 复核 (CN-2026)
    ],
)
def test_what_if_judges_a_renewal_without_the_growth_rule(api, revenue_2023, kind, eligible, growth):
    report = little_giant(api, little_giant_body(revenue_2023, application_kind=kind))
    assert report["application_kind"] == kind
    assert report["eligible"] is eligible
    assert criterion(report, "revenue_cagr")["status"] == growth


def test_what_if_defaults_to_a_new_application(api):
    report = little_giant(api, little_giant_body("10000.01"))
    assert report["application_kind"] == "new" and report["eligible"] is False


def test_an_unknown_application_kind_is_a_400_naming_the_field(api):
    response = api.post(
        "/api/eligibility/", little_giant_body("10000", application_kind="re-review"), format="json"
    )
    assert response.status_code == 400
    assert "application_kind" in response.json()["fields"]


def test_a_stored_firms_report_judges_held_tiers_as_a_renewal(api):
    firm = FirmFactory(strategic_emerging=True)
    for year in (2023, 2024, 2025):
        FiguresFactory(firm=firm, year=year)
    granted = datetime.date(2024, 5, 1)
    Designation.objects.create(
        firm=firm, tier=INNOVATIVE_SME, granted_on=granted, expires_on=expiry_for(INNOVATIVE_SME, granted)
    )
    response = api.get(f"/api/firms/{firm.credit_code}/eligibility/", {"as_of": "2026-06-30"})
    assert response.status_code == 200, response.json()
    tiers = response.json()["tiers"]
    assert tiers["innovative_sme"]["application_kind"] == "renewal"
    assert {code for code, report in tiers.items() if report.get("application_kind") == "renewal"} == {
        "innovative_sme"
    }
