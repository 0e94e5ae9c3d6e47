"""Compiling a rule set (P1) into closures: check closures per criterion, pass rules per tier.

``RuleSet.compiled`` calls ``compile_rule_set`` once per set and keeps the result on the set; the
evaluator then only runs closures over a per-call context that caches derived figures. Compiling
validates the data too (unknown checks, bad params, score classes that do not add up), which is why
a rule set compiles itself when it is created (``RuleSet.validate``).

Three-valued outcome: True, False, or None when the answer depends on attestations that are
claimed but not yet confirmed (P3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from operator import itemgetter
from typing import Any

from django.utils.translation import gettext_lazy

from . import points as _points  # noqa: F401  (its scored checks register in checks.CHECKS on import)
from .checks import CHECKS, RENEWAL_PARAMS, RuleError, Run, build_check, outcome_of
from .criteria import SCORE, Criterion, TierRule
from .facts import NEW
from .metrics import Context
from .results import CriterionResult, Meta, TierReport
from .status import MET, MISSING, TRI, Tri

Outcome = Callable[[Context], Tri]


def and3(values: Iterable[Tri]) -> Tri:
    """Kleene AND: any False decides, else any unknown leaves it unknown."""
    unknown = False
    for value in values:
        if value is False:
            return False
        if value is None:
            unknown = True
    return None if unknown else True


def _all(subs: tuple[Callable[[Mapping[str, Tri]], Tri], ...]) -> Callable[[Mapping[str, Tri]], Tri]:
    def rule(values: Mapping[str, Tri]) -> Tri:
        unknown = False
        for sub in subs:
            value = sub(values)
            if value is False:
                return False
            if value is None:
                unknown = True
        return None if unknown else True

    return rule


def _any(subs: tuple[Callable[[Mapping[str, Tri]], Tri], ...]) -> Callable[[Mapping[str, Tri]], Tri]:
    def rule(values: Mapping[str, Tri]) -> Tri:
        unknown = False
        for sub in subs:
            value = sub(values)
            if value is True:
                return True
            if value is None:
                unknown = True
        return None if unknown else False

    return rule


def compile_pass_rule(node: Any, codes: set[str]) -> Callable[[Mapping[str, Tri]], Tri]:
    """Turn the JSON pass rule into a closure over the criteria's three-valued outcomes (Kleene logic)."""
    if isinstance(node, str):
        if node not in codes:
            raise RuleError(f"pass rule names unknown criterion {node!r}")
        return itemgetter(node)
    if isinstance(node, Mapping) and len(node) == 1:
        ((op, items),) = node.items()
        if op in ("all", "any") and isinstance(items, tuple | list) and items:
            subs = tuple(compile_pass_rule(item, codes) for item in items)
            return _all(subs) if op == "all" else _any(subs)
    raise RuleError(f"pass rule must be a code, {{'all': [...]}} or {{'any': [...]}}, not {node!r}")


# Rough relative cost of a check, for ``verdict``'s order only (never for the outcome): a record lookup,
# one figure against a bar, several years or bands, the whole score.
_CHECK_COST = {
    "attested": 1,
    "designation_held": 1,
    "no_disqualification": 1,
    "fact_is": 1,
    "cluster_given": 1,
    "founded_within": 1,
    "each_year_at_least": 4,
    "cagr_at_least": 4,
    "banded_rule": 4,
}
_SCORE_COST = 20


def _codes_in(node: Any) -> tuple[str, ...]:
    if isinstance(node, str):
        return (node,)
    ((_op, items),) = node.items()
    return tuple(code for item in items for code in _codes_in(item))


def alternatives_of(node: Any) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The pass rule's ``any`` lists as groups of routes, each route the codes it needs together.

    Readers of a report need to know which criteria are alternatives to one another (小巨人's three
    "新" routes, 专精特新's score or a direct condition): once one route is met, the others are not
    wanted, so a screen must not show them as failures. An ``any`` inside a route counts as part of it.
    """
    if isinstance(node, str):
        return ()
    ((op, items),) = node.items()
    if op == "any":
        return (tuple(_codes_in(item) for item in items),)
    return tuple(group for item in items for group in alternatives_of(item))


def cheapest_first(node: Any, costs: Mapping[str, int]) -> tuple[Any, int]:
    """The pass rule with each ``all``/``any`` list ordered by cost, and its cost.

    Kleene AND/OR give the same answer in any order, so the yes/no path can try the cheap criteria first:
    a firm without a “33618” cluster fails the gazelle list on a lookup, before three years of R&D ratios.
    """
    if isinstance(node, str):
        return node, costs[node]
    ((op, items),) = node.items()
    ordered = sorted((cheapest_first(item, costs) for item in items), key=itemgetter(1))
    return {op: [item for item, _cost in ordered]}, sum(cost for _item, cost in ordered)


def _meta(criterion: Criterion, classes: Mapping[str, Any]) -> Meta:
    return Meta(
        criterion.code,
        gettext_lazy(criterion.label),
        criterion.kind,
        criterion.provisional,  # the criterion's own flag; the report carries the set's
        classes,
        criterion.label,
        criterion.provisional_reason,
    )


@dataclass(frozen=True)
class ScoreBound:
    """A ``score_at_least`` pass mark and each scored criterion's most points, for ``verdict`` only.

    A criterion's points never exceed its potential, nor its potential its most points, so the score
    can pass only if it passes with the potential so far plus full marks on the criteria not yet run:
    once that fails, the score's outcome is no (not met or missing) whatever the rest gives, and a
    yes/no verdict stops there. When no criterion can give fewer than zero points (``rising``), the
    points so far only grow, so once they pass the mark the outcome is yes (met) whatever the rest
    gives. Exact, like the cheapest-first order. Not used for a 复核 when the score criterion differs
    for one (``for_renewal``): its pass mark is then another.
    """

    total: int
    minimums: Mapping[str, int]
    runs: tuple[tuple[Run, str, int], ...]  # (run, score class, most points), most points first
    renewal_differs: bool
    full: Mapping[str, int]  # full marks by class
    rising: bool  # no scored criterion gives negative points

    def applies(self, ctx: Context) -> bool:
        return not self.renewal_differs or ctx.facts.application_kind == NEW


def _score_bound(rule: TierRule, runs: list[tuple[str, Run, str | None, bool]]) -> ScoreBound | None:
    """The tier's ``ScoreBound``, when its score criterion is a ``score_at_least``."""
    score = next((c for c in rule.criteria if c.kind == SCORE), None)
    if score is None or score.check != "score_at_least":
        return None
    most = {c.code: CHECKS[c.check].max_points(c.params) for c in rule.criteria if c.score_class}
    scored = [(run, score_class, most[code]) for code, run, score_class, _ in runs if score_class]
    return ScoreBound(
        int(score.params["total"]),
        {str(code): int(value) for code, value in (score.params.get("classes") or {}).items()},
        tuple(sorted(scored, key=lambda item: -item[2])),
        any(key in score.params for key in RENEWAL_PARAMS),
        {c.code: c.maximum for c in rule.classes},
        all(_never_negative(c) for c in rule.criteria if c.score_class),
    )


_POINTS_CHECKS = ("banded_points", "best_banded_points", "best_of_points", "sum_of_points")


def _never_negative(criterion: Criterion) -> bool:
    """Whether a scored criterion's points are never below zero (a ``points`` check whose bands,
    options and ``else`` are all ≥ 0); any other check is assumed to possibly go below."""
    if criterion.check not in _POINTS_CHECKS:
        return False
    params = criterion.params
    scales = params.get("scales") or (params,)
    values = [int(points) for scale in scales for _bound, points in scale.get("bands", ())]
    values += [int(scale.get("else", 0)) for scale in scales]
    values += [int(option["points"]) for option in params.get("options", ())]
    return min(values) >= 0


@dataclass(frozen=True)
class CompiledTier:
    """A tier ready to run: closures in declared order, the score closure, the pass rule."""

    tier: str
    common: tuple[str, ...]
    runs: tuple[tuple[str, Run, str | None, bool], ...]  # (code, run, score class, direct)
    score: tuple[int, str, Run] | None  # (position, code, run)
    classes: tuple[str, ...]
    rule: Callable[[Mapping[str, Tri]], Tri]
    provisional: bool
    by_code: Mapping[str, Outcome]  # the non-score criteria's answers by code, for ``verdict``
    verdict_rule: Callable[[Mapping[str, Tri]], Tri]  # ``rule`` with the cheapest criteria first
    alternatives: tuple[tuple[tuple[str, ...], ...], ...] = ()  # ``alternatives_of`` the pass rule
    score_bound: ScoreBound | None = None  # lets ``verdict`` stop scoring once the mark is out of reach

    def run(self, ctx: Context, common: Mapping[str, CriterionResult]) -> TierReport:
        results = [common[code] for code in self.common]
        values: dict[str, Tri] = {}
        points = dict.fromkeys(self.classes, 0)
        potential = dict.fromkeys(self.classes, 0)
        missing = False
        direct: list[str] = []
        for code, run, score_class, is_direct in self.runs:
            result = run(ctx)
            results.append(result)
            values[code] = TRI[result.status]
            if score_class is not None:
                points[score_class] += result.points or 0
                potential[score_class] += result.potential or 0
                missing = missing or result.status == MISSING
            elif is_direct and result.status == MET:
                direct.append(code)
        score = potential_score = None
        if self.score is not None:
            position, code, run = self.score
            ctx.scores = (points, potential, missing)
            result = run(ctx)
            results.insert(len(self.common) + position, result)
            values[code] = TRI[result.status]
            score, potential_score = Decimal(result.points), Decimal(result.potential)
        eligible = and3([TRI[common[code].status] for code in self.common] + [self.rule(values)])
        class_scores = {c: Decimal(p) for c, p in points.items()} if self.score is not None else {}
        return TierReport(
            self.tier,
            eligible,
            results,
            score,
            potential_score,
            class_scores,
            direct,
            self.provisional,
            application_kind=ctx.facts.application_kind,
            alternatives=self.alternatives,
        )

    def verdict(self, ctx: Context, common: Mapping[str, Tri]) -> Tri:
        """Only ``run(...).eligible``: criteria run when the pass rule asks for them, so it stops at the
        first outcome that decides it and builds no report (the scans' yes/no question).

        Kleene AND/OR give the same answer in any order, so skipping what cannot change it is exact.
        """
        unknown = False
        for code in self.common:
            value = common[code]
            if value is False:
                return False
            unknown = unknown or value is None
        value = self.verdict_rule(CommonOutcomes(self.answers, ctx))
        return False if value is False else None if unknown or value is None else True

    @cached_property
    def answers(self) -> Mapping[str, Outcome]:
        """``by_code`` with the score criterion's answer (``score_outcome``), for ``verdict``."""
        if self.score is None:
            return self.by_code
        return {**self.by_code, self.score[1]: self.score_outcome}

    def score_outcome(self, ctx: Context) -> Tri:
        """The score criterion's outcome: every scored criterion runs first, as in ``run`` (or until the
        pass mark is out of reach, ``ScoreBound``)."""
        bound = self.score_bound
        if bound is not None and bound.applies(ctx):
            return self._bounded_score_outcome(ctx, bound)
        points = dict.fromkeys(self.classes, 0)
        potential = dict.fromkeys(self.classes, 0)
        missing = False
        for _code, run, score_class, _direct in self.runs:
            if score_class is not None:
                result = run(ctx)
                points[score_class] += result.points or 0
                potential[score_class] += result.potential or 0
                missing = missing or result.status == MISSING
        ctx.scores = (points, potential, missing)
        return TRI[self.score[2](ctx).status]

    def _bounded_score_outcome(self, ctx: Context, bound: ScoreBound) -> Tri:
        points = dict.fromkeys(self.classes, 0)
        potential = dict.fromkeys(self.classes, 0)
        reach, minimums, total = dict(bound.full), bound.minimums, bound.total
        reach_sum, points_sum, missing = sum(reach.values()), 0, False
        for run, score_class, most in bound.runs:
            result = run(ctx)
            got, could = result.points or 0, result.potential or 0
            points[score_class] += got
            potential[score_class] += could
            reach[score_class] -= most - could
            reach_sum -= most - could
            points_sum += got
            missing = missing or result.status == MISSING
            if reach_sum < total or reach[score_class] < minimums.get(score_class, 0):
                return False
            if bound.rising and points_sum >= total and all(points[c] >= m for c, m in minimums.items()):
                return True
        ctx.scores = (points, potential, missing)
        return TRI[self.score[2](ctx).status]


class CommonOutcomes(dict):
    """Criteria's outcomes computed on first lookup, each once per firm and only when asked for: the
    common conditions (shared by the tiers) and a tier's own (its pass rule is a tree of ``itemgetter``s).
    """

    __slots__ = ("ctx", "runs")

    def __init__(self, runs: Mapping[str, Outcome], ctx: Context) -> None:
        super().__init__()
        self.runs, self.ctx = runs, ctx

    def __missing__(self, code: str) -> Tri:
        value = self[code] = self.runs[code](self.ctx)
        return value


@dataclass(frozen=True)
class CompiledRuleSet:
    """All tiers of a rule set, compiled; common criteria run once per evaluation and are shared."""

    code: str
    provisional: bool
    common: tuple[tuple[str, Run, frozenset[str]], ...]
    tiers: Mapping[str, CompiledTier]

    common_by_code: Mapping[str, Outcome]  # their answers by code, for ``verdicts``


def _check_classes(rule: TierRule) -> None:
    """Each class maximum must equal the points its criteria can give (a checksum on the data)."""
    for score_class in rule.classes:
        total = 0
        for criterion in rule.criteria:
            if criterion.score_class == score_class.code:
                definition = CHECKS[criterion.check]
                if definition.max_points is None:
                    raise RuleError(f"{rule.tier}.{criterion.code}: check {criterion.check} gives no points")
                total += definition.max_points(criterion.params)
        if total != score_class.maximum:
            raise RuleError(
                f"{rule.tier}: class {score_class.code} sums to {total}, declared {score_class.maximum}"
            )
    codes = {c.code for c in rule.classes}
    stray = [c.code for c in rule.criteria if c.score_class is not None and c.score_class not in codes]
    if stray:
        raise RuleError(f"{rule.tier}: criteria {stray} name an undefined score class")


def _compile_tier(rule: TierRule, shared: tuple[Criterion, ...]) -> CompiledTier:
    classes = {c.code: c.label for c in rule.classes}
    _check_classes(rule)
    runs, score = [], None
    for criterion in rule.criteria:
        run = build_check(criterion.check, criterion.params, _meta(criterion, classes))
        if criterion.kind == SCORE:
            if score is not None or not rule.classes:
                raise RuleError(f"{rule.tier}: one score criterion, and only in a scored tier")
            score = (len(runs), criterion.code, run)
        else:
            runs.append((criterion.code, run, criterion.score_class, criterion.direct))
    if rule.classes and score is None:
        raise RuleError(f"{rule.tier}: a scored tier needs a score criterion")
    applying = tuple(c for c in shared if rule.tier in c.applies_to)  # as ``RuleSet.common_for``
    common = tuple(c.code for c in applying)
    clash = set(common) & {c.code for c in rule.criteria}
    if clash:
        raise RuleError(f"{rule.tier}: criteria {sorted(clash)} clash with common conditions")
    codes = {c.code for c in rule.criteria}
    rule_fn = compile_pass_rule(rule.effective_pass_rule(), codes)
    costs = {c.code: _SCORE_COST if c.kind == SCORE else _CHECK_COST.get(c.check, 2) for c in rule.criteria}
    verdict_rule = compile_pass_rule(cheapest_first(rule.effective_pass_rule(), costs)[0], codes)
    provisional = any(c.provisional for c in (*rule.criteria, *applying))
    by_code = {code: outcome_of(run) for code, run, _class, _direct in runs}
    bound = _score_bound(rule, runs)
    return CompiledTier(
        rule.tier,
        common,
        tuple(runs),
        score,
        tuple(classes),
        rule_fn,
        provisional,
        by_code,
        verdict_rule,
        alternatives_of(rule.effective_pass_rule()),
        bound,
    )


def compile_rule_set(
    code: str, provisional: bool, common: tuple[Criterion, ...], rules: Mapping[str, TierRule]
) -> CompiledRuleSet:
    """Validate and compile every criterion of a rule set into closures (``RuleSet.compiled``: once per set).

    Given the set's parts rather than the set, so that ``ruleset`` can import this module.
    """
    runs = tuple(
        (c.code, build_check(c.check, c.params, _meta(c, {})), frozenset(c.applies_to)) for c in common
    )
    tiers = {tier: _compile_tier(rule, common) for tier, rule in rules.items()}
    by_code = {criterion: outcome_of(run) for criterion, run, _applies in runs}
    return CompiledRuleSet(code, provisional, runs, tiers, by_code)
