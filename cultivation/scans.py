"""Scans: periodic sweeps over the register, each registered under a kind in ``SCANS``.

A scan is a callable ``(as_of) -> ScanResult``. ``run_scans`` (the management command and, later,
Celery beat) runs the registered ones; adding a scan is one decorated function. Every scan must be
idempotent: running it twice for the same day does nothing more the second time.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Application
from .workflow import Action, Status, TransitionConflict

log = logging.getLogger(__name__)


@dataclass
class ScanResult:
    """What one scan looked at and what it did; ``problems`` are per-item failures it skipped."""

    kind: str
    examined: int = 0
    acted: int = 0
    problems: list[str] = field(default_factory=list)


Scan = Callable[[datetime.date], ScanResult]
SCANS: dict[str, Scan] = {}
LABELS: dict[str, object] = {}
# Modules that register more scans with ``@scan``; imported before the registry is read, so a scan
# defined elsewhere (the alerting scans) is run and listed like the ones below.
SCAN_MODULES: tuple[str, ...] = ("cultivation.alert_scans",)


def scan(kind: str, label) -> Callable[[Scan], Scan]:
    """Register a scan under ``kind`` (the name ``run_scans --only`` takes)."""

    def register(function: Scan) -> Scan:
        if kind in SCANS:
            raise ValueError(f"scan {kind!r} registered twice")
        SCANS[kind] = function
        LABELS[kind] = label
        return function

    return register


def registered() -> dict[str, Scan]:
    """Every registered scan, once the modules in ``SCAN_MODULES`` have had their say."""
    for module in SCAN_MODULES:
        import_module(module)
    return SCANS


def run_scans(as_of: datetime.date, only: Iterable[str] | None = None) -> list[ScanResult]:
    """Run the named scans (all by default) in registration order; ``KeyError`` names unknown kinds."""
    scans = registered()
    kinds = list(scans) if not only else list(only)
    unknown = [kind for kind in kinds if kind not in scans]
    if unknown:
        raise KeyError(", ".join(unknown))
    return [scans[kind](as_of) for kind in kinds]


@scan("notice_closing", _("公示期满认定"))
def close_elapsed_notices(as_of: datetime.date) -> ScanResult:
    """Designate every application whose notice ended before ``as_of`` with no open objection.

    Each application is its own transaction through the transition service, so one failure does not
    undo the others and a notice someone else closed meanwhile is simply skipped.
    """
    from .services.applications import application_transition

    result = ScanResult("notice_closing")
    due = Application.objects.filter(status=Status.PUBLIC_NOTICE, notice_ends_on__lt=as_of).order_by("pk")
    for application in due.iterator():
        result.examined += 1
        try:
            application_transition(application=application, action=Action.DESIGNATE, actor=None, as_of=as_of)
        except TransitionConflict:
            continue
        except (ValidationError, PermissionDenied) as error:
            result.problems.append(
                f"#{application.pk}: {'; '.join(getattr(error, 'messages', [str(error)]))}"
            )
            log.warning("notice_closing skipped application %s: %s", application.pk, error)
            continue
        result.acted += 1
    return result


# The alerting scans register themselves on import (kept in their own module).
from . import alert_scans  # noqa: E402, F401
