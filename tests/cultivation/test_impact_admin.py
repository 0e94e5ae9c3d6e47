"""The rule-set admin's 预览影响 and 阈值扫描 (issue 16): form, report page, charts and exports."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from cultivation.models import ImpactReport, RuleSet
from cultivation.services import derive_rule_set
from tests.factories import pool_entrant, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(superuser) -> RuleSet:
    """A draft asking 6% R&D of the pool's entrants; the one at 5% drops out, the one at 7% stays."""
    year = today().year - 1
    pool_entrant(year, superuser)
    pool_entrant(year, superuser, rd_expense="210.00")
    return derive_rule_set(
        base=RuleSet.objects.get(code="CQ-2024"),
        code="CQ-D6",
        effective_from=datetime.date(2030, 1, 1),
        overrides={"hardtech_pool.rd_intensity": {"threshold": "6"}},
        draft=True,
        actor=superuser,
    )


def test_preview_impact_from_the_draft_page_to_the_report_and_its_exports(
    client, superuser, draft, celery_eager, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    page = client.get(f"/admin/cultivation/ruleset/{draft.pk}/change/")
    assert "预览影响" in page.text and "阈值扫描" in page.text and "发布" in page.text
    assert client.get(f"/admin/cultivation/ruleset/{draft.pk}/impact/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/cultivation/ruleset/{draft.pk}/impact/", {"from_code": "", "as_of": today().isoformat()}
        )
    assert response.status_code == 302
    report = ImpactReport.objects.get()
    assert report.status == "succeeded"
    shown = client.get(response["Location"]).text
    assert "<svg" in shown and "硬科技企业帮扶库" in shown and "−1 / +0" in shown
    assert "研发" in shown  # the deciding criterion's label, in the changed firms' table

    csv_file = client.get(f"/admin/cultivation/ruleset/impact/{report.pk}/export.csv")
    text = csv_file.content.decode("utf-8-sig")
    assert "统一社会信用代码" in text and "决定条件" in text and "CQ-D6" in text
    book = load_workbook(
        io.BytesIO(client.get(f"/admin/cultivation/ruleset/impact/{report.pk}/export.xlsx").content)
    )
    assert [cell.value for cell in book["tiers"][1]][:3] == ["称号", "原版本符合", "新版本符合"]
    assert {"changes", "district", "cluster", "stage", "about"} <= set(book.sheetnames)


def test_a_sweep_from_the_admin_draws_the_line_with_the_current_value_marked(
    client, superuser, draft, celery_eager, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    form = client.get(f"/admin/cultivation/ruleset/{draft.pk}/sweep/")
    assert "hardtech_pool.rd_intensity|threshold" in form.text
    body = {
        "threshold": "hardtech_pool.rd_intensity|threshold",
        "start": "3",
        "stop": "8",
        "step": "1",
        "as_of": today().isoformat(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/cultivation/ruleset/{draft.pk}/sweep/", body)
    shown = client.get(response["Location"]).text
    assert "<polyline" in shown and "当前值 6" in shown
    report = ImpactReport.objects.get(kind="sweep")
    assert [p["eligible"]["hardtech_pool"] for p in report.result["points"]] == [2, 2, 2, 1, 1, 0]


def test_only_programme_admins_reach_impact_pages(client, caseworker, superuser, draft):
    report = ImpactReport.objects.create(created_by=superuser, to_code=draft.code, as_of=today())
    client.force_login(caseworker)
    for url in (
        f"/admin/cultivation/ruleset/{draft.pk}/impact/",
        f"/admin/cultivation/ruleset/{draft.pk}/sweep/",
        f"/admin/cultivation/ruleset/impact/{report.pk}/",
        f"/admin/cultivation/ruleset/impact/{report.pk}/export.csv",
        "/admin/cultivation/impactreport/",
    ):
        assert client.get(url).status_code == 403, url
    client.force_login(superuser)
    listing = client.get("/admin/cultivation/impactreport/")
    assert listing.status_code == 200 and f"/admin/cultivation/ruleset/impact/{report.pk}/" in listing.text
