"""What the evaluator answers: per criterion, per tier and per evaluation (domain P4, DESIGN §6).

Results are cheap to build: they hold raw values and a message key, and only ``explain()`` /
``to_dict()`` format text (translated via gettext, Chinese source strings). A scan over all firms
that only needs ``eligible`` never formats a single message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from registry.figures import FIGURE_LABELS

from .values import OPS, Derived, Missing, compact, consistent_display, display, plain


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    PENDING = "pending"  # depends on an attestation claimed but not yet confirmed (P3)
    MISSING = "missing"  # the figures needed are not there (or a ratio is undefined)


# Results carry these plain strings (equal to the Status members): hashing an Enum member runs Python
# code, and the evaluator looks statuses up tens of times per firm.
MET, NOT_MET, PENDING, MISSING = "met", "not_met", "pending", "missing"


UNITS: dict[str, Promise] = {
    "pct": _("{value}%"),
    "wan": _("{value} 万元"),
    "usd_m": _("{value} 百万美元"),
    "items": _("{value} 件"),
    "persons": _("{value} 人"),
    "years": _("{value} 年"),
    "points": _("{value} 分"),
}

# The figures' labels (one declaration with the model's fields) and the firm facts rules can miss.
FIELD_LABELS: dict[str, Promise] = {
    **FIGURE_LABELS,
    "founded_on": _("成立日期"),
    "niche_since": _("进入细分市场年份"),
}

GAPS: dict[str, Promise] = {
    "rd_expense": _("按当前营业收入需增加研发费用 {gap} 万元"),
    "rd_expense_plain": _("需增加研发费用 {gap} 万元"),
    "main_business_revenue": _("需增加主营业务收入 {gap} 万元"),
    "net_profit": _("需增加净利润 {gap} 万元"),
    "liabilities": _("需以资产偿还负债 {gap} 万元"),
    "rd_staff": _("需增加研发人员 {gap} 人"),
    "operating_revenue": _("需增加营业收入 {gap} 万元"),
    "class1_ip": _("还需 {gap} 件Ⅰ类知识产权"),
    "class2_ip": _("还需 {gap} 件Ⅱ类知识产权"),
    "years": _("还需 {gap} 年"),
    "equity_financing": _("需新增股权融资 {gap} 万元"),
    "valuation_usd_m": _("估值需提高 {gap} 百万美元"),
    "cumulative_financing_usd_m": _("累计融资需增加 {gap} 百万美元"),
    "points": _("还差 {gap} 分"),
}

MESSAGES: dict[str, Promise] = {
    "cmp_met": _("{label}：{value}，符合 {op} {threshold} 的要求"),
    "cmp_not_met": _("{label}：{value}，未达到 {op} {threshold} 的要求"),
    "missing": _("{label}：数据缺失（{detail}）"),
    "missing_year": _("{year} 年度{fields}"),
    "undefined_year": _("{year} 年度{fields}为零或负数，比率无法计算"),
    "attested_met": _("{label}：已确认"),
    "attested_pending": _("{label}：已申报，待经办人确认"),
    "attested_not_met": _("{label}：未申报或未获确认"),
    "points": _("{label}：得 {points} 分（满分 {max_points} 分）"),
    "points_value": _("{label}：{value}，得 {points} 分（满分 {max_points} 分）"),
    "points_next": _("达到 {op} {threshold} 可得更高分"),
    "points_pending": _("待确认事项确认后最高可得 {potential} 分"),
    "score_met": _("{label}：{value} 分，达到 {threshold} 分"),
    "score_not_met": _("{label}：{value} 分，未达到 {threshold} 分"),
    "score_class": _("{name} {points} 分（须不低于 {minimum} 分）"),
    "prerequisite_met": _("{label}：已持有有效称号"),
    "prerequisite_not_met": _("{label}：未持有有效称号"),
    "clean": _("{label}：未记录否决事项"),
    "disqualified": _("{label}：已记录否决事项：{detail}"),
    "disqualified_item": _("{flag}（{kind}否决）"),
    "sme_met": _("{label}：属于中小企业（{detail}）"),
    "sme_not_met": _("{label}：超出中小企业标准（{detail}）"),
    "sme_detail": _("从业人员须少于 {employees} 人或营业收入须低于 {revenue} 万元"),
    "founded_met": _("{label}：成立于 {value}，不早于 {threshold}"),
    "founded_not_met": _("{label}：成立于 {value}，早于 {threshold}"),
    "fact_met": _("{label}：符合"),
    "fact_not_met": _("{label}：不符合"),
    "cluster_met": _("{label}：所属集群 {value}"),
    "cluster_not_met": _("{label}：未登记所属“33618”集群"),
    "band_parts": _("{label}：{value}，适用要求：{parts}"),
    "band_below": _("{label}：{value}，低于 {threshold}，不符合条件"),
    "list_separator": _("、"),
    "waived": _("{label}：复核申请不检查此项"),
    "not_in_force_CQ": _("该称号的重庆市认定标准自 {date} 起施行"),
    "not_in_force_CN": _("该称号的认定标准自 {date} 起施行"),
    "designation_absent_met": _("{label}：未持有该称号"),
    "designation_absent_not_met": _("{label}：已持有该称号，不在申报范围"),
    "attested_absent_met": _("{label}：未申报存在该情形"),
    "attested_absent_pending": _("{label}：已申报存在该情形，待经办人核实"),
    "attested_absent_not_met": _("{label}：经办人已确认存在该情形"),
}


_TABLES: dict[str | None, dict[tuple[str, str], str]] = {}
_ACTIVE: ContextVar[dict[tuple[str, str], str] | None] = ContextVar("rules_texts", default=None)


@contextmanager
def language_texts() -> Iterator[None]:
    """Look the active language up once for a whole report (``get_language`` is slow in a loop)."""
    if _ACTIVE.get() is not None:
        yield
        return
    token = _ACTIVE.set(_TABLES.setdefault(get_language(), {}))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def text(kind: str, name: str, source: Promise | str) -> str:
    """``source`` in the active language, memoised per (language, kind, name).

    Catalogues do not change while the process runs, and a report's JSON formats hundreds of
    messages: going through gettext each time was most of the cost. ``source`` is a lazy string or
    a plain message id (criterion labels are plain ids in the rule-set data).
    """
    table = _ACTIVE.get()
    if table is None:
        table = _TABLES.setdefault(get_language(), {})
    found = table.get((kind, name))
    if found is None:
        found = table[(kind, name)] = str(source) if isinstance(source, Promise) else gettext(source)
    return found


@receiver(setting_changed)
def _forget_texts(*, setting: str, **kwargs: Any) -> None:
    """Tests that switch languages or catalogues must not see texts memoised for the old ones."""
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _TABLES.clear()


def message(key: str) -> str:
    return text("m", key, MESSAGES[key])


def _format_number(value: Any, unit: str | None, op: str | None, threshold: Any, met: bool) -> str:
    """A value with its unit, rounded for display without contradicting the decision."""
    if isinstance(value, Decimal):
        limit = threshold if isinstance(threshold, Decimal | int) else None
        value = consistent_display(value, op, Decimal(limit) if limit is not None else None, met)
    return _with_unit(value, unit)


def _with_unit(value: Any, unit: str | None) -> str:
    if unit in UNITS:
        return text("u", unit, UNITS[unit]).format(value=value)
    return str(value)


def _missing_detail(missing: Missing) -> str:
    labels = [text("f", name, FIELD_LABELS.get(name, name)) for name in missing.fields]
    names = message("list_separator").join(labels)
    if missing.year is None:
        return names
    key = "undefined_year" if missing.reason == Missing.UNDEFINED else "missing_year"
    return message(key).format(year=missing.year, fields=names)


def json_value(value: Any) -> Any:
    """JSON-friendly form: Decimals and dates as strings, containers converted recursively."""
    if isinstance(value, Derived):
        value = value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [json_value(item) for item in value]
    if isinstance(value, Promise):
        return str(value)
    return value


@dataclass(frozen=True)
class Meta:
    """The constant part of a criterion's results (code, label, kind, provisional), shared by them all."""

    code: str
    label: Promise | str
    kind: str
    provisional: bool = False
    classes: Mapping[str, str] = field(default_factory=dict)  # score criteria: class code -> label msgid
    text_id: str = ""  # the label's plain message id, for memoised translation
    provisional_reason: str = ""  # why the criterion is provisional (plain message id)


class CriterionResult:
    """One criterion's outcome: status, the firm's value, the bar, the gap and (if scored) points.

    For a scored criterion ``threshold``/``gap`` refer to the next band up (how to score more).
    ``gap`` is in the firm's own terms (``gap_key`` says which: 万元 of R&D, persons, items…). The
    distance to a bar is only computed when someone reads it (``lazy``): a scan deciding eligibility
    for every firm never pays for it.
    """

    __slots__ = (
        "_gap",
        "_gap_key",
        "_lazy",
        "_op",
        "_threshold",
        "detail",
        "max_points",
        "message_key",
        "meta",
        "parts",
        "points",
        "potential",
        "raw_value",
        "status",
        "unit",
    )

    def __init__(
        self,
        meta: Meta,
        status: str,
        raw_value: Any = None,
        threshold: Any = None,
        op: str | None = None,
        unit: str | None = None,
        gap: Decimal | int | None = None,
        gap_key: str | None = None,
        points: int | None = None,
        potential: int | None = None,
        max_points: int | None = None,
        detail: Any = None,
        message_key: str = "cmp",
        parts: list[CriterionResult] | None = None,
        lazy: Callable[[], tuple[Any, str | None, Any, str | None]] | None = None,
    ) -> None:
        self.meta = meta
        self.status = status  # one of Status (a plain string)
        self.raw_value = raw_value
        self._threshold = threshold
        self._op = op
        self.unit = unit
        self._gap = gap
        self._gap_key = gap_key
        self.points = points
        self.potential = potential
        self.max_points = max_points
        self.detail = detail
        self.message_key = message_key
        self.parts = parts
        self._lazy = lazy  # () -> (threshold, op, gap, gap_key), run once on first read

    def _resolve(self) -> None:
        lazy, self._lazy = self._lazy, None
        self._threshold, self._op, self._gap, self._gap_key = lazy()

    @property
    def code(self) -> str:
        return self.meta.code

    @property
    def label(self) -> Promise | str:
        return self.meta.label

    @property
    def label_text(self) -> str:
        """The label in the active language (memoised)."""
        if self.meta.text_id:
            return text("l", self.meta.text_id, self.meta.text_id)
        return str(self.meta.label)

    @property
    def kind(self) -> str:
        return self.meta.kind

    @property
    def provisional(self) -> bool:
        return self.meta.provisional

    @property
    def threshold(self) -> Any:
        if self._lazy is not None:
            self._resolve()
        return self._threshold

    @property
    def op(self) -> str | None:
        if self._lazy is not None:
            self._resolve()
        return self._op

    @property
    def gap(self) -> Decimal | int | None:
        if self._lazy is not None:
            self._resolve()
        return self._gap

    @property
    def gap_key(self) -> str | None:
        if self._lazy is not None:
            self._resolve()
        return self._gap_key

    def __repr__(self) -> str:
        return f"<CriterionResult {self.code} {self.status} value={self.raw_value!r} points={self.points}>"

    @property
    def value(self) -> Any:
        """The firm's value (a ratio as its quotient: percent for ``unit == "pct"``)."""
        return plain(self.raw_value)

    @property
    def met(self) -> bool:
        return self.status == MET

    @property
    def reaches_threshold(self) -> bool:
        """Whether the value is on the right side of ``threshold``.

        For a scored criterion the threshold is the next band up, which by definition is not reached.
        """
        return self.status == MET and self.message_key != "points"

    def display_value(self) -> str | None:
        """The value as shown to people: rounded, with its unit, consistent with the status."""
        if self.raw_value is None:
            return None
        return _format_number(self.value, self.unit, self.op, self.threshold, self.reaches_threshold)

    def display_threshold(self) -> str | None:
        if self.threshold is None or isinstance(self.threshold, dict):
            return None
        if isinstance(self.threshold, Decimal | int):
            return _with_unit(compact(self.threshold), self.unit)
        return str(self.threshold)

    def explain(self) -> str:
        """The human message (P4), in the active language."""
        with language_texts():
            return self._explain()

    def _explain(self) -> str:
        from .explain import explain_criterion  # local: formatting code is only loaded when asked

        return explain_criterion(self)

    @property
    def message(self) -> str:
        return self.explain()

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the API and application snapshots."""
        with language_texts():
            return self._to_dict()

    def _to_dict(self) -> dict[str, Any]:
        shown = self.value
        if isinstance(shown, Decimal) and self.unit == "pct":
            met = self.reaches_threshold
            limit = self.threshold if isinstance(self.threshold, Decimal | int) else None
            shown = consistent_display(shown, self.op, Decimal(limit) if limit is not None else None, met)
        elif isinstance(shown, Decimal) and shown.as_tuple().exponent < -2:
            shown = display(shown)
        out = {
            "code": self.code,
            "label": self.label_text,
            "kind": self.kind,
            "status": self.status,
            "value": json_value(shown),
            "threshold": json_value(self.threshold),
            "op": OPS.get(self.op) if self.op else None,
            "unit": self.unit,
            "gap": json_value(self.gap),
            "gap_unit": self.gap_key,
            "points": self.points,
            "max_points": self.max_points,
            "provisional": self.provisional,
            "message": self._explain(),
        }
        if self.provisional and self.meta.provisional_reason:
            reason = self.meta.provisional_reason
            out["provisional_reason"] = text("l", reason, reason)
        if self.potential is not None and self.potential != self.points:
            out["potential_points"] = self.potential
        if self.parts:
            out["parts"] = [part._to_dict() for part in self.parts]
        return out


@dataclass(slots=True)
class TierReport:
    """One tier's answer: eligible True/False, or None while pending attestations decide it."""

    tier: str
    eligible: bool | None
    criteria: list[CriterionResult]
    score: Decimal | None = None
    potential_score: Decimal | None = None
    class_scores: dict[str, Decimal] = field(default_factory=dict)
    direct_met: list[str] = field(default_factory=list)
    provisional: bool = False
    application_kind: str = "new"  # judged as a new application or as a 复核 ("renewal")
    rule_set: str | None = None  # the set that rated the tier (or will, when not in force)
    in_force: bool = True  # False: no rules for the tier are in force on the day yet (issue 15)
    effective_from: date | None = None  # not in force: the day its rules take effect
    jurisdiction: str | None = None

    @classmethod
    def not_in_force(cls, tier: str, rule_set: str, effective_from: date, jurisdiction: str) -> TierReport:
        """A tier whose rules take effect after the day: neither eligible nor not (``eligible`` None)."""
        return cls(
            tier,
            None,
            [],
            rule_set=rule_set,
            in_force=False,
            effective_from=effective_from,
            jurisdiction=jurisdiction,
        )

    @property
    def message(self) -> str:
        """Why a tier is not in force (empty otherwise), in the active language."""
        if self.in_force or self.effective_from is None:
            return ""
        key = "not_in_force_CQ" if self.jurisdiction == "CQ" else "not_in_force_CN"
        return message(key).format(date=self.effective_from.isoformat())

    def criterion(self, code: str) -> CriterionResult:
        for result in self.criteria:
            if result.code == code:
                return result
        raise KeyError(code)

    def explain(self) -> list[str]:
        """One message per criterion, in order."""
        with language_texts():
            return [result._explain() for result in self.criteria]

    def to_dict(self) -> dict[str, Any]:
        with language_texts():
            return self._to_dict()

    def _to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "eligible": self.eligible,
            "in_force": self.in_force,
            "rule_set": self.rule_set,
            "application_kind": self.application_kind,
            "score": json_value(self.score),
            "provisional": self.provisional,
            "criteria": [result._to_dict() for result in self.criteria],
        }
        if not self.in_force:
            out["effective_from"] = json_value(self.effective_from)
            out["message"] = self.message
        if self.score is not None:
            out["potential_score"] = json_value(self.potential_score)
            out["class_scores"] = json_value(self.class_scores)
            out["direct_met"] = list(self.direct_met)
        elif self.direct_met:
            out["direct_met"] = list(self.direct_met)
        return out


@dataclass(slots=True)
class EligibilityReport:
    """The answer for one firm against one rule set (DESIGN §6)."""

    rule_set: str
    as_of: date
    provisional: bool
    tiers: dict[str, TierReport]
    rule_sets: tuple[str, ...] = ()  # every set applied (national first); () means just ``rule_set``

    def __getitem__(self, tier: str) -> TierReport:
        return self.tiers[tier]

    def eligible_tiers(self) -> list[str]:
        """Tiers the firm is eligible for now (pending ones excluded)."""
        return [code for code, report in self.tiers.items() if report.eligible is True]

    def to_dict(self) -> dict[str, Any]:
        with language_texts():
            return {
                "rule_set": self.rule_set,
                "rule_sets": list(self.rule_sets or (self.rule_set,)),
                "as_of": self.as_of.isoformat(),
                "provisional": self.provisional,
                "tiers": {code: report._to_dict() for code, report in self.tiers.items()},
            }
