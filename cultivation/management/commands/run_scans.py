"""``manage.py run_scans [--as-of DATE] [--only KIND ...]``: run the registered scans now, print a summary."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cultivation.scans import LABELS, registered, run_scans


class Command(BaseCommand):
    help = "Run every registered scan (or the --only ones) for a day and print what each did."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="scan day, YYYY-MM-DD (default: today)")
        parser.add_argument("--only", nargs="+", metavar="KIND", help="run only these scans (see --list)")
        parser.add_argument("--list", action="store_true", help="list the registered scans and exit")

    def handle(self, *args, as_of: str | None, only: list[str] | None, **options) -> None:
        scans = registered()
        if options["list"]:
            for kind in scans:
                self.stdout.write(f"{kind}  {LABELS[kind]}")
            return
        unknown = sorted(set(only or ()) - set(scans))
        if unknown:
            raise CommandError(f"Unknown scan {', '.join(unknown)}; registered: {', '.join(scans)}.")
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of must be a date like 2026-06-30, not {as_of!r}.") from None
        results = run_scans(day, only)
        self.stdout.write(f"scans as of {day.isoformat()}")
        rows = [("kind", "examined", "acted", "problems", "")]
        rows += [
            (r.kind, str(r.examined), str(r.acted), str(len(r.problems)), str(LABELS[r.kind]))
            for r in results
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            cells = [
                row[0].ljust(widths[0]),
                *(cell.rjust(width) for cell, width in zip(row[1:4], widths[1:], strict=True)),
            ]
            self.stdout.write("  ".join([*cells, row[4]]).rstrip())
        for result in results:
            for problem in result.problems:
                self.stderr.write(f"{result.kind}: {problem}")
