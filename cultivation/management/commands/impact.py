"""``manage.py impact --to B [--from A] [--as-of DATE] [--district CODE] [--cluster CODE]``.

Compares rule-set version B (a draft too) with A (default: the sets in force on the day) over the
register, in this process, with a progress bar; the report is stored (``ImpactReport``) like one run
from the admin or the API, under ``--user`` (a programme admin; default the first one). With
``--sweep tier.criterion.param START STOP STEP`` it sweeps that threshold of B instead.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cultivation.impact import sweep_values
from cultivation.impact_jobs import request_report, run_report
from cultivation.management.progress import chunk_progress
from cultivation.models import ImpactReport


class Command(BaseCommand):
    help = "Impact of rule-set version B against A (default: in force) on the register; stores the report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", dest="to_code", required=True, help="version B (a draft or a published set)"
        )
        parser.add_argument("--from", dest="from_code", default="", help="version A (default: in force)")
        parser.add_argument("--as-of", dest="as_of", help="evaluation day, YYYY-MM-DD (default: today)")
        parser.add_argument("--district", default="", help="only this district (行政区划代码)")
        parser.add_argument("--cluster", default="", help="only this cluster (code)")
        parser.add_argument("--user", default="", help="who runs it (a programme admin's username)")
        parser.add_argument(
            "--sweep",
            nargs=4,
            metavar=("PATH", "START", "STOP", "STEP"),
            help="sweep a threshold of B: PATH tier.criterion.param (srdi_sme.c2_rd_expense.threshold)",
        )

    def handle(self, *args, to_code: str, from_code: str, as_of: str | None, **options) -> None:
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of must be a date like 2026-06-30, not {as_of!r}.") from None
        sweep = self.sweep_arguments(options["sweep"]) if options["sweep"] else {}
        try:
            report = request_report(
                actor=self.actor(options["user"]),
                to_code=to_code,
                from_code=from_code,
                as_of=day,
                district=options["district"],
                cluster=options["cluster"],
                queue_it=False,
                **sweep,
            )
        except (ValidationError, PermissionDenied) as error:
            raise CommandError("; ".join(getattr(error, "messages", [str(error)]))) from None
        report = run_report(report.pk, progress=self.progress()) or report
        if report.status != ImpactReport.Status.SUCCEEDED:
            raise CommandError(f"report #{report.pk} {report.status}: {report.detail}")
        self.summary(report)

    def sweep_arguments(self, values: list[str]) -> dict:
        path, *numbers = values
        criterion, _, param = path.rpartition(".")
        try:
            start, stop, step = (Decimal(number) for number in numbers)
            points = sweep_values(start, stop, step)
        except (InvalidOperation, ValueError) as error:
            raise CommandError(f"--sweep: {error}") from None
        return {"sweep_path": criterion, "sweep_param": param, "sweep_values": points}

    def actor(self, username: str):
        users = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk")
        user = users.filter(username=username).first() if username else users.first()
        if user is None:
            raise CommandError("no active programme admin (superuser) to run the report as; see --user")
        return user

    def progress(self):
        return chunk_progress(self.stdout, "impact")

    def summary(self, report: ImpactReport) -> None:
        result = report.result
        self.stdout.write(f"report #{report.pk}: {result['firms']} firms as of {result['as_of']}")
        if report.kind == ImpactReport.Kind.SWEEP:
            tiers = [tier["tier"] for tier in result["tiers"]]
            self.stdout.write(f"{report.sweep_path}.{report.sweep_param} (now {result['current']})")
            for point in result["points"]:
                counts = ", ".join(f"{tier} {point['eligible'][tier]}" for tier in tiers)
                self.stdout.write(f"  {point['value']:>12}  {counts}")
            return
        self.stdout.write(f"{result['from']} -> {result['to']}")
        header = ("tier", "A", "B", "gained", "lost", "lost held", "unchanged")
        self.stdout.write("  ".join(f"{h:>10}" for h in header))
        for row in result["tiers"]:
            cells = (
                row["tier"],
                row["a"],
                row["b"],
                row["gained"],
                row["lost"],
                row["lost_held"],
                row["unchanged"],
            )
            self.stdout.write("  ".join(f"{cell!s:>10}" for cell in cells))
        self.stdout.write(f"firms changing: {result['changes_total']}")
