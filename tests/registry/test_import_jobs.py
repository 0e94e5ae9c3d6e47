"""Issue 14 item 11: one import must not take down a web worker.

A file over ``IMPORT_MAX_ROWS`` is refused before anything is parsed into records; one over
``IMPORT_SYNC_MAX_ROWS`` becomes a background job (``registry.imports``) with a page in the admin.
These tests go through the admin's import view with the test client and call the Celery task's function
directly; ``tests/reliability/test_import_jobs.py`` runs the same job through a real worker on Redis.
"""

from __future__ import annotations

import io
import time
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
import tablib
from django.urls import reverse
from django.utils import timezone
from import_export.formats import base_formats

from registry.imports import STALE_AFTER, count_rows, requeue_stale_jobs
from registry.models import AnnualFigures, Firm, ImportJob
from registry.resources import AnnualFiguresResource
from registry.tasks import run_import_job
from tests.factories import UserFactory, district

from .import_files import (
    FIGURE_HEADERS,
    FIRM_HEADERS,
    figure_row,
    figure_rows,
    firm_row,
    make_firms,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

IMPORT_FIGURES = "/admin/registry/annualfigures/import/"
IMPORT_FIRMS = "/admin/registry/firm/import/"


@pytest.fixture(autouse=True)
def small_limits(settings, tmp_path):
    """Limits small enough for quick files; the stored files in a folder of the test's own."""
    settings.IMPORT_MAX_ROWS = 12
    settings.IMPORT_SYNC_MAX_ROWS = 4
    settings.MEDIA_ROOT = tmp_path / "media"


def job_page(job: ImportJob) -> str:
    return reverse("admin:registry_importjob_change", args=[job.pk])


def start(client, user, url, data, capture) -> ImportJob:
    """Upload through the admin as ``user``; the job is queued when the request's transaction commits."""
    client.force_login(user)
    with capture(execute=False) as callbacks:
        response = client.post(url, data)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_page(job)
    assert len(callbacks) == 1  # run_import_job.delay, after commit
    return job


def confirm(client, job: ImportJob, capture) -> None:
    """确认导入 on the job's page: the import is queued when the request's transaction commits."""
    with capture(execute=False) as callbacks:
        response = client.post(reverse("admin:registry_importjob_confirm", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == job_page(job)
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == "queued" and job.confirmed_at is not None


# --- the cap ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_file_over_the_cap_is_refused_with_the_limit_and_its_count(client, caseworker, fmt):
    client.force_login(caseworker)
    rows = [firm_row(i) for i in range(13)]
    response = client.post(IMPORT_FIRMS, upload(FIRM_HEADERS, rows, fmt))
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert errors == [
        "文件共有 13 行数据，超过每个文件最多 12 行的限制。请拆分为多个文件分别导入，本次未导入任何数据。"
    ]
    assert "13" in response.text and "12" in response.text
    assert "result" not in response.context  # no preview: nothing was parsed into records
    assert not Firm.objects.exists() and not ImportJob.objects.exists()


@pytest.mark.slow
def test_the_issues_100000_row_workbook_is_refused_in_the_request(client, caseworker, settings):
    """The reproduction: 100,000 rows through the admin used to parse every row in the web worker."""
    settings.IMPORT_MAX_ROWS = 20000
    client.force_login(caseworker)
    data = upload(FIRM_HEADERS, [firm_row(i) for i in range(100_000)], "xlsx")
    started = time.perf_counter()
    response = client.post(IMPORT_FIRMS, data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert "文件共有 100,000 行数据，超过每个文件最多 20,000 行的限制" in response.text
    assert elapsed < 30, elapsed  # about 2 s on a quiet machine (shared strings); it used to run past 60 s
    assert not Firm.objects.exists() and not ImportJob.objects.exists()


def _workbook(build) -> bytes:
    book = openpyxl.Workbook()
    build(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WORKBOOKS = {
    "rows in order": lambda s: [s.append([i, "x"]) for i in range(30)],
    "gaps between rows": lambda s: [s.cell(row=r, column=1, value=r) for r in (1, 2, 40, 41, 90)],
    "blank cells at the end": lambda s: [s.append([i]) for i in range(10)] + [s.cell(row=25, column=3)],
    "header only": lambda s: s.append(["credit_code", "name"]),
}


@pytest.mark.parametrize("build", WORKBOOKS.values(), ids=WORKBOOKS.keys())
def test_the_row_count_is_what_the_import_would_read(build):
    """The cheap count agrees with django-import-export's XLSX reader (the preview's and the job's), gaps
    filled in, and with tablib's."""
    data = _workbook(build)
    rows = count_rows(data, binary=True)
    assert rows == len(base_formats.XLSX().create_dataset(data))
    assert rows == len(tablib.Dataset().load(io.BytesIO(data), format="xlsx"))


@pytest.mark.parametrize(
    "text",
    ["a,b\n1,2\n3,4\n", "a,b\n\n1,2\n\n\n3,4", 'a,b\n"two\nlines",2\n5,6\n', "\ufeffa,b\r\n1,2\r\n", "a,b\n"],
    ids=["plain", "blank lines", "quoted newline", "BOM and CRLF", "header only"],
)
def test_the_csv_row_count_is_what_the_import_would_read(text):
    rows = count_rows(text.encode("utf-8"), binary=False)
    assert rows == len(base_formats.CSV().create_dataset(text.encode("utf-8").decode("utf-8-sig")))


def test_a_workbook_without_a_dimension_is_counted_from_its_rows():
    """openpyxl's write-only mode (and hand-made files) give no ``<dimension>``: the tags are scanned."""
    data = xlsx_bytes(FIRM_HEADERS, [firm_row(i) for i in range(2500)])
    assert openpyxl.load_workbook(io.BytesIO(data), read_only=True).active.max_row is None
    assert count_rows(data, binary=True) == 2500


def test_the_import_page_states_both_limits(client, caseworker):
    client.force_login(caseworker)
    page = client.get(IMPORT_FIGURES).text
    assert "每个文件最多 12 行数据；超过 4 行的文件将转为后台导入任务" in page


def test_a_sheet_that_inflates_beyond_the_scan_limit_is_refused(client, caseworker, monkeypatch):
    """A small ZIP can hold a huge sheet: the row scan stops at ``MAX_SHEET_BYTES`` of XML (256 MB; a
    smaller limit here) and refuses the file in words."""
    monkeypatch.setattr("registry.imports.MAX_SHEET_BYTES", 50_000)
    client.force_login(caseworker)
    response = client.post(IMPORT_FIRMS, upload(FIRM_HEADERS, [firm_row(i) for i in range(10)] * 100))
    assert response.context["form"].errors["import_file"] == [
        "工作表解压后过大，无法导入。请拆分文件后重新上传。"
    ]
    assert not Firm.objects.exists() and not ImportJob.objects.exists()


# --- small files: the preview as before ---------------------------------------------------------------


def test_a_file_within_the_sync_limit_keeps_the_preview(client, caseworker):
    client.force_login(caseworker)
    response = client.post(IMPORT_FIRMS, upload(FIRM_HEADERS, [firm_row(i) for i in range(4)]))
    assert response.status_code == 200 and "confirm_form" in response.context
    assert not ImportJob.objects.exists()


# --- large files: a job -------------------------------------------------------------------------------


def test_a_large_file_becomes_a_job_that_imports_it(client, caseworker, django_capture_on_commit_callbacks):
    firms = make_firms(3)
    job = start(
        client,
        caseworker,
        IMPORT_FIGURES,
        upload(FIGURE_HEADERS, figure_rows(firms, 9)),
        django_capture_on_commit_callbacks,
    )
    assert (job.status, job.kind, job.rows_total, job.user) == ("queued", "figures", 9, caseworker)
    stored = job.file.path
    assert "/imports/" in stored and job.file_name == "data.xlsx"
    page = client.get(job_page(job))
    assert page.status_code == 200 and 'http-equiv="refresh"' in page.text and "排队中" in page.text
    assert "正在校验全部数据" in page.text

    assert run_import_job(job.pk) == "awaiting"  # the dry run: counts and a sample, nothing written

    assert not AnnualFigures.objects.exists() and Path(stored).exists()
    page = client.get(job_page(job)).text
    assert 'http-equiv="refresh"' not in page and "待确认" in page
    assert "校验通过：确认后将新增 9 条、更新 0 条，0 条未变化。" in page
    assert 'id="job-changes"' in page and firms[0].credit_code in page
    assert "确认导入" in page and "取消" in page
    confirm(client, job, django_capture_on_commit_callbacks)

    assert run_import_job(job.pk) == "succeeded"

    job.refresh_from_db()
    assert (job.status, job.rows_processed, job.new_count, job.updated_count) == ("succeeded", 9, 9, 0)
    assert job.finished_at and not job.file
    assert not Path(stored).exists()  # the file goes when the job ends
    assert AnnualFigures.objects.count() == 9
    assert {h.history_user for h in AnnualFigures.history.all()} == {caseworker}  # as the user who started
    page = client.get(job_page(job))
    assert 'http-equiv="refresh"' not in page.text
    assert "导入完成：新增 9 条，更新 0 条，未变化 0 条。" in page.text
    assert 'value="9"' in page.text  # the progress bar, full


def test_a_delivered_twice_job_runs_once(client, caseworker, django_capture_on_commit_callbacks):
    firms = make_firms(2)
    job = start(
        client,
        caseworker,
        IMPORT_FIGURES,
        upload(FIGURE_HEADERS, figure_rows(firms, 6)),
        django_capture_on_commit_callbacks,
    )
    assert run_import_job(job.pk) == "awaiting"
    assert run_import_job(job.pk) is None  # a redelivered message finds it waiting: no import
    assert not AnnualFigures.objects.exists()
    confirm(client, job, django_capture_on_commit_callbacks)
    assert run_import_job(job.pk) == "succeeded"
    assert run_import_job(job.pk) is None  # a redelivered message finds it ended
    job.refresh_from_db()
    assert job.attempt == 2 and AnnualFigures.objects.count() == 6


def test_a_bad_row_fails_the_job_with_its_errors_and_imports_nothing(
    client, caseworker, django_capture_on_commit_callbacks
):
    firms = make_firms(3)
    rows = figure_rows(firms, 8)
    rows[5][FIGURE_HEADERS.index("rd_staff")] = 101  # more R&D staff than employees
    rows[6][FIGURE_HEADERS.index("operating_revenue")] = "很多"
    job = start(
        client, caseworker, IMPORT_FIGURES, upload(FIGURE_HEADERS, rows), django_capture_on_commit_callbacks
    )

    assert run_import_job(job.pk) == "failed"

    job.refresh_from_db()
    assert job.status == "failed" and job.error_count == 2 and not job.file
    assert {(e["row"], e["field"]) for e in job.errors} >= {(6, "rd_staff"), (7, "operating_revenue")}
    assert "有 2 行数据未通过校验，未导入任何数据" in job.detail
    assert not AnnualFigures.objects.exists()  # the six good rows too: all or nothing
    page = client.get(job_page(job)).text
    assert "很多" in page and 'id="job-errors"' in page
    assert str(AnnualFiguresResource.label_of("rd_staff")) in page  # the column as the file names it


def test_a_district_caseworkers_job_refuses_a_firm_of_another_district(
    client, django_capture_on_commit_callbacks
):
    yubei_worker = UserFactory(roles=["caseworker"], district=district("500112"), is_staff=True)
    own = make_firms(3, "500112")
    other = make_firms(1, "500105", start=500)
    rows = figure_rows(own, 6)
    rows.insert(2, figure_row(other[0], 2024))
    job = start(
        client, yubei_worker, IMPORT_FIGURES, upload(FIGURE_HEADERS, rows), django_capture_on_commit_callbacks
    )

    assert run_import_job(job.pk) == "failed"

    job.refresh_from_db()
    assert job.error_count == 1 and (job.errors[0]["row"], job.errors[0]["field"]) == (3, "district")
    assert job.errors[0]["messages"] == ["您无权导入其他区县企业的数据。"]
    assert not AnnualFigures.objects.exists()


def test_a_job_of_firms_with_a_duplicate_code_names_the_earlier_row(
    client, caseworker, django_capture_on_commit_callbacks
):
    rows = [firm_row(i) for i in range(6)]
    rows.append(list(rows[1]))
    job = start(
        client,
        caseworker,
        IMPORT_FIRMS,
        upload(FIRM_HEADERS, rows, "csv"),
        django_capture_on_commit_callbacks,
    )
    assert run_import_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.kind == "firms" and [e["row"] for e in job.errors] == [7]
    assert "与第 2 行重复" in job.errors[0]["messages"][0]
    assert not Firm.objects.exists()


# --- who sees a job -----------------------------------------------------------------------------------


def test_only_the_owner_and_programme_admins_see_a_job(
    client, caseworker, superuser, django_capture_on_commit_callbacks
):
    firms = make_firms(2)
    job = start(
        client,
        caseworker,
        IMPORT_FIGURES,
        upload(FIGURE_HEADERS, figure_rows(firms, 5)),
        django_capture_on_commit_callbacks,
    )
    other = UserFactory(username="other-city-cw", roles=["caseworker"], is_staff=True)
    expert = UserFactory(username="expert", roles=["reviewer"], is_staff=True)
    answers = {}
    for who in (caseworker, superuser, other, expert):
        client.force_login(who)
        answers[who.username] = (
            client.get(job_page(job)).status_code,
            job.file_name in client.get(reverse("admin:registry_importjob_changelist")).text,
        )
    assert answers == {
        "city-caseworker": (200, True),
        "programme-admin": (200, True),
        "other-city-cw": (404, False),
        "expert": (403, False),  # experts never import: no job list at all (a 403 page)
    }


def test_a_duplicate_message_leaves_a_live_attempt_alone_and_a_dead_one_is_run_again(
    client, caseworker, django_capture_on_commit_callbacks
):
    """A job ``running`` with recent progress belongs to a live worker; one silent for ``STALE_AFTER``
    lost its worker (its transaction rolled back): the sweep queues it again and it runs as a new attempt."""
    firms = make_firms(2)
    job = start(
        client,
        caseworker,
        IMPORT_FIGURES,
        upload(FIGURE_HEADERS, figure_rows(firms, 6)),
        django_capture_on_commit_callbacks,
    )
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status="running", attempt=1, heartbeat_at=now)
    assert run_import_job(job.pk) is None  # the duplicate message of a live attempt
    assert requeue_stale_jobs() == 0

    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=now - STALE_AFTER - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=False):
        assert requeue_stale_jobs() == 1
    assert run_import_job(job.pk) == "awaiting"
    job.refresh_from_db()
    assert job.attempt == 2 and not AnnualFigures.objects.exists()
    confirm(client, job, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        assert requeue_stale_jobs() == 0  # just confirmed: its message is on its way
    assert run_import_job(job.pk) == "succeeded"
    assert AnnualFigures.objects.count() == 6


def test_a_job_whose_message_was_lost_is_queued_again(client, caseworker, django_capture_on_commit_callbacks):
    firms = make_firms(2)
    job = start(
        client,
        caseworker,
        IMPORT_FIGURES,
        upload(FIGURE_HEADERS, figure_rows(firms, 5)),
        django_capture_on_commit_callbacks,
    )
    assert requeue_stale_jobs() == 0  # just submitted: its message is on its way
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - STALE_AFTER - timedelta(seconds=1))
    assert requeue_stale_jobs() == 1


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "99999999999999999999", "1.5"])
def test_a_malformed_job_id_is_404_not_500(client, caseworker, bad):
    client.force_login(caseworker)
    assert client.get(f"/admin/registry/importjob/{bad}/change/").status_code == 404
    assert client.get(f"/admin/registry/importjob/{bad}/history/").status_code == 404


# --- the preview of a large file -------------------------------------------------------------------------


def test_a_cancelled_preview_imports_nothing_and_deletes_the_file(
    client, caseworker, django_capture_on_commit_callbacks
):
    firms = make_firms(2)
    job = start(
        client,
        caseworker,
        IMPORT_FIGURES,
        upload(FIGURE_HEADERS, figure_rows(firms, 6)),
        django_capture_on_commit_callbacks,
    )
    assert run_import_job(job.pk) == "awaiting"
    stored = ImportJob.objects.get(pk=job.pk).file.path

    response = client.post(reverse("admin:registry_importjob_cancel", args=[job.pk]), follow=True)

    job.refresh_from_db()
    assert (job.status, job.finished_at is not None, bool(job.file)) == ("cancelled", True, False)
    assert not Path(stored).exists() and not AnnualFigures.objects.exists()
    assert "已取消导入，未导入任何数据。" in response.text
    response = client.post(reverse("admin:registry_importjob_confirm", args=[job.pk]), follow=True)
    assert "该导入任务当前不在待确认状态" in response.text  # too late to confirm
    assert run_import_job(job.pk) is None and not AnnualFigures.objects.exists()


def test_only_the_owner_confirms_and_only_by_post(client, caseworker, django_capture_on_commit_callbacks):
    firms = make_firms(2)
    job = start(
        client,
        caseworker,
        IMPORT_FIGURES,
        upload(FIGURE_HEADERS, figure_rows(firms, 6)),
        django_capture_on_commit_callbacks,
    )
    run_import_job(job.pk)
    url = reverse("admin:registry_importjob_confirm", args=[job.pk])
    assert client.get(url).status_code == 405
    other = UserFactory(username="other-caseworker", roles=["caseworker"], is_staff=True)
    client.force_login(other)
    assert client.post(url).status_code == 404
    job.refresh_from_db()
    assert job.status == "awaiting" and job.confirmed_at is None


def test_a_preview_nobody_confirms_is_cancelled_after_a_week(
    client, caseworker, django_capture_on_commit_callbacks
):
    firms = make_firms(2)
    job = start(
        client,
        caseworker,
        IMPORT_FIGURES,
        upload(FIGURE_HEADERS, figure_rows(firms, 6)),
        django_capture_on_commit_callbacks,
    )
    assert run_import_job(job.pk) == "awaiting"
    stored = ImportJob.objects.get(pk=job.pk).file.path
    assert requeue_stale_jobs() == 0 and ImportJob.objects.get(pk=job.pk).status == "awaiting"

    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(days=7, minutes=1))
    requeue_stale_jobs()

    job.refresh_from_db()
    assert job.status == "cancelled" and "7 天内未确认，已自动取消" in job.detail
    assert not Path(stored).exists() and not AnnualFigures.objects.exists()
