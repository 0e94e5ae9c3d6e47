"""A rule change previewed in a real browser (issue 16): draft → impact → sweep → publish, as a programme
admin does it in the admin.

The reports are run by a thread of this process standing in for the Celery worker (``run_report``, the
task's own code), started once the browser shows the queued report, so the page is seen refreshing itself.
"""

from __future__ import annotations

import json
import re
import threading

import pytest
from django.db import connections
from playwright.sync_api import expect

from cultivation.impact_jobs import run_report
from cultivation.models import ImpactReport, RuleSet
from tests.factories import UserFactory, pool_entrant, today

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def programme_admin(db):
    admin = UserFactory(username="cheng-guanli", is_staff=True, is_superuser=True)
    year = today().year - 1
    pool_entrant(year, admin)  # R&D exactly 5% of revenue
    pool_entrant(year, admin, rd_expense="210.00")  # 7%
    return admin


def run_in_thread(report_id: int) -> threading.Thread:
    def work() -> None:
        try:
            run_report(report_id)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    return worker


def submit(page) -> None:
    page.locator("#content form input[type=submit].default").first.click()
    page.wait_for_load_state()


def test_draft_impact_sweep_publish(session, programme_admin):
    admin = session()
    page = admin.page
    admin.sign_in("cheng-guanli")
    base = RuleSet.objects.get(code="CQ-2024")

    # Derive a draft asking 6% R&D of the pool's entrants.
    page.goto(f"/admin/cultivation/ruleset/{base.pk}/change/")
    page.get_by_role("link", name="基于此版本创建新版本").click()
    page.get_by_label("新版本代码").fill("CQ-D6")
    page.get_by_label("生效日期").fill("2030-01-01")
    page.get_by_label("调整说明").fill("提高帮扶库研发投入强度门槛（征求意见稿）")
    page.get_by_label("阈值调整（JSON）").fill(json.dumps({"hardtech_pool.rd_intensity": {"threshold": "6"}}))
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.locator(".messagelist")).to_contain_text("已保存草稿 CQ-D6")
    draft_url = page.url
    admin.shot("rule-draft")

    # 预览影响: the report is queued, then the page refreshes itself to the result.
    page.get_by_role("link", name="预览影响").click()
    submit(page)
    expect(page).to_have_url(re.compile(r"/admin/cultivation/ruleset/impact/\d+/$"))
    worker = run_in_thread(ImpactReport.objects.get().pk)
    expect(page.locator("svg.impact-chart")).to_be_visible(timeout=60_000)
    worker.join()
    expect(page.locator("#content")).to_contain_text("−1 / +0")
    expect(page.get_by_role("link", name="导出 XLSX")).to_be_visible()
    admin.shot("impact-report")

    # 阈值扫描 of the same threshold, 3% to 8%.
    page.goto(draft_url)
    page.get_by_role("link", name="阈值扫描").click()
    page.get_by_label("阈值").select_option("hardtech_pool.rd_intensity|threshold")
    page.get_by_label("起始值").fill("3")
    page.get_by_label("终止值").fill("8")
    page.get_by_label("步长").fill("1")
    submit(page)
    worker = run_in_thread(ImpactReport.objects.get(kind="sweep").pk)
    expect(page.locator("svg.impact-chart polyline")).to_be_visible(timeout=60_000)
    worker.join()
    expect(page.locator("#content")).to_contain_text("当前值 6")
    admin.shot("threshold-sweep")

    # Publish after the confirmation page.
    page.goto(draft_url)
    page.get_by_role("link", name="发布", exact=True).click()
    page.get_by_role("button", name="确认发布").click()
    expect(page.locator(".messagelist")).to_contain_text("已发布规则集 CQ-D6")
    assert not RuleSet.objects.get(code="CQ-D6").is_draft
