"""The caseworkers' firm list: search, filters, Chinese by default, and a flat query count."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cultivation.models import Designation
from tests.factories import FiguresFactory, FirmFactory, district

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, caseworker):
    client.force_login(caseworker)
    return client


def listed(response) -> set[str]:
    return {firm.name for firm in response.context["cl"].result_list}


def test_search_by_name_and_by_credit_code(logged_in):
    target = FirmFactory(name="重庆搜索目标有限公司")
    FirmFactory(name="另一家公司")
    assert listed(logged_in.get("/admin/registry/firm/", {"q": "搜索目标"})) == {target.name}
    assert listed(logged_in.get("/admin/registry/firm/", {"q": target.credit_code})) == {target.name}


def test_filters_by_district_cluster_stage_tier_and_year(logged_in):
    held = FirmFactory(name="有称号", district=district("500105"))
    Designation.objects.create(
        firm=held, tier="srdi_sme", granted_on=datetime.date.today() - datetime.timedelta(days=30)
    )
    expired = FirmFactory(name="称号过期")
    Designation.objects.create(
        firm=expired,
        tier="srdi_sme",
        granted_on=datetime.date(2019, 1, 1),
        expires_on=datetime.date(2021, 12, 31),
    )
    reported = FirmFactory(name="已报数据")
    FiguresFactory(firm=reported, year=datetime.date.today().year - 1)
    url = "/admin/registry/firm/"
    assert listed(logged_in.get(url, {"district__id__exact": district("500105").pk})) == {"有称号"}
    assert listed(logged_in.get(url, {"tier": "srdi_sme"})) == {"有称号"}
    assert listed(logged_in.get(url, {"tier": "none"})) == {"称号过期", "已报数据"}
    last_year = str(datetime.date.today().year - 1)
    assert listed(logged_in.get(url, {"figures_year": last_year})) == {"已报数据"}
    assert listed(logged_in.get(url, {"figures_year": "missing"})) == {"有称号", "称号过期"}
    assert listed(logged_in.get(url, {"stage": "startup"})) == {"有称号", "称号过期", "已报数据"}
    assert listed(logged_in.get(url, {"cluster__level": "500bn"})) == {"有称号", "称号过期", "已报数据"}


def test_admin_speaks_chinese_by_default_and_english_on_request(logged_in):
    FirmFactory()
    assert "企业" in logged_in.get("/admin/registry/firm/").text
    english = logged_in.get("/admin/registry/firm/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Select" in english.text


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/admin/registry/firm/", "/admin/registry/annualfigures/", "/admin/cultivation/designation/"]
)
def test_changelist_queries_do_not_grow_with_rows(logged_in, url):
    def add(n):
        for _ in range(n):
            firm = FirmFactory()
            FiguresFactory(firm=firm)
            Designation.objects.create(firm=firm, tier="innovative_sme", granted_on=datetime.date(2025, 1, 1))

    add(2)
    few = count_queries(logged_in, url)
    add(20)
    many = count_queries(logged_in, url)
    assert few == many
