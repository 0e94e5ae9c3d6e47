"""Celery tasks: thin wrappers that take ids and dates and call the scans and services.

Every task is safe to run twice (the alert key and the delivery row locks make
it so), acknowledged late, and retried with backoff when the database is
unreachable. The database, not the queue, holds what still has to happen:
``flush_alert_emails`` sends whatever a lost message left pending.

The scans come from their registry (``cultivation.scans``): a scan's run is planned here and each
chunk is a ``scan_chunk`` task, whichever scan it is.
"""

from __future__ import annotations

import datetime
import logging

from celery import chord, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .impact_jobs import requeue_impact_reports, run_impact_report  # noqa: F401 - registered here for the worker
from .models.alerts import AlertDelivery, Channel, DeliveryStatus
from .scanning import CHUNK_SIZE, Chunk, ScanKind
from .scans import NIGHTLY, SCANS
from .services.alerts import raise_scan_summary, send_daily_digests, send_email_deliveries

log = logging.getLogger(__name__)

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_kwargs": {"max_retries": 6},
}


def _day(as_of: str | None) -> datetime.date:
    return datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()


@shared_task(**RETRY)
def scan_chunk(
    kind: str, as_of: str, first_id: int | None, last_id: int | None, ids: list[int] | None = None
) -> dict:
    """One chunk of one scan, one transaction: a range of firm ids, a list of them, or neither (a scan
    that reads the whole register at once)."""
    result = SCANS[kind].judge(Chunk.from_message(as_of, first_id, last_id, ids))
    return {"kind": kind, "examined": result.examined, "alerts": result.acted}


def scan_signatures(kind: str, day: str, chunk_size: int | None = None, incremental: bool = False) -> list:
    """The chunk tasks of one scan (also what ``bench/bench_scan.py`` sends to real workers)."""
    try:
        scan = SCANS[kind]
    except KeyError:
        raise ValueError(f"unknown scan {kind!r}") from None
    chunks = scan.plan(_day(day), incremental=incremental, chunk_size=chunk_size or CHUNK_SIZE)
    return [scan_chunk.si(kind, *chunk.message()) for chunk in chunks]


def fan_out(signatures: list) -> int:
    """Queue a run's chunk tasks as one chord whose last step sums the run up in the inbox
    (``summarise_scan_run``): whoever received new alerts reads "本次扫描新增 N 条" once the last chunk
    is done, as after ``manage.py run_scans``. Returns how many chunks were queued."""
    if signatures:
        started = timezone.now().isoformat()
        chord(signatures)(summarise_scan_run.si(started))
    return len(signatures)


@shared_task(**RETRY)
def run_scan(
    kind: str, as_of: str | None = None, chunk_size: int | None = None, incremental: bool = False
) -> int:
    """Fan a scan out over its chunks (firm-id ranges, the changed firms, or one for the whole
    register); returns how many chunks were queued."""
    return fan_out(scan_signatures(kind, _day(as_of).isoformat(), chunk_size, incremental))


@shared_task(**RETRY)
def run_nightly_scans(as_of: str | None = None) -> list[str]:
    """What beat runs each night: every nightly scan as one run (one summary alert), each planning an
    incremental run (only the promotion scan can tell what changed since its last run; the others plan
    their full run)."""
    day = _day(as_of).isoformat()
    fan_out([signature for kind in NIGHTLY for signature in scan_signatures(kind, day, incremental=True)])
    return [str(kind) for kind in NIGHTLY]


@shared_task(**RETRY)
def summarise_scan_run(started: str) -> int | None:
    """The run's summary alert: idempotent on the run's start, so a redelivered message adds nothing."""
    since = datetime.datetime.fromisoformat(started)
    alert = raise_scan_summary(since=since, period=f"run:{started}"[:40])
    return alert.pk if alert else None


@shared_task(**RETRY)
def close_notices(as_of: str | None = None) -> int:
    """Designate applications whose public notice has elapsed with no open objection."""
    return SCANS[ScanKind.NOTICE_CLOSING].run(_day(as_of)).acted


def queue_alert_emails(alert_ids: list[int]) -> None:
    """Queue the immediate emails of new alerts (the services call it after their commit)."""
    try:
        send_alert_emails.delay(alert_ids)
    except Exception:  # the broker is down: the periodic flush sends them later
        log.warning("could not queue alert emails; the flush task will send them", exc_info=True)


@shared_task(**RETRY, ignore_result=True)  # fire and forget: the delivery rows are the result
def send_alert_emails(alert_ids: list[int]) -> dict:
    """Send the immediate emails of freshly raised alerts."""
    pending = AlertDelivery.objects.filter(
        alert_id__in=alert_ids, channel=Channel.EMAIL, status=DeliveryStatus.PENDING
    )
    return send_email_deliveries(pending)


@shared_task(**RETRY, ignore_result=True)
def flush_alert_emails() -> dict:
    """Send every email delivery still pending (a lost queue message, a failed attempt to retry)."""
    pending = AlertDelivery.objects.filter(channel=Channel.EMAIL, status=DeliveryStatus.PENDING)
    return send_email_deliveries(pending.order_by("pk")[:5000])


@shared_task(**RETRY, ignore_result=True)
def send_alert_digests() -> int:
    return send_daily_digests()
