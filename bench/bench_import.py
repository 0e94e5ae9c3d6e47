"""Time and peak memory of a large annual-figures import as a background job (issue 14 item 11).

Run against a migrated database of its own (it truncates the figures tables between cases)::

    createdb -h 127.0.0.1 -U postgres tiermark_bench_import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiermark_bench_import DJANGO_DEBUG=true \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiermark_bench_import \\
        .venv/bin/python bench/bench_import.py [--rows 20000] [--baseline-rows 1000]

Each case runs in a fresh Python process, so its peak RSS (``ru_maxrss``) is its own:

* ``sync`` (the baseline; measured first and last, the ratios are against the mean): the admin's
  synchronous path as a caseworker uses it for a small file -- the upload with its dry-run preview, then
  the confirmation that imports -- on ``--baseline-rows`` rows;
* ``job``: the upload of ``--rows`` rows (which creates the job), ``registry.imports.run_job`` in the
  process as the Celery worker runs it (the dry run: the preview), 确认导入 on the job's page and
  ``run_job`` again (the import); the same on ``--baseline-rows`` rows for the per-row cost.

The table gives the time to the preview (the page that shows what would change), the time to the
imported rows (preview included), milliseconds per row, the peak RSS and its growth over the process after
Django and the file were loaded, and each case's cost per row against the baseline's in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")  # in-process: the development profile (query log off below)

YEARS = 10  # figures rows per firm: 2016-2025


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django() -> None:
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log growing with the import
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's response.context, for the confirmation form


def prepare(rows: int) -> list:
    """Empty figures tables and enough firms for ``rows`` figures rows (10 years each)."""
    from django.db import connection

    from registry.credit_code import make_code
    from registry.models import District, Firm

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE registry_annualfigures, registry_historicalannualfigures, registry_importjob,"
            " cultivation_firmchange RESTART IDENTITY CASCADE"
        )
    needed = -(-rows // YEARS)
    present = Firm.objects.filter(name__startswith="导入基准企业").count()
    if present < needed:
        yubei = District.objects.get(code="500112")
        Firm.objects.bulk_create(
            Firm(
                credit_code=make_code(f"91500112{700000000 + i:09d}"),
                name=f"导入基准企业{i}",
                district=yubei,
                founded_on=datetime.date(2010, 1, 1),
            )
            for i in range(present, needed)
        )
    return list(Firm.objects.filter(name__startswith="导入基准企业").order_by("pk")[:needed])


def figures_file(firms: list, rows: int) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["firm", "year", "operating_revenue", "main_business_revenue", "rd_expense", "net_profit",
                  "total_assets", "total_liabilities", "employees", "rd_staff"])  # fmt: skip
    for i in range(rows):
        firm, year = firms[i % len(firms)], 2016 + i // len(firms)
        sheet.append([firm.credit_code, year, 5000 + i % 97, 4500, 300, 400, 6000, 2000, 100, 20])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def caseworker():
    from django.contrib.auth.models import Group

    from registry.models import User

    user, _ = User.objects.get_or_create(username="bench-import-caseworker", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="caseworker"))
    return user


def post_file(client, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("figures.xlsx", data)
    return client.post(
        "/admin/registry/annualfigures/import/", {"resource": "0", "format": "1", "import_file": upload}
    )


def run_case(case: str, rows: int) -> dict:
    """One measurement, in this (fresh) process."""
    setup_django()
    from django.conf import settings
    from django.test import Client

    from registry import imports
    from registry.models import AnnualFigures, ImportJob

    firms = prepare(rows)
    data = figures_file(firms, rows)
    client = Client()
    client.force_login(caseworker())
    settings.IMPORT_SYNC_MAX_ROWS = rows if case == "sync" else 0
    imports.queue = lambda job_id: None  # no broker: this process is the worker
    before = peak_mb()
    started = time.perf_counter()
    response = post_file(client, data)
    if case == "sync":
        assert response.status_code == 200 and "confirm_form" in response.context, response.status_code
        preview = time.perf_counter() - started
        confirm = client.post(
            "/admin/registry/annualfigures/process_import/", response.context["confirm_form"].initial
        )
        assert confirm.status_code == 302, confirm.status_code
    else:
        assert response.status_code == 302, response.status_code
        job = imports.run_job(ImportJob.objects.get().pk)  # the dry run: counts and a sample
        assert job.status == "awaiting", (job.detail, job.errors[:3])
        preview = time.perf_counter() - started
        confirmed = client.post(f"/admin/registry/importjob/{job.pk}/confirm/")
        assert confirmed.status_code == 302, confirmed.status_code
        job = imports.run_job(job.pk)
        assert job.status == "succeeded", (job.detail, job.errors[:3])
    seconds = time.perf_counter() - started
    assert AnnualFigures.objects.count() == rows
    return {
        "case": case,
        "rows": rows,
        "seconds": seconds,
        "preview": preview,
        "peak_mb": peak_mb(),
        "before_mb": before,
    }


def measure(case: str, rows: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--case", case, "--rows", str(rows)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20000, help="rows of the large job (default 20000)")
    parser.add_argument("--baseline-rows", type=int, default=1000, help="rows of the baseline (default 1000)")
    parser.add_argument("--case", choices=["sync", "job"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.rows)))
        return
    results = [
        measure("sync", args.baseline_rows),
        measure("job", args.baseline_rows),
        measure("job", args.rows),
        measure("sync", args.baseline_rows),  # again: the machine's load may drift during the long case
    ]
    syncs = [r["seconds"] / r["rows"] for r in results if r["case"] == "sync"]
    base = sum(syncs) / len(syncs)
    print(
        f"{'path':<34}{'rows':>8}{'preview s':>10}{'time s':>9}{'ms/row':>9}{'peak MB':>9}{'+MB':>7}"
        f"{'vs sync/row':>13}"
    )
    labels = {"sync": "admin preview + confirm (baseline)", "job": "job: preview + confirm (run_job)"}
    for r in results:
        per_row = r["seconds"] / r["rows"]
        grown = r["peak_mb"] - r["before_mb"]
        print(
            f"{labels[r['case']]:<34}{r['rows']:>8,}{r['preview']:>10.1f}{r['seconds']:>9.1f}"
            f"{per_row * 1000:>9.2f}{r['peak_mb']:>9.0f}{grown:>7.0f}{per_row / base:>12.2f}x"
        )


if __name__ == "__main__":
    main()
