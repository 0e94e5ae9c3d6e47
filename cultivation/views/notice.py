"""What a page says about a running or paused 公示, for the firm and for staff alike.

The dates come from the application (``notice_ends_on``, ``notice_paused_on``, kept by the
transition service); the nightly notice-closing scan designates the day after the end
(``notice_closing``), unless an objection is open. This only puts that into words.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..models import Application, Holiday
from ..workdays import working_days_between
from ..workflow import Status


@dataclass(frozen=True)
class NoticeClock:
    starts_on: datetime.date | None
    ends_on: datetime.date
    paused_on: datetime.date | None = None
    days_left: int | None = None  # working days the notice still has to run once resumed (paused only)

    @property
    def paused(self) -> bool:
        return self.paused_on is not None

    @property
    def designated_on(self) -> datetime.date:
        """The day the scan designates: the first day after the notice has ended."""
        return self.ends_on + datetime.timedelta(days=1)


def notice_clock(application: Application) -> NoticeClock | None:
    """The notice's clock while it runs or is paused; None at every other stage."""
    ends = application.notice_ends_on
    if ends is None or application.status not in (Status.PUBLIC_NOTICE, Status.NOTICE_PAUSED):
        return None
    paused = application.notice_paused_on if application.status == Status.NOTICE_PAUSED else None
    left = None
    if paused is not None:
        left = working_days_between(paused, ends, *Holiday.objects.calendar(paused, ends))
    return NoticeClock(application.notice_starts_on, ends, paused, left)
