"""Bad input to the digital-transformation endpoints (issue 18): recognitions, industry platforms, 技改
projects and moving a project on. Each answer is a 400 in the API's error shape naming the field, never
a 500, and nothing in the database changes (the same tables and checks as ``test_api_corpus``)."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from cultivation.models import DigitalRecognition, UpgradeProject
from tests.factories import make_firm

from .corpus import (
    BAD_AMOUNTS,
    BAD_CODES,
    BAD_DATES,
    BAD_TEXT,
    BAD_YEARS,
    GOOD_CODE,
    HUGE,
    THIS_YEAR,
    TOMORROW,
    WRONG_TYPES,
    snapshot,
)
from .test_api_corpus import BROKEN_BODIES, BROKEN_BYTES, bad, run_table

pytestmark = pytest.mark.django_db

LAST_YEAR = THIS_YEAR - 1
PAST_DATES = [value for value in BAD_DATES if value != TOMORROW]  # a plan may well start tomorrow


@pytest.fixture
def api(caseworker) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


@pytest.fixture
def firm(db):
    return make_firm(credit_code=GOOD_CODE)


@pytest.fixture
def recognition(firm):
    return DigitalRecognition.objects.create(
        firm=firm, site_name="一号车间", level="digital_workshop", year=LAST_YEAR
    )


@pytest.fixture
def project(firm):
    today = datetime.date.today()
    return UpgradeProject.objects.create(
        firm=firm,
        name="焊接产线智能化改造",
        kind="intelligent",
        investment="1800",
        planned_start=today - datetime.timedelta(days=100),
        planned_finish=today + datetime.timedelta(days=100),
    )


RECOGNITION = {"firm": GOOD_CODE, "site_name": "二号车间", "level": "smart_factory", "year": LAST_YEAR}
RECOGNITION_CASES = [
    *bad(RECOGNITION, "firm", BAD_CODES),
    *bad(RECOGNITION, "site_name", ["", "   ", *BAD_TEXT]),
    *bad(RECOGNITION, "level", ["black_light_factory", "", None, *WRONG_TYPES]),
    *bad(RECOGNITION, "year", BAD_YEARS),
    *bad(RECOGNITION, "batch", [HUGE, "nul\x00", *WRONG_TYPES]),
    *bad(RECOGNITION, "valid_until", [*PAST_DATES, f"{LAST_YEAR - 1}-12-31"]),  # valid into the future
    *bad(RECOGNITION, "note", BAD_TEXT),
    ("non_field_errors", {**RECOGNITION, "site_name": "一号车间", "level": "digital_workshop"}),  # on file
]


def test_recognition_create(api, recognition):
    send = lambda body: api.post("/api/digital-recognitions/", body, format="json")  # noqa: E731
    assert run_table(send, RECOGNITION_CASES) == []


def test_recognition_update(api, recognition):
    url = f"/api/digital-recognitions/{recognition.pk}/"
    cases = [
        (field, {field: body[field]}) for field, body in RECOGNITION_CASES if field != "non_field_errors"
    ]
    assert run_table(lambda body: api.patch(url, body, format="json"), cases) == []


BRAIN = {"name": "智能装备行业产业大脑", "industry": "智能装备", "firm": GOOD_CODE, "year": LAST_YEAR}
BRAIN_CASES = [
    *bad(BRAIN, "name", ["", *BAD_TEXT]),
    *bad(BRAIN, "industry", ["", *BAD_TEXT]),
    *bad(BRAIN, "firm", BAD_CODES),
    *bad(BRAIN, "year", BAD_YEARS),
    *bad(BRAIN, "valid_until", PAST_DATES),
]


def test_industry_brain_create(api, firm):
    send = lambda body: api.post("/api/industry-brains/", body, format="json")  # noqa: E731
    assert run_table(send, BRAIN_CASES) == []


PROJECT = {
    "firm": GOOD_CODE,
    "name": "能耗在线监测",
    "kind": "green",
    "investment": "320.00",
    "planned_start": f"{LAST_YEAR}-03-01",
    "planned_finish": f"{LAST_YEAR}-12-31",
}
PROJECT_CASES = [
    *bad(PROJECT, "firm", BAD_CODES),
    *bad(PROJECT, "name", ["", "  ", *BAD_TEXT]),
    *bad(PROJECT, "kind", ["magic", "", None, *WRONG_TYPES]),
    *bad(PROJECT, "investment", [*BAD_AMOUNTS, "0", "0.00"]),
    *bad(PROJECT, "planned_start", PAST_DATES),
    *bad(PROJECT, "planned_finish", [*PAST_DATES, f"{LAST_YEAR}-02-28"]),  # before the start
    ("non_field_errors", {**PROJECT, "name": "焊接产线智能化改造"}),  # the firm has a project of that name
]


def test_project_create(api, project):
    send = lambda body: api.post("/api/upgrade-projects/", body, format="json")  # noqa: E731
    assert run_table(send, PROJECT_CASES) == []


def test_project_update(api, project):
    url = f"/api/upgrade-projects/{project.pk}/"
    skip = ("non_field_errors", "planned_finish")  # the finish before the start needs the start
    cases = [(field, {field: body[field]}) for field, body in PROJECT_CASES if field not in skip]
    cases += [("planned_finish", {"planned_finish": "2000-01-01"})]
    assert run_table(lambda body: api.patch(url, body, format="json"), cases) == []


ADVANCE = {"to": "under_way", "on": f"{LAST_YEAR}-06-01"}
ADVANCE_CASES = [
    *bad(ADVANCE, "to", ["flying", "", None, "planned", "completed", "accepted", HUGE, *WRONG_TYPES]),
    *bad(ADVANCE, "on", BAD_DATES),
    *bad(ADVANCE, "productivity_change", ["abc", "1e400", "NaN", "-101", "1001", "1.23", "58.6", HUGE]),
    *bad(ADVANCE, "productivity_change", WRONG_TYPES),
    *bad(ADVANCE, "reason", ["x" * 101, "nul\x00", *WRONG_TYPES]),
]


def test_advance(api, project):
    url = f"/api/upgrade-projects/{project.pk}/advance/"
    assert run_table(lambda body: api.post(url, body, format="json"), ADVANCE_CASES) == []
    project.refresh_from_db()
    assert project.status == "planned"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/digital-recognitions/"),
        ("post", "/api/industry-brains/"),
        ("post", "/api/upgrade-projects/"),
        ("post", "/api/upgrade-projects/{project}/advance/"),
        ("patch", "/api/upgrade-projects/{project}/"),
    ],
)
def test_broken_json_is_a_400(api, project, method, url):
    url = url.format(project=project.pk)
    bodies = [*BROKEN_BODIES, *BROKEN_BYTES]
    if method == "patch":
        bodies.remove("")  # an empty body changes nothing
    start = snapshot()
    problems = []
    for body in bodies:
        response = getattr(api, method)(url, body, content_type="application/json")
        if response.status_code != 400 or set(response.json()) != {"detail", "fields"}:
            problems.append(f"{body[:20]!r}: {response.status_code} {response.content[:120]!r}")
    assert problems == []
    assert snapshot() == start
