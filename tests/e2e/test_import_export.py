"""Import and export in a real browser, as a city caseworker does them (issue 17, item 8).

Export the firms (XLSX chosen, CSV offered, Chinese headers); import a small file with a bad row and
read the error per row and column; import a file over ``IMPORT_SYNC_MAX_ROWS`` rows, which becomes a
background job whose page shows a progress bar refreshing itself until the preview (counts and a sample of
the changes), then, after 确认导入, until the result.

The job is run by a thread of this process standing in for the Celery worker (``run_job``, the task's
own code), started once the browser shows the queued job, so the page is seen moving. The large file
has ``E2E_IMPORT_ROWS`` figure rows (1,500 by default; 8,000 for the timing in docs/PERFORMANCE.md).
"""

from __future__ import annotations

import os
import re
import threading
import time

import pytest
from django.db import connections
from playwright.sync_api import expect

from registry.credit_code import make_code
from registry.imports import run_job
from registry.models import AnnualFigures, Firm, ImportJob
from tests.factories import FirmFactory, UserFactory, district
from tests.registry.import_files import FIGURE_HEADERS, figure_rows, make_firms, xlsx_bytes

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS = int(os.environ.get("E2E_IMPORT_ROWS", "1500"))
# Each run's own time: about 1 ms a row on a quiet machine (docs/PERFORMANCE.md), far more under load.
JOB_TIMEOUT_MS = 120_000 + ROWS * 100


@pytest.fixture
def caseworker(db):
    FirmFactory(name="重庆导出示范有限公司", district=district("500112"))
    return UserFactory(username="shi-jingban", roles=["caseworker"], is_staff=True)


def submit(page) -> None:
    page.locator("#content form input[type=submit]").first.click()
    page.wait_for_load_state()


def upload(page, url: str, name: str, data: bytes) -> None:
    page.goto(url)
    page.locator("#id_import_file").set_input_files({"name": name, "mimeType": XLSX, "buffer": data})
    expect(page.locator("#id_format option:checked")).to_have_text("xlsx")
    submit(page)


def test_export_then_a_bad_row_is_shown_per_row_and_column(session, caseworker):
    staff = session()
    page = staff.page
    staff.sign_in("shi-jingban")

    # Export: XLSX is chosen, CSV the only other choice; the file's headers are Chinese.
    page.goto("/admin/registry/firm/export/")
    options = page.locator("#id_format option")
    expect(options).to_have_text(["csv", "xlsx"])
    expect(page.locator("#id_format option:checked")).to_have_text("xlsx")
    staff.shot("admin-export")
    with page.expect_download() as download:
        submit(page)
    assert download.value.suggested_filename.endswith(".xlsx")

    # Import a two-row file with Chinese headers; the second row names a district that does not exist.
    headers = ["统一社会信用代码", "企业名称", "所属区县", "成立日期", "行业"]
    good = [make_code("91500112MA60000A1"), "重庆导入甲公司", "渝北区", "2018-05-01", "工业"]
    bad = [make_code("91500105MA60000B2"), "重庆导入乙公司", "火星区", "2020-01-15", "软件和信息技术服务业"]
    upload(page, "/admin/registry/firm/import/", "firms.xlsx", xlsx_bytes(headers, [good, bad]))
    expect(page.locator("#import-errors-title")).to_contain_text("有 1 行数据未通过校验")
    row = page.locator("#import-errors tbody tr").filter(has_text="火星区")
    expect(row).to_contain_text("所属区县")
    expect(row).to_contain_text("未找到区县“火星区”")
    expect(row.locator("td").first).to_have_text("2")
    staff.shot("admin-import-errors")
    assert not Firm.objects.filter(name__startswith="重庆导入").exists()


def test_a_large_file_is_previewed_then_imported_once_confirmed(session, caseworker):
    firms = make_firms(-(-ROWS // 10), start=500_000)  # clear of the factories' codes
    data = xlsx_bytes(FIGURE_HEADERS, figure_rows(firms, ROWS))
    staff = session()
    page = staff.page
    staff.sign_in("shi-jingban")

    started = time.monotonic()
    upload(page, "/admin/registry/annualfigures/import/", "figures.xlsx", data)
    expect(page).to_have_url(re.compile(r"/admin/registry/importjob/\d+/change/"))
    uploaded = time.monotonic()
    expect(page.locator("#job-progress")).to_have_attribute("max", str(ROWS))
    job = ImportJob.objects.get()

    worker = threading.Thread(target=run_in_thread, args=(job.pk,))
    worker.start()
    # First the dry run: the page refreshes itself (no script: CSP) until the preview is ready.
    expect(page.locator("#job-preview")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    previewed = time.monotonic()
    worker.join()
    expect(page.locator("#job-status")).to_have_text("待确认")
    expect(page.locator("#job-preview")).to_contain_text(f"确认后将新增 {ROWS} 条")
    expect(page.locator("#job-changes tbody tr")).to_have_count(20)
    staff.shot("admin-import-job-preview")
    assert not AnnualFigures.objects.exists()

    # 确认导入: the rows are written once, by the worker, the bar moving meanwhile.
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state()
    confirmed = time.monotonic()
    worker = threading.Thread(target=run_in_thread, args=(job.pk,))
    worker.start()
    expect(page.locator(".tm-import-result")).to_contain_text(f"新增 {ROWS} 条", timeout=JOB_TIMEOUT_MS)
    finished = time.monotonic()
    worker.join()
    staff.shot("admin-import-job-done")
    assert AnnualFigures.objects.count() == ROWS
    print(
        f"\n{ROWS} figure rows: upload to job page {uploaded - started:.1f} s, "
        f"upload to preview page {previewed - started:.1f} s, "
        f"confirm to result page {finished - confirmed:.1f} s, upload to result {finished - started:.1f} s"
    )


def run_in_thread(job_id: int) -> None:
    """The worker's part: the task's code on a connection of its own, closed at the end."""
    try:
        run_job(job_id)
    finally:
        connections.close_all()
