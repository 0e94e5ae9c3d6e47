"""``manage.py seed_demo --firms N --seed S [--years Y]``: load a reproducible demo register."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from cultivation.demo import demo_loaded, seed_register


class Command(BaseCommand):
    help = "Create a realistic demo register (firms, figures, designations, pool, demo accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--firms", type=int, default=2000, help="generated firms (default 2000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--years", type=int, default=None, help="fiscal years of figures per firm (default 3 to 5)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the demo accounts already exist"
        )

    def handle(self, *args, firms: int, seed: int, years: int | None, if_empty: bool, **options) -> None:
        if firms < 0:
            self.stderr.write("--firms must be zero or more.")
            raise SystemExit(2)
        if years is not None and not 1 <= years <= 10:
            self.stderr.write("--years must be between 1 and 10.")
            raise SystemExit(2)
        if if_empty and demo_loaded():
            self.stdout.write("Demo data already loaded; skipping (run seed_demo without --if-empty to add).")
            return
        started = time.monotonic()
        last_report = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if done == total or now - last_report[0] > 2:
                last_report[0] = now
                rate = done / max(now - started, 1e-9)
                self.stdout.write(f"  {done:>7}/{total} firms ({done * 100 // total}%), {rate:,.0f} firms/s")

        result = seed_register(firms=firms, seed=seed, years=years, progress=progress)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo register ready: {result['firms_created']} new firms, "
                f"{result['firms_total']} in total ({elapsed:.1f} s)."
            )
        )
        self.stdout.write(
            f"Digital transformation: {result['recognitions']} recognitions, "
            f"{result['industry_brains']} industry platforms, "
            f"{result['upgrade_projects']} 技改 projects added."
        )
        self.stdout.write(
            "Accounts demo-admin, demo-caseworker, demo-reviewer, demo-firm; "
            f"password {settings.DEMO_PASSWORD!r} (DEMO_PASSWORD)."
        )
