"""Worked cases as data (issue 15 item 12): load ``cultivation/rules/cases/<CODE>.yaml``, judge each
case the way the what-if API does, and compare with the outcome the policy text gives.

A case's ``facts`` are the what-if body and go through the API's own parser (``whatif.WhatIfSerializer``) and
the same rule-set lookup and evaluator (``eligibility_of_facts``); the comparison is made on the API's
JSON answer. So a case can neither say something the API could not be asked nor be judged by a path
the API does not take. Used by ``tests/rules/test_worked_cases.py`` (one test per case), by
``manage.py rules_check`` and by the rule-set admin page. The file format is described in
``cultivation/rules/cases/README.md``.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from .rules.catalogue import RULE_SETS
from .rules.evaluator import evaluate
from .rules.status import MET, MISSING, NOT_MET, PENDING
from .selectors import eligibility_of_facts, is_draft, previewed_in_force
from .whatif import WhatIfSerializer

CASES_DIR = Path(__file__).resolve().parent / "rules" / "cases"
STATUSES = (MET, NOT_MET, PENDING, MISSING)
CASE_KEYS = {"name", "source", "as_of", "rule_set", "facts", "expect", "note"}
FORBIDDEN_FACTS = {"rule_set", "as_of"}  # given by the case itself, never inside ``facts``
# The statuses of the deciding criterion that agree with each outcome.
DECIDING_STATUSES: dict[bool | None, tuple[str, ...]] = {
    True: (MET,),
    False: (NOT_MET, MISSING),
    None: (PENDING,),
}
_UNSET = object()
MAX_CASES = 1000  # a file is read whole and every case evaluated: bound the work an uploaded file can ask


class CaseFileError(ValueError):
    """A case file that cannot be read as worked cases; the message says where and why."""


@dataclass(frozen=True)
class Case:
    """One worked case: a firm on a day, and what the policy text says about it per tier."""

    file: Path
    file_rule_set: str
    name: str
    source: str
    as_of: datetime.date
    facts: Mapping[str, Any]
    expect: Mapping[str, Mapping[str, Any]]
    rule_set: Any = _UNSET  # the case's own version; ``None`` = the one in force on ``as_of``

    @property
    def test_id(self) -> str:
        return f"{self.file_rule_set}: {self.name}"

    def version(self, override: str | None = None) -> str | None:
        """The version this case is judged by: its own, else ``override``, else its file's."""
        if self.rule_set is not _UNSET:
            return self.rule_set
        return override or self.file_rule_set

    def body(self, override: str | None = None) -> dict[str, Any]:
        """The what-if request body this case stands for."""
        return {**self.facts, "as_of": self.as_of, "rule_set": self.version(override)}


@dataclass(frozen=True)
class Row:
    """One compared item of a case: a tier's answer, a criterion's status or another key."""

    tier: str
    item: str
    expected: str
    actual: str
    passed: bool


@dataclass
class Outcome:
    """A case's result: its compared rows, or the error that kept it from being judged."""

    case: Case
    version: str | None
    rows: list[Row] = field(default_factory=list)
    error: str | None = None
    skipped: bool = False  # judged by another version than the file's, and the case names its own

    @property
    def passed(self) -> bool:
        return self.error is None and all(row.passed for row in self.rows)

    def diff(self) -> str:
        """The failing rows, one per line, for a test failure or a log."""
        if self.error:
            return f"{self.case.test_id}: {self.error}"
        lines = [f"{self.case.test_id} ({self.case.source})"]
        lines += [
            f"  {row.tier} {row.item}: {_('期望')} {row.expected}, {_('实际')} {row.actual}"
            for row in self.rows
            if not row.passed
        ]
        return "\n".join(lines)


# --- loading -----------------------------------------------------------------------------------


def _where(path: Path, index: int | None = None, name: str | None = None) -> str:
    where = path.name
    if index is not None:
        where += f" #{index + 1}"
    if name:
        where += f" ({name})"
    return where


def _case(path: Path, code: str, index: int, raw: Any, names: set[str]) -> Case:
    if not isinstance(raw, dict):
        raise CaseFileError(_("%(where)s：每个案例应为一个映射。") % {"where": _where(path, index)})
    name = raw.get("name")
    where = _where(path, index, name if isinstance(name, str) else None)
    unknown = sorted(set(raw) - CASE_KEYS)
    if unknown:
        raise CaseFileError(
            _("%(where)s：未知的键 %(keys)s。") % {"where": where, "keys": ", ".join(unknown)}
        )
    if not isinstance(name, str) or not name.strip():
        raise CaseFileError(_("%(where)s：缺少案例名称（name）。") % {"where": where})
    if name in names:
        raise CaseFileError(_("%(where)s：案例名称重复。") % {"where": where})
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise CaseFileError(_("%(where)s：缺少出处（source，政策文件及条款）。") % {"where": where})
    as_of = raw.get("as_of")
    if not isinstance(as_of, datetime.date) or isinstance(as_of, datetime.datetime):
        raise CaseFileError(_("%(where)s：as_of 应为日期（YYYY-MM-DD）。") % {"where": where})
    facts = raw.get("facts", {})
    if not isinstance(facts, dict) or FORBIDDEN_FACTS & set(facts):
        raise CaseFileError(
            _("%(where)s：facts 应为假设评估请求体的映射，且不含 rule_set、as_of。") % {"where": where}
        )
    expect = raw.get("expect")
    if not isinstance(expect, dict) or not expect or not all(isinstance(v, dict) for v in expect.values()):
        raise CaseFileError(_("%(where)s：expect 应按称号给出期望结果。") % {"where": where})
    for tier, wanted in expect.items():
        statuses = wanted.get("criteria", {})
        if not isinstance(statuses, dict) or not all(_valid_criterion(value) for value in statuses.values()):
            raise CaseFileError(
                _("%(where)s：%(tier)s 的 criteria 状态只能是 %(statuses)s。")
                % {"where": where, "tier": tier, "statuses": ", ".join(STATUSES)}
            )
        if "eligible" in wanted and wanted["eligible"] not in (True, False, None):
            raise CaseFileError(
                _("%(where)s：%(tier)s 的 eligible 只能是 true、false 或 null。")
                % {"where": where, "tier": tier}
            )
    rule_set = raw.get("rule_set", _UNSET)
    if rule_set is not _UNSET and rule_set is not None and not isinstance(rule_set, str):
        raise CaseFileError(_("%(where)s：rule_set 应为规则集代码或 null。") % {"where": where})
    names.add(name)
    return Case(path, code, name, source.strip(), as_of, facts, expect, rule_set)


def _valid_criterion(wanted: Any) -> bool:
    """A criterion expectation: a status, or a mapping of its API keys (``status`` one of the four)."""
    if isinstance(wanted, dict):
        return bool(wanted) and wanted.get("status", MET) in STATUSES
    return wanted in STATUSES


def load_file(path: Path | str) -> tuple[str, list[Case]]:
    """The version code a case file is for and its cases; ``CaseFileError`` when malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CaseFileError(
            _("无法读取案例文件 %(file)s：%(error)s") % {"file": path.name, "error": error}
        ) from error
    return load_text(text, path)


def load_text(text: str, path: Path | str) -> tuple[str, list[Case]]:
    """``load_file`` for text already read (a file uploaded in the admin); ``path`` names it in messages."""
    path = Path(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CaseFileError(
            _("无法读取案例文件 %(file)s：%(error)s") % {"file": path.name, "error": error}
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise CaseFileError(_("%(file)s：应包含 rule_set 和 cases 列表。") % {"file": path.name})
    code = data.get("rule_set")
    if not isinstance(code, str) or not code:
        raise CaseFileError(_("%(file)s：缺少 rule_set（规则集代码）。") % {"file": path.name})
    if len(data["cases"]) > MAX_CASES:
        raise CaseFileError(
            _("%(file)s：一个文件最多 %(max)d 个案例。") % {"file": path.name, "max": MAX_CASES}
        )
    names: set[str] = set()
    return code, [_case(path, code, index, raw, names) for index, raw in enumerate(data["cases"])]


def case_files() -> dict[str, Path]:
    """The shipped case files by the version code in their name."""
    return {path.stem: path for path in sorted(CASES_DIR.glob("*.yaml"))}


def shipped_without_cases() -> list[str]:
    """Codes of rule sets shipped with the code that have no case file (each one must have one)."""
    files = case_files()
    return [rule_set.code for rule_set in RULE_SETS if rule_set.code not in files]


def cases_for(code: str, parents: Iterable[str] = ()) -> tuple[str | None, list[Case]]:
    """The shipped file for ``code``, else the nearest of ``parents`` that has one: its name and cases."""
    files = case_files()
    for candidate in (code, *parents):
        if candidate in files:
            return files[candidate].name, load_file(files[candidate])[1]
    return None, []


# --- judging -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _same(expected: Any, actual: Any) -> bool:
    """Equal as the API means it: numbers by value ("60" = 60), a mapping by the keys the case names."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and _same(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_same(e, a) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, bool) or expected is None or isinstance(actual, bool) or actual is None:
        return expected is actual
    try:
        return Decimal(str(expected)) == Decimal(str(actual))
    except (InvalidOperation, ValueError):
        return str(expected) == str(actual)


def _by_code(criteria: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Each criterion's answer by code, parts of composite criteria included (the top level wins)."""
    found: dict[str, Mapping[str, Any]] = {}
    for criterion in criteria:
        found.setdefault(criterion["code"], criterion)
        for code, part in _by_code(criterion.get("parts", ())).items():
            found.setdefault(code, part)
    return found


def _criterion_rows(tier: str, code: str, wanted: Any, answer: Mapping[str, Any] | None) -> list[Row]:
    """``code: status``, or ``code: {status: …, points: …}`` compared key by key."""
    absent = _("（无此条件）")
    if not isinstance(wanted, dict):
        actual = answer["status"] if answer else absent
        return [Row(tier, code, wanted, actual, actual == wanted)]
    rows = []
    for key, value in wanted.items():
        actual = answer.get(key, _UNSET) if answer else _UNSET
        shown = absent if answer is None else _("（答案中无此项）") if actual is _UNSET else _text(actual)
        item = code if key == "status" else f"{code}.{key}"
        rows.append(Row(tier, item, _text(value), shown, actual is not _UNSET and _same(value, actual)))
    return rows


def _tier_rows(tier: str, wanted: Mapping[str, Any], answer: Mapping[str, Any] | None) -> list[Row]:
    if answer is None:
        absent = _("（该规则集没有此称号）")
        return [Row(tier, "eligible", _text(wanted.get("eligible")), absent, False)]
    rows = []
    criteria = _by_code(answer.get("criteria", ()))
    if "eligible" in wanted:
        rows.append(
            Row(
                tier,
                "eligible",
                _text(wanted["eligible"]),
                _text(answer.get("eligible")),
                wanted["eligible"] is answer.get("eligible"),
            )
        )
    if "deciding" in wanted:
        outcome = wanted.get("eligible", answer.get("eligible"))
        agreeing = DECIDING_STATUSES.get(outcome, ())
        found = criteria.get(wanted["deciding"])
        actual = found["status"] if found else _("（无此条件）")
        rows.append(
            Row(tier, f"deciding {wanted['deciding']}", "|".join(agreeing), actual, actual in agreeing)
        )
    for code, expected in (wanted.get("criteria") or {}).items():
        rows += _criterion_rows(tier, code, expected, criteria.get(code))
    for key, value in wanted.items():
        if key in ("eligible", "deciding", "criteria"):
            continue
        actual = answer.get(key, _UNSET)
        shown = _("（答案中无此项）") if actual is _UNSET else _text(actual)
        rows.append(Row(tier, key, _text(value), shown, actual is not _UNSET and _same(value, actual)))
    return rows


def run_case(case: Case, override: str | None = None) -> Outcome:
    """Judge one case as ``POST /api/eligibility/`` would, and compare with its expectation."""
    version = case.version(override)
    outcome = Outcome(case, version)
    if override and override != case.file_rule_set and case.rule_set is not _UNSET:
        # The case is about another version (a switch date, say): not a case for ``override``.
        outcome.skipped = True
        return outcome
    draft = is_draft(version)  # a draft is previewed here: the what-if itself never names one
    serializer = WhatIfSerializer(data={**case.body(override), **({"rule_set": None} if draft else {})})
    unknown = sorted(set(case.facts) - set(serializer.fields))
    if unknown:  # the API would silently drop them: a typo must not pass as a fact
        outcome.error = _("facts 中有假设评估接口不认识的键：%(keys)s。") % {"keys": ", ".join(unknown)}
        return outcome
    if not serializer.is_valid():
        outcome.error = _("案例事实不被接受：%(errors)s") % {"errors": _flatten(serializer.errors)}
        return outcome
    try:
        facts = serializer.to_facts()
        if draft:
            report = evaluate(facts, previewed_in_force(version, facts.as_of)).to_dict()
        else:
            report = eligibility_of_facts(facts, version).to_dict()
    except LookupError:
        outcome.error = _("规则集 %(code)s 不存在。") % {"code": version}
        return outcome
    tiers = report.get("tiers", {})
    for tier, wanted in case.expect.items():
        outcome.rows += _tier_rows(tier, wanted, tiers.get(tier))
    return outcome


def _flatten(errors: Any, prefix: str = "") -> str:
    if isinstance(errors, dict):
        return "; ".join(_flatten(value, f"{prefix}{key}.") for key, value in errors.items())
    if isinstance(errors, list):
        return "; ".join(_flatten(value, prefix) for value in errors if value)
    return f"{prefix.rstrip('.')}: {errors}"


def run_cases(cases: Iterable[Case], override: str | None = None) -> list[Outcome]:
    """Judge every case; ``override`` judges them by another version (a derived one, say)."""
    return [run_case(case, override) for case in cases]


# --- reporting ---------------------------------------------------------------------------------


def table(outcomes: Iterable[Outcome]) -> list[tuple[str, str, str, str, str, str]]:
    """One line per compared item: case, tier, item, expected, actual, PASS/FAIL."""
    lines = []
    for outcome in outcomes:
        if outcome.skipped:
            note = _("案例指定了规则集版本 %(code)s，未按所选版本运行") % {
                "code": _text(outcome.case.rule_set)
            }
            lines.append((outcome.case.name, "", "", "", note, "SKIP"))
            continue
        if outcome.error:
            lines.append((outcome.case.name, "", "", "", outcome.error, "FAIL"))
            continue
        for row in outcome.rows:
            lines.append(
                (
                    outcome.case.name,
                    row.tier,
                    row.item,
                    row.expected,
                    row.actual,
                    "PASS" if row.passed else "FAIL",
                )
            )
    return lines


def summary(outcomes: Iterable[Outcome]) -> str:
    """The closing line: 共 N 个案例：P 个通过，F 个未通过 (and how many were skipped, when any)."""
    outcomes = list(outcomes)
    skipped = sum(outcome.skipped for outcome in outcomes)
    failed = sum(not outcome.passed for outcome in outcomes)
    text = _("共 %(total)d 个案例：%(passed)d 个通过，%(failed)d 个未通过。") % {
        "total": len(outcomes),
        "passed": len(outcomes) - failed - skipped,
        "failed": failed,
    }
    if skipped:
        text += _("另有 %(skipped)d 个案例指定了其他规则集版本，已跳过。") % {"skipped": skipped}
    return text
