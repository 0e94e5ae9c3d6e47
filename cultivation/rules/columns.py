"""Column-wise verdicts for a chunk of firms: yes / no / pending per (firm, tier), or "ask the evaluator".

A report over the register judges every firm against every tier (an impact report judges each firm
under two versions, a sweep under twenty), and the per-firm evaluator costs tens of microseconds a firm
and tier, most of it Python calls around a few comparisons. Here the same rules are read for a whole
chunk at once: one float array per figure (numpy), one comparison per criterion for all firms, the
scores added up as arrays, the pass rule combined in Kleene logic over the arrays.

Compiled from the same rule specs as the evaluator (``Criterion.check`` and ``params``, the metrics'
``column`` forms in ``metrics.py``), and **exact**, because it may also answer "undecided" (``U``), and
then the per-firm evaluator decides:

* a figure computed in floating point (a ratio, a growth rate, a sum) within a relative ``MARGIN`` of a
  bar or band bound is undecided; a plain figure is rounded to the nearest float, which keeps its order,
  so it is undecided only when it equals the bar as a float (a count is exact, never undecided);
* records (designations, attestations, flags, cluster, listing, founding date) are read exactly;
* a criterion or points check without a column form is undecided for every firm;
* only new applications are answered: a 复核 may waive or change a criterion (``build_check``), and the
  tiers a firm holds are judged as its 复核 (``impact.Judge``).

``tests/rules/test_columns.py`` holds every decided answer to the evaluator's on random firms.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import Any

import numpy as np

from registry.figures import COUNT_FIELDS

from ..tiers import TIERS
from .attestations import ATTESTATION_CODES, DISQUALIFICATION_CODES
from .checks import (
    RENEWAL_PARAMS,
    RuleError,
    codes_of,
    fact_of,
    founded_within,
    metric_of,
    need,
    number,
    sme_limits,
)
from .criteria import SCORE, Criterion
from .facts import NEW, Attest, Facts
from .metrics import Metric, latest_recorded
from .ruleset import InForce, RuleSet

# Outcome codes, one int8 per firm: the evaluator's False, None (pending), True, and undecided here.
F, N, T, U = 0, 1, 2, 3
MARGIN = 1e-9  # relative: a computed value this close to a bar is left to the exact evaluator
# Precision of a column's values: exact integers; figures rounded to the nearest float (order kept);
# values computed in floating point (within MARGIN of the exact value).
EXACT, ROUNDED, COMPUTED = "exact", "rounded", "computed"

Outcomes = np.ndarray  # int8, one of F N T U per firm
Column = tuple[np.ndarray, str]  # values (NaN: missing or undefined) and their precision
OutcomeFn = Callable[["Columns"], Outcomes]


class Columns:
    """A chunk's facts as columns, each computed on first use and shared by every rule set judging the
    chunk (an impact report's two versions, a sweep's twenty points)."""

    def __init__(self, facts: Sequence[Facts]) -> None:
        self.facts = facts
        self.size = len(facts)
        self._cache: dict[tuple, Any] = {}
        self.new = self.flags(lambda f: f.application_kind == NEW)

    def _cached(self, key: tuple, make: Callable[[], Any]) -> Any:
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = make()
        return found

    def flags(self, test: Callable[[Facts], bool]) -> np.ndarray:
        """A bool column of ``test`` over the firms (records read exactly, no arithmetic)."""
        return np.fromiter(map(test, self.facts), dtype=bool, count=self.size)

    def rows(self, offset: int) -> list[Any]:
        """Each firm's figures of the fiscal year ``offset`` years before the last (None: no row)."""

        def read() -> list[Any]:
            days = {f.as_of for f in self.facts}
            if len(days) == 1:  # a chunk is judged on one day: one year to look up
                year = days.pop().year - 1 - offset
                return [f.years.get(year) for f in self.facts]
            return [f.years.get(f.as_of.year - 1 - offset) for f in self.facts]

        return self._cached(("rows", offset), read)

    def figure(self, name: str, offset: int) -> np.ndarray:
        """One figure of the fiscal year ``offset`` years before the last, NaN where not recorded."""

        def read() -> np.ndarray:
            get, nan = attrgetter(name), math.nan
            values = [
                nan if row is None or (v := get(row)) is None else float(v) for row in self.rows(offset)
            ]
            return np.array(values, dtype=float)

        return self._cached(("figure", name, offset), read)

    def latest(self, name: str) -> np.ndarray:
        """The most recent value of a stock figure up to the current year (``metrics.latest_recorded``)."""
        return self._cached(
            ("latest", name),
            lambda: np.fromiter(
                (_number(latest_recorded(f, name)) for f in self.facts), dtype=float, count=self.size
            ),
        )

    def niche(self) -> np.ndarray:
        """Completed years in the niche (``Facts.years_in_niche``), NaN where not known."""
        return self._cached(
            ("niche",),
            lambda: np.fromiter(
                (_number(f.years_in_niche()) for f in self.facts), dtype=float, count=self.size
            ),
        )

    def attest_state(self, codes: frozenset[str]) -> np.ndarray:
        """Per firm 2 when any of ``codes`` is confirmed, 1 when claimed, else 0 (``checks.attest_state``)."""

        def read() -> np.ndarray:
            states = np.zeros(self.size, dtype=np.int8)
            for index in self.attesting():
                states[index] = _attest_state(self.facts[index].attested, codes)
            return states

        return self._cached(("attested", codes), read)

    def attesting(self) -> list[int]:
        """The firms with any attestation (claimed or confirmed): most have none."""
        return self._cached(("attesting",), lambda: [i for i, f in enumerate(self.facts) if f.attested])

    def holding(self, tier: str) -> np.ndarray:
        """Whether each firm holds ``tier`` (an active designation)."""
        return self._cached(("holding", tier), lambda: self.flags(lambda f: tier in f.designations))


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _attest_state(attested: Mapping[str, Attest], codes: frozenset[str]) -> int:
    if codes.isdisjoint(attested):
        return 0
    return 2 if any(attested.get(code) is Attest.CONFIRMED for code in codes) else 1


# --- metrics: the ``Metric.column`` kinds --------------------------------------------------------------


def _quotient(top: np.ndarray, bottom: np.ndarray, scale: float) -> np.ndarray:
    """``top / bottom * scale`` where ``bottom > 0``, NaN elsewhere (an undefined ratio is missing)."""
    out = np.full(top.shape, math.nan)
    with np.errstate(invalid="ignore"):
        np.divide(top * scale, bottom, out=out, where=bottom > 0)
    return out


def _growth(cols: Columns, name: str, offset: int) -> np.ndarray:
    current, previous = cols.figure(name, offset), cols.figure(name, offset + 1)
    return _quotient(current - previous, previous, 100.0)


def _total(cols: Columns, name: str, years: int) -> np.ndarray:
    return np.sum([cols.figure(name, offset) for offset in range(years)], axis=0)


def _partial_total(cols: Columns, name: str, years: int) -> np.ndarray:
    stacked = np.array([cols.figure(name, offset) for offset in range(years)])
    total = np.nansum(stacked, axis=0)
    total[np.isnan(stacked).all(axis=0)] = math.nan  # no year recorded: missing
    return total


def _plain(name: str) -> str:
    return EXACT if name in COUNT_FIELDS else ROUNDED


COLUMN_METRICS: dict[str, Callable[..., Column]] = {
    "figure": lambda cols, name, year=0: (cols.figure(name, year), _plain(name)),
    "ratio": lambda cols, num, den, year=0: (
        _quotient(cols.figure(num, year), cols.figure(den, year), 100.0),
        COMPUTED,
    ),
    "growth": lambda cols, name, year=0: (_growth(cols, name, year), COMPUTED),
    "mean_growth": lambda cols, name, years=2: (
        np.sum([_growth(cols, name, offset) for offset in range(years)], axis=0) / years,
        COMPUTED,
    ),
    "sum": lambda cols, name, years=2: (_total(cols, name, years), COMPUTED),
    "partial_sum": lambda cols, name, years=3: (_partial_total(cols, name, years), COMPUTED),
    "mean": lambda cols, name, years=2: (_total(cols, name, years) / years, COMPUTED),
    "latest": lambda cols, name: (cols.latest(name), ROUNDED),
    "niche": lambda cols: (cols.niche(), EXACT),
}


def metric_column(metric: Metric, kwargs: Mapping[str, int]) -> Callable[[Columns], Column] | None:
    """The metric over a chunk with fixed arguments, or None when it has no column form."""
    if not metric.column:
        return None
    kind, *names = metric.column
    compute = COLUMN_METRICS[kind]
    return lambda cols: compute(cols, *names, **kwargs)


def compare(column: Column, bar: float | np.ndarray, op: str) -> Outcomes:
    """``value op bar`` per firm: T, F (also where the value is missing), or U where too close to tell."""
    values, precision = column
    with np.errstate(invalid="ignore"):
        if precision == COMPUTED:
            margin = MARGIN * (1 + np.abs(bar) + np.abs(values))
            above, below = values > bar + margin, values < bar - margin
        else:
            above, below = values > bar, values < bar
        equal = values == bar
    holds, fails = (above, below) if op in ("ge", "gt") else (below, above)
    if precision == EXACT:  # equal is certain: it meets ≥ and ≤, fails > and <
        (holds if op in ("ge", "le") else fails)[...] |= equal
    out = np.full(values.shape, U, dtype=np.int8)
    out[holds] = T
    out[fails | np.isnan(values)] = F
    return out


def _from_flags(met: np.ndarray) -> Outcomes:
    return np.where(met, T, F).astype(np.int8)


def all3(parts: Sequence[Outcomes]) -> Outcomes:
    """Kleene AND with undecided: any F decides; else any U leaves it undecided; else N, else T."""
    stacked = np.array(parts)
    out = stacked.min(axis=0)  # F < N < T
    out[(stacked == U).any(axis=0)] = U
    out[(stacked == F).any(axis=0)] = F
    return out


def any3(parts: Sequence[Outcomes]) -> Outcomes:
    """Kleene OR with undecided: any T decides; else any U leaves it undecided; else N, else F."""
    stacked = np.array(parts)
    out = np.where(stacked == U, F, stacked).max(axis=0)
    out[(stacked == U).any(axis=0) & (out != T)] = U
    return out


# --- criteria: one outcome column per pass/fail check ---------------------------------------------------


def _comparison(op: str) -> Callable[[Mapping[str, Any]], OutcomeFn | None]:
    def build(params: Mapping[str, Any]) -> OutcomeFn | None:
        metric, kwargs = metric_of(params)
        column, bar = metric_column(metric, kwargs), float(number(params, "threshold"))
        if column is None:
            return None
        return lambda cols: compare(column(cols), bar, op)

    return build


def _each_year(params: Mapping[str, Any]) -> OutcomeFn | None:
    metric, _ = metric_of({"metric": need(params, "metric")})
    bar = float(number(params, "threshold"))
    columns = [metric_column(metric, {"year": offset}) for offset in range(int(need(params, "years")))]
    if None in columns:
        return None
    return lambda cols: all3([compare(column(cols), bar, "ge") for column in columns])


def _cagr(params: Mapping[str, Any]) -> OutcomeFn:
    name, years = need(params, "field"), int(need(params, "years"))
    factor = float((1 + number(params, "threshold") / 100) ** years)

    def outcome(cols: Columns) -> Outcomes:
        end, start = cols.figure(name, 0), cols.figure(name, years)
        with np.errstate(invalid="ignore"):
            target = start * factor
            out = compare((end - target, COMPUTED), 0.0, "ge")
            close = np.abs(end - target) <= MARGIN * (1 + np.abs(end) + np.abs(target))
            out[close] = U
            out[np.isnan(start) | np.isnan(end) | (start <= 0)] = F  # missing or undefined
        return out

    return outcome


def _banded_rule(params: Mapping[str, Any]) -> OutcomeFn | None:
    metric, kwargs = metric_of(params)
    column = metric_column(metric, kwargs)
    bands = []
    for band in need(params, "bands"):
        parts = [_part(spec) for spec in need(band, "all")]
        bands.append((float(number(band, "min")), parts))
    if column is None:
        return None

    def outcome(cols: Columns) -> Outcomes:
        value = column(cols)
        out = np.full(cols.size, F, dtype=np.int8)  # below every band, or missing
        settled = np.isnan(value[0])
        undecided = np.zeros(cols.size, dtype=bool)
        for minimum, parts in bands:
            reached = compare(value, minimum, "ge")
            undecided |= ~settled & (reached == U)
            take = ~settled & (reached == T)
            if take.any():
                answers = [part(cols) if part else np.full(cols.size, U, dtype=np.int8) for part in parts]
                out[take] = all3(answers)[take]
            settled |= take
        out[undecided] = U
        return out

    return outcome


def _part(spec: Mapping[str, Any]) -> OutcomeFn | None:
    build = COLUMN_CHECKS.get(need(spec, "check"))
    params = {k: v for k, v in need(spec, "params").items() if k not in RENEWAL_PARAMS}
    return build(params) if build else None


def _sme(params: Mapping[str, Any]) -> OutcomeFn:
    """Employees or revenue under the firm's sector limits (missing figures never count)."""
    limits = {
        sector: (float(limit["employees_below"]), float(limit["revenue_below"]))
        for sector, limit in sme_limits(params).items()
    }
    year = int(params.get("year", 0))

    def outcome(cols: Columns) -> Outcomes:
        staff_limit = np.fromiter((limits[f.sector][0] for f in cols.facts), dtype=float, count=cols.size)
        revenue_limit = np.fromiter((limits[f.sector][1] for f in cols.facts), dtype=float, count=cols.size)
        staff = compare((cols.figure("employees", year), EXACT), staff_limit, "lt")
        revenue = compare((cols.figure("operating_revenue", year), ROUNDED), revenue_limit, "lt")
        return any3([staff, revenue])

    return outcome


def _attested(params: Mapping[str, Any]) -> OutcomeFn:
    codes = frozenset(codes_of(params, "any_of", ATTESTATION_CODES))
    as_outcome = np.array([F, N, T], dtype=np.int8)  # state 0 absent, 1 claimed, 2 confirmed
    return lambda cols: as_outcome[cols.attest_state(codes)]


def _not_attested(params: Mapping[str, Any]) -> OutcomeFn:
    codes = frozenset(codes_of(params, "any_of", ATTESTATION_CODES))
    as_outcome = np.array([T, N, F], dtype=np.int8)  # confirmed means the excluding situation exists
    return lambda cols: as_outcome[cols.attest_state(codes)]


def _records(test: Callable[[Mapping[str, Any]], Callable[[Facts], bool]]) -> Callable[..., OutcomeFn]:
    """A check met or not from the firm's records (sets and fields), read exactly."""

    def build(params: Mapping[str, Any]) -> OutcomeFn:
        met = test(params)
        return lambda cols: _from_flags(cols.flags(met))

    return build


def _held(params: Mapping[str, Any]) -> Callable[[Facts], bool]:
    tiers = frozenset(codes_of(params, "tier", TIERS))
    return lambda f: not tiers.isdisjoint(f.designations)


def _not_held(params: Mapping[str, Any]) -> Callable[[Facts], bool]:
    tiers = frozenset(codes_of(params, "tier", TIERS))
    return lambda f: tiers.isdisjoint(f.designations)


def _clean(params: Mapping[str, Any]) -> Callable[[Facts], bool]:
    flags = frozenset(codes_of(params, "flags", DISQUALIFICATION_CODES))
    return lambda f: flags.isdisjoint(f.disqualifications)


def _founded(params: Mapping[str, Any]) -> Callable[[Facts], bool]:
    years = int(need(params, "years"))
    return lambda f: founded_within(f, years)


def _fact(params: Mapping[str, Any]) -> Callable[[Facts], bool]:
    name, expected = fact_of(params)
    return lambda f: getattr(f, name) == expected


def _cluster(_params: Mapping[str, Any]) -> Callable[[Facts], bool]:
    return lambda f: bool(f.cluster)


# Check name -> builder of its outcome column (None: no column form for these params).
COLUMN_CHECKS: dict[str, Callable[[Mapping[str, Any]], OutcomeFn | None]] = {
    "at_least": _comparison("ge"),
    "more_than": _comparison("gt"),
    "at_most": _comparison("le"),
    "less_than": _comparison("lt"),
    "each_year_at_least": _each_year,
    "cagr_at_least": _cagr,
    "banded_rule": _banded_rule,
    "sme_size": _sme,
    "attested": _attested,
    "not_attested": _not_attested,
    "designation_held": _records(_held),
    "designation_not_held": _records(_not_held),
    "no_disqualification": _records(_clean),
    "founded_within": _records(_founded),
    "fact_is": _records(_fact),
    "cluster_given": _records(_cluster),
}


# --- points: (points, potential, undecided) per firm, as ``points.py`` counts them ----------------------

Points = tuple[np.ndarray, np.ndarray, np.ndarray]
PointsFn = Callable[[Columns], Points]


def _band_points(column: Column, op: str, bands: Sequence[tuple[float, int]], otherwise: int) -> Points:
    """Points of the first band reached (``points._band_points``); -1 where the value is missing."""
    values = column[0]
    size = values.shape[0]
    points = np.full(size, otherwise, dtype=np.int64)
    settled = np.isnan(values)
    undecided = np.zeros(size, dtype=bool)
    for bound, band_points in bands:
        reached = compare(column, bound, op)
        undecided |= ~settled & (reached == U)
        take = ~settled & (reached == T)
        points[take] = band_points
        settled |= take
    points[np.isnan(values)] = -1
    return points, points, undecided


def _best_banded(params: Mapping[str, Any]) -> PointsFn | None:
    scales = []
    for spec in need(params, "scales"):
        metric, kwargs = metric_of(spec)
        column = metric_column(metric, kwargs)
        if column is None:
            return None
        bands = [(float(bound), int(points)) for bound, points in need(spec, "bands")]
        scales.append((column, spec.get("op", "ge"), bands, int(spec.get("else", 0))))

    def points(cols: Columns) -> Points:
        scored = [_band_points(column(cols), op, bands, otherwise) for column, op, bands, otherwise in scales]
        best = np.max([p for p, _, _ in scored], axis=0)
        best[best < 0] = 0  # every metric missing: no points
        return best, best, np.logical_or.reduce([u for _, _, u in scored])

    return points


def _condition(when: Mapping[str, Any]) -> Callable[[Columns], tuple[np.ndarray, np.ndarray]] | None:
    """A points option's state per firm (2 met, 1 pending, 0 not, -1 missing) and where undecided."""
    if "attested" in when:
        codes = frozenset(codes_of(when, "attested", ATTESTATION_CODES))
        return lambda cols: (cols.attest_state(codes).astype(np.int8), np.zeros(cols.size, dtype=bool))
    if "fact" in when:
        name = when["fact"]
        return lambda cols: (
            np.where(cols.flags(lambda f: bool(getattr(f, name))), 2, 0).astype(np.int8),
            np.zeros(cols.size, dtype=bool),
        )
    if "cluster" in when:
        return lambda cols: (
            np.where(cols.flags(lambda f: bool(f.cluster)), 2, 0).astype(np.int8),
            np.zeros(cols.size, dtype=bool),
        )
    if "metric" in when:
        metric, kwargs = metric_of(when)
        column, minimum = metric_column(metric, kwargs), float(number(when, "min"))
        if column is None:
            return None

        def state(cols: Columns) -> tuple[np.ndarray, np.ndarray]:
            values = column(cols)
            reached = compare(values, minimum, "ge")
            found = np.where(reached == T, 2, 0).astype(np.int8)
            found[np.isnan(values[0])] = -1
            return found, reached == U

        return state
    return None


def _options(params: Mapping[str, Any]) -> list[tuple[Callable, int]] | None:
    options = [(_condition(need(o, "when")), int(need(o, "points"))) for o in need(params, "options")]
    return None if any(condition is None for condition, _ in options) else options


def _best_of(params: Mapping[str, Any]) -> PointsFn | None:
    options, otherwise = _options(params), int(params.get("else", 0))
    if options is None:
        return None

    def points(cols: Columns) -> Points:
        got = np.full(cols.size, otherwise, dtype=np.int64)
        potential = got.copy()
        undecided = np.zeros(cols.size, dtype=bool)
        for condition, option_points in options:
            state, unsure = condition(cols)
            got = np.where(state == 2, np.maximum(got, option_points), got)
            potential = np.where(state >= 1, np.maximum(potential, option_points), potential)
            undecided |= unsure
        return got, np.maximum(got, potential), undecided

    return points


def _sum_of(params: Mapping[str, Any]) -> PointsFn | None:
    options, cap = _options(params), int(need(params, "cap"))
    if options is None:
        return None

    def points(cols: Columns) -> Points:
        got = np.zeros(cols.size, dtype=np.int64)
        potential = got.copy()
        undecided = np.zeros(cols.size, dtype=bool)
        for condition, option_points in options:
            state, unsure = condition(cols)
            got += np.where(state == 2, option_points, 0)
            potential += np.where(state >= 1, option_points, 0)
            undecided |= unsure
        return np.minimum(got, cap), np.minimum(potential, cap), undecided

    return points


COLUMN_POINTS: dict[str, Callable[[Mapping[str, Any]], PointsFn | None]] = {
    "banded_points": lambda params: _best_banded({"scales": [params]}),
    "best_banded_points": _best_banded,
    "best_of_points": _best_of,
    "sum_of_points": _sum_of,
}


def _score(rule_criteria: Sequence[Criterion], score: Criterion) -> OutcomeFn | None:
    """``score_at_least`` over the scored criteria: met, pending (on potential points) or not."""
    if score.check != "score_at_least":
        return None
    scored = []
    for criterion in rule_criteria:
        if criterion.score_class:
            build = COLUMN_POINTS.get(criterion.check)
            points = build(criterion.params) if build else None
            if points is None:
                return None
            scored.append((criterion.score_class, points))
    # A new application's pass mark: a 复核's own (``for_renewal``) is never read here.
    params = {key: value for key, value in score.params.items() if key not in RENEWAL_PARAMS}
    total = int(need(params, "total"))
    minimums = {str(c): int(v) for c, v in (params.get("classes") or {}).items()}

    def passes(by_class: Mapping[str, np.ndarray], size: int) -> np.ndarray:
        ok = sum(by_class.values(), np.zeros(size, dtype=np.int64)) >= total
        for code, minimum in minimums.items():
            ok &= by_class.get(code, np.zeros(size, dtype=np.int64)) >= minimum
        return ok

    def outcome(cols: Columns) -> Outcomes:
        got: dict[str, np.ndarray] = {}
        could: dict[str, np.ndarray] = {}
        undecided = np.zeros(cols.size, dtype=bool)
        for score_class, points in scored:
            p, q, unsure = points(cols)
            got[score_class] = got.get(score_class, 0) + p
            could[score_class] = could.get(score_class, 0) + q
            undecided |= unsure
        out = np.where(passes(got, cols.size), T, np.where(passes(could, cols.size), N, F)).astype(np.int8)
        out[undecided] = U
        return out

    return outcome


# --- tiers --------------------------------------------------------------------------------------------


def criterion_outcome(criterion: Criterion, criteria: Sequence[Criterion] = ()) -> OutcomeFn | None:
    """The criterion's outcome column for new applications, or None (the evaluator decides).

    A 复核's own params (``RENEWAL_PARAMS``) are left out: only new applications are answered here.
    ``criteria`` are the tier's, which a score criterion adds up.
    """
    if criterion.kind == SCORE:
        return _score(criteria, criterion)
    build = COLUMN_CHECKS.get(criterion.check)
    if build is None:
        return None
    params = {key: value for key, value in criterion.params.items() if key not in RENEWAL_PARAMS}
    try:
        return build(params)
    except (RuleError, KeyError, TypeError, ValueError):
        return None  # params the column form does not read; the evaluator still validates them


def _tree(node: Any, outcomes: Mapping[str, OutcomeFn | None]) -> OutcomeFn:
    """The pass rule over the criteria's outcome columns (``compiler.compile_pass_rule``)."""
    if isinstance(node, str):
        found = outcomes.get(node)
        return found if found is not None else (lambda cols: np.full(cols.size, U, dtype=np.int8))
    ((op, items),) = node.items()
    parts = [_tree(item, outcomes) for item in items]
    combine = all3 if op == "all" else any3
    return lambda cols: combine([part(cols) for part in parts])


def tier_outcome(rule_set: RuleSet, tier: str) -> OutcomeFn | None:
    """A tier of one rule set for new applications: its common conditions and its pass rule.
    None when no criterion of the tier has a column form (every firm would be undecided)."""
    rule = rule_set.tiers[tier]
    outcomes = {c.code: criterion_outcome(c, rule.criteria) for c in rule.criteria}
    common = [criterion_outcome(c) for c in rule_set.common_for(tier)]
    if all(found is None for found in (*outcomes.values(), *common)):
        return None
    undecided = lambda cols: np.full(cols.size, U, dtype=np.int8)  # noqa: E731
    parts = [found or undecided for found in common] + [_tree(rule.effective_pass_rule(), outcomes)]

    def outcome(cols: Columns) -> Outcomes:
        out = all3([part(cols) for part in parts])
        out[~cols.new] = U
        return out

    return outcome


class ChunkVerdicts:
    """Every rated tier's outcome columns under a set of versions (``InForce``), built once per report."""

    def __init__(self, rules: InForce, tiers: Sequence[str]) -> None:
        self.outcomes: dict[str, OutcomeFn] = {}
        for tier in tiers:
            part = rules.part_for(tier)
            found = tier_outcome(part, tier) if part is not None else None
            if found is not None:
                self.outcomes[tier] = found

    def decided(self, cols: Columns) -> dict[str, list[int]]:
        """Per tier, per firm of the chunk: F, N, T, or U where the evaluator must judge the firm.

        A tier the firm holds is U: it is judged as the firm's 复核, which the columns do not answer.
        """
        found = {}
        for tier, outcome in self.outcomes.items():
            out = outcome(cols)
            out[cols.holding(tier)] = U
            found[tier] = out.tolist()
        return found


VERDICT = {F: False, N: None, T: True}  # outcome code -> the evaluator's answer
