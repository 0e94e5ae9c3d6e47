"""What bench/bench_web.py relies on in the caseworkers' admin lists (issue #9): a fixed number of queries
whatever the number of rows, with a filter or a search applied; searches and year choices that behave as
before while going through indexes; the trigram index on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Firm
from tests.conftest import using_postgres
from tests.factories import FiguresFactory, FirmFactory, district

pytestmark = pytest.mark.django_db

YUBEI = "500112"


@pytest.fixture
def logged_in(client, caseworker):
    client.force_login(caseworker)
    return client


def add(count: int) -> None:
    for index in range(count):
        firm = FirmFactory(name=f"重庆速度测试{index}有限公司", district=district(YUBEI))
        FiguresFactory(firm=firm, year=2024)
        FiguresFactory(firm=firm, year=2025)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/registry/firm/?district__id__exact={yubei}",
        "/admin/registry/firm/?tier=srdi_sme",
        "/admin/registry/firm/?q=速度测试",
        "/admin/registry/annualfigures/?year=2025",
        "/admin/registry/annualfigures/?q=速度测试",
    ],
)
def test_filtered_and_searched_lists_run_a_fixed_number_of_queries(logged_in, url):
    url = url.format(yubei=district(YUBEI).pk)
    add(2)
    few = count_queries(logged_in, url)
    add(25)  # a page and a half of rows at 50 a page for the figures, more than a page of firms' rows
    many = count_queries(logged_in, url)
    assert few == many


def test_search_matches_part_of_a_name_or_the_whole_credit_code_however_typed(logged_in):
    target = FirmFactory(name="重庆巴山仪器有限公司")
    FirmFactory(name="重庆南山汽车有限公司")
    typed = " ".join([target.credit_code[:6].lower(), target.credit_code[6:]])
    for term, expected in [
        ("巴山", {target.name}),
        ("山", {target.name, "重庆南山汽车有限公司"}),
        (typed, {target.name}),
    ]:
        listed = logged_in.get("/admin/registry/firm/", {"q": term}).context["cl"].result_list
        assert {firm.name for firm in listed} == expected, term
    figures = FiguresFactory(firm=target, year=2025)
    listed = logged_in.get("/admin/registry/annualfigures/", {"q": typed}).context["cl"].result_list
    assert list(listed) == [figures]


def test_the_figures_list_offers_every_year_on_record_and_filters_by_one(logged_in):
    firm = FirmFactory()
    for year in (2021, 2023, 2025):
        FiguresFactory(firm=firm, year=year)
    response = logged_in.get("/admin/registry/annualfigures/", {"year": "2023"})
    year_filter = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "year")
    assert [value for value, _label in year_filter.lookup_choices] == ["2025", "2024", "2023", "2022", "2021"]
    assert [row.year for row in response.context["cl"].result_list] == [2023]


@pytest.mark.postgres
def test_a_name_search_can_use_the_trigram_index_on_postgresql():
    assert using_postgres()
    query = Firm.objects.filter(name__icontains="巴山仪器").values("pk")
    with connection.cursor() as cursor:
        # A tiny test table would be read whole otherwise; GIN indexes are read by bitmap scans only.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "firm_name_trgm" in plan, plan
