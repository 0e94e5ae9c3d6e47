"""Measurable quantities the checks compare: how each is computed and how far a firm is from a bar.

A metric is named in a criterion's params (``{"metric": "rd_intensity", "year": 0}``), computed at
most once per evaluation (the context caches it, so the six criteria that read last year's R&D
intensity share one computation), and knows how to tell the distance to a threshold in the firm's
own terms (P4): 万元 more R&D at this revenue, persons to hire, liabilities to repay.

Year offsets count back from the last completed fiscal year: 0 = last year, 1 = the year before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .facts import Attest, Facts
from .values import CENT, HUNDRED, ONE, ZERO, Missing, Ratio

Value = Decimal | int | Ratio
Computed = Value | Missing
GapFn = Callable[["Context", dict[str, int], Decimal], Decimal | None]


class Context:
    """Per-evaluation state: the facts, the last fiscal year and a cache of computed metrics."""

    __slots__ = ("cache", "claimed", "confirmed", "facts", "last", "scores", "years")

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.last = facts.as_of.year - 1
        self.years = facts.years
        self.cache: dict[Any, Any] = {}
        self.scores: Any = None
        # Attestation states as two sets, so a criterion accepting several codes is one set operation.
        confirmed, claimed = set(), set()
        for code, state in facts.attested.items():
            (confirmed if state is Attest.CONFIRMED else claimed).add(code)
        self.confirmed, self.claimed = confirmed, claimed


def _get(ctx: Context, name: str, offset: int) -> Decimal | int | Missing:
    year = ctx.last - offset
    figures = ctx.years.get(year)
    value = None if figures is None else getattr(figures, name)
    return Missing(year, (name,)) if value is None else value


def _ratio(ctx: Context, num: str, den: str, offset: int) -> Ratio | Missing:
    """num/den of one year as a percentage; undefined (missing) when den <= 0."""
    year = ctx.last - offset
    figures = ctx.years.get(year)
    if figures is None:
        return Missing(year, (num, den))
    top, bottom = getattr(figures, num), getattr(figures, den)
    if top is None or bottom is None:
        return Missing(year, tuple(name for name, v in ((num, top), (den, bottom)) if v is None))
    if bottom <= 0:
        return Missing(year, (den,), Missing.UNDEFINED)
    return Ratio(Decimal(top), Decimal(bottom))


def _growth(ctx: Context, name: str, offset: int) -> Ratio | Missing:
    """Growth of a figure over the year before, as a percentage."""
    current = _get(ctx, name, offset)
    previous = _get(ctx, name, offset + 1)
    if type(current) is Missing:
        return current
    if type(previous) is Missing:
        return previous
    if previous <= 0:
        return Missing(ctx.last - offset - 1, (name,), Missing.UNDEFINED)
    return Ratio(current - previous, previous)


def _mean_growth(ctx: Context, name: str, years: int) -> Ratio | Missing:
    """Simple mean of ``years`` annual growth rates, kept as one exact fraction.

    Σ(nᵢ/dᵢ)/k is folded into N/D (N·d + n·D over D·d) so the comparison stays exact.
    """
    num, den = ZERO, ONE
    for offset in range(years):
        growth = _growth(ctx, name, offset)
        if type(growth) is Missing:
            return growth
        num, den = num * growth.den + growth.num * den, den * growth.den
    return Ratio(num, den * years)


def _sum(ctx: Context, name: str, years: int, partial: bool) -> Decimal | Missing:
    """Sum over the last ``years`` years; with ``partial`` an unrecorded year counts as nothing."""
    total, seen = ZERO, False
    for offset in range(years):
        value = _get(ctx, name, offset)
        if type(value) is Missing:
            if not partial:
                return value
            continue
        total += value
        seen = True
    return total if seen else Missing(ctx.last, (name,))


def latest_recorded(facts: Facts, name: str) -> Decimal | None:
    """The most recent value of a stock figure recorded up to the current year (valuation and financing),
    None when there is none; the per-firm metric and its column form (``columns``) both read it here."""
    current = facts.as_of.year
    for year in sorted(facts.years, reverse=True):
        if year <= current:
            value = getattr(facts.years[year], name)
            if value is not None:
                return value
    return None


def _latest(ctx: Context, name: str) -> Decimal | Missing:
    """The most recent value recorded up to the current year (valuation and financing are stocks)."""
    value = latest_recorded(ctx.facts, name)
    return Missing(None, (name,)) if value is None else value


def _niche(ctx: Context) -> int | Missing:
    years = ctx.facts.years_in_niche()
    return Missing(None, ("niche_since",)) if years is None else years


# --- gaps: the change of the firm's own figure that would reach a threshold exactly ---------------


def _gap_numerator(num: str, den: str) -> GapFn:
    """Raise the numerator at a fixed denominator (R&D at this revenue; profit at this revenue)."""

    def gap(ctx: Context, kw: dict[str, int], threshold: Decimal) -> Decimal | None:
        figures = ctx.years.get(ctx.last - kw.get("year", 0))
        return threshold * getattr(figures, den) / HUNDRED - getattr(figures, num)

    return gap


def _gap_part(num: str, den: str) -> GapFn:
    """Raise a part that is also inside the whole (main business within revenue, R&D staff within staff)."""

    def gap(ctx: Context, kw: dict[str, int], threshold: Decimal) -> Decimal | None:
        share = threshold / HUNDRED
        if share >= ONE:
            return None
        figures = ctx.years.get(ctx.last - kw.get("year", 0))
        return (share * getattr(figures, den) - getattr(figures, num)) / (ONE - share)

    return gap


def _gap_debt(ctx: Context, kw: dict[str, int], threshold: Decimal) -> Decimal | None:
    """Liabilities to repay out of assets: (L - x) / (A - x) <= t."""
    share = threshold / HUNDRED
    if share >= ONE:
        return None
    figures = ctx.years.get(ctx.last - kw.get("year", 0))
    return (figures.total_liabilities - share * figures.total_assets) / (ONE - share)


def _gap_growth(name: str) -> GapFn:
    def gap(ctx: Context, kw: dict[str, int], threshold: Decimal) -> Decimal | None:
        offset = kw.get("year", 0)
        previous = _get(ctx, name, offset + 1)
        return previous * (ONE + threshold / HUNDRED) - _get(ctx, name, offset)

    return gap


def _gap_mean_growth(name: str) -> GapFn:
    """Raise last year's figure so that the mean growth reaches the bar (earlier years are history)."""

    def gap(ctx: Context, kw: dict[str, int], threshold: Decimal) -> Decimal | None:
        years = kw["years"]
        others = sum((_growth(ctx, name, offset).value for offset in range(1, years)), ZERO) / HUNDRED
        needed = threshold * years / HUNDRED - others
        return _get(ctx, name, 1) * (ONE + needed) - _get(ctx, name, 0)

    return gap


def _gap_field(name: str) -> GapFn:
    def gap(ctx: Context, kw: dict[str, int], threshold: Decimal) -> Decimal | None:
        return threshold - _get(ctx, name, kw.get("year", 0))

    return gap


def _gap_total(name: str, partial: bool, mean: bool) -> GapFn:
    def gap(ctx: Context, kw: dict[str, int], threshold: Decimal) -> Decimal | None:
        years = kw["years"]
        return threshold * (years if mean else 1) - _sum(ctx, name, years, partial)

    return gap


def _gap_latest(name: str) -> GapFn:
    def gap(ctx: Context, kw: dict[str, int], threshold: Decimal) -> Decimal | None:
        return threshold - _latest(ctx, name)

    return gap


def _gap_niche(ctx: Context, kw: dict[str, int], threshold: Decimal) -> Decimal | None:
    return threshold - _niche(ctx)


@dataclass(frozen=True)
class Metric:
    """A named measurable quantity: unit, computation, and gap towards a higher/lower bar."""

    name: str
    label: str  # Chinese, for the rules document
    unit: str
    compute: Callable[..., Computed]
    kwargs: tuple[str, ...] = ("year",)
    gap_up: GapFn | None = None  # change that raises the value to a threshold
    gap_down: GapFn | None = None  # change that lowers the value to a threshold
    gap_key: str | None = None
    step: Decimal = CENT  # granularity of the firm-side figure the gap is told in
    # The same computation for a chunk of firms at once (``columns.COLUMN_METRICS`` names the kinds), so
    # a chunk can rule firms out column-wise; empty: no column form, the per-firm path decides.
    column: tuple[str, ...] = ()


def _field_metric(name: str, label: str, unit: str, gap_key: str, step: Decimal = CENT) -> Metric:
    return Metric(
        name,
        label,
        unit,
        lambda ctx, year=0: _get(ctx, name, year),
        ("year",),
        _gap_field(name),
        None,
        gap_key,
        step,
        ("figure", name),
    )


def _ratio_metric(name: str, label: str, num: str, den: str, **extra: Any) -> Metric:
    compute = lambda ctx, year=0: _ratio(ctx, num, den, year)  # noqa: E731
    return Metric(name, label, "pct", compute, ("year",), column=("ratio", num, den), **extra)


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        _field_metric("operating_revenue", "营业收入", "wan", "operating_revenue"),
        _field_metric("main_business_revenue", "主营业务收入", "wan", "main_business_revenue"),
        _field_metric("rd_expense", "研发费用", "wan", "rd_expense_plain"),
        _field_metric("employees", "从业人员", "persons", "employees", Decimal(1)),
        _field_metric("class1_ip", "Ⅰ类知识产权数量", "items", "class1_ip", Decimal(1)),
        _field_metric("class2_ip", "Ⅱ类知识产权数量", "items", "class2_ip", Decimal(1)),
        _ratio_metric(
            "rd_intensity",
            "研发费用占营业收入比重",
            "rd_expense",
            "operating_revenue",
            gap_up=_gap_numerator("rd_expense", "operating_revenue"),
            gap_key="rd_expense",
        ),
        _ratio_metric(
            "main_business_share",
            "主营业务收入占营业收入比重",
            "main_business_revenue",
            "operating_revenue",
            gap_up=_gap_part("main_business_revenue", "operating_revenue"),
            gap_key="main_business_revenue",
        ),
        _ratio_metric(
            "net_margin",
            "净利润率",
            "net_profit",
            "operating_revenue",
            gap_up=_gap_numerator("net_profit", "operating_revenue"),
            gap_key="net_profit",
        ),
        _ratio_metric(
            "debt_ratio",
            "资产负债率",
            "total_liabilities",
            "total_assets",
            gap_down=_gap_debt,
            gap_key="liabilities",
        ),
        _ratio_metric(
            "rd_staff_share",
            "研发人员占从业人员比重",
            "rd_staff",
            "employees",
            gap_up=_gap_part("rd_staff", "employees"),
            gap_key="rd_staff",
            step=Decimal(1),
        ),
        Metric(
            "main_business_growth",
            "主营业务收入增长率",
            "pct",
            lambda ctx, year=0: _growth(ctx, "main_business_revenue", year),
            ("year",),
            _gap_growth("main_business_revenue"),
            None,
            "main_business_revenue",
            column=("growth", "main_business_revenue"),
        ),
        Metric(
            "operating_revenue_growth",
            "营业收入增长率",
            "pct",
            lambda ctx, year=0: _growth(ctx, "operating_revenue", year),
            ("year",),
            _gap_growth("operating_revenue"),
            None,
            "operating_revenue",
            column=("growth", "operating_revenue"),
        ),
        Metric(
            "main_business_growth_mean",
            "主营业务收入平均增长率（各年增长率的简单平均）",
            "pct",
            lambda ctx, years=2: _mean_growth(ctx, "main_business_revenue", years),
            ("years",),
            _gap_mean_growth("main_business_revenue"),
            None,
            "main_business_revenue",
            column=("mean_growth", "main_business_revenue"),
        ),
        Metric(
            "rd_expense_sum",
            "研发费用合计",
            "wan",
            lambda ctx, years=2: _sum(ctx, "rd_expense", years, False),
            ("years",),
            _gap_total("rd_expense", False, False),
            None,
            "rd_expense_plain",
            column=("sum", "rd_expense"),
        ),
        Metric(
            "rd_expense_mean",
            "研发费用年均值",
            "wan",
            lambda ctx, years=2: _mean_of_sum(ctx, "rd_expense", years),
            ("years",),
            _gap_total("rd_expense", False, True),
            None,
            "rd_expense_plain",
            column=("mean", "rd_expense"),
        ),
        Metric(
            "main_business_revenue_mean",
            "主营业务收入年均值",
            "wan",
            lambda ctx, years=3: _mean_of_sum(ctx, "main_business_revenue", years),
            ("years",),
            _gap_total("main_business_revenue", False, True),
            None,
            "main_business_revenue",
            column=("mean", "main_business_revenue"),
        ),
        Metric(
            "equity_financing_sum",
            "新增股权融资合计（合格机构投资者实缴）",
            "wan",
            lambda ctx, years=3: _sum(ctx, "equity_financing", years, True),
            ("years",),
            _gap_total("equity_financing", True, False),
            None,
            "equity_financing",
            column=("partial_sum", "equity_financing"),
        ),
        Metric(
            "valuation_usd_m",
            "最新投后估值",
            "usd_m",
            lambda ctx: _latest(ctx, "valuation_usd_m"),
            (),
            _gap_latest("valuation_usd_m"),
            None,
            "valuation_usd_m",
            column=("latest", "valuation_usd_m"),
        ),
        Metric(
            "cumulative_financing_usd_m",
            "累计融资额",
            "usd_m",
            lambda ctx: _latest(ctx, "cumulative_financing_usd_m"),
            (),
            _gap_latest("cumulative_financing_usd_m"),
            None,
            "cumulative_financing_usd_m",
            column=("latest", "cumulative_financing_usd_m"),
        ),
        Metric(
            "years_in_niche",
            "从事细分市场年限",
            "years",
            _niche,
            (),
            _gap_niche,
            None,
            "years",
            Decimal(1),
            ("niche",),
        ),
    )
}


def _mean_of_sum(ctx: Context, name: str, years: int) -> Ratio | Missing:
    """Mean over ``years`` complete years, as an exact fraction (sum / years)."""
    total = _sum(ctx, name, years, False)
    if type(total) is Missing:
        return total
    return Ratio(total, Decimal(years), ONE)


def getter(metric: Metric, kwargs: dict[str, int]) -> Callable[[Context], Computed]:
    """A cached accessor for one metric with fixed arguments, built once per rule set."""
    # A string key: its hash is cached, a tuple's is recomputed on every lookup.
    key = metric.name + "".join(f":{k}={v}" for k, v in sorted(kwargs.items()))
    compute = metric.compute

    def get(ctx: Context) -> Computed:
        cache = ctx.cache
        value = cache.get(key, cache)
        if value is cache:
            value = cache[key] = compute(ctx, **kwargs)
        return value

    return get
