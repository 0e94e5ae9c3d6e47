"""``python manage.py rules_doc [--check]``: regenerate docs/RULES.md from the shipped rule sets."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cultivation.rules.catalogue import RULE_SETS
from cultivation.rules.doc import DOC_PATH, render_rules_markdown


class Command(BaseCommand):
    help = "Write docs/RULES.md from the rule sets in cultivation/rules (use --check in CI)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if docs/RULES.md is out of date.")

    def handle(self, *args, check: bool = False, **options) -> None:
        text = render_rules_markdown(RULE_SETS)
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else None
        if check:
            if current != text:
                raise CommandError(f"{DOC_PATH} is out of date: run `python manage.py rules_doc`.")
            self.stdout.write("docs/RULES.md is up to date.")
            return
        DOC_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {DOC_PATH}.")
