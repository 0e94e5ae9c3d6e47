"""What the evaluator answers: per criterion, per tier and per evaluation (P4).

Results are cheap to build: they hold raw values and a message key, and only ``explain()`` /
``to_dict()`` format text (translated via gettext, Chinese source strings). A scan over all firms
that only needs ``eligible`` never formats a single message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

from .explain import explain_criterion
from .status import MET
from .texts import UNITS, language_texts, message, text
from .values import OPS, Derived, compact, consistent_display, display, plain


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
    # Groups of alternative routes of the pass rule (each route: the codes it needs together), so a
    # reader can tell "met another way" from "not met"; () when the tier has no alternatives.
    alternatives: tuple[tuple[tuple[str, ...], ...], ...] = ()

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
        if self.alternatives:
            out["alternatives"] = [[list(route) for route in group] for group in self.alternatives]
        return out


@dataclass(slots=True)
class EligibilityReport:
    """The answer for one firm against one rule set (docs/API.md)."""

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
