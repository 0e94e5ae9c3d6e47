"""Years in the niche on stored firms (issue 15 item 5): completed years after the entry year, or whole
months after the entry month where a caseworker recorded it (API, admin, import and export)."""

from __future__ import annotations

import re

import pytest
import tablib
from django.urls import reverse
from rest_framework.test import APIClient

from registry.credit_code import make_code
from registry.models import Firm
from registry.resources import FirmResource
from tests.factories import FirmFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(caseworker) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


def niche(api, firm, as_of: str, tier: str, code: str) -> dict:
    url = f"/api/firms/{firm.credit_code}/eligibility/"
    response = api.get(url, {"as_of": as_of, "rule_set": "CN-2022"})
    assert response.status_code == 200, response.content[:500]
    return next(c for c in response.json()["tiers"][tier]["criteria"] if c["code"] == code)


def patch(api, firm, **changes):
    return api.patch(f"/api/firms/{firm.credit_code}/", changes, format="json")


@pytest.mark.parametrize(
    ("tier", "code", "bar"),
    [
        ("srdi_sme", "c1_niche_years", 2),
        ("little_giant", "niche_years", 3),
        ("single_champion", "years_in_field", 10),
    ],
)
def test_stored_entry_year_and_month_on_both_sides_of_each_bar(api, tier, code, bar):
    """As of 2025-06-30 (end of FY2024): entered 2024 − bar has ``bar`` years; a year later, or January of
    the next year with the month recorded, one short; December of 2024 − bar with the month, enough."""
    firm = FirmFactory(founded_on="2010-01-01", niche_since=2024 - bar)
    assert niche(api, firm, "2025-06-30", tier, code)["status"] == "met"
    assert patch(api, firm, niche_since=2024 - bar + 1).status_code == 200
    assert niche(api, firm, "2025-06-30", tier, code)["status"] == "not_met"
    assert patch(api, firm, niche_since_month=1).status_code == 200
    assert niche(api, firm, "2025-06-30", tier, code)["status"] == "not_met"
    assert patch(api, firm, niche_since=2024 - bar, niche_since_month=12).status_code == 200
    assert niche(api, firm, "2025-06-30", tier, code)["status"] == "met"


def test_entered_july_2023_has_two_completed_years_at_the_end_of_2025(api):
    firm = FirmFactory(founded_on="2010-01-01", niche_since=2023)
    assert patch(api, firm, niche_since_month=7).status_code == 200
    found = niche(api, firm, "2026-06-30", "srdi_sme", "c1_niche_years")
    assert (found["status"], str(found["value"])) == ("met", "2")
    assert str(niche(api, firm, "2025-06-30", "srdi_sme", "c1_niche_years")["value"]) == "1"
    assert api.get(f"/api/firms/{firm.credit_code}/").json()["niche_since_month"] == 7


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"niche_since": None, "niche_since_month": 5}, "niche_since_month"),
        ({"niche_since_month": 13}, "niche_since_month"),
        ({"niche_since_month": 0}, "niche_since_month"),
        ({"niche_since": 2015, "niche_since_month": 2}, "niche_since_month"),  # founded 2015-03-01
    ],
)
def test_bad_entry_months_change_nothing(api, changes, field):
    firm = FirmFactory(founded_on="2015-03-01", niche_since=2016)
    response = patch(api, firm, **changes)
    assert response.status_code == 400 and field in str(response.json())
    firm.refresh_from_db()
    assert (firm.niche_since, firm.niche_since_month) == (2016, None)


def test_the_admin_records_the_entry_month(client, caseworker):
    firm = FirmFactory(founded_on="2015-03-01", niche_since=2016)
    client.force_login(caseworker)
    url = reverse("admin:registry_firm_change", args=[firm.pk])
    page = client.get(url).content.decode()
    assert 'name="niche_since_month"' in page
    data = {
        "credit_code": firm.credit_code,
        "name": firm.name,
        "district": firm.district_id,
        "cluster": firm.cluster_id,
        "founded_on": "2015-03-01",
        "niche_since": "2016",
        "niche_since_month": "9",
        "sector": "industry",
        "change_reason": "补录进入月份",
    }
    for prefix in re.findall(r'name="([^"]+)-TOTAL_FORMS"', page):  # the figures inlines, empty
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    firm.refresh_from_db()
    assert firm.niche_since_month == 9


def test_import_and_export_carry_the_entry_month(caseworker):
    headers = [
        "credit_code",
        "name",
        "district",
        "cluster",
        "founded_on",
        "niche_since",
        "niche_since_month",
        "sector",
    ]
    row = [make_code("91500112MA60000A1"), "重庆甲公司", "500112", "", "2018-05-01", "2019", "7", "industry"]
    result = FirmResource(user=caseworker).import_data(tablib.Dataset(row, headers=headers))
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert Firm.objects.get().niche_since_month == 7
    exported = FirmResource(user=caseworker).export()  # headers are the fields' Chinese names
    assert "进入细分市场月份" in exported.headers
    assert exported.dict[0]["进入细分市场月份"] in (7, "7")


def test_an_imported_month_without_its_year_is_refused(caseworker):
    headers = ["credit_code", "name", "district", "founded_on", "niche_since", "niche_since_month", "sector"]
    row = [make_code("91500112MA60000A1"), "重庆甲公司", "500112", "2018-05-01", "", "7", "industry"]
    result = FirmResource(user=caseworker).import_data(tablib.Dataset(row, headers=headers))
    assert result.has_validation_errors() and not Firm.objects.exists()
