"""The notice-closing scan: designate every application whose public notice elapsed unopposed."""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError

from .models import Application
from .scanning import Chunk, ScanKind, ScanResult, WholeRegisterScan
from .services.applications import application_transition
from .workflow import Action, Status, TransitionConflict

log = logging.getLogger(__name__)


class NoticeClosing(WholeRegisterScan):
    """Designate every application whose notice ended before the day with no open objection.

    Each application is its own transaction through the transition service, so one failure does not
    undo the others and a notice someone else closed meanwhile is simply skipped.
    """

    kind = ScanKind.NOTICE_CLOSING

    def judge(self, chunk: Chunk) -> ScanResult:
        return close_elapsed_notices(chunk.as_of)


def close_elapsed_notices(as_of: datetime.date) -> ScanResult:
    result = ScanResult(ScanKind.NOTICE_CLOSING)
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
