"""Rule sets as versioned data (domain P1): criteria, tiers, sets, their JSON form and new versions.

A rule set is immutable. Changing a threshold means ``derive()``-ing a new set with its own code and
effective date, so an application judged under ``CN-2022`` can always be re-judged the same way.
Every threshold lives in exactly one place: the params of its criterion. Labels are plain Chinese
strings (gettext message ids) so the whole set round-trips through JSON and the database; they
are translated when shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .checks import RuleError
from .values import is_number_text, to_decimal

if TYPE_CHECKING:
    from .evaluator import CompiledRuleSet

MEASURABLE, ATTESTED, COMMON, PREREQUISITE, SCORE = (
    "measurable",
    "attested",
    "common",
    "prerequisite",
    "score",
)
KINDS = (MEASURABLE, ATTESTED, COMMON, PREREQUISITE, SCORE)
CONFIDENCE = ("C", "P", "U")  # domain legend: confirmed, probable, unconfirmed


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
    source: str = ""  # source ids of domain.md §0, e.g. "S2"
    confidence: str = "C"
    note: str = ""  # decisions and readings, shown in docs/RULES.md
    applies_to: tuple[str, ...] = ()  # common criteria only: the tiers they apply to

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


@dataclass(frozen=True)
class RuleSet:
    """A versioned set of rules in force from ``effective_from`` (P1)."""

    code: str
    effective_from: date
    title: str
    provisional: bool = False
    common: tuple[Criterion, ...] = ()
    tiers: Mapping[str, TierRule] = field(default_factory=dict)
    based_on: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "common", tuple(self.common))
        tiers = self.tiers.values() if isinstance(self.tiers, Mapping) else self.tiers
        object.__setattr__(self, "tiers", MappingProxyType({rule.tier: rule for rule in tiers}))
        for criterion in self.common:
            if criterion.kind != COMMON or not criterion.applies_to:
                raise RuleError(f"common criterion {criterion.code} needs kind 'common' and applies_to")
            unknown = set(criterion.applies_to) - set(self.tiers)
            if unknown:
                raise RuleError(
                    f"common criterion {criterion.code} applies to unknown tiers {sorted(unknown)}"
                )

    @cached_property
    def compiled(self) -> CompiledRuleSet:
        """The set turned into check closures, once (validates it too)."""
        from .evaluator import compile_rule_set

        return compile_rule_set(self)

    def validate(self) -> RuleSet:
        """Compile now so a bad version fails when created, not when a firm is evaluated."""
        _ = self.compiled
        return self

    def common_for(self, tier: str) -> tuple[Criterion, ...]:
        return tuple(c for c in self.common if tier in c.applies_to)

    def criterion(self, path: str) -> Criterion:
        """A criterion by ``tier.code``, ``common.code`` or a plain code that is unique in the set."""
        return self._locate(path)[1]

    def _locate(self, path: str) -> tuple[str, Criterion]:
        scope, _, code = path.rpartition(".")
        found = []
        for criterion in self.common:
            if criterion.code == code and scope in ("", "common"):
                found.append(("common", criterion))
        for tier, rule in self.tiers.items():
            if scope in ("", tier):
                found.extend((tier, c) for c in rule.criteria if c.code == code)
        if len(found) != 1:
            problem = "unknown" if not found else f"ambiguous ({', '.join(t for t, _ in found)})"
            raise KeyError(f"criterion {path!r} is {problem}; use 'tier.code' or 'common.code'")
        return found[0]

    def derive(
        self,
        code: str,
        effective_from: date,
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        title: str | None = None,
        provisional: bool | None = None,
        tiers: Iterable[TierRule] = (),
        note: str | None = None,
    ) -> RuleSet:
        """A new version: same rules except the overridden params and replaced/added tiers.

        ``overrides`` maps a criterion path (see ``criterion``) to the params to change; a param
        that does not exist is refused (typos must not silently add a new threshold). The original
        set is untouched; the new one is validated before it is returned.
        """
        if code == self.code:
            raise RuleError("a derived rule set needs a new code")
        common = list(self.common)
        rules = dict(self.tiers)
        for rule in tiers:
            rules[rule.tier] = rule
        draft = RuleSet(code, effective_from, title or self.title, self.provisional, common, rules, self.code)
        for path, changes in (overrides or {}).items():
            scope, criterion = draft._locate(path)
            unknown = set(changes) - set(criterion.params)
            if unknown:
                raise RuleError(f"{path}: no such params {sorted(unknown)}")
            new = replace(criterion, params={**criterion.params, **changes})
            if scope == "common":
                common = [new if c is criterion else c for c in common]
            else:
                old = rules[scope]
                rules[scope] = replace(
                    old, criteria=tuple(new if c is criterion else c for c in old.criteria)
                )
            draft = RuleSet(code, effective_from, draft.title, draft.provisional, common, rules, self.code)
        result = RuleSet(
            code,
            effective_from,
            draft.title,
            self.provisional if provisional is None else provisional,
            common,
            rules,
            self.code,
            self.note if note is None else note,
        )
        return result.validate()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (Decimals as strings), what the Django layer stores."""
        return {
            "code": self.code,
            "effective_from": self.effective_from.isoformat(),
            "title": self.title,
            "provisional": self.provisional,
            "based_on": self.based_on,
            "note": self.note,
            "common": [c.to_dict() for c in self.common],
            "tiers": {code: rule.to_dict() for code, rule in self.tiers.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleSet:
        """Rebuild (and validate) a set from ``to_dict`` output."""
        rule_set = cls(
            code=data["code"],
            effective_from=date.fromisoformat(data["effective_from"]),
            title=data.get("title", ""),
            provisional=bool(data.get("provisional", False)),
            common=tuple(Criterion.from_dict(c) for c in data.get("common", ())),
            tiers=[TierRule.from_dict(t) for t in data.get("tiers", {}).values()],
            based_on=data.get("based_on"),
            note=data.get("note", ""),
        )
        return rule_set.validate()


def rule_set_for(day: date, sets: Iterable[RuleSet] | None = None) -> RuleSet:
    """The set in force on ``day``: the latest ``effective_from`` on or before it (P1).

    Two sets taking effect on the same day would make the answer depend on list order, so that is
    refused; the Django layer keeps effective dates unique.
    """
    if sets is None:
        from .catalogue import RULE_SETS

        sets = RULE_SETS
    candidates = [s for s in sets if s.effective_from <= day]
    if not candidates:
        raise LookupError(f"no rule set is in force on {day.isoformat()}")
    latest = max(s.effective_from for s in candidates)
    chosen = [s for s in candidates if s.effective_from == latest]
    if len(chosen) > 1:
        raise ValueError(f"rule sets {[s.code for s in chosen]} share the effective date {latest}")
    return chosen[0]
