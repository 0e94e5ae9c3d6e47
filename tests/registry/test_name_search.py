"""Two-character name searches (issue 21): the admin's firm list, the figures list and the API's ``q``
find exactly the firms whose name contains the term, on PostgreSQL through the bigram index, on SQLite
as before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from registry.models import Firm
from registry.name_search import BIGRAM_FUNCTION, BIGRAM_INDEX, search_firms, uses_bigram_index
from tests.conftest import using_postgres
from tests.factories import FiguresFactory, FirmFactory, district

pytestmark = pytest.mark.django_db

YUBEI, YUZHONG = "500112", "500103"
NAMES = [
    "重庆巴山仪器有限公司",
    "巴山",
    "重庆南山汽车有限公司",
    "重庆山巴科技有限公司",
    "重庆巴",
    "Chongqing Abc Tech",
    "ABCD",
    "重庆ab电子",
    "a",
]
TERMS = ["巴山", "山巴", "ab", "Bc", " 巴山 ", "巴", "南山汽车", "zz"]


@pytest.fixture
def firms():
    return [FirmFactory(name=name, district=district(YUBEI)) for name in NAMES]


@pytest.fixture
def logged_in(client, caseworker):
    client.force_login(caseworker)
    return client


def containing(term: str, names=NAMES) -> set[str]:
    return {name for name in names if term.strip().upper() in name.upper()}


def admin_search(client, **params) -> list[str]:
    response = client.get("/admin/registry/firm/", params)
    assert response.status_code == 200
    return [firm.name for firm in response.context["cl"].result_list]


@pytest.mark.parametrize("term", TERMS)
def test_the_admin_finds_exactly_the_names_containing_the_term(logged_in, firms, term):
    with CaptureQueriesContext(connection) as queries:
        found = admin_search(logged_in, q=term)
    assert set(found) == containing(term)
    assert found == sorted(found)  # by name, whichever way the database reads the matches
    through_bigrams = using_postgres() and len(term.strip()) == 2
    assert any(BIGRAM_FUNCTION in query["sql"] for query in queries) == through_bigrams
    # Few matches (every term here): sorted from the matches, not by walking the name index (names are
    # never null: the same order).
    sorted_matches = using_postgres() and len(term.strip()) >= 2
    assert any("NULLS FIRST" in query["sql"] for query in queries) == sorted_matches


def test_a_term_the_planner_expects_in_many_firms_walks_the_name_index(logged_in, firms, monkeypatch):
    """Sorting every match of a common term (有限公司 is in every name) would cost more than walking the name
    index until a page of them turns up; the order the caseworker sees is the same either way."""
    monkeypatch.setattr("registry.name_search.SORT_AT_MOST", 0)
    with CaptureQueriesContext(connection) as queries:
        found = admin_search(logged_in, q="有限公司")
    assert set(found) == containing("有限公司") and found == sorted(found)
    assert not any("NULLS FIRST" in query["sql"] for query in queries)


def test_a_two_character_search_combines_with_filters(logged_in, firms):
    other = FirmFactory(name="渝中巴山电子有限公司", district=district(YUZHONG))
    yubei = district(YUBEI).pk
    assert set(admin_search(logged_in, q="巴山")) == containing("巴山") | {other.name}
    assert set(admin_search(logged_in, q="巴山", district__id__exact=yubei)) == containing("巴山")
    assert set(admin_search(logged_in, q="巴山", district__id__exact=district(YUZHONG).pk)) == {other.name}


def test_a_credit_code_is_still_found_and_the_figures_list_searches_the_same_way(logged_in, firms):
    target = firms[0]
    assert admin_search(logged_in, q=target.credit_code) == [target.name]
    figures = [FiguresFactory(firm=firm, year=2025) for firm in firms]
    response = logged_in.get("/admin/registry/annualfigures/", {"q": "ab"})
    assert {row.firm.name for row in response.context["cl"].result_list} == containing("ab")
    assert len(figures) == len(NAMES)


@pytest.mark.parametrize("term", ["巴山", "ab", "巴"])
def test_the_api_q_filter_finds_the_same_firms(caseworker, firms, term):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=caseworker).key}")
    response = client.get("/api/firms/", {"q": term, "page_size": 50})
    assert response.status_code == 200, response.json()
    assert {row["name"] for row in response.json()["results"]} == containing(term)


def test_the_bigram_condition_is_used_on_postgresql_only(firms):
    assert uses_bigram_index("default", "巴山") == using_postgres()
    assert not uses_bigram_index("default", "巴")
    assert not uses_bigram_index("default", "巴山仪")
    assert not uses_bigram_index("default", "ßa")  # upper-cases to three characters: never a bigram
    sql = str(search_firms(Firm.objects.all(), "巴山").query)
    assert (BIGRAM_FUNCTION in sql) == using_postgres()


@pytest.mark.postgres
def test_a_two_character_search_can_use_the_bigram_index_on_postgresql(firms):
    assert using_postgres()
    query = search_firms(Firm.objects.all(), "巴山").values("pk")
    with connection.cursor() as cursor:
        # A tiny test table would be read whole otherwise; GIN indexes are read by bitmap scans only.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert BIGRAM_INDEX in plan, plan


@pytest.mark.postgres
def test_a_term_in_most_names_is_searched_without_the_bigram_index(logged_in, firms):
    """Computing every row's bigrams would cost more than the LIKE: such terms are left to the old plan."""
    assert using_postgres()
    common = [FirmFactory(name=f"重庆企业{index}").name for index in range(30)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_firm")
    assert not uses_bigram_index("default", "重庆")
    assert uses_bigram_index("default", "巴山")
    assert set(admin_search(logged_in, q="重庆")) == containing("重庆", NAMES + common)
