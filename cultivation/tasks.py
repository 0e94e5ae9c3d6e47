"""Celery tasks: thin wrappers that take ids and dates and call the scans and services.

Every task is safe to run twice (the alert key and the delivery row locks make
it so), acknowledged late, and retried with backoff when the database is
unreachable. The database, not the queue, holds what still has to happen:
``flush_alert_emails`` sends whatever a lost message left pending.
"""

from __future__ import annotations

import datetime
import logging

from celery import group, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

log = logging.getLogger(__name__)

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_kwargs": {"max_retries": 6},
}
NIGHTLY_KINDS = ("promotion_due", "designation_expiring", "figures_overdue", "pool_rating")


def _day(as_of: str | None) -> datetime.date:
    return datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()


@shared_task(**RETRY)
def scan_chunk(
    kind: str, as_of: str, first_id: int | None, last_id: int | None, ids: list[int] | None = None
) -> dict:
    """One chunk of one scan, one transaction: a range of firm ids, or (incremental promotion) a list."""
    from .alert_scans import CHUNKED, promotion_scan
    from .selectors import FirmSet

    if ids is not None:
        result = promotion_scan(_day(as_of), FirmSet.of(ids))
    else:
        result = CHUNKED[kind](_day(as_of), first_id, last_id)
    return {"kind": kind, "examined": result.examined, "alerts": result.alerts}


def scan_signatures(kind: str, day: str, chunk_size: int | None = None, incremental: bool = False) -> list:
    """The chunk tasks of one scan (also what ``bench/bench_scan.py`` sends to real workers)."""
    from .alert_scans import CHUNK_SIZE, CHUNKED, firm_id_ranges, promotion_chunks
    from .models.alerts import AlertKind

    if kind not in CHUNKED:
        raise ValueError(f"unknown scan {kind!r}")
    size = chunk_size or CHUNK_SIZE
    if kind == AlertKind.PROMOTION_DUE:
        chunks = promotion_chunks(_day(day), incremental, size)
        return [
            scan_chunk.si(kind, day, c.first_id, c.last_id, list(c.ids) if c.ids is not None else None)
            for c in chunks
        ]
    return [scan_chunk.si(kind, day, low, high) for low, high in firm_id_ranges(size)]


@shared_task(**RETRY)
def run_scan(
    kind: str, as_of: str | None = None, chunk_size: int | None = None, incremental: bool = False
) -> int:
    """Fan a scan out over firm-id ranges (or the changed firms); returns how many chunks were queued."""
    signatures = scan_signatures(kind, _day(as_of).isoformat(), chunk_size, incremental)
    if signatures:
        group(signatures).apply_async()
    return len(signatures)


@shared_task(**RETRY)
def run_nightly_scans(as_of: str | None = None) -> list[str]:
    """What beat runs each night: every chunked scan, then the pool intake check.

    The promotion scan is incremental: only firms whose records (or dates) changed since the last
    scan are judged again (``alert_scans.promotion_chunks``).
    """
    for kind in NIGHTLY_KINDS:
        run_scan.delay(kind, as_of, incremental=kind == "promotion_due")
    check_pool_intake.delay(as_of)
    return list(NIGHTLY_KINDS)


@shared_task(**RETRY)
def check_pool_intake(as_of: str | None = None) -> int:
    from .alert_scans import pool_intake

    return pool_intake(_day(as_of)).alerts


@shared_task(**RETRY)
def close_notices(as_of: str | None = None) -> int:
    """Designate applications whose public notice has elapsed with no open objection."""
    from .scans import SCANS

    return SCANS["notice_closing"](_day(as_of)).acted


@shared_task(**RETRY, ignore_result=True)  # fire and forget: the delivery rows are the result
def send_alert_emails(alert_ids: list[int]) -> dict:
    """Send the immediate emails of freshly raised alerts."""
    from .models.alerts import AlertDelivery, Channel, DeliveryStatus
    from .services.alerts import send_email_deliveries

    pending = AlertDelivery.objects.filter(
        alert_id__in=alert_ids, channel=Channel.EMAIL, status=DeliveryStatus.PENDING
    )
    return send_email_deliveries(pending)


@shared_task(**RETRY, ignore_result=True)
def flush_alert_emails() -> dict:
    """Send every email delivery still pending (a lost queue message, a failed attempt to retry)."""
    from .models.alerts import AlertDelivery, Channel, DeliveryStatus
    from .services.alerts import send_email_deliveries

    pending = AlertDelivery.objects.filter(channel=Channel.EMAIL, status=DeliveryStatus.PENDING)
    return send_email_deliveries(pending.order_by("pk")[:5000])


@shared_task(**RETRY, ignore_result=True)
def send_alert_digests() -> int:
    from .services.alerts import send_daily_digests

    return send_daily_digests()
