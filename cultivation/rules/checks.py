"""The check registry: generic, parameterised checks that criteria name in their data (P1).

``CHECKS[name].build(params, meta)`` validates the params once and returns a closure
``run(context) -> CriterionResult``; evaluating a firm then only runs closures, with no parsing.
A new rule-set version with other thresholds, bands or attestation codes is therefore pure data.
Scored checks live in ``points.py``; both register here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy

from ..tiers import TIERS
from .attestations import ATTESTATION_CODES, DISQUALIFICATION_CODES
from .facts import RENEWAL, SECTORS, Facts, add_years
from .metrics import METRICS, Context, Metric, getter
from .results import CriterionResult, Meta
from .status import MET, MISSING, NOT_MET, PENDING, TRI, Tri
from .values import CENT, HUNDRED, ONE, Cagr, Missing, compare, holds, plain, step_up, to_decimal

Run = Callable[[Context], CriterionResult]
Builder = Callable[[Mapping[str, Any], Meta], Run]

# Condition states (attested items, points options), ordered so that max() picks the best.
C_MISSING, C_NOT, C_PENDING, C_MET = -1, 0, 1, 2


class RuleError(ValueError):
    """A rule set's data is inconsistent (unknown check, metric, code, or malformed params)."""


@dataclass(frozen=True)
class CheckDef:
    """A check: its builder, and (for scored checks) the most points its params allow."""

    name: str
    build: Builder
    max_points: Callable[[Mapping[str, Any]], int] | None = None
    summary: str = ""


CHECKS: dict[str, CheckDef] = {}


def register(name: str, summary: str, max_points: Callable[[Mapping[str, Any]], int] | None = None):
    """Decorator adding a builder to CHECKS."""

    def wrap(build: Builder) -> Builder:
        CHECKS[name] = CheckDef(name, build, max_points, summary)
        return build

    return wrap


# --- param helpers ----------------------------------------------------------------------------------


def need(params: Mapping[str, Any], key: str) -> Any:
    if key not in params:
        raise RuleError(f"missing param {key!r}")
    return params[key]


def number(params: Mapping[str, Any], key: str) -> Decimal:
    try:
        return to_decimal(need(params, key))
    except (TypeError, ValueError) as exc:
        raise RuleError(f"param {key!r}: {exc}") from exc


def metric_of(params: Mapping[str, Any]) -> tuple[Metric, dict[str, int]]:
    """The metric named in params with its year arguments, validated."""
    name = need(params, "metric")
    if name not in METRICS:
        raise RuleError(f"unknown metric {name!r}")
    metric = METRICS[name]
    kwargs = {key: int(params[key]) for key in ("year", "years") if key in params}
    unknown = set(kwargs) - set(metric.kwargs)
    if unknown:
        raise RuleError(f"metric {name!r} takes no {', '.join(sorted(unknown))}")
    if any(value < 0 for value in kwargs.values()) or kwargs.get("years", 1) < 1:
        raise RuleError(f"metric {name!r}: year offsets must be >= 0 and years >= 1")
    return metric, kwargs


def codes_of(params: Mapping[str, Any], key: str, known: Iterable[str]) -> tuple[str, ...]:
    raw = need(params, key)
    codes = (raw,) if isinstance(raw, str) else tuple(raw)
    unknown = [code for code in codes if code not in known]
    if not codes or unknown:
        raise RuleError(f"param {key!r}: unknown or empty codes {unknown}")
    return codes


def attest_state(ctx: Context, codes: frozenset[str]) -> int:
    """Best state over ``codes``: confirmed beats claimed beats absent (set operations, no loops)."""
    if not ctx.confirmed.isdisjoint(codes):
        return C_MET
    if not ctx.claimed.isdisjoint(codes):
        return C_PENDING
    return C_NOT


def with_outcome(run: Run, outcome: Callable[[Context], bool | None]) -> Run:
    """Give ``run`` its yes/no/pending answer without a result (``run.outcome``), for the scans' verdicts.

    ``outcome(ctx)`` must equal ``TRI[run(ctx).status]`` (compiler.outcome_of; the evaluator tests
    hold the two paths to the same answers). A wrapped run (renewal variants) has none, and the
    compiler falls back to the result's status.
    """
    run.outcome = outcome  # type: ignore[attr-defined]
    return run


def outcome_of(run: Run) -> Callable[[Context], Tri]:
    """A check's yes/no/pending answer: its own (``with_outcome``, no result built), else the status of
    the result it returns."""
    own = getattr(run, "outcome", None)
    return own if own is not None else lambda ctx: TRI[run(ctx).status]


def gap_for(metric: Metric, ctx: Context, kwargs: dict[str, int], threshold: Decimal, op: str) -> Any:
    """Distance to ``threshold`` in the firm's terms, stepped to its units; None when not computable."""
    compute = metric.gap_up if op in ("ge", "gt") else metric.gap_down
    if compute is None:
        return None
    amount = compute(ctx, kwargs, threshold)
    if amount is None:
        return None
    stepped = step_up(amount, metric.step, op in ("gt", "lt"))
    return int(stepped) if metric.step == ONE else stepped


def missing_result(
    meta: Meta,
    value: Missing,
    unit: str | None = None,
    threshold: Any = None,
    op: str | None = None,
    message_key: str = "cmp",
) -> CriterionResult:
    return CriterionResult(
        meta, MISSING, threshold=threshold, op=op, unit=unit, detail=value, message_key=message_key
    )


# --- comparisons ------------------------------------------------------------------------------------


def _comparison(op: str) -> Builder:
    def build(params: Mapping[str, Any], meta: Meta) -> Run:
        metric, kwargs = metric_of(params)
        threshold = number(params, "threshold")
        get, unit, key = getter(metric, kwargs), metric.unit, metric.gap_key

        def run(ctx: Context) -> CriterionResult:
            value = get(ctx)
            if type(value) is Missing:
                return missing_result(meta, value, unit, threshold, op)
            if holds(op, compare(value, threshold)):
                return CriterionResult(meta, MET, value, threshold, op, unit)
            return CriterionResult(
                meta,
                NOT_MET,
                value,
                unit=unit,
                lazy=lambda: (threshold, op, gap_for(metric, ctx, kwargs, threshold, op), key),
            )

        def outcome(ctx: Context) -> bool:
            value = get(ctx)
            return type(value) is not Missing and holds(op, compare(value, threshold))

        return with_outcome(run, outcome)

    return build


for _name, _op, _summary in (
    ("at_least", "ge", "metric ≥ threshold"),
    ("more_than", "gt", "metric > threshold"),
    ("at_most", "le", "metric ≤ threshold"),
    ("less_than", "lt", "metric < threshold"),
):
    register(_name, _summary)(_comparison(_op))


@register("each_year_at_least", "metric ≥ threshold in each of the last N years")
def _each_year(params: Mapping[str, Any], meta: Meta) -> Run:
    metric, _ = metric_of({"metric": need(params, "metric")})
    years = int(need(params, "years"))
    threshold = number(params, "threshold")
    getters = [(offset, getter(metric, {"year": offset})) for offset in range(years)]

    def total_gap(ctx: Context, failing: list[int]) -> Any:
        gaps = [gap_for(metric, ctx, {"year": offset}, threshold, "ge") for offset in failing]
        return None if None in gaps else sum(gaps)

    def run(ctx: Context) -> CriterionResult:
        worst, missing, failing = None, None, []
        for offset, get in getters:
            value = get(ctx)
            if type(value) is Missing:
                missing = missing or value
                continue
            if worst is None or plain(value) < plain(worst):
                worst = value
            if compare(value, threshold) < 0:
                failing.append(offset)
        if failing:
            return CriterionResult(
                meta,
                NOT_MET,
                worst,
                unit=metric.unit,
                lazy=lambda: (threshold, "ge", total_gap(ctx, failing), metric.gap_key),
            )
        if missing:
            return missing_result(meta, missing, metric.unit, threshold, "ge")
        return CriterionResult(meta, MET, worst, threshold, "ge", metric.unit)

    def outcome(ctx: Context) -> bool:
        for _offset, get in getters:
            value = get(ctx)
            if type(value) is Missing or compare(value, threshold) < 0:
                return False
        return True

    return with_outcome(run, outcome)


@register(
    "cagr_at_least", "compound annual growth of a figure over N years ≥ threshold (end ≥ start·(1+r)^N)"
)
def _cagr(params: Mapping[str, Any], meta: Meta) -> Run:
    name = need(params, "field")
    if name not in METRICS or METRICS[name].kwargs != ("year",) or METRICS[name].unit != "wan":
        raise RuleError(f"cagr_at_least: {name!r} is not a yearly money figure")
    years = int(need(params, "years"))
    threshold = number(params, "threshold")
    factor = (ONE + threshold / HUNDRED) ** years  # exact: an integer power of a short decimal
    end_get, start_get = getter(METRICS[name], {"year": 0}), getter(METRICS[name], {"year": years})

    def run(ctx: Context) -> CriterionResult:
        end, start = end_get(ctx), start_get(ctx)
        for value in (start, end):
            if type(value) is Missing:
                return missing_result(meta, value, "pct", threshold, "ge")
        if start <= 0:
            undefined = Missing(ctx.last - years, (name,), Missing.UNDEFINED)
            return missing_result(meta, undefined, "pct", threshold, "ge")
        value = Cagr(start, end, years)
        if end >= start * factor:
            return CriterionResult(meta, MET, value, threshold, "ge", "pct")
        return CriterionResult(
            meta,
            NOT_MET,
            value,
            unit="pct",
            lazy=lambda: (threshold, "ge", step_up(start * factor - end, CENT, False), name),
        )

    return run


# --- attested, designations, common conditions, facts -----------------------------------------------


@register("attested", "an attested item confirmed by a caseworker (any of the codes)")
def _attested(params: Mapping[str, Any], meta: Meta) -> Run:
    codes = frozenset(codes_of(params, "any_of", ATTESTATION_CODES))
    met = CriterionResult(meta, MET, message_key="attested")
    pending = CriterionResult(meta, PENDING, message_key="attested")
    absent = CriterionResult(meta, NOT_MET, message_key="attested")
    outcome = {C_MET: met, C_PENDING: pending, C_NOT: absent}

    def run(ctx: Context) -> CriterionResult:
        # The three possible results carry no firm data, so they are built once and shared.
        return outcome[attest_state(ctx, codes)]

    answer = {C_MET: True, C_PENDING: None, C_NOT: False}
    return with_outcome(run, lambda ctx: answer[attest_state(ctx, codes)])


@register("designation_held", "an active designation of the tier is held (P6 ladder)")
def _designation(params: Mapping[str, Any], meta: Meta) -> Run:
    tiers = codes_of(params, "tier", TIERS)

    def run(ctx: Context) -> CriterionResult:
        held = [tier for tier in tiers if tier in ctx.facts.designations]
        status = MET if held else NOT_MET
        return CriterionResult(meta, status, held[0] if held else None, message_key="prerequisite")

    wanted = frozenset(tiers)
    return with_outcome(run, lambda ctx: not wanted.isdisjoint(ctx.facts.designations))


@register("designation_not_held", "no active designation of the tier is held (an exclusion)")
def _designation_absent(params: Mapping[str, Any], meta: Meta) -> Run:
    tiers = codes_of(params, "tier", TIERS)
    met = CriterionResult(meta, MET, message_key="designation_absent")

    def run(ctx: Context) -> CriterionResult:
        held = [tier for tier in tiers if tier in ctx.facts.designations]
        return CriterionResult(meta, NOT_MET, held[0], message_key="designation_absent") if held else met

    barred = frozenset(tiers)
    return with_outcome(run, lambda ctx: barred.isdisjoint(ctx.facts.designations))


@register("not_attested", "a negative condition: met unless a caseworker confirmed it (claimed: pending)")
def _not_attested(params: Mapping[str, Any], meta: Meta) -> Run:
    codes = frozenset(codes_of(params, "any_of", ATTESTATION_CODES))
    outcome = {
        C_MET: CriterionResult(meta, NOT_MET, message_key="attested_absent"),
        C_PENDING: CriterionResult(meta, PENDING, message_key="attested_absent"),
        C_NOT: CriterionResult(meta, MET, message_key="attested_absent"),
    }

    def run(ctx: Context) -> CriterionResult:
        # Confirmed means the excluding situation exists; a claim waits for the caseworker (P3).
        return outcome[attest_state(ctx, codes)]

    answer = {C_MET: False, C_PENDING: None, C_NOT: True}
    return with_outcome(run, lambda ctx: answer[attest_state(ctx, codes)])


@register("no_disqualification", "none of the disqualifying flags is recorded (P3)")
def _clean(params: Mapping[str, Any], meta: Meta) -> Run:
    flags = frozenset(codes_of(params, "flags", DISQUALIFICATION_CODES))
    clean = CriterionResult(meta, MET, message_key="disqualification")

    def run(ctx: Context) -> CriterionResult:
        found = ctx.facts.disqualifications & flags
        if not found:
            return clean
        return CriterionResult(
            meta, NOT_MET, sorted(found), detail=sorted(found), message_key="disqualification"
        )

    return with_outcome(run, lambda ctx: flags.isdisjoint(ctx.facts.disqualifications))


def sme_limits(params: Mapping[str, Any]) -> dict[str, dict[str, Decimal]]:
    """``sme_size``'s limits per sector (employees below, revenue below), every sector required; read here
    for the per-firm check and its column form (``columns``) alike."""
    sectors = need(params, "sectors")
    if set(sectors) != set(SECTORS):
        raise RuleError(f"sme_size needs limits for exactly {SECTORS}")
    return {
        sector: {
            "employees_below": number(spec, "employees_below"),
            "revenue_below": number(spec, "revenue_below"),
        }
        for sector, spec in sectors.items()
    }


@register("sme_size", "SME by sector: employees below X or operating revenue below Y (§1.8)")
def _sme(params: Mapping[str, Any], meta: Meta) -> Run:
    limits = sme_limits(params)
    year = int(params.get("year", 0))
    staff_get = getter(METRICS["employees"], {"year": year})
    revenue_get = getter(METRICS["operating_revenue"], {"year": year})

    def run(ctx: Context) -> CriterionResult:
        limit = limits[ctx.facts.sector]
        staff, revenue = staff_get(ctx), revenue_get(ctx)
        staff_ok = type(staff) is not Missing and staff < limit["employees_below"]
        revenue_ok = type(revenue) is not Missing and revenue < limit["revenue_below"]
        absent = [v for v in (staff, revenue) if type(v) is Missing]
        value = {
            "employees": None if type(staff) is Missing else staff,
            "operating_revenue": None if type(revenue) is Missing else revenue,
        }
        if staff_ok or revenue_ok:
            return CriterionResult(meta, MET, value, limit, message_key="sme")
        if absent:
            detail = Missing(ctx.last - year, tuple(m.fields[0] for m in absent))
            return CriterionResult(meta, MISSING, value, limit, detail=detail, message_key="sme")
        return CriterionResult(meta, NOT_MET, value, limit, message_key="sme")

    def outcome(ctx: Context) -> bool:
        limit = limits[ctx.facts.sector]
        staff, revenue = staff_get(ctx), revenue_get(ctx)
        return (type(staff) is not Missing and staff < limit["employees_below"]) or (
            type(revenue) is not Missing and revenue < limit["revenue_below"]
        )

    return with_outcome(run, outcome)


@register("founded_within", "founded no more than N years before the evaluation day")
def _founded(params: Mapping[str, Any], meta: Meta) -> Run:
    years = int(need(params, "years"))

    def run(ctx: Context) -> CriterionResult:
        founded = ctx.facts.founded_on
        earliest = add_years(ctx.facts.as_of, -years)
        if founded is None:
            return missing_result(meta, Missing(None, ("founded_on",)), None, earliest, "ge", "founded")
        status = MET if founded >= earliest else NOT_MET
        return CriterionResult(meta, status, founded, earliest, "ge", message_key="founded")

    return with_outcome(run, lambda ctx: founded_within(ctx.facts, years))


def founded_within(facts: Facts, years: int) -> bool:
    """Founded no more than ``years`` years before the evaluation day (unknown founding: no)."""
    return facts.founded_on is not None and facts.founded_on >= add_years(facts.as_of, -years)


FACT_NAMES = ("listed", "strategic_emerging")  # the yes/no facts ``fact_is`` may ask about


def fact_of(params: Mapping[str, Any]) -> tuple[str, bool]:
    """``fact_is``'s fact (one of ``FACT_NAMES``) and the value it requires."""
    name, expected = need(params, "fact"), bool(need(params, "value"))
    if name not in FACT_NAMES:
        raise RuleError(f"unknown fact {name!r}")
    return name, expected


@register("fact_is", "a yes/no fact about the firm has the required value")
def _fact(params: Mapping[str, Any], meta: Meta) -> Run:
    name, expected = fact_of(params)
    met = CriterionResult(meta, MET, expected, expected, message_key="fact")
    unmet = CriterionResult(meta, NOT_MET, not expected, expected, message_key="fact")

    def run(ctx: Context) -> CriterionResult:
        return met if getattr(ctx.facts, name) == expected else unmet

    return with_outcome(run, lambda ctx: getattr(ctx.facts, name) == expected)


@register("cluster_given", "the firm is registered in a “33618” cluster (any cluster code)")
def _cluster(params: Mapping[str, Any], meta: Meta) -> Run:
    unmet = CriterionResult(meta, NOT_MET, message_key="cluster")

    def run(ctx: Context) -> CriterionResult:
        cluster = ctx.facts.cluster
        return CriterionResult(meta, MET, cluster, message_key="cluster") if cluster else unmet

    return with_outcome(run, lambda ctx: bool(ctx.facts.cluster))


# --- a rule chosen by band (e.g. the growth a gazelle needs depends on its start-year revenue) -------


def _part_meta(meta: Meta, spec: Mapping[str, Any]) -> Meta:
    label = spec.get("label") or need(spec, "code")
    code = f"{meta.code}.{need(spec, 'code')}"
    return Meta(code, gettext_lazy(label), meta.kind, meta.provisional, text_id=label)


# Params any criterion may carry for a 复核 (``facts.APPLICATION_KINDS``): read here, never by a check.
WAIVED_FOR_RENEWAL, FOR_RENEWAL = "waived_for_renewal", "for_renewal"
RENEWAL_PARAMS = (WAIVED_FOR_RENEWAL, FOR_RENEWAL)


def build_check(name: str, params: Mapping[str, Any], meta: Meta) -> Run:
    """Build one check by name, turning malformed params into a RuleError naming the criterion.

    A criterion that differs for a 复核 says so in its params (data, not a branch per tier):
    ``waived_for_renewal: true`` makes it met without checking when ``facts.application_kind`` is
    renewal; ``for_renewal: {...}`` runs the check with those params over its own for a renewal.
    """
    if name not in CHECKS:
        raise RuleError(f"{meta.code}: unknown check {name!r}")
    own = {key: value for key, value in params.items() if key not in RENEWAL_PARAMS}
    try:
        run = CHECKS[name].build(own, meta)
        waived, for_renewal = params.get(WAIVED_FOR_RENEWAL, False), params.get(FOR_RENEWAL)
        if waived not in (True, False) or (for_renewal is not None and not isinstance(for_renewal, Mapping)):
            raise RuleError(f"{WAIVED_FOR_RENEWAL} must be true or false, {FOR_RENEWAL} an object")
        if (waived or for_renewal) and CHECKS[name].max_points is not None:
            raise RuleError("a scored criterion cannot differ for a renewal (its points would not add up)")
        if waived:
            return _waived_for_renewal(run, meta)
        if for_renewal:
            return _renewal_variant(run, CHECKS[name].build({**own, **for_renewal}, meta))
        return run
    except RuleError as exc:
        raise RuleError(f"{meta.code}: {exc}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RuleError(f"{meta.code}: bad params for {name}: {exc!r}") from exc


def _waived_for_renewal(run: Run, meta: Meta) -> Run:
    """Met without checking for a 复核 (e.g. the growth rule); a new application runs the check."""
    waived = CriterionResult(meta, MET, message_key="waived")

    def checked(ctx: Context) -> CriterionResult:
        return waived if ctx.facts.application_kind == RENEWAL else run(ctx)

    return checked


def _renewal_variant(run: Run, renewal_run: Run) -> Run:
    """The criterion's own check for a new application, its 复核 variant for a renewal."""

    def checked(ctx: Context) -> CriterionResult:
        return renewal_run(ctx) if ctx.facts.application_kind == RENEWAL else run(ctx)

    return checked


@register("banded_rule", "the band a metric falls in selects which checks apply; below every band fails")
def _banded_rule(params: Mapping[str, Any], meta: Meta) -> Run:
    metric, kwargs = metric_of(params)
    get = getter(metric, kwargs)
    bands = []
    for band in need(params, "bands"):
        parts = []
        for spec in need(band, "all"):
            definition = CHECKS.get(need(spec, "check"))
            if definition is None or definition.max_points is not None or definition.name == "score_at_least":
                raise RuleError("a banded rule's parts must be known pass/fail checks")
            parts.append(build_check(spec["check"], need(spec, "params"), _part_meta(meta, spec)))
        bands.append((to_decimal(need(band, "min")), parts))
    minimums = [minimum for minimum, _ in bands]
    if minimums != sorted(minimums, reverse=True) or len(set(minimums)) != len(minimums):
        raise RuleError("banded_rule bands must be ordered from the highest minimum down")
    lowest = minimums[-1]

    def run(ctx: Context) -> CriterionResult:
        value = get(ctx)
        if type(value) is Missing:
            return missing_result(meta, value, metric.unit, lowest, "ge", "band")
        for minimum, parts in bands:
            if compare(value, minimum) >= 0:
                return _combine(meta, metric, value, [part(ctx) for part in parts])
        return CriterionResult(meta, NOT_MET, value, lowest, "ge", metric.unit, message_key="band")

    answers = [(minimum, [outcome_of(part) for part in parts]) for minimum, parts in bands]

    def outcome(ctx: Context) -> Tri:
        """``_combine``'s status as yes/no/pending: Kleene AND over the band's parts, which stops at the
        first part that fails (not met or missing) and builds no result."""
        value = get(ctx)
        if type(value) is Missing:
            return False
        for minimum, parts in answers:
            if compare(value, minimum) >= 0:
                unknown = False
                for part in parts:
                    answer = part(ctx)
                    if answer is False:
                        return False
                    unknown = unknown or answer is None
                return None if unknown else True
        return False

    return with_outcome(run, outcome)


def _combine(meta: Meta, metric: Metric, value: Any, parts: list[CriterionResult]) -> CriterionResult:
    """All parts must hold: any not-met decides; else missing, then pending, then met."""
    statuses = {part.status for part in parts}
    status = next((s for s in (NOT_MET, MISSING, PENDING) if s in statuses), MET)

    def first_gap() -> tuple[Any, str | None, Any, str | None]:
        failing = next((p for p in parts if p.status == NOT_MET and p.gap is not None), None)
        return None, None, failing.gap if failing else None, failing.gap_key if failing else None

    return CriterionResult(
        meta, status, value, unit=metric.unit, message_key="band", parts=parts, lazy=first_gap
    )
