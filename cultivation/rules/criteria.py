"""What a rule set is made of (P1): criteria, score classes and tier rules, as frozen data.

Below ``compiler`` (which turns them into check closures) and ``ruleset`` (the versioned set that
holds them and compiles itself once), so that a set can validate itself without an import cycle.
``ruleset`` re-exports these names: the catalogue and callers import them from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .checks import RuleError
from .values import is_number_text, to_decimal

MEASURABLE, ATTESTED, COMMON, PREREQUISITE, SCORE = (
    "measurable",
    "attested",
    "common",
    "prerequisite",
    "score",
)
KINDS = (MEASURABLE, ATTESTED, COMMON, PREREQUISITE, SCORE)
CONFIDENCE = ("C", "P", "U")  # domain legend: confirmed, probable, unconfirmed
NATIONAL, CHONGQING = "CN", "CQ"
JURISDICTIONS = (NATIONAL, CHONGQING)  # national (MIIT) rules, and the city's own (P1)


def freeze(value: Any) -> Any:
    """Deep-freeze JSON-like data; numbers written as text ("3", "0.5") and floats become Decimals."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(key): freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    if isinstance(value, float) or (isinstance(value, str) and is_number_text(value)):
        return to_decimal(value)
    return value


def thaw(value: Any) -> Any:
    """The JSON-able form of frozen data: Decimals as strings, mappings as dicts, tuples as lists."""
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass(frozen=True)
class Criterion:
    """One condition of a tier: which check runs with which thresholds, and where the rule comes from."""

    code: str
    label: str  # Chinese message id
    kind: str
    check: str
    params: Mapping[str, Any] = field(default_factory=dict)
    score_class: str | None = None  # scored tiers: the class its points count towards
    direct: bool = False  # a direct condition (直通/公告条件) that can replace the score or a group
    provisional: bool = False  # the figure is unconfirmed [U] (P1)
    source: str = ""  # source ids of cultivation/rules/sources.py, e.g. "S2"
    confidence: str = "C"
    note: str = ""  # decisions and readings, shown in docs/RULES.md
    applies_to: tuple[str, ...] = ()  # common criteria only: the tiers they apply to
    provisional_reason: str = ""  # why it is provisional, shown to users (Chinese message id)

    def __post_init__(self) -> None:
        if not self.code or "." in self.code:
            raise RuleError(f"criterion code {self.code!r} must be non-empty and contain no dot")
        if self.kind not in KINDS:
            raise RuleError(f"{self.code}: kind must be one of {KINDS}")
        if self.confidence not in CONFIDENCE:
            raise RuleError(f"{self.code}: confidence must be one of {CONFIDENCE}")
        object.__setattr__(self, "params", freeze(self.params))
        object.__setattr__(self, "applies_to", tuple(self.applies_to))

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "kind": self.kind,
            "check": self.check,
            "params": thaw(self.params),
            "score_class": self.score_class,
            "direct": self.direct,
            "provisional": self.provisional,
            "source": self.source,
            "confidence": self.confidence,
            "note": self.note,
            "applies_to": list(self.applies_to),
            "provisional_reason": self.provisional_reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Criterion:
        values = dict(data)
        values["applies_to"] = tuple(values.get("applies_to") or ())
        return cls(**values)


@dataclass(frozen=True)
class ScoreClass:
    """A class of a scored tier (e.g. 创新能力) and its maximum, checked against its criteria's points."""

    code: str
    label: str
    maximum: int


@dataclass(frozen=True)
class TierRule:
    """How one tier is judged: its criteria and the pass rule combining them.

    ``pass_rule`` is JSON-able: a criterion code, ``{"all": [...]}`` or ``{"any": [...]}``; None means
    every criterion that does not only feed the score. The rule set's common criteria that apply to
    the tier are required in addition.
    """

    tier: str
    criteria: tuple[Criterion, ...]
    pass_rule: Any = None
    classes: tuple[ScoreClass, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))
        object.__setattr__(self, "classes", tuple(self.classes))
        object.__setattr__(self, "pass_rule", freeze(self.pass_rule))
        codes = [c.code for c in self.criteria]
        if len(codes) != len(set(codes)):
            raise RuleError(f"{self.tier}: duplicate criterion codes")

    @property
    def scored(self) -> bool:
        return bool(self.classes)

    def criterion(self, code: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(f"{self.tier}.{code}")

    def effective_pass_rule(self) -> Any:
        """The pass rule with the default spelled out."""
        if self.pass_rule is not None:
            return self.pass_rule
        return MappingProxyType({"all": tuple(c.code for c in self.criteria if c.score_class is None)})

    def to_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "scored": self.scored,
            "pass_rule": thaw(self.pass_rule),
            "classes": [{"code": c.code, "label": c.label, "maximum": c.maximum} for c in self.classes],
            "note": self.note,
            "criteria": [c.to_dict() for c in self.criteria],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TierRule:
        return cls(
            tier=data["tier"],
            criteria=tuple(Criterion.from_dict(c) for c in data.get("criteria", ())),
            pass_rule=data.get("pass_rule"),
            classes=tuple(
                ScoreClass(c["code"], c["label"], int(c["maximum"])) for c in data.get("classes", ())
            ),
            note=data.get("note", ""),
        )
