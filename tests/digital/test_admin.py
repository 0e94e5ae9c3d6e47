"""The admin of digital recognitions, platforms and 技改 projects, as caseworkers, experts and firms use it.

Scoped like every firm record (the access matrix in tests/access asks every page of every role); here:
what a caseworker adds and moves on lands with its history, what is out of scope or role changes
nothing, the import reads Chinese headers and words, and the export writes them.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cultivation.models import DigitalRecognition, IndustryBrain, UpgradeProject
from tests.factories import caseworker, firm_user, make_firm, reviewer
from tests.registry.import_files import upload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year - 1
CSV = "0"


@pytest.fixture
def firm():
    return make_firm("500112", name="重庆数字化示范制造有限公司")


@pytest.fixture
def other_firm():
    return make_firm("500103", name="重庆渝中其他企业有限公司")


def login(client, user):
    client.force_login(user)
    return client


def add_recognition(client, firm, **changes):
    data = {
        "firm": firm.pk,
        "site_name": "一号车间",
        "level": "digital_workshop",
        "year": YEAR,
        "batch": "第一批",
        "valid_until": "",
        "note": "",
        "change_reason": "录入认定文件",
        **changes,
    }
    return client.post(reverse("admin:cultivation_digitalrecognition_add"), data)


def test_a_district_caseworker_records_a_recognition_with_its_history(client, firm):
    worker = caseworker("500112")
    response = add_recognition(login(client, worker), firm)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = DigitalRecognition.objects.get()
    assert (record.level, record.recorded_by) == ("digital_workshop", worker)
    version = record.history.get()
    assert (version.history_user, version.history_change_reason) == (worker, "录入认定文件")
    listing = client.get(reverse("admin:cultivation_digitalrecognition_changelist"))
    assert "一号车间" in listing.text


def test_a_caseworker_cannot_record_for_a_firm_of_another_district(client, other_firm):
    response = add_recognition(login(client, caseworker("500112")), other_firm)
    assert response.status_code == 200  # the firm is not among the choices: a field error
    assert "firm" in response.context["adminform"].form.errors
    assert not DigitalRecognition.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "firm_user"])
def test_experts_and_firms_record_nothing(client, firm, who):
    user = reviewer() if who == "reviewer" else firm_user(firm)
    response = add_recognition(login(client, user), firm)
    assert response.status_code in (302, 403)  # a firm user is sent to sign in to the admin
    assert not DigitalRecognition.objects.exists()


def test_the_list_marks_a_superseded_level(client, firm):
    DigitalRecognition.objects.create(
        firm=firm, site_name="一号车间", level="digital_workshop", year=YEAR - 2
    )
    DigitalRecognition.objects.create(firm=firm, site_name="一号车间", level="smart_factory", year=YEAR)
    page = login(client, caseworker(None)).get(reverse("admin:cultivation_digitalrecognition_changelist"))
    flags = {row.level: row.counts for row in page.context["cl"].result_list}
    assert flags == {"digital_workshop": False, "smart_factory": True}


def project(firm, **fields) -> UpgradeProject:
    values = {
        "name": "焊接产线智能化改造",
        "kind": "intelligent",
        "investment": Decimal("1800"),
        "planned_start": TODAY - datetime.timedelta(days=100),
        "planned_finish": TODAY + datetime.timedelta(days=100),
        **fields,
    }
    return UpgradeProject.objects.create(firm=firm, **values)


def test_a_project_is_moved_on_through_its_advance_page(client, firm):
    item = project(firm)
    worker = caseworker("500112")
    login(client, worker)
    change = client.get(reverse("admin:cultivation_upgradeproject_change", args=[item.pk]))
    advance = reverse("admin:cultivation_upgradeproject_advance", args=[item.pk])
    assert advance in change.text and "推进项目" in change.text
    page = client.get(advance)
    assert [value for value, _label in page.context["form"].fields["to"].choices] == ["under_way"]
    response = client.post(advance, {"to": "under_way", "on": str(TODAY), "reason": "已开工"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.actual_start) == ("under_way", TODAY)
    assert item.history.first().history_user == worker
    client.post(advance, {"to": "completed", "on": str(TODAY)})
    refused = client.post(advance, {"to": "accepted", "on": str(TODAY)})  # no productivity change
    assert refused.status_code == 200 and "劳动生产率" in refused.text
    client.post(advance, {"to": "accepted", "on": str(TODAY), "productivity_change": "58.6"})
    item.refresh_from_db()
    assert (item.status, item.productivity_change) == ("accepted", Decimal("58.6"))


def test_the_change_form_cannot_change_a_projects_status(client, firm):
    item = project(firm)
    login(client, caseworker("500112"))
    data = {
        "firm": firm.pk,
        "name": item.name,
        "kind": "green",
        "investment": "2000",
        "planned_start": str(item.planned_start),
        "planned_finish": str(item.planned_finish),
        "note": "",
        "status": "accepted",  # not a field of the form: ignored
        "change_reason": "调整计划",
    }
    response = client.post(reverse("admin:cultivation_upgradeproject_change", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.kind, item.investment, item.status) == ("green", Decimal("2000"), "planned")


def test_advancing_another_districts_project_is_refused(client, other_firm):
    item = project(other_firm)
    login(client, caseworker("500112"))
    url = reverse("admin:cultivation_upgradeproject_advance", args=[item.pk])
    assert client.post(url, {"to": "under_way", "on": str(TODAY)}).status_code == 404
    login(client, reviewer())
    assert client.post(url, {"to": "under_way", "on": str(TODAY)}).status_code == 403
    item.refresh_from_db()
    assert item.status == "planned"


RECOGNITION_HEADERS = [
    "企业统一社会信用代码",
    "车间或工厂名称",
    "认定等级",
    "认定年度",
    "批次",
    "有效期至",
    "备注",
]


def import_file(client, model: str, headers, rows, fmt="csv"):
    response = client.post(reverse(f"admin:cultivation_{model}_import"), upload(headers, rows, fmt=fmt))
    assert response.status_code == 200
    return response


def confirm(client, model: str, response) -> None:
    form = response.context["confirm_form"]
    assert client.post(reverse(f"admin:cultivation_{model}_process_import"), form.initial).status_code == 302


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_recognitions_import_with_chinese_headers_and_level_names(client, firm, fmt):
    worker = caseworker("500112")
    login(client, worker)
    rows = [
        [firm.credit_code, "一号车间", "数字化车间", YEAR - 2, "2022年第一批", "", ""],
        [firm.credit_code.lower(), "一号车间", "智能工厂", YEAR, "", "", "升级"],
    ]
    confirm(
        client,
        "digitalrecognition",
        import_file(client, "digitalrecognition", RECOGNITION_HEADERS, rows, fmt),
    )
    assert sorted(DigitalRecognition.objects.values_list("level", flat=True)) == [
        "digital_workshop",
        "smart_factory",
    ]
    assert DigitalRecognition.history.filter(history_type="+").first().history_user == worker


def test_an_import_with_a_bad_row_or_another_district_saves_nothing(client, firm, other_firm):
    login(client, caseworker("500112"))
    rows = [
        [firm.credit_code, "一号车间", "数字化车间", YEAR, "", "", ""],
        [other_firm.credit_code, "渝中车间", "智能工厂", YEAR, "", "", ""],
        [firm.credit_code, "二号车间", "黑灯工厂", YEAR, "", "", ""],
        [firm.credit_code, "一号车间", "数字化车间", YEAR, "", "", ""],  # the first row again
    ]
    response = import_file(client, "digitalrecognition", RECOGNITION_HEADERS, rows)
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    page = response.text
    assert "您无权导入其他区县企业的数据" in page and "黑灯工厂" in page and "与第" in page
    assert not DigitalRecognition.objects.exists()


PROJECT_HEADERS = [
    "企业统一社会信用代码",
    "项目名称",
    "改造类型",
    "计划投资（万元）",
    "计划开工日期",
    "计划完工日期",
    "状态",
]


def test_projects_import_but_a_stored_projects_status_is_not_changed_by_a_file(client, firm):
    login(client, caseworker("500112"))
    rows = [[firm.credit_code, "能耗在线监测", "绿色化改造", "320", "2025-01-01", "2025-12-31", "计划"]]
    confirm(client, "upgradeproject", import_file(client, "upgradeproject", PROJECT_HEADERS, rows))
    item = UpgradeProject.objects.get()
    assert (item.kind, item.investment, item.status) == ("green", Decimal("320.00"), "planned")
    rows[0][-1] = "已完工"
    response = import_file(client, "upgradeproject", PROJECT_HEADERS, rows)
    assert "推进项目" in response.text
    item.refresh_from_db()
    assert item.status == "planned"


def test_the_export_writes_chinese_headers_and_words(client, firm, other_firm):
    DigitalRecognition.objects.create(firm=firm, site_name="=HYPERLINK()", level="future_factory", year=YEAR)
    DigitalRecognition.objects.create(firm=other_firm, site_name="渝中车间", level="smart_factory", year=YEAR)
    login(client, caseworker("500112"))
    fields = ("firm", "site_name", "level", "year")
    data = {"resource": "0", "format": CSV, **{f"digitalrecognitionresource_{name}": "on" for name in fields}}
    response = client.post(reverse("admin:cultivation_digitalrecognition_export"), data)
    assert response.status_code == 200
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == ["企业统一社会信用代码", "车间或工厂名称", "认定等级", "认定年度"]
    assert rows == [
        [firm.credit_code, "'=HYPERLINK()", "未来工厂", str(YEAR)]
    ]  # only the caseworker's district


def test_an_industry_brain_is_recorded_for_a_lead_firm(client, firm):
    login(client, caseworker("500112"))
    data = {
        "name": "智能装备行业产业大脑",
        "industry": "智能装备",
        "firm": firm.pk,
        "year": YEAR,
        "batch": "",
        "valid_until": "",
        "note": "",
        "change_reason": "",
    }
    assert client.post(reverse("admin:cultivation_industrybrain_add"), data).status_code == 302
    assert IndustryBrain.objects.get().firm == firm


PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def test_evidence_is_uploaded_in_the_admin_and_opened_through_the_checked_download(
    client, firm, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    login(client, caseworker("500112"))
    response = add_recognition(client, firm, evidence=SimpleUploadedFile("证书.pdf", PDF, "application/pdf"))
    assert response.status_code == 302
    record = DigitalRecognition.objects.get()
    assert record.evidence.name.endswith(".pdf") and "证书" not in record.evidence.name  # stored by content
    download = reverse("portal:digital-evidence", args=["recognition", record.pk])
    change = client.get(reverse("admin:cultivation_digitalrecognition_change", args=[record.pk])).text
    assert download in change and "/media/" not in change
    got = client.get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["Content-Type"] == "application/pdf"
    login(client, caseworker("500103"))
    assert client.get(download).status_code == 404
    login(client, firm_user(firm))
    assert client.get(download).status_code == 200
    refused = add_recognition(
        login(client, caseworker("500112")),
        firm,
        site_name="二号车间",
        evidence=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
    )
    assert refused.status_code == 200 and "evidence" in refused.context["adminform"].form.errors


def test_the_project_list_filters_the_overdue(client, firm):
    late = project(firm, planned_finish=TODAY - datetime.timedelta(days=1))
    page = login(client, caseworker("500112")).get(
        reverse("admin:cultivation_upgradeproject_changelist"), {"overdue": "yes"}
    )
    assert [row.pk for row in page.context["cl"].result_list] == [late.pk]


def test_platforms_import_with_the_lead_firms_code_under_its_chinese_header(client, firm):
    login(client, caseworker("500112"))
    headers = ["平台名称", "服务行业", "牵头企业统一社会信用代码", "认定年度", "批次", "有效期至", "备注"]
    rows = [["智能装备行业产业大脑", "智能装备", firm.credit_code, YEAR, f"{YEAR}年", "", ""]]
    confirm(client, "industrybrain", import_file(client, "industrybrain", headers, rows))
    assert IndustryBrain.objects.get().firm == firm
