"""The progress bar the management commands draw over a run's chunks (``run_scans``, ``impact``)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.core.management.base import OutputWrapper

BAR = 30


def chunk_progress(stdout: OutputWrapper, label: str) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback: on a terminal one line redrawn in place, in a log only the
    finished line (a cron job's log is not filled with bars)."""
    interactive = sys.stdout.isatty()

    def show(done: int, total: int) -> None:
        filled = BAR * done // max(total, 1)
        line = f"{label:<22} [{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} chunks"
        if interactive:
            stdout.write("\r" + line, ending="" if done < total else "\n")
        elif done == total:
            stdout.write(line)

    return show
