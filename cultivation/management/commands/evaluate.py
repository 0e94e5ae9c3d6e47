"""``manage.py evaluate CREDIT_CODE [--rule-set CODE] [--as-of DATE]``: a firm's eligibility, readable."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cultivation.reports import report_lines
from cultivation.selectors import eligibility_of_firm
from registry.credit_code import normalise
from registry.models import Firm


class Command(BaseCommand):
    help = "Evaluate one firm against every tier and print the explained report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("credit_code")
        parser.add_argument("--rule-set", dest="rule_set", help="rule-set code (default: the set in force)")
        parser.add_argument("--as-of", dest="as_of", help="evaluation day, YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print the API's JSON instead of text")

    def handle(self, *args, credit_code: str, rule_set: str | None, as_of: str | None, **options) -> None:
        try:
            firm = Firm.objects.select_related("cluster").get(credit_code=normalise(credit_code))
        except Firm.DoesNotExist:
            raise CommandError(f"No firm with credit code {credit_code!r}.") from None
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(f"--as-of must be a date like 2025-06-30, not {as_of!r}.") from None
        try:
            report = eligibility_of_firm(firm, day, rule_set).to_dict()
        except LookupError:
            raise CommandError(f"Unknown rule set {rule_set!r}.") from None
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{firm.name} ({firm.credit_code})")
        for line in report_lines(report):
            self.stdout.write(line)
