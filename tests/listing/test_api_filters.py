"""``/api/maturity/`` and ``/api/listing/`` filter as documented, inside the caller's scope, and the pool
list shows each member's listing stage next to its doubling path."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from cultivation.models import PoolMembership
from cultivation.services import advance_listing, record_maturity
from tests.factories import YUBEI, YUZHONG, caseworker, firm_user, make_firm, today

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def register():
    """Three firms in 渝北 and one in 渝中, with assessments and tracks."""
    city = caseworker()
    a, b, c = (make_firm(YUBEI, name=name) for name in ("甲", "乙", "丙"))
    d = make_firm(YUZHONG, name="丁")
    for firm, level, on in (
        (a, 1, D(2024, 3, 1)),
        (a, 3, D(2025, 3, 1)),
        (b, 2, D(2025, 6, 1)),
        (d, 4, D(2025, 1, 5)),
    ):
        record_maturity(firm=firm, level=level, assessed_on=on, evidence="评测", actor=city)
    ago = today() - datetime.timedelta(days=100)
    advance_listing(firm=a, stage="tutoring", on=ago, actor=city, board="star")
    advance_listing(firm=c, stage="listed", on=ago, actor=city, board="bse", stock_code="920001")
    advance_listing(firm=d, stage="cultivating", on=ago, actor=city, board="regional")
    PoolMembership.objects.create(firm=a, cohort_year=2025, baseline_year=2024, baseline_revenue=3000)
    return {"city": city, "a": a, "b": b, "c": c, "d": d}


def names(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return sorted(row["firm_name"] for row in response.json()["results"])


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_maturity_filters(register):
    client = api(register["city"])
    assert names(client, "/api/maturity/") == ["丁", "乙", "甲", "甲"]
    assert names(client, "/api/maturity/?latest=true") == ["丁", "乙", "甲"]
    assert names(client, "/api/maturity/?latest=true&transformed=true") == ["丁", "乙", "甲"]
    assert names(client, "/api/maturity/?transformed=false") == ["甲"]  # its 2024 一级
    assert names(client, "/api/maturity/?level=3") == ["甲"]
    assert names(client, "/api/maturity/?level_min=3") == ["丁", "甲"]
    assert names(client, "/api/maturity/?district=500103") == ["丁"]
    assert names(client, "/api/maturity/?year=2024") == ["甲"]
    assert names(client, f"/api/maturity/?firm={register['b'].credit_code.lower()}") == ["乙"]
    row = client.get("/api/maturity/?level=3").json()["results"][0]
    assert (row["level_label"], row["transformed"], row["next_level"]) == ("三级", True, 4)


def test_the_transformed_filter_follows_the_setting(register, settings):
    settings.DIGITAL_TRANSFORMED_MIN_LEVEL = 3
    assert names(api(register["city"]), "/api/maturity/?latest=true&transformed=true") == ["丁", "甲"]


def test_listing_filters(register):
    client = api(register["city"])
    assert names(client, "/api/listing/") == ["丁", "丙", "甲"]
    assert names(client, "/api/listing/?stage=tutoring") == ["甲"]
    assert names(client, "/api/listing/?board=bse") == ["丙"]
    assert names(client, "/api/listing/?listed=true") == ["丙"]
    assert names(client, "/api/listing/?listed=false") == ["丁", "甲"]
    assert names(client, "/api/listing/?pool_member=true") == ["甲"]
    assert names(client, "/api/listing/?district=500112") == ["丙", "甲"]
    row = client.get("/api/listing/?pool_member=true").json()["results"][0]
    assert (row["stage_label"], row["next_stage"], row["pool_status"]) == ("辅导备案", "accepted", "unrated")


@pytest.mark.parametrize("query", ["level=9", "transformed=perhaps", "latest=2", "board=nasdaq", "stage=ipo"])
def test_a_bad_filter_is_a_400(register, query):
    path = "/api/listing/" if query.startswith(("board", "stage")) else "/api/maturity/"
    response = api(register["city"]).get(f"{path}?{query}")
    assert response.status_code == 400 and set(response.json()) == {"detail", "fields"}


def test_lists_are_scoped(register):
    district = api(caseworker(YUZHONG))
    assert names(district, "/api/maturity/") == ["丁"] and names(district, "/api/listing/") == ["丁"]
    own = api(firm_user(register["a"]))
    assert names(own, "/api/maturity/") == ["甲", "甲"] and names(own, "/api/listing/") == ["甲"]


def test_pool_members_show_their_listing_stage(register):
    [member] = api(register["city"]).get("/api/pool/").json()["results"]
    assert (member["listing_stage"], member["listing_stage_label"], member["listing_board"]) == (
        "tutoring",
        "辅导备案",
        "star",
    )
    assert member["status"] == "unrated"  # the doubling path, beside it
