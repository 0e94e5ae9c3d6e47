"""Large admin imports: the row count that decides how a file is imported, and the background job.

A file's data rows are counted before anything is parsed into records (``count_rows``): CSV through the
same ``csv`` reader tablib uses, XLSX from the sheet's stated dimension or by scanning its XML for row
tags, so a 100,000-row workbook is refused in about a second instead of being turned into 100,000
model instances in the web worker. Then:

* more than ``settings.IMPORT_MAX_ROWS`` -- refused by the import form, nothing stored;
* more than ``settings.IMPORT_SYNC_MAX_ROWS`` -- ``start_job`` stores the file under
  ``MEDIA_ROOT/imports/`` and queues ``run_import_job`` (below); the admin shows the job's page;
* otherwise the synchronous preview/confirm of django-import-export, as before.

``run_job`` imports with the same resources (``registry.resources``) as the preview, as the user who
started it (their district scope, their name in the history): one transaction, all or nothing, every
refused row listed with its field and reasons. A job started with ``preview`` (the admin's) runs twice:
first as a dry run that ends ``awaiting`` with the counts and the first ``SAMPLE_ROWS`` changed rows
(or ``failed`` with the refused rows), then, once its owner confirms (``confirm_job``), as the import;
``cancel_job`` drops it. Progress goes to the job row every ``PROGRESS_EVERY``
rows over a second database connection, in its own short transaction, so the page can show it while
the import's transaction is still open (PostgreSQL; on SQLite the page shows the result at the end).
The file is deleted when the job ends (a preview waiting for its confirmation keeps it): the job keeps
the counts and the errors, the user keeps the file.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
from collections.abc import Callable

import openpyxl
from celery import shared_task
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
    transaction,
)
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from import_export.resources import Diff
from import_export.results import Result
from tablib import Dataset

from .models import ImportJob
from .resources import AnnualFiguresResource, FirmResource
from .roles import can_edit_register

log = logging.getLogger(__name__)

PROGRESS_EVERY = 200  # rows between two progress writes (a few seconds apart)
STALE_AFTER = datetime.timedelta(minutes=10)  # no progress for this long: the attempt's worker is gone
WAITING_KEPT = datetime.timedelta(days=7)  # a preview nobody confirmed is cancelled after this long
MAX_ERRORS_KEPT = 500  # refused rows listed on the job page (the count says how many there were)
SAMPLE_ROWS = 20  # changed rows shown by a preview (the counts say how many there are)
MAX_SHEET_BYTES = 256 << 20  # uncompressed worksheet XML scanned for rows: beyond it, a ZIP bomb
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])([^>]*)>")
ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']\s*(\d+)""")


class UnreadableFile(ValueError):
    """The file cannot be read as the chosen format; the message says so in words."""


# --- counting rows -----------------------------------------------------------------------------------


def count_rows(data: bytes, binary: bool) -> int:
    """The data rows (after the header row) tablib would produce from ``data``, without parsing cells."""
    return xlsx_rows(data) if binary else csv_rows(data)


def csv_rows(data: bytes) -> int:
    """Rows after the first, blank lines not counted (as ``tablib.formats._csv.import_set``)."""
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        return sum(1 for index, row in enumerate(reader) if index and row)
    except (UnicodeDecodeError, csv.Error) as error:
        raise UnreadableFile(_("文件无法按 CSV 读取，请检查文件格式。")) from error


def xlsx_rows(data: bytes) -> int:
    """Rows of the active sheet after the first, as openpyxl's read-only reader will yield them: up to
    the sheet's stated dimension when it has one (missing rows are filled in, rows beyond it dropped),
    otherwise up to the last row element (numbered by its ``r`` attribute, or one past the previous)."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableFile(_("无法读取该 Excel 工作簿（xlsx），请检查文件是否损坏。")) from error
    try:
        sheet = book.active
        if sheet is None:
            return 0
        last = sheet.max_row if sheet.max_row is not None else _last_row_number(book, sheet)
    except UnreadableFile:
        raise
    except Exception as error:
        raise UnreadableFile(_("无法读取该 Excel 工作簿（xlsx），请检查文件是否损坏。")) from error
    finally:
        book.close()
    return max(last - 1, 0)


def _last_row_number(book, sheet) -> int:
    """Scan the sheet's XML for row tags, a megabyte at a time, without building cells."""
    last = current = scanned = 0
    carry = b""
    with book._archive.open(sheet._worksheet_path) as stream:
        while chunk := stream.read(1 << 20):
            scanned += len(chunk)
            if scanned > MAX_SHEET_BYTES:
                raise UnreadableFile(_("工作表解压后过大，无法导入。请拆分文件后重新上传。"))
            buffer, end = carry + chunk, 0
            for match in ROW_TAG.finditer(buffer):
                number = ROW_NUMBER.search(match.group(1))
                current = int(number.group(1)) if number else current + 1
                last, end = max(last, current), match.end()
            cut = buffer.rfind(b"<", end)
            carry = buffer[cut:] if cut != -1 else b""  # a tag cut by the chunk boundary
    return last


def row_limit_error(rows: int) -> str | None:
    """The refusal for a file with ``rows`` data rows, or None when it may be imported."""
    limit = settings.IMPORT_MAX_ROWS
    if rows <= limit:
        return None
    return _(
        "文件共有 %(rows)s 行数据，超过每个文件最多 %(limit)s 行的限制。"
        "请拆分为多个文件分别导入，本次未导入任何数据。"
    ) % {"rows": f"{rows:,}", "limit": f"{limit:,}"}


def runs_as_job(rows: int) -> bool:
    return rows > settings.IMPORT_SYNC_MAX_ROWS


# --- starting a job ----------------------------------------------------------------------------------

RESOURCES = {ImportJob.Kind.FIRMS: FirmResource, ImportJob.Kind.FIGURES: AnnualFiguresResource}


def kind_of(resource_class) -> str:
    """The job kind of an admin's resource class."""
    for kind, known in RESOURCES.items():
        if issubclass(resource_class, known):
            return kind
    raise ValueError(f"no import job kind for {resource_class!r}")


def start_job(
    *, user, kind: str, data: bytes, file_name: str, binary: bool, rows: int, preview: bool = False
) -> ImportJob:
    """Store the file privately, record the job and queue it once the job row is committed.

    With ``preview`` the worker first runs the import as a dry run and the job waits (``awaiting``)
    with its counts and a sample of the changes until ``confirm_job`` (or ``cancel_job``)."""
    if not can_edit_register(user):
        raise PermissionError("only caseworkers and programme admins import")
    with transaction.atomic():
        job = ImportJob(
            user=user,
            kind=kind,
            file_name=file_name[:255],
            file_format="xlsx" if binary else "csv",
            rows_total=rows,
            confirmed_at=None if preview else timezone.now(),
        )
        job.file.save("upload", ContentFile(data), save=False)
        job.save()
        transaction.on_commit(lambda: queue(job.pk))
    return job


def queue(job_id: int) -> None:
    """Send the job to a worker; with the broker down it stays queued (the page says so) and
    ``requeue_stale_jobs`` sends it again."""
    try:
        run_import_job.delay(job_id)
    except Exception:
        log.warning("could not queue import job %s", job_id, exc_info=True)


def requeue_stale_jobs() -> int:
    """Queue again the jobs still queued ``STALE_AFTER`` after they were submitted (a message lost with
    the broker) and the running ones whose progress stopped that long ago (a worker lost mid-import)."""
    cutoff = timezone.now() - STALE_AFTER
    waited = Q(confirmed_at__lt=cutoff) | Q(confirmed_at=None, created_at__lt=cutoff)
    queued = Q(status=ImportJob.Status.QUEUED) & waited
    dead = Q(status=ImportJob.Status.RUNNING, heartbeat_at__lt=cutoff)
    ids = list(ImportJob.objects.filter(queued | dead).values_list("pk", flat=True))
    for job_id in ids:
        queue(job_id)
    expire_waiting_jobs()
    return len(ids)


def expire_waiting_jobs() -> int:
    """Cancel the previews nobody confirmed within ``WAITING_KEPT`` (their stored files deleted)."""
    cutoff = timezone.now() - WAITING_KEPT
    detail = _("预览后 %(days)d 天内未确认，已自动取消，未导入任何数据。") % {"days": WAITING_KEPT.days}
    waiting = ImportJob.objects.filter(status=ImportJob.Status.AWAITING, heartbeat_at__lt=cutoff)
    return sum(_cancel(job_id, detail) is not None for job_id in waiting.values_list("pk", flat=True))


@transaction.atomic
def confirm_job(job_id: int, user) -> ImportJob | None:
    """Import a previewed job's file (its owner's 确认导入): queued again, now to write the rows.
    None unless the job is ``user``'s and waiting for them."""
    job = _waiting_job(job_id, user)
    if job is None:
        return None
    job.status, job.confirmed_at, job.rows_processed = ImportJob.Status.QUEUED, timezone.now(), 0
    job.save(update_fields=["status", "confirmed_at", "rows_processed"])
    transaction.on_commit(lambda: queue(job.pk))
    return job


def cancel_job(job_id: int, user) -> ImportJob | None:
    """Drop a previewed job (its owner's 取消): nothing imported, the stored file deleted."""
    with transaction.atomic():
        if _waiting_job(job_id, user) is None:
            return None
        return _cancel(job_id, _("已取消，未导入任何数据。"))


@transaction.atomic
def _cancel(job_id: int, detail: str) -> ImportJob | None:
    """End a job still ``awaiting`` as ``cancelled`` and delete its file; None if it is not waiting."""
    job = ImportJob.objects.select_for_update().filter(pk=job_id, status=ImportJob.Status.AWAITING).first()
    if job is None:
        return None
    if job.file:
        job.file.delete(save=False)
    job.status, job.finished_at, job.detail = ImportJob.Status.CANCELLED, timezone.now(), detail
    job.save(update_fields=["status", "file", "finished_at", "detail"])
    return job


def _waiting_job(job_id: int, user) -> ImportJob | None:
    """The job, locked, if it waits for a confirmation and ``user`` owns it (a programme admin may act
    on anyone's)."""
    jobs = ImportJob.objects.select_for_update().visible_to(user).filter(pk=job_id)
    job = jobs.filter(status=ImportJob.Status.AWAITING).first()
    return job if job is not None and can_edit_register(user) else None


# --- running a job -----------------------------------------------------------------------------------


class JobResult(Result):
    """Keeps counts and the rows that failed, not one result object per imported row."""

    def append_row_result(self, row_result):
        if row_result.errors:
            super().append_row_result(row_result)


class SampleDiff(Diff):
    """A row's before and after, noted by the job's resource for the preview's sample of changes; once
    the sample is full, not read at all (rendering every cell twice was a quarter of a row's time)."""

    def __init__(self, resource, instance, new):
        self.sampled = not resource.sample_full()
        if self.sampled:
            super().__init__(resource, instance, new)
        else:
            self.left, self.right, self.new = [], [], new

    def compare_with(self, resource, instance):
        if self.sampled:
            super().compare_with(resource, instance)
            resource.note_change(self)


def job_resource(kind: str, user, progress: Callable[[int], None]):
    """The resource of ``kind`` as the job runs it: the very same validation as the admin's preview,
    without the preview's HTML diffs, reporting every ``PROGRESS_EVERY`` rows and keeping the first
    ``SAMPLE_ROWS`` changes for the preview."""
    base = RESOURCES[kind]

    class JobResource(base):
        class Meta:
            skip_html_diff = True  # the other options are the admin resource's

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.samples: list[dict] = []
            self.row_number = 0

        @classmethod
        def get_result_class(cls):
            return JobResult

        @classmethod
        def get_diff_class(cls):
            return SampleDiff

        def import_row(self, row, instance_loader, **kwargs):
            self.row_number = kwargs.get("row_number") or 0
            result = super().import_row(row, instance_loader, **kwargs)
            if self.row_number % PROGRESS_EVERY == 0:
                progress(self.row_number)
            return result

        def sample_full(self) -> bool:
            return len(self.samples) >= SAMPLE_ROWS

        def note_change(self, diff: Diff) -> None:
            """Keep the row's changed cells (a new row's filled ones) while the sample has room."""
            samples = self.samples
            if len(samples) >= SAMPLE_ROWS:
                return
            headers = [str(field.column_name) for field in self.get_import_fields()]
            left = diff.left if not diff.new else [""] * len(headers)
            cells = [
                {"column": header, "old": _cell(old), "new": _cell(new)}
                for header, old, new in zip(headers, left, diff.right, strict=False)
                if _cell(old) != _cell(new)
            ]
            if cells:
                action = "new" if diff.new else "update"
                samples.append({"row": self.row_number, "action": action, "changes": cells})

        def before_save_instance(self, instance, row, **kwargs):
            """No request here: name the job's user in the history (as the middleware would)."""
            instance._history_user = user
            super().before_save_instance(instance, row, **kwargs)

    return JobResource(user=user)


def claim(job_id: int) -> ImportJob | None:
    """Mark the job running in a short transaction, or None: it ended, or another attempt is alive (a
    duplicate message). A ``running`` job whose progress stopped ``STALE_AFTER`` ago lost its worker (the
    import's transaction rolled back with it): run it again, as a new attempt."""
    now = timezone.now()
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("user").filter(pk=job_id).first()
        if job is None or job.finished or job.waiting:
            return None
        alive = job.heartbeat_at is not None and job.heartbeat_at > now - STALE_AFTER
        if job.status == ImportJob.Status.RUNNING and alive:
            return None
        job.status = ImportJob.Status.RUNNING
        job.attempt += 1
        job.rows_processed = 0
        job.started_at = job.heartbeat_at = now
        job.save(update_fields=["status", "attempt", "rows_processed", "started_at", "heartbeat_at"])
    return job


def run_job(job_id: int) -> ImportJob | None:
    """Import a claimed job's file; every outcome ends ``succeeded`` or ``failed``, the file deleted."""
    job = claim(job_id)
    if job is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        try:
            outcome = _import(job)
        except Exception:  # never leave a job "running" for ever: the page must say it failed
            log.exception("import job %s crashed", job.pk)
            outcome = {"detail": _("导入过程中发生内部错误，未导入任何数据。请联系系统管理员。")}
            outcome["status"] = ImportJob.Status.FAILED
    return _finish(job, outcome)


def _import(job: ImportJob) -> dict:
    user = job.user
    if not (user.is_active and can_edit_register(user)):
        return {"status": ImportJob.Status.FAILED, "detail": _("导入人已无导入权限，未导入任何数据。")}
    try:
        dataset = read_dataset(job)
    except UnreadableFile as error:
        return {"status": ImportJob.Status.FAILED, "detail": str(error)}
    limit_error = row_limit_error(len(dataset))
    if limit_error:  # the stored count was of the same bytes; this guards a changed setting
        return {"status": ImportJob.Status.FAILED, "detail": limit_error}
    dry_run = job.previewing
    with ProgressWriter(job) as progress:
        resource = job_resource(job.kind, user, progress)
        result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False, file_name=job.file_name)
    totals = result.totals
    outcome = {
        "rows_processed": len(dataset),
        "new_count": totals["new"],
        "updated_count": totals["update"],
        "skipped_count": totals["skip"],
        "changes": resource.samples,
    }
    errors = row_errors(result)
    if errors or result.has_errors() or result.has_validation_errors():
        refused = len({e["row"] for e in errors})
        detail = _("有 %(count)d 行数据未通过校验，未导入任何数据。请修改后重新导入。") % {"count": refused}
        if len(errors) > MAX_ERRORS_KEPT:
            detail += _("下表仅列出前 %(shown)d 条错误。") % {"shown": MAX_ERRORS_KEPT}
        outcome.update(
            status=ImportJob.Status.FAILED,
            errors=errors[:MAX_ERRORS_KEPT],
            error_count=refused,
            detail=detail,
            new_count=0,  # rolled back: nothing new, updated or confirmed unchanged
            updated_count=0,
            skipped_count=0,
            changes=[],
        )
    elif dry_run:
        outcome["status"] = ImportJob.Status.AWAITING
        outcome["detail"] = _(
            "校验通过：确认后将新增 %(new)d 条、更新 %(updated)d 条，%(skipped)d 条未变化。"
            "请核对后点击“确认导入”，或取消。"
        ) % {"new": totals["new"], "updated": totals["update"], "skipped": totals["skip"]}
    else:
        outcome["status"] = ImportJob.Status.SUCCEEDED
        outcome["detail"] = ""
    return outcome


def read_dataset(job: ImportJob) -> Dataset:
    try:
        with job.file.open("rb") as stream:
            data = stream.read()
    except (OSError, ValueError) as error:  # gone (a retry after the job ended) or never stored
        raise UnreadableFile(_("导入文件已不存在，请重新上传。")) from error
    try:  # the admin's own format classes, so the job reads exactly what the preview would
        if job.file_format == "xlsx":
            return base_formats.XLSX().create_dataset(data)
        return base_formats.CSV(encoding="utf-8-sig").create_dataset(data.decode("utf-8-sig"))
    except Exception as error:
        raise UnreadableFile(_("文件无法读取，请检查文件格式后重新上传。")) from error


def row_errors(result) -> list[dict]:
    """Every refused row as ``{"row", "field", "messages"}``, in file order (row 1 is the first data row)."""
    errors: list[dict] = []
    for invalid in result.invalid_rows:
        for field, messages in _field_messages(invalid.error).items():
            errors.append({"row": invalid.number, "field": field, "messages": messages})
    for number, row_errors_ in ((e.number, e.errors) for e in result.error_rows):
        messages = [error_text(error.error) for error in row_errors_]
        errors.append({"row": number, "field": "", "messages": messages})
    for error in result.base_errors:
        errors.append({"row": 0, "field": "", "messages": [error_text(error.error)]})
    return sorted(errors, key=lambda e: (e["row"], e["field"]))


def _cell(value) -> str:
    return "" if value is None else str(value)[:100]


def error_text(error: Exception) -> str:
    """A row's exception in words: the widgets' own messages; a database refusal (e.g. a key another
    import wrote meanwhile) said plainly rather than as the database's English."""
    if isinstance(error, DatabaseError):
        return _("数据库拒绝了这一行（可能已被同时进行的其他导入或修改写入），请稍后重新导入。")
    return str(error)[:300]


def _field_messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("" if field == NON_FIELD_ERRORS else field): [str(m) for m in ValidationError(items).messages]
            for field, items in error.error_dict.items()
        }
    return {"": [str(m) for m in error.messages]}


class ProgressWriter:
    """Writes ``rows_processed`` on its own database connection (autocommit: one short transaction per
    write), so the job page sees progress while the import's transaction is open. PostgreSQL only: on
    SQLite a second writer would wait for the import's lock, so the count is written at the end."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.connection = None

    def __enter__(self) -> ProgressWriter:
        main = connections[DEFAULT_DB_ALIAS]
        if main.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
            self.connection.settings_dict = dict(main.settings_dict)  # the test database's name, too
        return self

    def __call__(self, rows: int) -> None:
        if self.connection is None:
            return
        table = ImportJob._meta.db_table
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET rows_processed = %s, heartbeat_at = now()"
                    " WHERE id = %s AND attempt = %s",
                    [rows, self.job.pk, self.job.attempt],
                )
        except Exception:  # progress is a courtesy: never fail an import for it
            log.warning("could not record progress of import job %s", self.job.pk, exc_info=True)

    def __exit__(self, *exc) -> None:
        if self.connection is not None:
            self.connection.close()


def _finish(job: ImportJob, outcome: dict) -> ImportJob:
    """Record the outcome and delete the stored file, unless a later attempt took the job over; a
    preview that passed keeps the file for the import its confirmation starts."""
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().filter(pk=job.pk, attempt=job.attempt).first()
        if current is None:
            return job
        if outcome["status"] == ImportJob.Status.AWAITING:
            ImportJob.objects.filter(pk=job.pk).update(**outcome)
        else:
            if current.file:
                current.file.delete(save=False)
            ImportJob.objects.filter(pk=job.pk).update(**outcome, file="", finished_at=timezone.now())
    job.refresh_from_db()
    return job


# The job's Celery tasks live beside the code they run, so this module never imports ``registry.tasks``
# (which lists them for the worker); their names stay ``registry.tasks.*``, as queued messages and the
# beat schedule know them.


@shared_task(
    name="registry.tasks.run_import_job",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 6},
)
def run_import_job(job_id: int) -> str | None:
    """Run one import job (``run_job``); a message delivered twice finds it ended."""
    job = run_job(job_id)
    return job.status if job is not None else None


@shared_task(name="registry.tasks.requeue_import_jobs", acks_late=True)
def requeue_import_jobs() -> int:
    """Queue again the jobs whose message or worker was lost (no progress for ``STALE_AFTER``)."""
    return requeue_stale_jobs()
