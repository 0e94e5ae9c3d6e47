"""Exact numbers for the rules engine: Decimal coercion, exact ratios, missing-data markers.

Thresholds are compared exactly (docs/API.md: a firm exactly on a bar meets it, a cent under does
not). Dividing first and comparing afterwards would round; so a ratio is kept as a fraction and
compared by cross-multiplication, and the quotient is only computed for display.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

# Comparison operators used by checks; the symbols are what the docs and messages show.
OPS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}


def to_decimal(value: Any) -> Decimal:
    """Coerce an int, str, float or Decimal to a finite Decimal (floats via their repr, so 0.1 stays 0.1)."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        raise TypeError(f"not a number: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def is_number_text(value: str) -> bool:
    """True for a plain decimal literal such as "3" or "0.55" (how Decimals are serialised)."""
    return bool(_NUMBER.match(value))


class Derived:
    """A value kept in exact parts whose number is computed only when shown (``.value``)."""

    __slots__ = ()

    @property
    def value(self) -> Decimal:  # pragma: no cover - overridden
        raise NotImplementedError


class Ratio(Derived):
    """``num / den * scale`` kept as a fraction; ``den`` is always positive.

    ``scale`` is 100 for percentages and 1 for averages (sum / count), so one type serves both.
    """

    __slots__ = ("den", "num", "scale")

    def __init__(self, num: Decimal, den: Decimal, scale: Decimal = HUNDRED) -> None:
        self.num = num
        self.den = den
        self.scale = scale

    def cmp(self, threshold: Decimal) -> int:
        """Sign of (self - threshold), exactly."""
        left = self.num * self.scale
        right = threshold * self.den
        return (left > right) - (left < right)

    @property
    def value(self) -> Decimal:
        """The quotient, rounded to the context precision: for display only."""
        return self.num * self.scale / self.den

    def __repr__(self) -> str:
        return f"Ratio({self.num}/{self.den}*{self.scale})"


class Cagr(Derived):
    """A compound annual growth rate in percent; the fractional power is only taken for display."""

    __slots__ = ("end", "start", "years")

    def __init__(self, start: Decimal, end: Decimal, years: int) -> None:
        self.start, self.end, self.years = start, end, years

    @property
    def value(self) -> Decimal:
        if self.end <= 0:
            return -HUNDRED
        return ((self.end / self.start) ** (ONE / self.years) - ONE) * HUNDRED


def compare(value: Decimal | int | Ratio, threshold: Decimal) -> int:
    """Sign of (value - threshold) for plain numbers and ratios alike."""
    if type(value) is Ratio:
        return value.cmp(threshold)
    return (value > threshold) - (value < threshold)


def holds(op: str, sign: int) -> bool:
    """Whether a comparison sign satisfies ``op``."""
    if op == "ge":
        return sign >= 0
    if op == "gt":
        return sign > 0
    if op == "le":
        return sign <= 0
    return sign < 0


def plain(value: Any) -> Any:
    """The number a value stands for (a ratio's quotient), other values unchanged."""
    return value.value if isinstance(value, Derived) else value


class Missing:
    """Why a figure could not be computed: which year, which fields, and whether absent or undefined."""

    __slots__ = ("fields", "reason", "year")

    ABSENT = "absent"  # no figure recorded
    UNDEFINED = "undefined"  # a denominator is zero or negative: the ratio has no meaning

    def __init__(self, year: int | None, fields: tuple[str, ...], reason: str = ABSENT) -> None:
        self.year = year
        self.fields = fields
        self.reason = reason

    def __repr__(self) -> str:
        return f"Missing({self.year}, {self.fields}, {self.reason})"


def step_up(amount: Decimal, step: Decimal, strict: bool) -> Decimal:
    """Smallest multiple of ``step`` that is >= amount (or > amount when ``strict``).

    Gaps are told in the firm's own units (cents of 万元, whole persons, whole items), so adding
    the gap to the figure lands on the bar, never a hair below it.
    """
    units = amount / step
    whole = units.to_integral_value(rounding=ROUND_FLOOR if strict else ROUND_CEILING)
    if strict:
        whole += 1
    result = (whole * step).quantize(step)
    return result if result > ZERO else step


def compact(value: Decimal | int) -> str:
    """A threshold as people write it: 3 not 3.00, 0.5 not 0.50, never in exponent form."""
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f")
    return text


def display(value: Decimal, places: Decimal = CENT) -> Decimal:
    """Round for display (half-even). Never used in a decision."""
    return value.quantize(places, rounding=ROUND_HALF_EVEN)


def consistent_display(value: Decimal, op: str | None, threshold: Decimal | None, met: bool) -> Decimal:
    """Display rounding that never contradicts the decision.

    2.9999% rounds to 3.00%, which would read as meeting ">= 3%" although it does not; in that case
    the displayed value is pulled one display unit to the failing side of the bar.
    """
    shown = display(value)
    if op is None or threshold is None or threshold != threshold.quantize(CENT, rounding=ROUND_FLOOR):
        return shown
    if holds(op, compare(shown, threshold)) == met:
        return shown
    if op in ("ge", "gt"):
        return threshold - CENT if not met else threshold + (CENT if op == "gt" else 0)
    return threshold + CENT if not met else threshold - (CENT if op == "lt" else 0)
