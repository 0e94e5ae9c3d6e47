"""Bad input to every API endpoint that takes input: each answer is a 400 in the API's error shape that
names the field, never a 500, and nothing in the database changes.

Each table is run in one test (one set of fixtures) and every failing row is listed together, so the
corpus stays fast: a few hundred requests in a few seconds.
"""

from __future__ import annotations

import copy
import datetime
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.examples import WHAT_IF_EXAMPLE
from cultivation.services import application_transition, create_application
from registry.credit_code import make_code
from registry.figures import COUNT_FIELDS
from tests.factories import UserFactory, add_figures, eligible_firm, make_firm

from .corpus import (
    BAD_AMOUNTS,
    BAD_CODES,
    BAD_COUNTS,
    BAD_DATES,
    BAD_TEXT,
    BAD_YEARS,
    GOOD_CODE,
    HUGE,
    THIS_YEAR,
    TOMORROW,
    WRONG_TYPES,
    case_id,
    field_errors,
    row_counts,
    snapshot,
)

pytestmark = pytest.mark.django_db

LAST_YEAR = THIS_YEAR - 1
THIS_DAY = timezone.localdate() - datetime.timedelta(days=3)
AMOUNTS = ("operating_revenue", "main_business_revenue", "rd_expense", "total_assets", "total_liabilities")
COUNTS = COUNT_FIELDS
BROKEN_BODIES = [
    "{not json",
    '{"a": 1,}',
    "",
    "[]",
    "null",
    "1",
    '"text"',
    "[" * 5_000 + "]" * 5_000,  # nesting deeper than the parser's recursion limit
    '{"a": NaN}',
    '{"a": Infinity}',
]
BROKEN_BYTES = [b"\xff\xfe{\x00}\x00", '{"name": "企业"}'.encode("gbk"), b"\x00\x01\x02"]


@pytest.fixture
def caseworker_api(caseworker) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


@pytest.fixture
def firm(db):
    """A 渝北 firm under the corpus's well-formed credit code, with last year's figures."""
    firm = make_firm(credit_code=GOOD_CODE)
    add_figures(firm, LAST_YEAR)
    return firm


def new_firm(**changes) -> dict:
    body = {
        "credit_code": make_code("91500112MA0000001"),
        "name": "重庆接口新建科技有限公司",
        "district": "500112",
        "cluster": "intelligent-equipment",
        "founded_on": "2018-05-01",
        "niche_since": 2019,
        "sector": "industry",
    }
    return {**body, **changes}


def figures(**changes) -> dict:
    body = {
        "year": LAST_YEAR - 1,
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


def run_table(send, cases) -> list[str]:
    """Send every case; return a line per case that was not a clean 400 naming its field."""
    problems = []
    start = snapshot()
    for field, body in cases:
        before = row_counts()
        response = send(body)
        label = f"{field}={case_id(body.get(field) if isinstance(body, dict) else body)}"
        if response.status_code != 400:
            problems.append(f"{label}: {response.status_code} {response.content[:200]!r}")
            continue
        errors = field_errors(response)
        if field and not any(key == field or key.startswith((field + ".", field + "[")) for key in errors):
            problems.append(f"{label}: error not on the field: {errors}")
        if row_counts() != before:
            problems.append(f"{label}: rows were added or removed")
    if snapshot() != start:
        problems.append("a value in the database changed during the table")
    return problems


def bad(base: dict, field: str, values) -> list[tuple[str, dict]]:
    return [(field, {**base, field: value}) for value in values]


def per_field(names, values) -> list[tuple[str, object]]:
    """The whole list of values for the first field of a kind, a sample for the others (same type)."""
    return [(name, value) for i, name in enumerate(names) for value in (values if i == 0 else values[:3])]


FIRM_CASES = [
    *bad(new_firm(), "credit_code", BAD_CODES),
    *bad(new_firm(), "name", ["", *BAD_TEXT]),
    *bad(new_firm(), "district", ["999999", "", None, *WRONG_TYPES]),
    *bad(new_firm(), "cluster", ["no-such-cluster", *WRONG_TYPES]),
    *bad(new_firm(), "founded_on", BAD_DATES),
    *bad(new_firm(), "niche_since", ["soon", 1900, 10**12, 2017, *WRONG_TYPES]),
    *bad(new_firm(), "sector", ["mining", "", *WRONG_TYPES]),
    *bad(new_firm(), "strategic_emerging", ["maybe", 2, *WRONG_TYPES]),
    *bad(new_firm(), "contact_email", ["not-an-email", HUGE]),
    *bad(new_firm(), "contact_phone", [HUGE, "nul\x00"]),
    *bad(new_firm(), "address", [HUGE]),
]


def test_firm_create(caseworker_api):
    problems = run_table(lambda body: caseworker_api.post("/api/firms/", body, format="json"), FIRM_CASES)
    assert problems == []


def test_firm_update(caseworker_api, firm):
    cases = [
        (field, {field: body[field]})
        for field, body in FIRM_CASES
        if field != "credit_code" and body != new_firm(niche_since=2017)  # founded 2015: 2017 is fine
    ]
    url = f"/api/firms/{firm.credit_code}/"
    assert run_table(lambda body: caseworker_api.patch(url, body, format="json"), cases) == []


FIGURES_CASES = [
    *[(name, figures(**{name: value})) for name, value in per_field(AMOUNTS, BAD_AMOUNTS)],
    *[(name, figures(**{name: value})) for name, value in per_field(COUNTS, BAD_COUNTS)],
    *bad(figures(), "net_profit", ["abc", "1e400", "NaN", "9" * 40, *WRONG_TYPES]),
    *bad(figures(), "year", BAD_YEARS),
    *bad(figures(), "audited", ["maybe", *WRONG_TYPES]),
    ("rd_staff", figures(rd_staff=151)),
    ("main_business_revenue", figures(main_business_revenue="8000.01")),
    ("non_field_errors", figures(year=LAST_YEAR)),  # the year already on file: "firm and year exist"
]


def test_figures_create(caseworker_api, firm):
    url = f"/api/firms/{firm.credit_code}/figures/"
    assert run_table(lambda body: caseworker_api.post(url, body, format="json"), FIGURES_CASES) == []


def test_figures_update(caseworker_api, firm):
    url = f"/api/firms/{firm.credit_code}/figures/{LAST_YEAR}/"
    cross_field = ("year", "rd_staff", "main_business_revenue", "non_field_errors")
    cases = [(f, {f: body[f]}) for f, body in FIGURES_CASES if f not in cross_field]
    cases += [("rd_staff", {"rd_staff": 10**6}), ("main_business_revenue", {"main_business_revenue": "9e9"})]
    assert run_table(lambda body: caseworker_api.patch(url, body, format="json"), cases) == []


def what_if(**changes) -> dict:
    return {**copy.deepcopy(WHAT_IF_EXAMPLE), **changes}


def what_if_year(**changes) -> dict:
    body = copy.deepcopy(WHAT_IF_EXAMPLE)
    body["years"][0].update(changes)
    return body


WHAT_IF_CASES = [
    *[("years", what_if_year(**{name: value})) for name, value in per_field(AMOUNTS, BAD_AMOUNTS)],
    *[("years", what_if_year(**{name: value})) for name, value in per_field(COUNTS, BAD_COUNTS)],
    *[("years", what_if_year(year=value)) for value in BAD_YEARS],
    *bad(what_if(), "years", ["2024", {"year": 2024}, [None], [[]], [1, 2]]),
    *bad(what_if(), "as_of", [v for v in BAD_DATES if v != TOMORROW]),
    *bad(what_if(), "founded_on", ["2025-13-40", *WRONG_TYPES]),
    *bad(what_if(), "niche_since", [1900, 10**12, "soon", *WRONG_TYPES]),
    *bad(what_if(), "rule_set", ["XX-1999", HUGE, *WRONG_TYPES]),
    *bad(what_if(), "cluster", ["no-such-cluster", *WRONG_TYPES]),
    *bad(what_if(), "designations", ["innovative_sme", ["emperor"], [None], {"a": 1}]),
    *bad(what_if(), "attested", [["own_brand"], {"bribery": True}, {"own_brand": "maybe"}, "yes"]),
    *bad(what_if(), "disqualifications", ["fraud", ["no-such"], {"a": 1}]),
    *bad(what_if(), "sector", ["mining", *WRONG_TYPES]),
    *bad(what_if(), "listed", ["maybe", *WRONG_TYPES]),
]


def test_what_if(caseworker_api):
    assert (
        run_table(lambda body: caseworker_api.post("/api/eligibility/", body, format="json"), WHAT_IF_CASES)
        == []
    )


@pytest.fixture
def submitted(firm):
    firm_user = UserFactory(username="firm-a", roles=["firm"], firm=eligible_firm())
    draft = create_application(firm=firm_user.firm, tier="innovative_sme", actor=firm_user)
    return application_transition(application=draft, action="submit", actor=firm_user)


TRANSITION = {"action": "return", "reason": "请补充材料。"}
TRANSITION_CASES = [
    *bad(TRANSITION, "action", ["fly", "", None, "terminate", HUGE, *WRONG_TYPES]),
    *bad(TRANSITION, "reason", ["x" * 4001, "nul\x00", *WRONG_TYPES]),
    *bad({"action": "accept"}, "score", [-1, 101, "abc", 1.5, 10**20, *WRONG_TYPES]),
    *bad({"action": "accept"}, "recommendation", ["maybe", *WRONG_TYPES]),
    *bad({"action": "accept"}, "comment", ["x" * 4001, *WRONG_TYPES]),
    ("reason", {"action": "return", "reason": ""}),  # returning needs a reason
    ("reason", {"action": "return", "reason": "   "}),
]


def test_transitions(caseworker_api, submitted):
    url = f"/api/applications/{submitted.pk}/transition/"
    assert run_table(lambda body: caseworker_api.post(url, body, format="json"), TRANSITION_CASES) == []
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


APPLICATION_CASES = [
    *bad({"tier": "innovative_sme"}, "firm", BAD_CODES),
    *bad({"firm": GOOD_CODE}, "tier", ["emperor", "", None, *WRONG_TYPES]),
    *bad({"firm": GOOD_CODE, "tier": "innovative_sme"}, "kind", ["forever", *WRONG_TYPES]),
]


def test_application_create(caseworker_api, firm):
    send = lambda body: caseworker_api.post("/api/applications/", body, format="json")  # noqa: E731
    assert run_table(send, APPLICATION_CASES) == []


TOKEN_CASES = [
    *bad({"password": "x"}, "username", ["", None, *WRONG_TYPES]),
    ("non_field_errors", {"username": HUGE, "password": "x"}),  # "cannot sign in with these details"
    *bad({"username": "someone"}, "password", ["", None, *WRONG_TYPES]),
]


def test_token(client, settings):
    settings.AXES_FAILURE_LIMIT = 10_000  # this table is about input, not about the lockout
    send = lambda body: client.post("/api/token/", body, content_type="application/json")  # noqa: E731
    assert run_table(send, TOKEN_CASES) == []


JSON_ENDPOINTS = [
    ("post", "/api/firms/"),
    ("patch", "/api/firms/{firm}/"),
    ("post", "/api/firms/{firm}/figures/"),
    ("patch", "/api/firms/{firm}/figures/{year}/"),
    ("post", "/api/eligibility/"),
    ("post", "/api/applications/"),
    ("post", "/api/token/"),
    ("post", "/api/maturity/"),
    ("post", "/api/listing/"),
]


@pytest.mark.parametrize(("method", "url"), JSON_ENDPOINTS)
def test_broken_json_is_a_400(caseworker_api, firm, method, url):
    url = url.format(firm=firm.credit_code, year=LAST_YEAR)
    problems = []
    bodies = [*BROKEN_BODIES, *BROKEN_BYTES]
    if method == "patch" or url == "/api/eligibility/":
        bodies.remove("")  # an empty body is an empty object: nothing to change, or every default
    start = snapshot()
    for body in bodies:
        before = row_counts()
        response = getattr(caseworker_api, method)(url, body, content_type="application/json")
        if response.status_code != 400 or set(response.json()) != {"detail", "fields"}:
            problems.append(f"{case_id(body)}: {response.status_code} {response.content[:120]!r}")
        elif row_counts() != before:
            problems.append(f"{case_id(body)}: rows were added or removed")
    assert problems == []
    assert snapshot() == start


def test_a_body_of_another_media_type_is_refused(caseworker_api):
    response = caseworker_api.post("/api/firms/", "<firm/>", content_type="application/xml")
    assert response.status_code == 415
    assert set(response.json()) == {"detail", "fields"}


@pytest.mark.parametrize(
    ("url", "fmt"),
    [
        ("/api/firms/", "multipart"),  # a form to a JSON endpoint: JSON only, as the schema says
        ("/api/eligibility/", "multipart"),
        ("/api/token/", "multipart"),
        ("/api/attestations/", "json"),  # the evidence upload takes multipart only
    ],
)
def test_a_body_in_a_content_type_the_operation_does_not_declare_is_refused(caseworker_api, url, fmt):
    before = row_counts()
    response = caseworker_api.post(url, {"name": "重庆示例"}, format=fmt)
    assert response.status_code == 415
    assert set(response.json()) == {"detail", "fields"}
    assert row_counts() == before


def test_a_form_encoded_body_to_a_json_endpoint_is_refused(caseworker_api):
    body = "name=x&district=500112"
    response = caseworker_api.post("/api/firms/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert "application/x-www-form-urlencoded" in response.json()["detail"]


def test_broken_json_is_told_in_words(caseworker_api):
    response = caseworker_api.post("/api/firms/", "{not json", content_type="application/json")
    assert "JSON" in response.json()["detail"]


def test_a_huge_body_is_refused_before_parsing(caseworker_api):
    body = json.dumps(new_firm(name="企" * 400_000))
    response = caseworker_api.post("/api/firms/", body, content_type="application/json")
    assert response.status_code == 413


# --- digital maturity and the road to listing (issue 18) ---------------------------------------------

MATURITY = {"firm": GOOD_CODE, "level": 2, "assessed_on": "2025-05-10", "evidence": "渝数评〔2025〕1号"}
MATURITY_CASES = [
    *bad(MATURITY, "firm", BAD_CODES),
    *bad(MATURITY, "level", [0, 5, "二级", "2.5", None, "", HUGE, *WRONG_TYPES]),
    *bad(MATURITY, "assessed_on", [*BAD_DATES, "2010-01-01"]),  # 2010: before the firm was founded
    *bad(MATURITY, "evidence", ["", "   ", None, *BAD_TEXT]),
]


def test_maturity_create(caseworker_api, firm):
    send = lambda body: caseworker_api.post("/api/maturity/", body, format="json")  # noqa: E731
    assert run_table(send, MATURITY_CASES) == []


def test_maturity_correct(caseworker_api, firm, caseworker):
    from cultivation.services import record_maturity

    saved = record_maturity(firm=firm, level=2, assessed_on=THIS_DAY, evidence="原件", actor=caseworker)
    cases = [(field, {field: body[field]}) for field, body in MATURITY_CASES if field != "firm"]
    cases += bad({}, "reason", ["x" * 101, *WRONG_TYPES])
    url = f"/api/maturity/{saved.pk}/"
    assert run_table(lambda body: caseworker_api.patch(url, body, format="json"), cases) == []


LISTING_OPEN = {"firm": GOOD_CODE, "board": "star", "stage": "cultivating", "on": "2025-03-01"}
LISTING_OPEN_CASES = [
    *bad(LISTING_OPEN, "firm", BAD_CODES),
    *bad(LISTING_OPEN, "board", ["nasdaq", "", None, HUGE, *WRONG_TYPES]),
    *bad(LISTING_OPEN, "stage", ["ipo", "", None, HUGE, *WRONG_TYPES]),
    *bad(LISTING_OPEN, "on", [*BAD_DATES, "2010-01-01"]),
    *bad(LISTING_OPEN, "stock_code", ["9" * 13, *WRONG_TYPES]),
    *bad(LISTING_OPEN, "note", BAD_TEXT),
    ("stock_code", {**LISTING_OPEN, "stage": "listed"}),  # listing on an exchange needs the code
]


def test_listing_open(caseworker_api, firm):
    send = lambda body: caseworker_api.post("/api/listing/", body, format="json")  # noqa: E731
    assert run_table(send, LISTING_OPEN_CASES) == []


def test_listing_advance(caseworker_api, firm, caseworker):
    from cultivation.services import advance_listing

    track = advance_listing(firm=firm, stage="tutoring", on=THIS_DAY, actor=caseworker, board="star")
    body = {"stage": "accepted", "on": THIS_DAY.isoformat()}
    cases = [
        *bad(body, "stage", ["ipo", "", None, "tutoring", "cultivating", HUGE, *WRONG_TYPES]),  # not forward
        *bad(
            body, "on", [*BAD_DATES, (THIS_DAY - datetime.timedelta(days=1)).isoformat()]
        ),  # before 辅导备案
        *bad(body, "board", ["nasdaq", *WRONG_TYPES]),
        *bad(body, "reason", ["x" * 101, *WRONG_TYPES]),
    ]
    url = f"/api/listing/{track.pk}/advance/"
    assert run_table(lambda body: caseworker_api.post(url, body, format="json"), cases) == []
