"""The dashboard's cache (issue #9): served from the cache while nothing changes, never stale after a change.

The figures themselves are checked in ``test_dashboard``; here the question is only whether a second request
recomputes them, and whether every kind of change to the register shows on the very next request.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cultivation.dashboard_cache import CACHE_ALIAS, VERSION_KEY, invalidate_dashboard
from cultivation.models import Designation, PoolMembership
from registry.models import Firm
from tests.dashboard.test_dashboard import YUBEI, YUZHONG, make_register
from tests.factories import FirmFactory, UserFactory, district

pytestmark = pytest.mark.django_db

SELECTOR_TABLES = (
    "GROUP BY",
    '"cultivation_designation"',
    '"cultivation_poolmembership"',
    '"cultivation_applicationevent"',
    '"cultivation_target"',
    '"registry_annualfigures"',
)
URLS = ["/api/dashboard/", "/dashboard/", "/dashboard/export.xlsx"]


@pytest.fixture
def city(client):
    client.force_login(UserFactory(username="city-cw", roles=["caseworker"], is_staff=True))
    return client


def figures(client, **params) -> dict:
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response.json()


def firms(data: dict) -> int:
    return sum(stage["firms"] for stage in data["stages"])


def active(data: dict, tier: str) -> int:
    return next(row["active"] for row in data["tiers"] if row["code"] == tier)


def selector_queries(client, url: str) -> list[str]:
    """The aggregate queries a request ran (the dashboard's own; auth and session queries are not)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if any(table in q["sql"] for table in SELECTOR_TABLES)]


@pytest.mark.parametrize("url", URLS)
def test_a_repeated_request_is_served_from_the_cache_with_a_fixed_number_of_queries(city, url):
    make_register()
    assert len(selector_queries(city, url)) >= 4  # computed: firms, designations, pool, applications …
    assert selector_queries(city, url) == []
    FirmFactory(district=district(YUBEI))
    assert len(selector_queries(city, url)) >= 4  # a new firm: computed again


def test_every_kind_of_change_shows_on_the_next_request(city):
    register = make_register()
    before = figures(city)
    yuzhong_before = firms(figures(city, district=YUZHONG))
    firm = FirmFactory(district=district(YUBEI))
    assert firms(figures(city)) == firms(before) + 1

    Designation.objects.create(firm=firm, tier="srdi_sme", granted_on=datetime.date.today())
    assert active(figures(city), "srdi_sme") == active(before, "srdi_sme") + 1

    year = datetime.date.today().year
    PoolMembership.objects.create(
        firm=firm, cohort_year=year, baseline_year=year - 1, baseline_revenue=100, status="unrated"
    )
    assert figures(city)["pool"]["members"] == before["pool"]["members"] + 1

    firm.delete()
    after = figures(city)
    assert (firms(after), active(after, "srdi_sme")) == (firms(before), active(before, "srdi_sme"))

    moved = register["f6"]
    moved.district = district(YUBEI)
    moved.save()
    assert firms(figures(city, district=YUZHONG)) == yuzhong_before - 1


def test_a_bulk_update_shows_once_the_writer_invalidates(city):
    """Scans change stages with ``QuerySet.update`` (no signals); they call ``invalidate_dashboard``."""
    register = make_register()
    before = {row["code"]: row["firms"] for row in figures(city)["stages"]}
    Firm.objects.filter(pk=register["f7"].pk).update(stage="leap")
    assert {row["code"]: row["firms"] for row in figures(city)["stages"]} == before  # cached, by design
    invalidate_dashboard()
    after = {row["code"]: row["firms"] for row in figures(city)["stages"]}
    assert after["leap"] == before["leap"] + 1 and after["startup"] == before["startup"] - 1


def test_scopes_and_languages_are_cached_apart(client, city):
    make_register()
    whole_city = figures(city)
    yubei_cw = UserFactory(username="yubei-cw", roles=["caseworker"], district=district(YUBEI), is_staff=True)
    client.force_login(yubei_cw)
    mine = figures(client)
    assert {row["code"] for row in mine["districts"]} == {YUBEI}
    assert firms(mine) < firms(whole_city)
    with translation.override("zh-hans"):  # the middleware switches this thread to English: switch back after
        english = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["stages"][0]["label"] != mine["stages"][0]["label"]
    assert [row["firms"] for row in english["stages"]] == [row["firms"] for row in mine["stages"]]


@pytest.mark.redis
def test_the_version_is_shared_through_redis_with_other_processes(city):
    """Another gunicorn worker or a Celery process bumps the version in Redis; this process sees it."""
    register = make_register()
    assert caches[CACHE_ALIAS].__class__.__name__ == "RedisCache"
    before = firms(figures(city, district=YUBEI))
    Firm.objects.filter(pk=register["f6"].pk).update(district=district(YUBEI))  # no signal here
    other_process = caches.create_connection(CACHE_ALIAS)  # its own client and connection pool
    other_process.incr(VERSION_KEY)
    assert firms(figures(city, district=YUBEI)) == before + 1
