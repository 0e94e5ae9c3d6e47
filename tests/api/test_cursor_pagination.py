"""Cursor pages for the big lists (firms, figures, alerts; issue 19): walking ``next`` returns every row
the caller may see exactly once, in the fixed order, while rows are added between pages; page numbers
still work and are the default; a cursor cannot be combined with ``?ordering=``.
"""

from __future__ import annotations

import base64

import pytest
from rest_framework.test import APIClient

from api.examples import FIRM_REQUEST
from cultivation.models import Alert, AlertDelivery
from cultivation.models.alerts import AlertKind
from registry.models import AnnualFigures, Firm
from tests.factories import FiguresFactory, FirmFactory, caseworker, district

pytestmark = pytest.mark.django_db
YUBEI, YUZHONG = "500112", "500103"


def walk(client: APIClient, url: str) -> list[dict]:
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        rows.extend(response.json()["results"])
        url = response.json()["next"]
    return rows


@pytest.fixture
def staff():
    for n in range(13):
        FirmFactory(name=f"渝北{n}", district=district(YUBEI))
    for n in range(4):
        FirmFactory(name=f"渝中{n}", district=district(YUZHONG))
    for firm in Firm.objects.all():
        AnnualFigures.objects.bulk_create(FiguresFactory.build(firm=firm, year=y) for y in (2020, 2021))
    user = caseworker(YUBEI, "cursor-yubei")
    client = APIClient()
    client.force_authenticate(user)
    return user, client


def test_walking_the_firm_list_by_cursor_returns_each_visible_firm_once(staff):
    user, client = staff
    rows = walk(client, "/api/firms/?pagination=cursor&page_size=4")
    codes = [row["credit_code"] for row in rows]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert set(codes) == set(Firm.objects.visible_to(user).values_list("credit_code", flat=True))
    assert len(codes) == 13


def test_rows_added_between_pages_neither_repeat_nor_shift_the_rest(staff):
    user, client = staff
    first = client.get("/api/figures/", {"pagination": "cursor", "page_size": 5}).json()
    before = set(AnnualFigures.objects.visible_to(user).values_list("pk", flat=True))
    newcomer = FirmFactory(name="中途新增", district=district(YUBEI))
    FiguresFactory(firm=newcomer, year=2022)
    rest = walk(client, first["next"])
    keys = [(row["firm"], row["year"]) for row in first["results"] + rest]
    assert len(set(keys)) == len(keys) == len(before) + 1
    assert (newcomer.credit_code, 2022) in keys


def test_alerts_page_by_cursor_newest_first(staff):
    user, client = staff
    alerts = Alert.objects.bulk_create(
        Alert(kind=AlertKind.PROMOTION_DUE, firm=firm, tier="srdi_sme", period="2026")
        for firm in Firm.objects.visible_to(user)
    )
    AlertDelivery.objects.bulk_create(
        AlertDelivery.for_alert(alert, user=user, channel="inbox", status="sent") for alert in alerts
    )
    rows = walk(client, "/api/alerts/?pagination=cursor&page_size=3")
    assert len(rows) == len(alerts) == len({row["id"] for row in rows})


def test_page_numbers_stay_the_default(staff):
    _user, client = staff
    body = client.get("/api/firms/", {"page": 2, "page_size": 5}).json()
    assert body["count"] == 13 and len(body["results"]) == 5 and "page=3" in body["next"]


def test_a_cursor_refuses_an_ordering_and_a_bad_mode_or_cursor(staff):
    _user, client = staff
    refused = client.get("/api/firms/", {"pagination": "cursor", "ordering": "name"})
    assert refused.status_code == 400 and "ordering" in refused.json()["fields"]
    assert client.get("/api/alerts/", {"pagination": "pages"}).status_code == 400
    assert client.get("/api/figures/", {"cursor": "not-a-cursor"}).status_code == 404
    forged = base64.b64encode(b"p=abc").decode()  # a well-formed cursor with a position no id can have
    assert client.get("/api/figures/", {"cursor": forged}).status_code == 404
    assert client.get("/api/firms/", {"ordering": "name"}).status_code == 200  # page numbers: as before


def test_page_numbers_count_once_per_data_version_and_recount_after_a_change(staff):
    """A million-firm list's first page must not count the register on every request: the count is kept
    per query and data version, and a firm registered through the API shows in it at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _user, client = staff

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/firms/", {"page_size": 5}).json()
        return body["count"], sum("COUNT(" in q["sql"] for q in queries.captured_queries)

    assert counts() == (13, 1)
    assert counts() == (13, 0)  # the second reader does not count again
    other = APIClient()
    other.force_authenticate(caseworker(YUZHONG, "cursor-yuzhong"))
    assert other.get("/api/firms/", {"page_size": 5}).json()["count"] == 4  # per scope
    response = client.post("/api/firms/", FIRM_REQUEST, format="json")
    assert response.status_code == 201, response.content[:300]
    assert counts() == (14, 1)
