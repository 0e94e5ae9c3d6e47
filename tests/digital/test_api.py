"""The API of digital recognitions, platforms and 技改 projects: its filters, what each role reads, and
moving a project on (the access matrix in tests/api pins every status code of every role)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from cultivation.models import DigitalRecognition, IndustryBrain, UpgradeProject
from tests.factories import caseworker, firm_user, make_firm, reviewer

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year - 1


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def firms():
    return make_firm("500112", name="渝北数字化企业"), make_firm("500103", name="渝中数字化企业")


@pytest.fixture
def recognitions(firms):
    yubei, yuzhong = firms
    rows = [
        (yubei, "一号车间", "digital_workshop", YEAR - 3),
        (yubei, "一号车间", "smart_factory", YEAR),
        (yubei, "二号车间", "digital_workshop", YEAR),
        (yuzhong, "渝中工厂", "future_factory", YEAR),
    ]
    return [
        DigitalRecognition.objects.create(firm=f, site_name=site, level=level, year=year)
        for f, site, level, year in rows
    ]


def listed(client, url: str, **params) -> list[dict]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def test_recognitions_filter_by_level_year_district_and_what_counts(recognitions, firms):
    city = client_of(caseworker(None))
    url = "/api/digital-recognitions/"
    assert len(listed(city, url)) == 4
    assert {r["site_name"] for r in listed(city, url, level="digital_workshop")} == {"一号车间", "二号车间"}
    assert len(listed(city, url, level=["smart_factory", "future_factory"])) == 2
    assert len(listed(city, url, year=YEAR)) == 3
    assert len(listed(city, url, year_min=YEAR - 3, year_max=YEAR - 1)) == 1
    assert {r["firm"] for r in listed(city, url, district="500103")} == {firms[1].credit_code}
    counting = listed(city, url, counting="true")
    assert sorted((r["site_name"], r["level"]) for r in counting) == [
        ("一号车间", "smart_factory"),
        ("二号车间", "digital_workshop"),
        ("渝中工厂", "future_factory"),
    ]
    assert all(r["counts"] for r in counting)
    superseded = listed(city, url, counting="false")
    assert [(r["level"], r["counts"]) for r in superseded] == [("digital_workshop", False)]
    assert len(listed(city, url, firm=firms[0].credit_code.lower())) == 3


@pytest.mark.parametrize("params", [{"level": "black_light"}, {"year": "soon"}, {"counting": "ture"}])
def test_a_bad_filter_is_a_400(recognitions, params):
    response = client_of(caseworker(None)).get("/api/digital-recognitions/", params)
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "fields"}


def test_each_role_reads_what_it_sees_and_firms_only_read(recognitions, firms):
    yubei, _yuzhong = firms
    url = "/api/digital-recognitions/"
    own = client_of(firm_user(yubei))
    assert {r["firm"] for r in listed(own, url)} == {yubei.credit_code}
    assert {r["firm"] for r in listed(client_of(caseworker("500103")), url)} == {firms[1].credit_code}
    assert len(listed(client_of(reviewer()), url)) == 4
    body = {"firm": yubei.credit_code, "site_name": "三号车间", "level": "smart_factory", "year": YEAR}
    assert own.post(url, body, format="json").status_code == 403
    assert client_of(reviewer()).post(url, body, format="json").status_code == 403
    created = client_of(caseworker("500112")).post(url, body, format="json")
    assert created.status_code == 201 and created.json()["counts"] is True
    assert (
        DigitalRecognition.objects.get(site_name="三号车间").history.first().history_user.username
        == "cw-500112"
    )


def test_industry_brains_filter_by_lead_firm_and_year(firms):
    yubei, yuzhong = firms
    IndustryBrain.objects.create(name="智能装备行业产业大脑", industry="智能装备", firm=yubei, year=YEAR)
    IndustryBrain.objects.create(name="汽车行业产业大脑", industry="汽车", firm=yuzhong, year=YEAR - 1)
    city = client_of(caseworker(None))
    assert [b["name"] for b in listed(city, "/api/industry-brains/", year=YEAR)] == ["智能装备行业产业大脑"]
    assert [b["name"] for b in listed(city, "/api/industry-brains/", firm=yuzhong.credit_code)] == [
        "汽车行业产业大脑"
    ]
    assert [b["name"] for b in listed(client_of(firm_user(yubei)), "/api/industry-brains/")] == [
        "智能装备行业产业大脑"
    ]


def make_project(firm, name, finish, **fields):
    return UpgradeProject.objects.create(
        firm=firm,
        name=name,
        kind=fields.pop("kind", "digital"),
        investment=Decimal("500"),
        planned_start=finish - datetime.timedelta(days=200),
        planned_finish=finish,
        **fields,
    )


def test_projects_filter_by_status_kind_and_overdue(firms):
    yubei, _ = firms
    make_project(yubei, "逾期项目", TODAY - datetime.timedelta(days=3))
    make_project(yubei, "按期项目", TODAY + datetime.timedelta(days=30), kind="green")
    make_project(
        yubei,
        "已完工项目",
        TODAY - datetime.timedelta(days=30),
        status="completed",
        actual_start=TODAY - datetime.timedelta(days=200),
        actual_finish=TODAY - datetime.timedelta(days=40),
    )
    city = client_of(caseworker(None))
    url = "/api/upgrade-projects/"
    overdue = listed(city, url, overdue="true")
    assert [(p["name"], p["overdue"]) for p in overdue] == [("逾期项目", True)]
    assert {p["name"] for p in listed(city, url, overdue="false")} == {"按期项目", "已完工项目"}
    assert {p["name"] for p in listed(city, url, status=["planned", "under_way"])} == {"逾期项目", "按期项目"}
    assert [p["name"] for p in listed(city, url, kind="green")] == ["按期项目"]
    assert [p["name"] for p in listed(city, url, finish_year=TODAY.year)] == [
        p.name
        for p in UpgradeProject.objects.filter(planned_finish__year=TODAY.year).order_by("planned_finish")
    ]
    by_finish = [p["name"] for p in listed(city, url, ordering="-planned_finish")]
    assert by_finish == ["按期项目", "逾期项目", "已完工项目"]
    assert city.get(url, {"ordering": "secret"}).status_code == 400


def test_a_project_is_moved_on_through_the_api(firms):
    item = make_project(firms[0], "焊接产线智能化改造", TODAY + datetime.timedelta(days=30))
    api = client_of(caseworker("500112"))
    url = f"/api/upgrade-projects/{item.pk}/advance/"
    started = api.post(url, {"to": "under_way", "on": str(TODAY)}, format="json")
    assert started.status_code == 200
    assert (started.json()["status"], started.json()["next_status"]) == ("under_way", "completed")
    skipped = api.post(url, {"to": "accepted", "on": str(TODAY)}, format="json")
    assert skipped.status_code == 400 and "to" in skipped.json()["fields"]
    api.post(url, {"to": "completed", "on": str(TODAY)}, format="json")
    accepted = api.post(
        url, {"to": "accepted", "on": str(TODAY), "productivity_change": "58.6"}, format="json"
    )
    assert accepted.json()["productivity_change"] == "58.6" and accepted.json()["next_status"] is None
    # the plan is written through the record; its status is not
    patched = api.patch(
        f"/api/upgrade-projects/{item.pk}/", {"status": "planned", "note": "已验收"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["status"] == "accepted"


def test_a_recognitions_evidence_url_downloads_for_those_who_see_it(client, firms, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.7\n%%EOF\n"
    record = DigitalRecognition.objects.create(
        firm=firms[0],
        site_name="一号车间",
        level="smart_factory",
        year=YEAR,
        evidence=SimpleUploadedFile("a.pdf", pdf),
    )
    owner = firm_user(firms[0])
    url = client_of(owner).get(f"/api/digital-recognitions/{record.pk}/").json()["evidence_url"]
    client.force_login(owner)  # the download is the portal's (signed in), as the admin links to it
    assert b"".join(client.get(url).streaming_content) == pdf
    client.force_login(firm_user(firms[1], "firm-b"))
    assert client.get(url).status_code == 404
