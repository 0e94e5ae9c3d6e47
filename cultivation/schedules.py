"""The beat schedule, defined in code and written to django-celery-beat by ``setup_schedules``.

Kept as data here so the schedule is reviewed like code, while the admin
still shows each entry and lets a programme admin pause it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .scans import NIGHTLY


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    crontab: str | None = None  # "minute hour day_of_month month_of_year day_of_week"
    every_minutes: int | None = None
    description: str = ""


SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        "nightly-scans",
        "cultivation.tasks.run_nightly_scans",
        crontab="0 2 * * *",
        description="scans: " + ", ".join(NIGHTLY),  # the registry's nightly list, whatever it holds
    ),
    Schedule(
        "close-notices",
        "cultivation.tasks.close_notices",
        crontab="30 0 * * *",
        description="designate applications whose public notice elapsed",
    ),
    Schedule(
        "flush-alert-emails",
        "cultivation.tasks.flush_alert_emails",
        every_minutes=10,
        description="send email deliveries still pending",
    ),
    Schedule(
        "requeue-import-jobs",
        "registry.tasks.requeue_import_jobs",
        every_minutes=10,
        description="queue again large admin imports whose message was lost (still queued after 10 minutes)",
    ),
    Schedule(
        "requeue-impact-reports",
        "cultivation.tasks.requeue_impact_reports",
        every_minutes=10,
        description="queue again impact reports whose message or worker was lost (no progress in 10 minutes)",
    ),
    Schedule(
        "prune-change-feed",
        "registry.tasks.prune_changes",
        crontab="15 3 * * *",
        description="delete change-feed entries older than CHANGE_FEED_RETENTION_DAYS",
    ),
    Schedule(
        "alert-digests",
        "cultivation.tasks.send_alert_digests",
        crontab="0 8 * * *",
        description="daily digest emails",
    ),
)
