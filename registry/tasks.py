"""Celery tasks of the register (found by ``app.autodiscover_tasks()``)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 6},
)
def run_import_job(job_id: int) -> str | None:
    """Run one import job (``registry.imports.run_job``); a message delivered twice finds it ended."""
    from .imports import run_job

    job = run_job(job_id)
    return job.status if job is not None else None


@shared_task(acks_late=True)
def requeue_import_jobs() -> int:
    """Queue again the jobs whose message or worker was lost (no progress for ``imports.STALE_AFTER``)."""
    from .imports import requeue_stale_jobs

    return requeue_stale_jobs()


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 6},
    ignore_result=True,
)
def send_password_reset_email(email: str, options: dict) -> None:
    """Send the password reset email queued by ``/accounts/password_reset/`` (``registry.password_reset``).

    Acknowledged when done (``CELERY_TASK_ACKS_LATE``): a killed worker's message is sent again, a second
    valid link at worst. A message lost with the broker means no email; the person asks again.
    """
    from .password_reset import send_reset_email

    send_reset_email(email, options)
