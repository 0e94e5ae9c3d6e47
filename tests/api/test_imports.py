"""Imports as jobs through the API (issue 19): ``POST /api/imports/`` and ``GET /api/imports/{id}/``.

The upload goes through the API with the test client; the job is queued when the request's transaction
commits, and here Celery runs it eagerly when the captured commit callbacks run (as
``tests/registry/test_import_jobs.py`` runs the admin's jobs; ``tests/reliability/test_import_jobs.py``
runs one API job through a real worker). Whatever the file's size the API answers 202 with the job.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from registry.models import AnnualFigures, Firm, ImportJob
from registry.tasks import run_import_job
from tests.factories import UserFactory, district
from tests.registry.import_files import (
    FIGURE_HEADERS,
    FIRM_HEADERS,
    csv_bytes,
    figure_row,
    figure_rows,
    firm_row,
    make_firms,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

IMPORTS = "/api/imports/"


@pytest.fixture(autouse=True)
def small_limits(settings, tmp_path):
    """A small cap for quick files (the API runs a job below the admin's sync limit too); stored files
    in a folder of the test's own."""
    settings.IMPORT_MAX_ROWS = 12
    settings.IMPORT_SYNC_MAX_ROWS = 4
    settings.MEDIA_ROOT = tmp_path / "media"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def file_of(headers: list, rows: list[list], fmt: str, name: str = "data") -> SimpleUploadedFile:
    data = xlsx_bytes(headers, rows) if fmt == "xlsx" else csv_bytes(headers, rows)
    return SimpleUploadedFile(f"{name}.{fmt}", data)


def post(user, kind: str, upload: SimpleUploadedFile):
    return api(user).post(IMPORTS, {"kind": kind, "file": upload}, format="multipart")


def import_through_the_api(user, kind: str, upload, capture) -> dict:
    """Upload, check the 202, then let the commit callbacks queue the job (run at once, eagerly)."""
    with capture(execute=True) as callbacks:
        response = post(user, kind, upload)
        assert response.status_code == 202, response.json()
        queued = response.json()
        assert response["Location"] == queued["url"] == f"http://testserver{IMPORTS}{queued['id']}/"
        assert type(response.headers["Location"]) is str  # what a WSGI server accepts
        assert (queued["status"], queued["finished"], queued["kind"]) == ("queued", False, kind)
    assert len(callbacks) == 1  # run_import_job.delay, after commit
    answer = api(user).get(queued["url"])
    assert answer.status_code == 200
    return answer.json()


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


# --- end to end -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_of_firms_is_imported_as_a_job(
    caseworker, fmt, celery_eager, django_capture_on_commit_callbacks
):
    rows = [firm_row(i) for i in range(3)]  # three rows: the admin would preview them, the API runs a job

    job = import_through_the_api(
        caseworker, "firms", file_of(FIRM_HEADERS, rows, fmt), django_capture_on_commit_callbacks
    )

    assert job["status"] == "succeeded" and job["finished"] and job["file_format"] == fmt
    assert job["progress"] == {"processed": 3, "total": 3, "percent": 100}
    assert job["counts"] == {"new": 3, "updated": 0, "skipped": 0, "refused": 0}
    assert job["errors"] == [] and job["user"] == caseworker.username and job["file_name"] == f"data.{fmt}"
    assert sorted(Firm.objects.values_list("credit_code", flat=True)) == sorted(row[0] for row in rows)
    assert {h.history_user for h in Firm.history.all()} == {caseworker}  # as the user who uploaded


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_of_figures_is_imported_as_a_job(
    caseworker, fmt, celery_eager, django_capture_on_commit_callbacks, settings
):
    firms = make_firms(3)
    upload = file_of(FIGURE_HEADERS, figure_rows(firms, 9), fmt)

    job = import_through_the_api(caseworker, "figures", upload, django_capture_on_commit_callbacks)

    assert (job["status"], job["kind_label"], job["counts"]["new"]) == ("succeeded", "年度数据", 9)
    assert AnnualFigures.objects.count() == 9
    assert stored_files(settings) == []  # the file goes when the job ends

    again = import_through_the_api(
        caseworker, "figures", file_of(FIGURE_HEADERS, figure_rows(firms, 9), fmt),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert again["counts"] == {"new": 0, "updated": 0, "skipped": 9, "refused": 0}


def test_a_bad_row_fails_the_job_lists_its_errors_and_imports_nothing(
    caseworker, celery_eager, django_capture_on_commit_callbacks
):
    firms = make_firms(3)
    rows = figure_rows(firms, 8)
    rows[5][FIGURE_HEADERS.index("rd_staff")] = 101  # more R&D staff than employees
    rows[6][FIGURE_HEADERS.index("operating_revenue")] = "很多"

    job = import_through_the_api(
        caseworker, "figures", file_of(FIGURE_HEADERS, rows, "csv"), django_capture_on_commit_callbacks
    )

    assert job["status"] == "failed" and job["finished"]
    assert job["counts"] == {"new": 0, "updated": 0, "skipped": 0, "refused": 2}
    assert {(e["row"], e["field"]) for e in job["errors"]} >= {(6, "rd_staff"), (7, "operating_revenue")}
    assert all(e["messages"] and all(isinstance(m, str) for m in e["messages"]) for e in job["errors"])
    assert "有 2 行数据未通过校验，未导入任何数据" in job["detail"]
    assert not AnnualFigures.objects.exists()  # the six good rows too: all or nothing


def test_a_district_caseworkers_job_refuses_a_firm_of_another_district(
    celery_eager, django_capture_on_commit_callbacks
):
    yubei_worker = UserFactory(roles=["caseworker"], district=district("500112"))
    rows = [firm_row(0), firm_row(1), firm_row(2, "500105"), firm_row(3)]

    job = import_through_the_api(
        yubei_worker, "firms", file_of(FIRM_HEADERS, rows, "xlsx"), django_capture_on_commit_callbacks
    )

    assert job["status"] == "failed" and job["counts"]["refused"] == 1
    assert job["errors"] == [{"row": 3, "field": "district", "messages": ["您无权导入其他区县企业的数据。"]}]
    assert not Firm.objects.exists()


def test_a_job_delivered_twice_runs_once(caseworker, django_capture_on_commit_callbacks):
    firms = make_firms(2)
    with django_capture_on_commit_callbacks(execute=False):
        response = post(caseworker, "figures", file_of(FIGURE_HEADERS, figure_rows(firms, 6), "csv"))
    job_id = response.json()["id"]
    assert run_import_job(job_id) == "succeeded"
    assert run_import_job(job_id) is None  # the redelivered message finds it ended
    job = api(caseworker).get(response["Location"]).json()
    assert job["counts"]["new"] == 6 and ImportJob.objects.get(pk=job_id).attempt == 1
    assert AnnualFigures.objects.count() == 6


# --- refused uploads: a 400 in the API's shape, nothing stored ------------------------------------------

FIRMS_CSV = csv_bytes(FIRM_HEADERS, [firm_row(0)])
REFUSALS = {
    "unknown kind": ("designations", SimpleUploadedFile("firms.csv", FIRMS_CSV), "kind", None),
    "not csv or xlsx by name": (
        "firms", SimpleUploadedFile("firms.txt", FIRMS_CSV), "file",
        "只能导入 CSV 或 XLSX 文件（文件名以 .csv 或 .xlsx 结尾）。",
    ),
    "xlsx by name, csv inside": (
        "firms", SimpleUploadedFile("firms.xlsx", FIRMS_CSV), "file",
        "所选格式为 Excel 工作簿（xlsx），但文件内容不是 xlsx 文件。请检查文件或改选 CSV 格式。",
    ),
    "csv by name, GBK inside": (
        "firms", SimpleUploadedFile("firms.csv", "名称\n重庆\n".encode("gbk")), "file",
        "文件不是 UTF-8 编码（可能是 GBK）。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新上传。",
    ),
    "csv by name, a PDF inside": (
        "firms", SimpleUploadedFile("firms.csv", b"%PDF-1.4\n%\n"), "file",
        "文件内容不是文本表格（CSV），可能是其他类型的文件。请上传 CSV 或 XLSX 文件。",
    ),
    "no bytes": ("firms", SimpleUploadedFile("firms.csv", b""), "file", None),
    "header only": (
        "firms", SimpleUploadedFile("firms.csv", csv_bytes(FIRM_HEADERS, [])), "file",
        "文件中没有数据行（第一行是表头），本次未导入任何数据。",
    ),
    "over the cap": (
        "firms", file_of(FIRM_HEADERS, [firm_row(i) for i in range(13)], "xlsx"), "file",
        "文件共有 13 行数据，超过每个文件最多 12 行的限制。请拆分为多个文件分别导入，本次未导入任何数据。",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("kind", "upload", "field", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_upload_is_a_400_and_stores_nothing(caseworker, settings, kind, upload, field, message):
    upload.seek(0)
    response = post(caseworker, kind, upload)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "fields"} and list(body["fields"]) == [field]
    if message:
        assert body["fields"][field] == [message]
    assert not ImportJob.objects.exists() and stored_files(settings) == []


def test_a_json_body_is_refused_uploads_are_multipart(caseworker):
    response = api(caseworker).post(IMPORTS, {"kind": "firms", "file": "a,b\n1,2\n"}, format="json")
    assert response.status_code == 415 and set(response.json()) == {"detail", "fields"}
    assert not ImportJob.objects.exists()


# --- who imports, who sees a job ------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [["reviewer"], ["firm"]])
def test_those_who_do_not_edit_the_register_neither_import_nor_list(roles, firm):
    user = UserFactory(roles=roles, firm=firm if roles == ["firm"] else None)
    assert post(user, "firms", SimpleUploadedFile("firms.csv", FIRMS_CSV)).status_code == 403
    assert api(user).get(IMPORTS).status_code == 403
    assert not ImportJob.objects.exists()


def test_a_job_is_its_owners_and_the_programme_admins(
    caseworker, superuser, django_capture_on_commit_callbacks
):
    firms = make_firms(1)
    with django_capture_on_commit_callbacks(execute=False):
        mine = post(
            caseworker, "figures", file_of(FIGURE_HEADERS, [figure_row(firms[0], 2024)], "csv")
        ).json()
    colleague = UserFactory(username="other-city-cw", roles=["caseworker"])
    with django_capture_on_commit_callbacks(execute=False):
        theirs = post(colleague, "firms", SimpleUploadedFile("firms.csv", FIRMS_CSV)).json()

    def listed(user) -> list[int]:
        return [job["id"] for job in api(user).get(IMPORTS).json()["results"]]

    assert listed(caseworker) == [mine["id"]] and listed(colleague) == [theirs["id"]]
    assert listed(superuser) == [theirs["id"], mine["id"]]  # newest first
    assert api(colleague).get(mine["url"]).status_code == 404
    assert api(caseworker).get(f"{IMPORTS}{theirs['id']}/").status_code == 404
    assert api(superuser).get(mine["url"]).json()["user"] == caseworker.username


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "99999999999999999999", "1.5"])
def test_a_malformed_job_id_is_404_not_500(caseworker, bad):
    response = api(caseworker).get(f"{IMPORTS}{bad}/")
    assert response.status_code == 404 and set(response.json()) == {"detail", "fields"}


# --- a preview first ------------------------------------------------------------------------------------


def test_a_previewed_job_waits_with_its_sample_and_imports_once_confirmed(
    caseworker, settings, celery_eager, django_capture_on_commit_callbacks
):
    firms = make_firms(3)
    upload = file_of(FIGURE_HEADERS, figure_rows(firms, 6), "csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(caseworker).post(IMPORTS, {"kind": "figures", "file": upload, "preview": "true"})
    assert response.status_code == 202
    job = api(caseworker).get(response["Location"]).json()
    assert (job["status"], job["awaiting_confirmation"], job["finished"]) == ("awaiting", True, False)
    assert job["counts"] == {"new": 6, "updated": 0, "skipped": 0, "refused": 0}
    assert job["changes"][0]["action"] == "new" and job["changes"][0]["row"] == 1
    assert {"column": "企业统一社会信用代码", "old": "", "new": firms[0].credit_code} in job["changes"][0][
        "changes"
    ]
    assert not AnnualFigures.objects.exists() and stored_files(settings)

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = api(caseworker).post(f"{job['url']}confirm/")
    assert confirmed.status_code == 202 and confirmed.json()["confirmed_at"]
    done = api(caseworker).get(job["url"]).json()
    assert (done["status"], done["counts"]["new"]) == ("succeeded", 6)
    assert AnnualFigures.objects.count() == 6 and not stored_files(settings)
    again = api(caseworker).post(f"{job['url']}confirm/")
    assert again.status_code == 409 and "不在待确认状态" in again.json()["detail"]


def test_a_previewed_job_can_be_cancelled_by_its_owner_only(
    caseworker, settings, celery_eager, django_capture_on_commit_callbacks
):
    firms = make_firms(2)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(caseworker).post(
            IMPORTS,
            {
                "kind": "figures",
                "file": file_of(FIGURE_HEADERS, figure_rows(firms, 4), "xlsx"),
                "preview": True,
            },
        )
    url = response["Location"]
    other = UserFactory(username="other-caseworker", roles=["caseworker"], is_staff=True)
    assert api(other).post(f"{url}cancel/").status_code == 404

    cancelled = api(caseworker).post(f"{url}cancel/")

    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["finished"]) == ("cancelled", True)
    assert not AnnualFigures.objects.exists() and not stored_files(settings)
