"""Two large imports of the same new firms at once (issue 14 item 11), on PostgreSQL with real threads.

Each job is one transaction: the second blocks on the first's uncommitted keys, then meets them. It must
end ``failed`` with a plain message for the row the database refused -- not the database's English, not a
500 -- and nothing may be imported twice.
"""

from __future__ import annotations

import pytest

from registry.imports import run_job, start_job
from registry.models import Firm, ImportJob
from tests.concurrency import race

from .import_files import FIRM_HEADERS, csv_bytes, firm_row

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_jobs_importing_the_same_firms_at_once_import_them_once(caseworker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = csv_bytes(FIRM_HEADERS, [firm_row(i) for i in range(60)])
    jobs = [
        start_job(user=caseworker, kind="firms", data=data, file_name=f"{n}.csv", binary=False, rows=60)
        for n in "ab"
    ]
    race(*(lambda job=job: run_job(job.pk) for job in jobs), timeout=120)

    statuses = sorted(ImportJob.objects.values_list("status", flat=True))
    assert Firm.objects.count() == 60
    if statuses == ["failed", "succeeded"]:  # they overlapped: the second met the first's keys
        failed = ImportJob.objects.get(status="failed")
        messages = [m for error in failed.errors for m in error["messages"]]
        assert messages and all("duplicate key" not in m for m in messages), messages
        assert any("数据库拒绝了这一行" in m for m in messages), messages
    else:  # one finished before the other began: the second found every firm unchanged
        assert statuses == ["succeeded", "succeeded"]
        assert sorted(ImportJob.objects.values_list("skipped_count", flat=True)) == [0, 60]
