"""Editing without overwriting (issue 19): firms and figures answer with an ``ETag``; ``PUT``/``PATCH``
with a stale ``If-Match`` are 412 and write nothing; ``Prefer: require-if-match`` makes a missing one 428."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from cultivation.services.stages import StageMove, settle_stages
from registry.models import AnnualFigures, Firm
from registry.services import save_figures
from tests.factories import add_figures, today

pytestmark = pytest.mark.django_db

STALE = "该记录已被他人修改，您的修改未保存。请刷新后重试。"


@pytest.fixture
def city(caseworker) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


def firm_url(firm: Firm) -> str:
    return f"/api/firms/{firm.credit_code}/"


def year_url(row: AnnualFigures) -> str:
    return f"/api/firms/{row.firm.credit_code}/figures/{row.year}/"


def test_a_firm_answers_with_a_strong_etag(city, firm):
    first = city.get(firm_url(firm))
    again = city.get(firm_url(firm))
    assert first.status_code == 200
    assert first["ETag"].startswith('"') and not first["ETag"].startswith("W/")
    assert first["ETag"] == again["ETag"]


def test_a_matching_if_match_writes_and_answers_the_new_etag(city, firm):
    tag = city.get(firm_url(firm))["ETag"]
    response = city.patch(firm_url(firm), {"contact_name": "李四"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 200, response.json()
    assert response["ETag"] != tag
    assert response["ETag"] == city.get(firm_url(firm))["ETag"]
    firm.refresh_from_db()
    assert firm.contact_name == "李四"


def test_a_stale_if_match_is_412_and_writes_nothing(city, firm):
    tag = city.get(firm_url(firm))["ETag"]
    assert city.patch(firm_url(firm), {"contact_name": "先到者"}, format="json").status_code == 200
    response = city.patch(firm_url(firm), {"contact_name": "后到者"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 412
    assert response.json() == {"detail": STALE, "fields": {}}
    assert "ETag" not in response
    firm.refresh_from_db()
    assert firm.contact_name == "先到者"


def test_a_put_with_a_stale_tag_is_412_too(city, firm):
    tag = city.get(firm_url(firm))["ETag"]
    city.patch(firm_url(firm), {"address": "两江新区"}, format="json")
    body = {k: v for k, v in city.get(firm_url(firm)).json().items() if k not in ("credit_code", "stage")}
    response = city.put(firm_url(firm), {**body, "name": "改名"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 412
    assert Firm.objects.get(pk=firm.pk).name == firm.name


def test_a_new_stage_changes_the_tag(city, firm):
    """The stage follows the designations through a bulk update, outside ``updated_at``."""
    tag = city.get(firm_url(firm))["ETag"]
    settle_stages([StageMove(firm.pk, firm.district_id, firm.stage, "growth")], on=today())
    assert Firm.objects.get(pk=firm.pk).stage == "growth"
    assert city.get(firm_url(firm))["ETag"] != tag


def test_star_and_any_of_a_list_match(city, firm):
    old = city.get(firm_url(firm))["ETag"]
    assert city.patch(firm_url(firm), {"address": "一"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    current = city.get(firm_url(firm))["ETag"]
    both = f"{old}, {current}"
    assert city.patch(firm_url(firm), {"address": "二"}, format="json", HTTP_IF_MATCH=both).status_code == 200
    weak = f"W/{city.get(firm_url(firm))['ETag']}"
    assert city.patch(firm_url(firm), {"address": "三"}, format="json", HTTP_IF_MATCH=weak).status_code == 412


def test_no_if_match_still_writes_unless_the_client_opted_in(city, firm):
    assert city.patch(firm_url(firm), {"address": "旧规则"}, format="json").status_code == 200
    response = city.patch(
        firm_url(firm), {"address": "要求条件"}, format="json", HTTP_PREFER="return=minimal, require-if-match"
    )
    assert response.status_code == 428
    assert response.json()["detail"] == "请先读取该记录，并在 If-Match 请求头中附上其 ETag 后再修改。"
    assert Firm.objects.get(pk=firm.pk).address == "旧规则"
    tag = city.get(firm_url(firm))["ETag"]
    response = city.patch(
        firm_url(firm), {"address": "要求"}, format="json", HTTP_PREFER="require-if-match", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 200


def test_a_registered_firm_answers_with_its_tag(city, firm):
    response = city.get(firm_url(firm))
    assert response["ETag"]
    assert "ETag" not in city.get("/api/firms/")  # a list has no single version
    assert "ETag" not in city.get(f"{firm_url(firm)}eligibility/")


def test_figures_answer_with_an_etag_and_honour_if_match(city, firm):
    row = add_figures(firm, today().year - 6, "5000")
    tag = city.get(year_url(row))["ETag"]
    changed = city.patch(year_url(row), {"audited": True}, format="json", HTTP_IF_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] not in ("", tag)
    stale = city.patch(year_url(row), {"net_profit": "1.00"}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert AnnualFigures.objects.get(pk=row.pk).net_profit == row.net_profit
    fresh = city.patch(year_url(row), {"net_profit": "1.00"}, format="json", HTTP_IF_MATCH=changed["ETag"])
    assert fresh.status_code == 200
    assert AnnualFigures.objects.get(pk=row.pk).net_profit == Decimal("1.00")


def test_a_change_through_another_path_makes_the_tag_stale(city, firm, firm_user):
    """The portal and the admin save through the same service: their change is seen by the API."""
    row = add_figures(firm, today().year - 6, "5000")
    tag = city.get(year_url(row))["ETag"]
    row.employees = 151
    save_figures(row, user=firm_user)
    response = city.put(
        year_url(row),
        {**{k: v for k, v in city.get(year_url(row)).json().items() if k in FIELDS}, "employees": 99},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert response.status_code == 412
    assert AnnualFigures.objects.get(pk=row.pk).employees == 151


def test_a_new_year_answers_with_its_tag(city, firm):
    body = {
        "year": today().year - 7,
        **{name: "100.00" for name in ("operating_revenue", "main_business_revenue", "rd_expense")},
        **{"net_profit": "1.00", "total_assets": "10.00", "total_liabilities": "1.00"},
        **{"employees": 10, "rd_staff": 1},
    }
    response = city.post(f"/api/firms/{firm.credit_code}/figures/", body, format="json")
    assert response.status_code == 201, response.json()
    row = AnnualFigures.objects.get(firm=firm, year=body["year"])
    assert response["ETag"] == city.get(year_url(row))["ETag"]


FIELDS = {
    "operating_revenue",
    "main_business_revenue",
    "rd_expense",
    "net_profit",
    "total_assets",
    "total_liabilities",
    "employees",
    "rd_staff",
    "class1_ip",
    "class2_ip",
    "equity_financing",
    "valuation_usd_m",
    "cumulative_financing_usd_m",
    "audited",
}


def test_a_listed_browser_origin_may_read_the_tag_and_send_if_match(city, firm, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://dashboard.example"]
    preflight = APIClient().options(
        firm_url(firm),
        HTTP_ORIGIN="https://dashboard.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-match, prefer",
    )
    allowed = {h.strip() for h in preflight["Access-Control-Allow-Headers"].split(",")}
    assert {"if-match", "prefer"} <= allowed
    read = city.get(firm_url(firm), HTTP_ORIGIN="https://dashboard.example")
    assert read["Access-Control-Expose-Headers"] == "ETag"
