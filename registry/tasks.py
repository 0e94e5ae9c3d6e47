"""The register's Celery tasks, listed for the worker (``app.autodiscover_tasks()`` imports this module).

Each task is defined beside the code it runs -- the import job in ``registry.imports``, the reset email in
``registry.password_reset`` -- so those modules queue their own tasks without importing this one; the
task names stay ``registry.tasks.<name>``.
"""

from __future__ import annotations

from .change_feed import prune_changes
from .imports import requeue_import_jobs, run_import_job
from .password_reset import send_password_reset_email

__all__ = ["prune_changes", "requeue_import_jobs", "run_import_job", "send_password_reset_email"]
