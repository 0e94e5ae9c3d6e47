"""Scored checks: points by band, points by the best or the sum of options, and the pass mark.

Bands follow P2: "X以上" ⇒ ≥X, "a–b" ⇒ [a, b), "X以下" ⇒ <X. A band table is written best band
first as ``[[bound, points], …]`` with ``op`` "ge" (higher is better) or "lt" (lower is better,
e.g. the debt ratio), and ``else`` for the points below (or above) every band.

A points result also reports ``potential``: the points it would give if every pending attestation
were confirmed, which is how a scored tier knows that pending items could still carry it (P3).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .attestations import ATTESTATION_CODES
from .checks import (
    C_MET,
    C_MISSING,
    C_NOT,
    C_PENDING,
    RuleError,
    Run,
    attest_state,
    codes_of,
    gap_for,
    metric_of,
    need,
    number,
    register,
)
from .metrics import Context, getter
from .results import CriterionResult, Meta
from .status import MET, MISSING, NOT_MET, PENDING
from .values import Missing, Ratio, compare, to_decimal


def _bands(params: Mapping[str, Any], op: str) -> tuple[tuple[Any, int], ...]:
    """Bands from best to worst; bounds must move strictly in the direction of ``op``."""
    bands = tuple((to_decimal(bound), int(points)) for bound, points in need(params, "bands"))
    bounds = [bound for bound, _ in bands]
    if bounds != sorted(bounds, reverse=(op == "ge")) or len(set(bounds)) != len(bounds):
        raise RuleError(f"bands must be ordered best first, strictly, for op {op!r}: {bounds}")
    return bands


def _scale(spec: Mapping[str, Any]) -> tuple:
    op = spec.get("op", "ge")
    if op not in ("ge", "lt"):
        raise RuleError("banded points use op 'ge' (X以上) or 'lt' (X以下)")
    metric, kwargs = metric_of(spec)
    return metric, kwargs, getter(metric, kwargs), op, _bands(spec, op), int(spec.get("else", 0))


def _scale_max(spec: Mapping[str, Any]) -> int:
    return max([int(points) for _, points in spec["bands"]] + [int(spec.get("else", 0))])


def _band_points(value: Any, op: str, bands: tuple, otherwise: int) -> int:
    """Points of the first band reached; a ratio is cross-multiplied once, not per band."""
    if type(value) is Ratio:
        left, den = value.num * value.scale, value.den
    else:
        left, den = value, 1
    if op == "ge":
        for bound, points in bands:
            if left >= bound * den:
                return points
    else:
        for bound, points in bands:
            if left < bound * den:
                return points
    return otherwise


def points_status(points: int, potential: int, missing: bool) -> str:
    """Pending when a confirmation could add points; met when it scores; missing when data could."""
    if potential > points:
        return PENDING
    if points > 0:
        return MET
    return MISSING if missing else NOT_MET


def _next_band(ctx: Context, scales: list, points: int) -> tuple[Any, str | None, Any, str | None]:
    """The nearest higher band over all scales: (bound, op, gap, gap key), the smallest gap winning."""
    candidates = []
    for metric, kwargs, get, op, bands, _ in scales:
        better = [bound for bound, p in bands if p > points]
        if better and type(get(ctx)) is not Missing:
            gap = gap_for(metric, ctx, kwargs, better[-1], op)
            candidates.append((gap is None, gap or 0, better[-1], op, gap, metric.gap_key))
    if not candidates:
        return None, None, None, None
    _, _, bound, op, gap, key = min(candidates, key=lambda c: (c[0], c[1]))
    return bound, op, gap, key


@register("banded_points", "points by the band the metric falls in", _scale_max)
def _banded(params: Mapping[str, Any], meta: Meta) -> Run:
    return _best_banded({"scales": [params]}, meta)


@register(
    "best_banded_points",
    "points by band on any of several metrics; the best counts",
    lambda p: max(_scale_max(s) for s in p["scales"]),
)
def _best_banded(params: Mapping[str, Any], meta: Meta) -> Run:
    scales = [_scale(spec) for spec in need(params, "scales")]
    top = max(_scale_max(spec) for spec in params["scales"])

    def run(ctx: Context) -> CriterionResult:
        best, best_value, best_unit, missing = -1, None, None, None
        for metric, _, get, op, bands, otherwise in scales:
            value = get(ctx)
            if type(value) is Missing:
                missing = missing or value
                continue
            points = _band_points(value, op, bands, otherwise)
            if points > best:
                best, best_value, best_unit = points, value, metric.unit
        if best < 0:
            return CriterionResult(
                meta,
                MISSING,
                unit=scales[0][0].unit,
                points=0,
                potential=0,
                max_points=top,
                detail=missing,
                message_key="points",
            )
        return CriterionResult(
            meta,
            points_status(best, best, missing is not None),
            best_value,
            unit=best_unit,
            points=best,
            potential=best,
            max_points=top,
            detail=missing,
            message_key="points",
            lazy=lambda: _next_band(ctx, scales, best),
        )

    return run


def _condition(spec: Mapping[str, Any]) -> Callable[[Context], int]:
    """A points option's condition: attested code(s), a boolean fact, a metric minimum, or a cluster."""
    if "attested" in spec:
        codes = frozenset(codes_of(spec, "attested", ATTESTATION_CODES))
        return lambda ctx: attest_state(ctx, codes)
    if "fact" in spec:
        name = spec["fact"]
        if name not in ("strategic_emerging", "listed"):
            raise RuleError(f"unknown fact {name!r}")
        return lambda ctx: C_MET if getattr(ctx.facts, name) else C_NOT
    if "cluster" in spec:
        return lambda ctx: C_MET if ctx.facts.cluster else C_NOT
    if "metric" in spec:
        metric, kwargs = metric_of(spec)
        get, minimum = getter(metric, kwargs), number(spec, "min")

        def check(ctx: Context) -> int:
            value = get(ctx)
            if type(value) is Missing:
                return C_MISSING
            return C_MET if compare(value, minimum) >= 0 else C_NOT

        return check
    raise RuleError(f"unknown condition {dict(spec)!r}")


def _tag(when: Mapping[str, Any]) -> str:
    """A short name for the option that earned the points (shown as the criterion's value)."""
    for key in ("attested", "fact", "metric"):
        if key in when:
            raw = when[key]
            return raw if isinstance(raw, str) else raw[0]
    return "cluster"


def _options(params: Mapping[str, Any]) -> list[tuple[Callable[[Context], int], int, str]]:
    return [
        (_condition(need(option, "when")), int(need(option, "points")), _tag(option["when"]))
        for option in need(params, "options")
    ]


@register(
    "best_of_points",
    "points of the best option met (attested item, fact or metric minimum)",
    lambda p: max([int(o["points"]) for o in p["options"]] + [int(p.get("else", 0))]),
)
def _best_of(params: Mapping[str, Any], meta: Meta) -> Run:
    options, otherwise = _options(params), int(params.get("else", 0))
    top = max([points for _, points, _ in options] + [otherwise])

    def run(ctx: Context) -> CriterionResult:
        points = potential = otherwise
        chosen, missing = None, False
        for condition, option_points, tag in options:
            state = condition(ctx)
            if state == C_MET and option_points > points:
                points, chosen = option_points, tag
            if state >= C_PENDING and option_points > potential:
                potential = option_points
            missing = missing or state == C_MISSING
        potential = max(points, potential)
        return CriterionResult(
            meta,
            points_status(points, potential, missing),
            chosen,
            points=points,
            potential=potential,
            max_points=top,
            message_key="points",
        )

    return run


@register(
    "sum_of_points",
    "points of every option met, added up to a cap",
    lambda p: min(int(p["cap"]), sum(int(o["points"]) for o in p["options"])),
)
def _sum_of(params: Mapping[str, Any], meta: Meta) -> Run:
    options, cap = _options(params), int(need(params, "cap"))
    top = min(cap, sum(points for _, points, _ in options))

    def run(ctx: Context) -> CriterionResult:
        points = potential = 0
        chosen: list[str] = []
        missing = False
        for condition, option_points, tag in options:
            state = condition(ctx)
            if state == C_MET:
                points += option_points
                chosen.append(tag)
            if state >= C_PENDING:
                potential += option_points
            missing = missing or state == C_MISSING
        points, potential = min(points, cap), min(potential, cap)
        return CriterionResult(
            meta,
            points_status(points, potential, missing),
            chosen or None,
            points=points,
            potential=potential,
            max_points=top,
            message_key="points",
        )

    return run


@register("score_at_least", "total points ≥ total, and each named class ≥ its minimum")
def _score(params: Mapping[str, Any], meta: Meta) -> Run:
    total = int(need(params, "total"))
    minimums = {str(code): int(value) for code, value in (params.get("classes") or {}).items()}
    unknown = set(minimums) - set(meta.classes)
    if unknown:
        raise RuleError(f"score classes not defined by the tier: {sorted(unknown)}")

    def passes(by_class: Mapping[str, int]) -> bool:
        return sum(by_class.values()) >= total and all(by_class[c] >= m for c, m in minimums.items())

    def run(ctx: Context) -> CriterionResult:
        points, potential, missing = ctx.scores
        got = sum(points.values())
        if passes(points):
            status = MET
        elif passes(potential):
            status = PENDING
        else:
            status = MISSING if missing else NOT_MET
        short = [(meta.classes[c], points[c], m) for c, m in minimums.items() if points[c] < m]
        return CriterionResult(
            meta,
            status,
            got,
            total,
            "ge",
            "points",
            total - got if got < total else None,
            "points" if got < total else None,
            got,
            sum(potential.values()),
            None,
            short,
            "score",
        )

    return run
