"""``manage.py run_scans [--as-of DATE] [--only KIND ...]``: run the scans now, in this process.

Scans over chunks of firms show a progress bar; the summary table gives, per
scan, what it examined, what it raised or did, and how long it took. Celery
runs the same scans' chunks in parallel (``cultivation.tasks``).
"""

from __future__ import annotations

import datetime
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from cultivation.management.progress import chunk_progress
from cultivation.models.alerts import Alert
from cultivation.scans import SCANS
from cultivation.services.alerts import raise_scan_summary


class Command(BaseCommand):
    help = "Run every registered scan (or the --only ones) for a day and print what each did."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="scan day, YYYY-MM-DD (default: today)")
        parser.add_argument("--only", nargs="+", metavar="KIND", choices=sorted(SCANS), help="run only these")
        parser.add_argument("--list", action="store_true", help="list the scans and exit")

    def handle(self, *args, as_of: str | None, only: list[str] | None, **options) -> None:
        if options["list"]:
            for kind, scan in SCANS.items():
                self.stdout.write(f"{kind:<22} {scan.label}")
            return
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of must be a date like 2026-06-30, not {as_of!r}.") from None
        rows = []
        run_started = timezone.now()
        for kind in only or list(SCANS):
            started = time.monotonic()
            result = SCANS[kind].run(day, progress=self.progress(kind))
            rows.append((result, time.monotonic() - started))
        self.summary(day, rows)
        self.alerts_by_kind(run_started)
        raise_scan_summary(since=run_started, period=f"run:{run_started.isoformat()}"[:40])

    def progress(self, kind: str):
        return chunk_progress(self.stdout, kind)

    def alerts_by_kind(self, since) -> None:
        """The alerts this run raised, by kind (a scan may raise more than one kind)."""
        raised = (
            Alert.objects.filter(created_at__gte=since)
            .values_list("kind")
            .annotate(n=Count("id"))
            .order_by("kind")
        )
        text = ", ".join(f"{kind} {count}" for kind, count in raised) or "none"
        self.stdout.write(f"alerts raised by kind: {text}")

    def summary(self, day: datetime.date, rows) -> None:
        self.stdout.write(f"\nscans as of {day.isoformat()}")
        header = ("kind", "examined", "acted", "problems", "seconds", "")
        table = [header] + [
            (r.kind, str(r.examined), str(r.acted), str(len(r.problems)), f"{s:.1f}", SCANS[r.kind].label)
            for r, s in rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(5)]
        for row in table:
            cells = [row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in range(1, 5)]
            self.stdout.write("  ".join([*cells, row[5]]).rstrip())
        total = sum(seconds for _, seconds in rows)
        self.stdout.write(f"total {total:.1f} s")
        for result, _ in rows:
            for problem in result.problems:
                self.stderr.write(f"{result.kind}: {problem}")
