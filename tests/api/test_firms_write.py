"""Firms and annual figures written through the API, the firm filter, and tokens (issue #7)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cultivation.models import Designation
from registry.credit_code import make_code
from registry.models import AnnualFigures, Firm
from tests.factories import FiguresFactory, FirmFactory, UserFactory, district

pytestmark = pytest.mark.django_db

YUBEI = "500112"
OTHER = "500103"
LAST_YEAR = timezone.localdate().year - 1


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def city(caseworker) -> APIClient:
    return client_for(caseworker)


@pytest.fixture
def yubei_caseworker(db):
    return UserFactory(username="yubei-caseworker", roles=["caseworker"], district=district(YUBEI))


@pytest.fixture
def yubei(yubei_caseworker) -> APIClient:
    return client_for(yubei_caseworker)


def new_firm(code_body: str = "91500112MA0000001", **changes) -> dict:
    body = {
        "credit_code": make_code(code_body),
        "name": "重庆接口新建科技有限公司",
        "district": YUBEI,
        "cluster": "intelligent-equipment",
        "founded_on": "2018-05-01",
        "niche_since": 2019,
        "sector": "industry",
    }
    return {**body, **changes}


def figures(year: int = LAST_YEAR, **changes) -> dict:
    body = {
        "year": year,
        "operating_revenue": "8000.00",
        "main_business_revenue": "7200.00",
        "rd_expense": "400.00",
        "net_profit": "600.00",
        "total_assets": "9000.00",
        "total_liabilities": "4000.00",
        "employees": 150,
        "rd_staff": 30,
    }
    return {**body, **changes}


# --- Firms ---------------------------------------------------------------------------------------


def test_city_caseworker_creates_and_updates_a_firm(city):
    response = city.post("/api/firms/", new_firm(), format="json")
    assert response.status_code == 201, response.json()
    code = response.json()["credit_code"]
    assert response.json()["stage"] == "startup"
    firm = Firm.objects.get(credit_code=code)
    assert firm.district.code == YUBEI and firm.cluster.code == "intelligent-equipment"

    response = city.patch(f"/api/firms/{code}/", {"name": "改名后的公司", "district": OTHER}, format="json")
    assert response.status_code == 200, response.json()
    firm.refresh_from_db()
    assert (firm.name, firm.district.code) == ("改名后的公司", OTHER)


def test_credit_code_is_normalised(city):
    code = make_code("91500112MA0000002")
    spaced = f" {code[:6].lower()} {code[6:]} "
    response = city.post("/api/firms/", new_firm(credit_code=spaced), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["credit_code"] == code


def test_district_caseworker_stays_in_district(yubei):
    assert yubei.post("/api/firms/", new_firm(), format="json").status_code == 201
    response = yubei.post("/api/firms/", new_firm("91500112MA0000003", district=OTHER), format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"district"}

    mine = FirmFactory()
    moved = yubei.patch(f"/api/firms/{mine.credit_code}/", {"district": OTHER}, format="json")
    assert moved.status_code == 400 and "district" in moved.json()["fields"]
    mine.refresh_from_db()
    assert mine.district.code == YUBEI

    theirs = FirmFactory(district=district(OTHER))
    assert yubei.get(f"/api/firms/{theirs.credit_code}/").status_code == 404
    assert yubei.patch(f"/api/firms/{theirs.credit_code}/", {"name": "x"}, format="json").status_code == 404


def test_reviewers_and_firm_users_only_read():
    firm = FirmFactory()
    reviewer = client_for(UserFactory(username="reviewer", roles=["reviewer"]))
    firm_user = client_for(UserFactory(username="firm-user", firm=firm))
    for client in (reviewer, firm_user):
        assert client.get(f"/api/firms/{firm.credit_code}/").status_code == 200
        assert client.post("/api/firms/", new_firm(), format="json").status_code == 403
        response = client.patch(f"/api/firms/{firm.credit_code}/", {"name": "x"}, format="json")
        assert response.status_code == 403
        assert set(response.json()) == {"detail", "fields"}
    assert Firm.objects.get().name == firm.name


def test_no_delete(city):
    firm = FirmFactory()
    assert city.delete(f"/api/firms/{firm.credit_code}/").status_code == 405


def test_bad_credit_code_names_the_position(city):
    response = city.post("/api/firms/", new_firm(credit_code="91500112MAO000001X"), format="json")
    assert response.status_code == 400
    (message,) = response.json()["fields"]["credit_code"]
    assert "第 11 位" in message


def test_checksum_needs_an_override(city):
    good = make_code("91500112MA0000004")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    refused = city.post("/api/firms/", new_firm(credit_code=wrong), format="json")
    assert refused.status_code == 400
    assert "校验码" in refused.json()["fields"]["credit_code"][0]
    accepted = city.post(
        "/api/firms/",
        new_firm(credit_code=wrong, credit_code_override="  与营业执照核对一致  "),
        format="json",
    )
    assert accepted.status_code == 201, accepted.json()
    assert "credit_code_override" not in accepted.json()
    assert Firm.objects.get(credit_code=wrong).credit_code_override == "与营业执照核对一致"


def test_model_rules_map_to_fields(city):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = city.post("/api/firms/", new_firm(founded_on=tomorrow, niche_since=None), format="json")
    assert response.status_code == 400 and set(response.json()["fields"]) == {"founded_on"}
    duplicate = FirmFactory()
    response = city.post("/api/firms/", new_firm(credit_code=duplicate.credit_code), format="json")
    assert response.status_code == 400 and "credit_code" in response.json()["fields"]


def test_credit_code_is_immutable(city):
    firm = FirmFactory()
    other = make_code("91500112MA0000005")
    response = city.patch(f"/api/firms/{firm.credit_code}/", {"credit_code": other}, format="json")
    assert response.status_code == 200
    assert response.json()["credit_code"] == firm.credit_code
    put = city.put(f"/api/firms/{firm.credit_code}/", new_firm(credit_code=other), format="json")
    assert put.status_code == 200, put.json()
    assert Firm.objects.filter(credit_code=other).count() == 0
    firm.refresh_from_db()
    assert firm.name == "重庆接口新建科技有限公司"


def test_audit_trail_records_the_user(city, caseworker):
    code = city.post("/api/firms/", new_firm(), format="json").json()["credit_code"]
    city.patch(f"/api/firms/{code}/", {"name": "审计留痕公司"}, format="json")
    history = Firm.objects.get(credit_code=code).history.order_by("history_date")
    assert [(h.history_type, h.history_user) for h in history] == [("+", caseworker), ("~", caseworker)]


# --- Annual figures ------------------------------------------------------------------------------


def test_caseworker_adds_and_changes_figures(city, caseworker):
    firm = FirmFactory()
    url = f"/api/firms/{firm.credit_code}/figures/"
    response = city.post(url, figures(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["firm"] == firm.credit_code
    response = city.patch(f"{url}{LAST_YEAR}/", {"rd_expense": "500.00", "year": 2001}, format="json")
    assert response.status_code == 200, response.json()
    row = AnnualFigures.objects.get(firm=firm)
    assert (row.year, row.rd_expense) == (LAST_YEAR, Decimal("500.00"))
    assert row.history.latest().history_user == caseworker
    put = city.put(f"{url}{LAST_YEAR}/", figures(employees=200), format="json")
    assert put.status_code == 200 and put.json()["employees"] == 200
    listed = city.get(url).json()
    assert [r["year"] for r in listed["results"]] == [LAST_YEAR]


def test_firm_user_keeps_own_figures_current():
    firm, other = FirmFactory(), FirmFactory()
    FiguresFactory(firm=other)
    client = client_for(UserFactory(username="firm-user", firm=firm))
    assert client.post(f"/api/firms/{firm.credit_code}/figures/", figures(), format="json").status_code == 201
    assert (
        client.patch(
            f"/api/firms/{firm.credit_code}/figures/{LAST_YEAR}/", {"employees": 160}, format="json"
        ).json()["employees"]
        == 160
    )
    assert client.get(f"/api/firms/{other.credit_code}/figures/").status_code == 404
    assert client.get(f"/api/firms/{other.credit_code}/figures/2024/").status_code == 404
    response = client.post(f"/api/firms/{other.credit_code}/figures/", figures(), format="json")
    assert response.status_code == 404
    assert client.patch(f"/api/firms/{other.credit_code}/figures/2024/", {}, format="json").status_code == 404


def test_reviewer_cannot_write_figures():
    firm = FirmFactory()
    reviewer = client_for(UserFactory(username="reviewer", roles=["reviewer"]))
    assert reviewer.get(f"/api/firms/{firm.credit_code}/figures/").status_code == 200
    assert (
        reviewer.post(f"/api/firms/{firm.credit_code}/figures/", figures(), format="json").status_code == 403
    )


def test_frozen_year_is_refused_and_unchanged(city):
    row = FiguresFactory(year=2023)
    AnnualFigures.objects.filter(pk=row.pk).update(frozen=True, frozen_reason="评审已采用")
    url = f"/api/firms/{row.firm.credit_code}/figures/2023/"
    response = city.patch(url, {"operating_revenue": "9999.00"}, format="json")
    assert response.status_code == 400
    assert "已冻结" in response.json()["fields"]["non_field_errors"][0]
    row.refresh_from_db()
    assert row.operating_revenue == Decimal("8000.00")


def test_duplicate_year_and_bad_amounts(city):
    row = FiguresFactory(year=2023)
    url = f"/api/firms/{row.firm.credit_code}/figures/"
    duplicate = city.post(url, figures(year=2023), format="json")
    assert duplicate.status_code == 400
    assert AnnualFigures.objects.count() == 1
    negative = city.post(url, figures(rd_expense="-1.00", total_assets="-5.00"), format="json")
    assert negative.status_code == 400
    assert set(negative.json()["fields"]) == {"rd_expense", "total_assets"}
    rule = city.post(url, figures(rd_staff=999), format="json")
    assert rule.status_code == 400 and set(rule.json()["fields"]) == {"rd_staff"}
    future = city.post(url, figures(year=timezone.localdate().year + 1), format="json")
    assert future.status_code == 400 and set(future.json()["fields"]) == {"year"}


def test_flat_figures_list_filters_and_scopes(yubei):
    mine = FiguresFactory(year=2023)
    FiguresFactory(firm=mine.firm, year=2022)
    FiguresFactory(firm=FirmFactory(district=district(OTHER)), year=2023)
    rows = yubei.get("/api/figures/").json()["results"]
    assert {r["firm"] for r in rows} == {mine.firm.credit_code}
    rows = yubei.get("/api/figures/", {"firm": mine.firm.credit_code.lower(), "year": 2023}).json()["results"]
    assert [(r["firm"], r["year"]) for r in rows] == [(mine.firm.credit_code, 2023)]
    assert yubei.post("/api/figures/", figures(), format="json").status_code == 405


# --- FirmFilter ----------------------------------------------------------------------------------


@pytest.fixture
def three_firms():
    alpha = FirmFactory(name="甲精密机械有限公司", founded_on=datetime.date(2010, 1, 1))
    beta = FirmFactory(
        name="乙电子信息有限公司",
        district=district(OTHER),
        founded_on=datetime.date(2016, 6, 1),
    )
    beta.cluster_id = None
    beta.save()
    gamma = FirmFactory(name="丙新材料有限公司", founded_on=datetime.date(2020, 3, 1))
    FiguresFactory(firm=alpha, year=LAST_YEAR, operating_revenue=Decimal("50000"), main_business_revenue=0)
    FiguresFactory(firm=beta, year=LAST_YEAR, operating_revenue=Decimal("3000"), main_business_revenue=0)
    FiguresFactory(
        firm=gamma, year=LAST_YEAR - 1, operating_revenue=Decimal("90000"), main_business_revenue=0
    )
    Designation.objects.create(firm=alpha, tier="srdi_sme", granted_on=datetime.date(2023, 1, 1))
    Designation.objects.create(
        firm=gamma,
        tier="srdi_sme",
        granted_on=datetime.date(2020, 1, 1),
        expires_on=datetime.date(2022, 12, 31),
    )
    return alpha, beta, gamma


def names(client, **params) -> list[str]:
    response = client.get("/api/firms/", params)
    assert response.status_code == 200, response.json()
    return [row["name"] for row in response.json()["results"]]


def test_firm_filter(city, three_firms):
    alpha, beta, gamma = three_firms
    assert names(city, q="电子") == [beta.name]
    assert names(city, q=f" {alpha.credit_code.lower()} ") == [alpha.name]
    assert names(city, district=OTHER) == [beta.name]
    assert set(names(city, cluster="intelligent-equipment")) == {alpha.name, gamma.name}
    assert set(names(city, stage="startup")) == {alpha.name, beta.name, gamma.name} - set(
        names(city, stage="growth")
    )
    assert names(city, tier="srdi_sme") == [alpha.name]  # gamma's designation has expired
    assert names(city, founded_after="2015-01-01", founded_before="2019-12-31") == [beta.name]
    assert names(city, revenue_min="10000") == [alpha.name]  # gamma's big year is not the last one
    assert names(city, revenue_max="10000") == [beta.name]
    assert names(city, revenue_min="1000", revenue_max="60000", ordering="-name") == sorted(
        [alpha.name, beta.name], reverse=True
    )
    assert names(city, ordering="founded_on") == [alpha.name, beta.name, gamma.name]
    assert names(city, ordering="-credit_code") == sorted(
        names(city), key=lambda n: Firm.objects.get(name=n).credit_code, reverse=True
    )


def test_filter_respects_scope(yubei, three_firms):
    assert names(yubei, district=OTHER) == []


def test_invalid_filter_value_is_400(city):
    response = city.get("/api/firms/", {"tier": "nonsense"})
    assert response.status_code == 400 and "tier" in response.json()["fields"]


def list_queries(client, count: int) -> int:
    for _ in range(count):
        firm = FirmFactory()
        FiguresFactory(firm=firm, year=LAST_YEAR)
        Designation.objects.create(firm=firm, tier="srdi_sme", granted_on=datetime.date(2023, 1, 1))
    client.get("/api/firms/")  # warm the role cache kept on the (forced) user object
    with CaptureQueriesContext(connection) as firms:
        response = client.get("/api/firms/", {"tier": "srdi_sme", "revenue_min": 1})
        assert len(response.json()["results"]) == count
    with CaptureQueriesContext(connection) as rows:
        assert len(client.get("/api/figures/").json()["results"]) == count
    return len(firms), len(rows)


def test_list_query_counts_do_not_grow(city):
    few = list_queries(city, 3)
    Firm.objects.all().delete()
    many = list_queries(city, 25)
    assert few == many


# --- Tokens --------------------------------------------------------------------------------------


def test_token_obtain_use_revoke(caseworker):
    anonymous = APIClient()
    refused = anonymous.post(
        "/api/token/", {"username": caseworker.username, "password": "wrong"}, format="json"
    )
    assert refused.status_code == 400 and set(refused.json()) == {"detail", "fields"}
    response = anonymous.post(
        "/api/token/", {"username": caseworker.username, "password": "pw-for-tests-123"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/firms/").status_code == 200
    assert client.delete("/api/token/").status_code == 204
    assert not Token.objects.filter(key=token).exists()
    # A revoked token is refused with a challenge (token authentication comes first).
    revoked = client.get("/api/firms/")
    assert revoked.status_code == 401 and revoked["WWW-Authenticate"] == "Token"
    assert anonymous.delete("/api/token/").status_code == 401


def test_a_year_entered_by_mistake_is_deleted_through_the_register_service(yubei, yubei_caseworker):
    firm = FirmFactory(district=district(YUBEI))
    FiguresFactory(firm=firm, year=LAST_YEAR)
    answer = yubei.delete(f"/api/firms/{firm.credit_code}/figures/{LAST_YEAR}/")
    assert answer.status_code == 204
    assert not AnnualFigures.objects.filter(firm=firm, year=LAST_YEAR).exists()
    deleted = AnnualFigures.history.filter(firm_id=firm.pk, year=LAST_YEAR, history_type="-").get()
    assert deleted.history_user == yubei_caseworker and deleted.history_change_reason == "通过接口删除"


def test_a_frozen_year_is_not_deleted_and_another_districts_year_is_not_found(yubei):
    frozen = FiguresFactory(firm=FirmFactory(district=district(YUBEI)), year=LAST_YEAR)
    AnnualFigures.objects.filter(pk=frozen.pk).update(frozen=True, frozen_reason="申请审核")
    answer = yubei.delete(f"/api/firms/{frozen.firm.credit_code}/figures/{LAST_YEAR}/")
    assert answer.status_code == 400 and "冻结" in answer.json()["detail"] + str(answer.json()["fields"])
    assert AnnualFigures.objects.filter(pk=frozen.pk).exists()
    elsewhere = FiguresFactory(firm=FirmFactory(district=district(OTHER)), year=LAST_YEAR)
    assert yubei.delete(f"/api/firms/{elsewhere.firm.credit_code}/figures/{LAST_YEAR}/").status_code == 404
    assert AnnualFigures.objects.filter(pk=elsewhere.pk).exists()
