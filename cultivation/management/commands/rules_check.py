"""``manage.py rules_check CODE | --all [--file PATH] [--failed]``: run a rule-set version's worked cases.

Prints one line per case and tier (expected, actual, PASS/FAIL) and exits with status 1 when any case
fails, so a programme admin can check a derived version (stored only in the database) against the
parent's cases or their own file before relying on it, and CI can run every shipped file.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cultivation.selectors import rule_set_version
from cultivation.worked_cases import (
    CaseFileError,
    Outcome,
    case_files,
    load_file,
    run_cases,
    shipped_without_cases,
    summary,
    table,
)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class Command(BaseCommand):
    help = "Run the worked cases of a rule-set version (cultivation/rules/cases/CODE.yaml, or --file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="?", help="rule-set code, shipped or stored in the database")
        parser.add_argument("--all", action="store_true", help="every shipped case file")
        parser.add_argument("--file", dest="path", help="a case file of your own, judged by CODE")
        parser.add_argument("--failed", action="store_true", help="print only the failing lines")

    def handle(self, *args, code: str | None, path: str | None, **options) -> None:
        if options["all"] and (code or path):
            raise CommandError(_("--all 不能与规则集代码或 --file 同时使用。"))
        if not options["all"] and not (code or path):
            raise CommandError(_("请给出一个规则集代码，或使用 --all。"))
        if options["all"]:
            outcomes, problems = self._all()
        else:
            outcomes, problems = self._one(code, path)
        self._print(outcomes, failed_only=options["failed"])
        self.stdout.write(summary(outcomes))
        failed = [outcome for outcome in outcomes if not outcome.passed]
        if failed or problems:
            raise CommandError("\n".join([*problems, *(outcome.diff() for outcome in failed)]), returncode=1)

    def _one(self, code: str | None, path: str | None) -> tuple[list[Outcome], list[str]]:
        try:
            file_code, cases = load_file(Path(path)) if path else self._shipped(code)
        except CaseFileError as error:
            raise CommandError(str(error)) from None
        version = code or file_code
        try:
            rule_set_version(version)  # a draft too: worked cases preview it
        except LookupError:
            raise CommandError(_("规则集 %(code)s 不存在。") % {"code": version}) from None
        return run_cases(cases, version), []

    def _shipped(self, code: str):
        files = case_files()
        if code not in files:
            raise CommandError(_("规则集 %(code)s 没有示例案例文件；请用 --file 指定。") % {"code": code})
        return load_file(files[code])

    def _all(self) -> tuple[list[Outcome], list[str]]:
        outcomes: list[Outcome] = []
        problems = [
            _("内置规则集 %(code)s 没有示例案例文件。") % {"code": code} for code in shipped_without_cases()
        ]
        for path in case_files().values():
            try:
                _code, cases = load_file(path)
            except CaseFileError as error:
                problems.append(str(error))
                continue
            outcomes += run_cases(cases)
        return outcomes, problems

    def _print(self, outcomes: list[Outcome], *, failed_only: bool) -> None:
        header = (_("案例"), _("称号"), _("检查项"), _("期望"), _("实际"), _("结果"))
        lines = [line for line in table(outcomes) if not failed_only or line[-1] == "FAIL"]
        widths = [
            max([_width(cell) for cell in column] or [0]) for column in zip(header, *lines, strict=True)
        ]
        for line in (header, *lines):
            text = "  ".join(_pad(cell, width) for cell, width in zip(line, widths, strict=True)).rstrip()
            self.stdout.write(self.style.ERROR(text) if line[-1] == "FAIL" else text)
