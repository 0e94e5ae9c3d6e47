"""GET /api/alerts/ (a user's inbox), POST /api/alerts/{id}/read/, GET /api/pool/."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cultivation.models import PoolMembership
from cultivation.models.alerts import AlertKind
from cultivation.scanning import Chunk, ScanKind, firm_id_ranges
from cultivation.scans import SCANS
from cultivation.services.alerts import AlertDraft, raise_alerts
from tests.factories import FiguresFactory, FirmFactory, UserFactory, district

pytestmark = pytest.mark.django_db
D = Decimal


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def reviewer():
    return UserFactory(username="rev", roles=["reviewer"], is_staff=True)


def alert_for(firm, kind=AlertKind.PROMOTION_DUE, tier="innovative_sme", period="2026"):
    return raise_alerts([AlertDraft(kind, period, firm.pk, firm.district_id, tier, {"eligible": True})])[0]


def test_alerts_list_names_kind_tier_and_firm_by_credit_code(reviewer):
    firm = FirmFactory()
    alert_id = alert_for(firm)
    [row] = client_for(reviewer).get("/api/alerts/").json()["results"]
    assert row["id"] == alert_id
    assert (row["kind"], row["tier"], row["firm"], row["read"]) == (
        "promotion_due",
        "innovative_sme",
        firm.credit_code,
        False,
    )
    assert row["message"]


def test_filters_by_kind_tier_firm_and_unread(reviewer):
    first, second = FirmFactory(), FirmFactory()
    alert_for(first)
    alert_for(second, kind=AlertKind.DESIGNATION_EXPIRING, tier="srdi_sme", period="2026-12-31:30")
    api = client_for(reviewer)

    def ids(**query):
        return [r["firm"] for r in api.get("/api/alerts/", query).json()["results"]]

    assert ids(kind="designation_expiring") == [second.credit_code]
    assert ids(tier="innovative_sme") == [first.credit_code]
    assert ids(firm=first.credit_code.lower()) == [first.credit_code]
    assert len(ids(unread="true")) == 2


def test_mark_read_is_per_user(reviewer):
    other = UserFactory(username="rev2", roles=["reviewer"], is_staff=True)
    alert_id = alert_for(FirmFactory())
    response = client_for(reviewer).post(f"/api/alerts/{alert_id}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    assert client_for(reviewer).get("/api/alerts/", {"unread": "true"}).json()["count"] == 0
    assert client_for(other).get("/api/alerts/", {"unread": "true"}).json()["count"] == 1


def test_someone_elses_alert_is_not_found(reviewer):
    alert_id = alert_for(FirmFactory(district=district("500112")))
    outsider = UserFactory(roles=["caseworker"], district=district("500105"), is_staff=True)
    assert client_for(outsider).post(f"/api/alerts/{alert_id}/read/").status_code == 404
    assert client_for(outsider).get("/api/alerts/").json()["count"] == 0


def test_anonymous_is_refused():
    assert APIClient().get("/api/alerts/").status_code in (401, 403)


def test_alert_list_queries_are_flat(reviewer):
    api = client_for(reviewer)
    for index in range(2):
        alert_for(FirmFactory(), period=f"p{index}")
    api.get("/api/alerts/")  # warm-up: the user's roles are read once and cached on the user
    with CaptureQueriesContext(connection) as few:
        api.get("/api/alerts/")
    for index in range(2, 22):
        alert_for(FirmFactory(), period=f"p{index}")
    with CaptureQueriesContext(connection) as many:
        api.get("/api/alerts/")
    assert len(few) == len(many)


def member(baseline: str, revenues: dict[int, str], cohort: int = 2024) -> PoolMembership:
    firm = FirmFactory()
    for year, revenue in revenues.items():
        FiguresFactory(firm=firm, year=year, operating_revenue=D(revenue), main_business_revenue=D(revenue))
    return PoolMembership.objects.create(
        firm=firm, cohort_year=cohort, baseline_year=cohort - 1, baseline_revenue=D(baseline)
    )


def test_pool_lists_baseline_target_and_the_stored_check(caseworker):
    """The list shows the pool scan's rating and its day, whatever day it is read on."""
    doubled = member("1000.00", {2023: "1000.00", 2024: "1400.00", 2025: "2000.00"}, cohort=2023)
    unjudged = {r["firm"]: r for r in client_for(caseworker).get("/api/pool/").json()["results"]}
    assert (
        unjudged[doubled.firm.credit_code]["status"],
        unjudged[doubled.firm.credit_code]["judged_on"],
    ) == (
        "unrated",
        None,
    )
    for low, high in firm_id_ranges(50):
        SCANS[ScanKind.POOL_RATING].judge(Chunk.between(datetime.date(2026, 5, 1), low, high))
    rows = {r["firm"]: r for r in client_for(caseworker).get("/api/pool/").json()["results"]}
    row = rows[doubled.firm.credit_code]
    assert (row["baseline_year"], row["check_year"], row["target_revenue"]) == (2022, 2025, "2000.00")
    assert row["cohort_year"] == 2023 and row["baseline_revenue"] == "1000.00"
    assert (row["latest_year"], row["latest_revenue"], row["check_revenue"]) == (2025, "2000.00", "2000.00")
    assert (row["status"], row["rating_reason"], row["judged_on"]) == ("doubled", "doubled", "2026-05-01")


def test_pool_is_scoped_and_flat_in_queries():
    yubei = UserFactory(roles=["caseworker"], district=district("500112"), is_staff=True)
    member("1000", {2024: "1500"})
    outside = member("1000", {2024: "1500"})
    outside.firm.district = district("500105")
    outside.firm.save()
    api = client_for(yubei)
    api.get("/api/pool/")  # warm-up: the user's roles are read once and cached on the user
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/pool/").json()["count"] == 1
    for _ in range(15):
        member("1000", {2024: "1500", 2025: "1800"})
    with CaptureQueriesContext(connection) as many:
        assert api.get("/api/pool/").json()["count"] == 16
    assert len(few) == len(many)
