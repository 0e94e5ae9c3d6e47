"""Impact of a rule change on the register (issue 16): version B against version A, on the same facts.

Answers the question a programme office asks before it changes a rule: which firms would gain or lose
a tier, how many, where. The register (or one district or cluster) is read once, chunk by chunk, with
the promotion scan's own fact reading (``selectors.scan_facts``); each firm is then judged under both
versions as its self-check judges it (a tier it holds as a 复核, the others as new applications).
A tier whose rules are the same in A and B is judged once and its verdict reused, so a report costs
about one full evaluation plus the tiers that changed. Each chunk is judged column-wise first
(``rules.columns``, ``Judge.chunk``); the per-firm evaluator runs only where the columns cannot tell.

``sweep`` does the same for a range of values of one threshold of one version: facts read once, the
tiers the threshold belongs to judged at each value. No HTTP and no storage here: the report model,
the task, the command, the API and the admin call these functions.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from registry.models import Cluster, District, Firm
from registry.stages import Stage

from .alert_scans import gc_paused
from .rules.columns import VERDICT, ChunkVerdicts, Columns, U
from .rules.evaluator import evaluate, verdicts
from .rules.facts import RENEWAL, Facts
from .rules.metrics import Context
from .rules.ruleset import InForce, RuleSet, in_force
from .rules.status import MET
from .scanning import CHUNK_SIZE, firm_id_ranges
from .selectors import (
    FirmSet,
    ScannedFirm,
    previewed_in_force,
    rule_set_on,
    rule_set_version,
    rule_sets,
    scan_facts,
)
from .tiers import TIERS

Progress = Callable[[int, int], None]
MAX_CHANGES_LISTED = 20_000  # a report names at most this many changed firms (the counts are exact)


@dataclass(frozen=True)
class Scope:
    """Which firms a report covers: the whole register, or one district and/or one cluster (by code)."""

    district: str | None = None
    cluster: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"district": self.district, "cluster": self.cluster}

    def firm_sets(self, chunk_size: int = CHUNK_SIZE) -> list[FirmSet]:
        """The chunks to read: id ranges for the whole register (as the full scan), else id lists."""
        if not self.district and not self.cluster:
            return [FirmSet.between(first, last) for first, last in firm_id_ranges(chunk_size)]
        firms = Firm.objects.all()
        if self.district:
            firms = firms.filter(district__code=self.district)
        if self.cluster:
            firms = firms.filter(cluster__code=self.cluster)
        ids = list(firms.order_by("pk").values_list("pk", flat=True))
        return [FirmSet.of(ids[start : start + chunk_size]) for start in range(0, len(ids), chunk_size)]


def versions(as_of: datetime.date, code: str | None) -> InForce:
    """What a report applies for a version: the sets in force on ``as_of`` when ``code`` is empty, else
    those with ``code`` (a draft too) in place of its own line's set, whatever its effective date."""
    if not code:
        return rule_set_on(as_of)
    return previewed_in_force(code, as_of)


def read_register(
    scope: Scope, as_of: datetime.date, progress: Progress | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[ScannedFirm]]:
    """The scope's firms with their facts, one chunk at a time (five queries a chunk, as the scan)."""
    chunks = scope.firm_sets(chunk_size)
    for done, firms in enumerate(chunks, start=1):
        yield scan_facts(firms, as_of)
        if progress:
            progress(done, len(chunks))


def tier_signature(rules: InForce, tier: str) -> str | None:
    """The tier's rules (its criteria and the common ones it takes) as text; None when not rated."""
    part = rules.part_for(tier)
    if part is None:
        return None
    rule = part.tiers[tier].to_dict()
    common = [criterion.to_dict() for criterion in part.common_for(tier)]
    return json.dumps([rule, common], sort_keys=True, default=str)


class Views:
    """One firm's facts as a new application and as a 复核, each with its metric cache, built once and shared
    by every version that judges the firm: a metric depends on the facts only, so A, B and a sweep's points
    compute last year's R&D intensity once between them."""

    __slots__ = ("_renewal", "ctx", "facts")

    def __init__(self, facts: Facts) -> None:
        self.facts, self.ctx, self._renewal = facts, Context(facts), None

    def renewal(self) -> tuple[Facts, Context]:
        """The facts of a 复核 of a tier the firm holds (made on first use: most firms hold nothing)."""
        if self._renewal is None:
            facts = self.facts.with_changes(application_kind=RENEWAL)
            self._renewal = (facts, Context(facts))
        return self._renewal


class Judge:
    """Yes/no per tier for a firm under one set of versions, as the firm's self-check answers it.

    ``True`` eligible, ``False`` not, ``None`` pending on claimed attestations (or the tier not rated).
    """

    def __init__(self, rules: InForce, tiers: Sequence[str]) -> None:
        self.rules = rules
        self.tiers = [tier for tier in tiers if rules.rates(tier)]
        self.columns = ChunkVerdicts(rules, self.tiers)

    def __call__(self, firm: Facts | Views, tiers: Iterable[str] | None = None) -> dict[str, bool | None]:
        views = firm if isinstance(firm, Views) else Views(firm)
        wanted = self.tiers if tiers is None else [t for t in tiers if self.rules.rates(t)]
        return self._judge(views, wanted)

    def chunk(self, views: Sequence[Views], cols: Columns) -> list[dict[str, bool | None]]:
        """``self(view)`` for each firm of a chunk, read column-wise first (``rules.columns``): the
        evaluator runs only for the (firm, tier) pairs the columns leave undecided."""
        decided = self.columns.decided(cols)
        found = []
        for index, view in enumerate(views):
            verdict = {}
            ask = []
            for tier in self.tiers:
                code = decided[tier][index] if tier in decided else U
                if code == U:
                    ask.append(tier)
                else:
                    verdict[tier] = VERDICT[code]
            if ask:
                verdict.update(self._judge(view, ask))
            found.append(verdict)
        return found

    def _judge(self, views: Views, wanted: Sequence[str]) -> dict[str, bool | None]:
        facts = views.facts
        new = [tier for tier in wanted if tier not in facts.designations]
        held = [tier for tier in wanted if tier in facts.designations]
        out = verdicts(facts, self.rules, new, views.ctx) if new else {}
        if held:
            renewal, ctx = views.renewal()
            out.update(verdicts(renewal, self.rules, held, ctx))
        return out


def deciding_criterion(facts: Facts, tier: str, a: InForce, b: InForce) -> tuple[str, str]:
    """The criterion that moved the firm: the first whose outcome differs between A and B, else the
    first not met on the failing side. Built for changed firms only (full reports cost more). Empty
    when one version does not rate the tier at all (the whole tier is what changed)."""
    if not (a.rates(tier) and b.rates(tier)):
        return "", ""
    judged = facts.with_changes(application_kind=RENEWAL) if tier in facts.designations else facts
    under_a = evaluate(judged, a, [tier]).tiers[tier].criteria
    under_b = evaluate(judged, b, [tier]).tiers[tier].criteria
    before = {c.code: c.status for c in under_a}
    for criterion in under_b:
        if before.get(criterion.code) != criterion.status:
            return criterion.code, criterion.label_text
    for criterion in (*under_a, *under_b):
        if criterion.status != MET:
            return criterion.code, criterion.label_text
    return "", ""


@dataclass
class Tally:
    """Counts of one tier in one group (the whole scope, a district, a cluster or a stage)."""

    a: int = 0
    b: int = 0
    gained: int = 0
    lost: int = 0
    unchanged: int = 0  # eligible under both
    lost_held: int = 0  # lost, and hold the tier today: their 复核 would fail

    def add(self, under_a: bool, under_b: bool, held: bool) -> None:
        self.a += under_a
        self.b += under_b
        self.gained += under_b and not under_a
        self.lost += under_a and not under_b
        self.unchanged += under_a and under_b
        self.lost_held += under_a and not under_b and held

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class Impact:
    """What ``impact`` found; ``as_dict`` is what a stored report keeps (and the API returns)."""

    as_of: datetime.date
    a: InForce
    b: InForce
    scope: Scope
    firms: int = 0
    tiers: dict[str, Tally] = field(default_factory=dict)
    by: dict[str, dict[tuple[str, str], Tally]] = field(default_factory=dict)  # group -> (key, tier)
    changes: list[dict[str, Any]] = field(default_factory=list)
    changed: int = 0

    def as_dict(self) -> dict[str, Any]:
        names = _group_names()
        return {
            "as_of": self.as_of.isoformat(),
            "from": self.a.key,
            "to": self.b.key,
            "scope": self.scope.as_dict(),
            "firms": self.firms,
            "tiers": [
                {"tier": tier, "label": str(TIERS[tier].label), **tally.as_dict()}
                for tier, tally in self.tiers.items()
            ],
            "breakdowns": {
                group: [
                    {"key": key, "label": names[group].get(key, key), "tier": tier, **tally.as_dict()}
                    for (key, tier), tally in sorted(rows.items())
                    if tally.a or tally.b
                ]
                for group, rows in self.by.items()
            },
            "changes": self.changes,
            "changes_total": self.changed,
        }


GROUPS = ("district", "cluster", "stage")


def _group_names() -> dict[str, dict[str, str]]:
    """Display names of the groups' keys, in the active language."""
    return {
        "district": {d.code: d.name for d in District.objects.all()},
        "cluster": {c.code: c.name for c in Cluster.objects.all()},
        "stage": {s.value: str(s.label) for s in Stage},
    }


def impact(
    b_code: str,
    a_code: str | None = None,
    *,
    as_of: datetime.date,
    scope: Scope = Scope(),
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    reuse_unchanged: bool = True,
) -> Impact:
    """Judge the scope's firms under A (default: in force on ``as_of``) and B on the same facts.

    A tier with the same rules in both is judged once (``reuse_unchanged=False`` judges it twice: the
    property tests check the engine itself, not this shortcut).
    """
    a, b = versions(as_of, a_code), versions(as_of, b_code)
    tiers = [tier for tier in TIERS if a.rates(tier) or b.rates(tier)]
    same = {tier for tier in tiers if reuse_unchanged and tier_signature(a, tier) == tier_signature(b, tier)}
    judge_a, judge_b = Judge(a, tiers), Judge(b, [tier for tier in tiers if tier not in same])
    result = Impact(as_of, a, b, scope, tiers={tier: Tally() for tier in tiers})
    result.by = {group: defaultdict(Tally) for group in GROUPS}
    districts = dict(District.objects.values_list("pk", "code"))
    changed: list[tuple[ScannedFirm, str, bool, bool]] = []
    with gc_paused():  # as the scan: the facts hold no cycles, the collector only walks them
        _tally(
            result,
            read_register(scope, as_of, progress, chunk_size),
            judge_a,
            judge_b,
            same,
            districts,
            changed,
        )
    result.changed = len(changed)
    result.changes = _change_rows(changed[:MAX_CHANGES_LISTED], a, b, districts)
    return result


def _tally(
    result: Impact, chunks, judge_a: Judge, judge_b: Judge, same: set[str], districts: dict, changed: list
) -> None:
    """Judge every firm of the chunks under A and B and count it where it belongs."""
    tiers = list(result.tiers)
    for chunk in chunks:
        views = [Views(firm.facts) for firm in chunk]
        cols = Columns([view.facts for view in views])
        judged = zip(chunk, judge_a.chunk(views, cols), judge_b.chunk(views, cols), strict=True)
        for firm, under_a, judged_b in judged:
            facts = firm.facts
            under_b = {**{t: v for t, v in under_a.items() if t in same}, **judged_b}
            keys = {
                "district": districts.get(firm.district_id, ""),
                "cluster": facts.cluster or "",
                "stage": firm.stage,
            }
            for tier in tiers:
                yes_a, yes_b = under_a.get(tier) is True, under_b.get(tier) is True
                if not (yes_a or yes_b):
                    continue
                held = tier in facts.designations
                result.tiers[tier].add(yes_a, yes_b, held)
                for group, key in keys.items():
                    result.by[group][key, tier].add(yes_a, yes_b, held)
                if yes_a != yes_b:
                    changed.append((firm, tier, yes_a, yes_b))
        result.firms += len(chunk)


def _change_rows(
    changed: list[tuple[ScannedFirm, str, bool, bool]], a: InForce, b: InForce, districts: dict[int, str]
) -> list[dict[str, Any]]:
    """The firms that move, with their names and the deciding criterion (read only for them)."""
    ids = {firm.id for firm, *_ in changed}
    names = {
        pk: (code, name)
        for pk, code, name in Firm.objects.filter(pk__in=ids).values_list("pk", "credit_code", "name")
    }
    district_names = dict(District.objects.values_list("code", "name_zh"))
    rows = []
    for firm, tier, yes_a, yes_b in changed:
        code, label = deciding_criterion(firm.facts, tier, a, b)
        credit_code, name = names.get(firm.id, ("", ""))
        district = districts.get(firm.district_id, "")
        rows.append(
            {
                "credit_code": credit_code,
                "name": name,
                "district": district,
                "district_name": district_names.get(district, district),
                "tier": tier,
                "tier_label": str(TIERS[tier].label),
                "a": yes_a,
                "b": yes_b,
                "held": tier in firm.facts.designations,
                "criterion": code,
                "criterion_label": label,
            }
        )
    rows.sort(key=lambda row: (row["tier"], row["district"], row["credit_code"]))
    return rows


# --- Threshold sweep ------------------------------------------------------------------------------


@dataclass
class Sweep:
    """Eligible firms per tier at each value of one threshold (``as_dict`` is what is stored)."""

    as_of: datetime.date
    code: str
    path: str
    param: str
    current: Any
    values: list[Decimal]
    tiers: list[str]
    counts: list[dict[str, int]] = field(default_factory=list)  # one per value: tier -> eligible
    firms: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "version": self.code,
            "path": self.path,
            "param": self.param,
            "current": str(self.current),
            "firms": self.firms,
            "tiers": [{"tier": tier, "label": str(TIERS[tier].label)} for tier in self.tiers],
            "points": [
                {"value": str(value), "eligible": counts}
                for value, counts in zip(self.values, self.counts, strict=True)
            ],
        }


def sweep_values(start: Decimal, stop: Decimal, step: Decimal, limit: int = 200) -> list[Decimal]:
    """``start``, ``start + step`` … up to ``stop`` inclusive; ``ValueError`` on a bad or too long range."""
    if step <= 0 or stop < start:
        raise ValueError("step must be positive and stop at least start")
    count = int((stop - start) / step) + 1
    if count > limit:
        raise ValueError(f"at most {limit} points")
    return [start + step * index for index in range(count)]


NOT_THRESHOLDS = {"year"}  # which fiscal year a criterion reads (0: the last), not a bar


def numeric_params(spec: RuleSet) -> list[tuple[str, str, Any]]:
    """Every (criterion path, param, value) of a version whose value is one number: what can be swept."""
    found = []
    criteria = [("common", c) for c in spec.common]
    criteria += [(tier, c) for tier, rule in spec.tiers.items() for c in rule.criteria]
    for scope, criterion in criteria:
        for param, value in criterion.params.items():
            if (
                param not in NOT_THRESHOLDS
                and isinstance(value, int | float | Decimal)
                and not isinstance(value, bool)
            ):
                found.append((f"{scope}.{criterion.code}", param, value))
    return found


def sweep(
    code: str,
    path: str,
    param: str,
    values: Sequence[Decimal],
    *,
    as_of: datetime.date,
    scope: Scope = Scope(),
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Sweep:
    """Eligible counts of the tiers ``path`` belongs to, at each value of its ``param`` in version ``code``.

    Each value is a version derived in memory (never stored); the facts are read once for all of them.
    ``KeyError``/``RuleError`` for an unknown criterion or param.
    """
    spec = rule_set_version(code)
    owner, criterion = spec._locate(path)
    if param not in criterion.params:
        raise KeyError(f"{path} has no param {param!r}")
    tiers = list(criterion.applies_to) if owner == "common" else [owner]
    points = [
        in_force(
            as_of, rule_sets(), named=spec.derive(f"{code}@{v}", spec.effective_from, {path: {param: v}})
        )
        for v in values
    ]
    judges = [Judge(rules, tiers) for rules in points]
    counts = [Counter() for _ in values]
    result = Sweep(as_of, code, path, param, criterion.params[param], list(values), tiers)
    with gc_paused():
        for chunk in read_register(scope, as_of, progress, chunk_size):
            views = [Views(firm.facts) for firm in chunk]
            cols = Columns([view.facts for view in views])
            for judge, tally in zip(judges, counts, strict=True):
                for verdict in judge.chunk(views, cols):
                    for tier, answer in verdict.items():
                        tally[tier] += answer is True
            result.firms += len(chunk)
    result.counts = [{tier: tally[tier] for tier in tiers} for tally in counts]
    return result
