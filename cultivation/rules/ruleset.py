"""Rule sets as versioned data (P1): criteria, tiers, sets, their JSON form and new versions.

A rule set is immutable. Changing a threshold means ``derive()``-ing a new set with its own code and
effective date, so an application judged under ``CN-2022`` can always be re-judged the same way.
Every threshold lives in exactly one place: the params of its criterion. Labels are plain Chinese
strings (gettext message ids) so the whole set round-trips through JSON and the database; they
are translated when shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from types import MappingProxyType
from typing import Any

from .checks import RuleError
from .compiler import CompiledRuleSet, compile_rule_set
from .criteria import (
    ATTESTED,
    CHONGQING,
    COMMON,
    CONFIDENCE,
    JURISDICTIONS,
    KINDS,
    MEASURABLE,
    NATIONAL,
    PREREQUISITE,
    SCORE,
    Criterion,
    ScoreClass,
    TierRule,
    freeze,
    thaw,
)

__all__ = [
    "ATTESTED",
    "CHONGQING",
    "COMMON",
    "CONFIDENCE",
    "JURISDICTIONS",
    "KINDS",
    "MEASURABLE",
    "NATIONAL",
    "PREREQUISITE",
    "SCORE",
    "Criterion",
    "InForce",
    "NotYet",
    "RuleSet",
    "ScoreClass",
    "TierRule",
    "effective_until",
    "freeze",
    "in_force",
    "rule_set_for",
    "thaw",
]


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
    jurisdiction: str = NATIONAL  # whose rules: the national programme's or Chongqing's own (P1)
    source: str = ""  # the instrument's source ids (cultivation/rules/sources.py)
    date_confidence: str = "C"  # how sure the effective date is (domain legend)
    date_note: str = ""  # why the date is what it is, shown to users when not confirmed (message id)

    def __post_init__(self) -> None:
        if self.jurisdiction not in JURISDICTIONS:
            raise RuleError(f"{self.code}: jurisdiction must be one of {JURISDICTIONS}")
        if self.date_confidence not in CONFIDENCE:
            raise RuleError(f"{self.code}: date_confidence must be one of {CONFIDENCE}")
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

    @property
    def date_provisional(self) -> bool:
        """The effective date itself is not confirmed (P1: shown as provisional)."""
        return self.date_confidence != "C"

    @property
    def has_provisional_criteria(self) -> bool:
        """Whether any criterion of the set (common ones included) is provisional."""
        criteria = (*self.common, *(c for rule in self.tiers.values() for c in rule.criteria))
        return any(c.provisional for c in criteria)

    @cached_property
    def compiled(self) -> CompiledRuleSet:
        """The set turned into check closures, once per set (validates it too)."""
        return compile_rule_set(self.code, self.provisional, self.common, self.tiers)

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
        drop: Iterable[str] = (),
        source: str | None = None,
        date_confidence: str = "C",
        date_note: str = "",
    ) -> RuleSet:
        """A new version: same rules except the overridden params and replaced/added tiers.

        ``overrides`` maps a criterion path (see ``criterion``) to the params to change; a param
        that does not exist is refused (typos must not silently add a new threshold). The original
        set is untouched; the new one is validated before it is returned. A version keeps its
        base's jurisdiction and sources; its effective date is the one given (confirmed unless
        ``date_confidence`` says otherwise). ``drop`` removes tiers (a version that no longer rates them).
        """
        if code == self.code:
            raise RuleError("a derived rule set needs a new code")
        common = list(self.common)
        rules = dict(self.tiers)
        for tier in drop:
            rules.pop(tier)
        for rule in tiers:
            rules[rule.tier] = rule
        if drop:
            kept = [replace(c, applies_to=tuple(t for t in c.applies_to if t in rules)) for c in common]
            common = [c for c in kept if c.applies_to]
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
            self.jurisdiction,
            self.source if source is None else source,
            date_confidence,
            date_note,
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
            "jurisdiction": self.jurisdiction,
            "source": self.source,
            "date_confidence": self.date_confidence,
            "date_note": self.date_note,
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
            jurisdiction=data.get("jurisdiction", NATIONAL),  # stored before jurisdictions: national
            source=data.get("source", ""),
            date_confidence=data.get("date_confidence", "C"),
            date_note=data.get("date_note", ""),
        )
        return rule_set.validate()


def rule_set_for(day: date, sets: Iterable[RuleSet], jurisdiction: str = NATIONAL) -> RuleSet:
    """The ``jurisdiction``'s set in force on ``day``: the latest ``effective_from`` on or before it (P1).

    Two sets of one jurisdiction taking effect on the same day would make the answer depend on list
    order, so that is refused; the Django layer keeps effective dates unique per jurisdiction.
    ``catalogue.rule_set_for`` asks the shipped sets by default.
    """
    found = _latest(day, [s for s in sets if s.jurisdiction == jurisdiction])
    if found is None:
        raise LookupError(f"no rule set is in force on {day.isoformat()}")
    return found


def _latest(day: date, sets: list[RuleSet]) -> RuleSet | None:
    candidates = [s for s in sets if s.effective_from <= day]
    if not candidates:
        return None
    latest = max(s.effective_from for s in candidates)
    chosen = [s for s in candidates if s.effective_from == latest]
    if len(chosen) > 1:
        raise ValueError(f"rule sets {[s.code for s in chosen]} share the effective date {latest}")
    return chosen[0]


@dataclass(frozen=True)
class NotYet:
    """A tier whose rules exist only in a set taking effect after the evaluation day."""

    tier: str
    code: str  # the first set that will rate it
    effective_from: date
    jurisdiction: str


@dataclass(frozen=True)
class InForce:
    """What an evaluation on ``day`` applies: one set per jurisdiction, combined (P1, issue 15).

    The national programme's set and Chongqing's own set in force that day each rate their own
    tiers; a tier whose only rules take effect later is ``not_yet`` (answered ``in_force: false``,
    never "not eligible"). ``evaluate`` and ``verdicts`` accept this wherever they accept a set.
    """

    day: date
    parts: tuple[RuleSet, ...]  # national first
    not_yet: Mapping[str, NotYet] = field(default_factory=dict)

    @property
    def code(self) -> str:
        """The national set's code (what reports call ``rule_set``), else the first part's."""
        return self.parts[0].code if self.parts else ""

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(part.code for part in self.parts)

    @property
    def key(self) -> str:
        """Every set applied, e.g. ``CN-2022-R2025+CQ-2024``: changes whenever any of them does."""
        return "+".join(self.codes)

    @property
    def provisional(self) -> bool:
        return any(part.provisional for part in self.parts)

    def part_for(self, tier: str) -> RuleSet | None:
        """The set that rates ``tier`` on this day (None when none does yet)."""
        for part in self.parts:
            if tier in part.tiers:
                return part
        return None

    def rates(self, tier: str) -> bool:
        return self.part_for(tier) is not None

    @property
    def tiers(self) -> Mapping[str, TierRule]:
        """The rules of every tier rated on the day, by tier (as ``RuleSet.tiers``)."""
        rules: dict[str, TierRule] = {}
        for part in self.parts:
            for tier, rule in part.tiers.items():
                rules.setdefault(tier, rule)
        return MappingProxyType(rules)

    @property
    def all_tiers(self) -> tuple[str, ...]:
        """Every tier rated on the day, then the ones not yet in force."""
        rated = tuple(self.tiers)
        return (*rated, *(tier for tier in self.not_yet if tier not in rated))


def in_force(day: date, sets: Iterable[RuleSet], named: RuleSet | None = None) -> InForce:
    """The sets applied on ``day``: per jurisdiction the one in force, ``named`` replacing its own.

    A national set must be in force (``LookupError`` otherwise). A tier that a later set of any
    jurisdiction rates and no set applied today does is listed as not yet in force, with the first
    set and date that will rate it. ``catalogue.in_force`` applies the shipped sets by default.
    """
    sets = list(sets)
    parts: list[RuleSet] = []
    for jurisdiction in JURISDICTIONS:
        if named is not None and named.jurisdiction == jurisdiction:
            chosen = named
        else:
            chosen = _latest(day, [s for s in sets if s.jurisdiction == jurisdiction])
        if chosen is None and jurisdiction == NATIONAL:
            raise LookupError(f"no rule set is in force on {day.isoformat()}")
        if chosen is not None:
            parts.append(chosen)
    rated = {tier for part in parts for tier in part.tiers}
    not_yet: dict[str, NotYet] = {}
    for later in sorted((s for s in sets if s.effective_from > day), key=lambda s: s.effective_from):
        for tier in later.tiers:
            if tier not in rated and tier not in not_yet:
                not_yet[tier] = NotYet(tier, later.code, later.effective_from, later.jurisdiction)
    return InForce(day, tuple(parts), MappingProxyType(not_yet))


def effective_until(sets: Iterable[RuleSet]) -> dict[str, date | None]:
    """Per set, its last day in force: the day before the next set of its jurisdiction takes effect
    (None while none is due). A set later replaced on the day it started has an end before its start."""
    sets = sorted(sets, key=lambda s: (s.jurisdiction, s.effective_from))
    out: dict[str, date | None] = {}
    for current, following in zip(sets, [*sets[1:], None], strict=True):
        same_line = following is not None and following.jurisdiction == current.jurisdiction
        out[current.code] = following.effective_from - timedelta(days=1) if same_line else None
    return out
