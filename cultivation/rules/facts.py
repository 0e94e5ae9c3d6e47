"""The evaluator's input: what is known about one firm on one day (plain frozen dataclasses).

Facts are built by the Django layer from a firm's records, by the API from a what-if request
(docs/API.md) or by tests; the evaluator never looks anywhere else, which is what keeps it pure,
fast and replayable from an application snapshot (``Facts.to_dict`` / ``parse.facts_from_dict``).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import partial
from itertools import starmap
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import Any

from registry.figures import COUNT_FIELDS, DECIMAL_FIELDS

from .values import to_decimal

INDUSTRY = "industry"
SOFTWARE = "software"
SECTORS = (INDUSTRY, SOFTWARE)

# New application or 复核 (re-review of a tier the firm holds). Some criteria differ for a 复核; that is
# data in the rule set, read by ``checks.build_check``, never a branch per tier:
#   ``"waived_for_renewal": true`` in a criterion's params: met without checking for a 复核 (e.g. the
#       5% growth rule of CN-2026 and of the 2025 小巨人 round);
#   ``"for_renewal": {...}`` in a criterion's params: for a 复核 the check runs with these params over
#       its own (e.g. CN-2026's score ≥ 60 "in either of the last two years").
# ``Facts.application_kind`` says which applies; the what-if body, ``facts_for_firm(..., kind=)`` and
# the workflow (the application's ``kind``) set it.
NEW, RENEWAL = "new", "renewal"
APPLICATION_KINDS = (NEW, RENEWAL)

_EMPTY: Mapping[Any, Any] = MappingProxyType({})
_decimals, _counts = attrgetter(*DECIMAL_FIELDS), attrgetter(*COUNT_FIELDS)
_DECIMAL_TYPES, _COUNT_TYPES = frozenset({Decimal, type(None)}), frozenset({int, type(None)})


class Attest(StrEnum):
    """State of an attested criterion (P3). An absent key means not claimed at all."""

    CONFIRMED = "confirmed"
    CLAIMED = "claimed"


class FactsError(ValueError):
    """Bad input for Facts, with one message per field (so the API can answer 400 per field)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{key}: {msg}" for key, msg in self.errors.items()))


@dataclass(frozen=True, slots=True)
class YearFigures:
    """One fiscal year's figures (P9). Money in 万元; valuation and financing in million USD.

    The fields are ``year`` and ``registry.figures.FIGURE_FIELDS`` (a test pins that they match).
    Build it by name: ``YearFigures(2024, rd_expense=...)``, or ``reader`` for rows of columns.
    """

    year: int
    operating_revenue: Decimal | None = None
    main_business_revenue: Decimal | None = None
    rd_expense: Decimal | None = None
    net_profit: Decimal | None = None
    total_assets: Decimal | None = None
    total_liabilities: Decimal | None = None
    employees: int | None = None
    rd_staff: int | None = None
    class1_ip: int | None = None  # Ⅰ类 IP related to the main product
    class2_ip: int | None = None
    equity_financing: Decimal | None = None  # new equity financing that year (qualified investors, paid-in)
    valuation_usd_m: Decimal | None = None  # latest post-money valuation
    cumulative_financing_usd_m: Decimal | None = None

    def __post_init__(self) -> None:
        # Rows read from the database are already Decimal / int / None: two C-level set checks let
        # them through (a scan builds five of these per firm; the loops below cost 2.5 µs each).
        if _DECIMAL_TYPES.issuperset(map(type, _decimals(self))) and _COUNT_TYPES.issuperset(
            map(type, _counts(self))
        ):
            return
        # Accept "8000.00", 8000 or Decimal alike so callers need no conversion code of their own.
        for name in DECIMAL_FIELDS:
            value = getattr(self, name)
            if value is not None and type(value) is not Decimal:
                object.__setattr__(self, name, to_decimal(value))
        for name in COUNT_FIELDS:
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"{name} must be an int, not {value!r}")

    @classmethod
    def reader(cls, columns: Sequence[str]) -> Callable[[Iterable[Sequence[Any]]], Iterator[YearFigures]]:
        """Turn rows whose columns are named ``columns`` into figures, each value to its field by name.

        The names are matched to the fields once, here (a column missing is a ``ValueError`` now);
        each row is then picked into field order and passed by position in C, as fast as
        ``YearFigures(*row)`` (the scan builds five per firm), yet a reordered list cannot swap values.
        """
        pick = itemgetter(*(columns.index(f.name) for f in fields(cls)))
        return lambda rows: starmap(cls, map(pick, rows))

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (Decimals as strings), the shape docs/API.md uses for ``years``."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Decimal) else value
        return out


class FigureRow(namedtuple("FigureRow", [f.name for f in fields(YearFigures)])):
    """One fiscal year's figures as a scan reads them from the database: ``YearFigures``' fields, by name.

    The rules read figures by attribute only (``getattr(figures, "rd_expense")``), so both serve.
    A scan builds five per firm from rows whose values are already ``Decimal``/``int``/``None``:
    a tuple is built in C (0.2 µs), a frozen dataclass field by field with its checks (1.9 µs), half a
    second per 100,000 firms (docs/PERFORMANCE.md). Its fields are ``YearFigures``' by construction.
    """

    __slots__ = ()

    @classmethod
    def reader(cls, columns: Sequence[str]) -> Callable[[Iterable[Sequence[Any]]], Iterator[FigureRow]]:
        """As ``YearFigures.reader``: rows of named ``columns`` picked into field order, by name."""
        pick = itemgetter(*(columns.index(name) for name in cls._fields))
        new = partial(tuple.__new__, cls)
        return lambda rows: map(new, map(pick, rows))

    def to_dict(self) -> dict[str, Any]:
        return YearFigures(*self).to_dict()


def _freeze_attested(raw: Mapping[str, Any]) -> Mapping[str, Attest]:
    """Normalise attestation states; ``True`` (what-if form) means confirmed, ``False`` means absent."""
    frozen: dict[str, Attest] = {}
    for code, state in raw.items():
        if state is True:
            frozen[code] = Attest.CONFIRMED
        elif state is False or state is None:
            continue
        else:
            frozen[code] = Attest(state)
    return MappingProxyType(frozen)


def _freeze_years(raw: Mapping[int, YearFigures] | Iterable[YearFigures]) -> Mapping[int, YearFigures]:
    """Index figures by fiscal year, accepting a mapping or a plain list."""
    items = raw.values() if isinstance(raw, Mapping) else raw
    indexed: dict[int, YearFigures] = {}
    for figures in items:
        if figures.year in indexed:
            raise ValueError(f"figures for {figures.year} given twice")
        indexed[figures.year] = figures
    return MappingProxyType(indexed)


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the rules may look at for one firm, as of one day."""

    as_of: date
    founded_on: date | None = None
    niche_since: int | None = None  # year the firm entered its niche market (or field)
    niche_since_month: int | None = None  # month of that year (1-12), where the caseworker knows it
    sector: str = INDUSTRY  # SME size rule (§1.8)
    strategic_emerging: bool = False  # main product in 《战略性新兴产业分类》
    listed: bool = False
    cluster: str | None = None  # "33618" cluster code; any non-empty code counts as in the 33618 fields
    designations: frozenset[str] = frozenset()  # active tier codes
    attested: Mapping[str, Attest] = field(default_factory=lambda: _EMPTY)
    disqualifications: frozenset[str] = frozenset()
    years: Mapping[int, YearFigures] = field(default_factory=lambda: _EMPTY)
    application_kind: str = NEW  # NEW or RENEWAL (复核): see APPLICATION_KINDS above

    def __post_init__(self) -> None:
        if self.sector not in SECTORS:
            raise ValueError(f"sector must be one of {SECTORS}, not {self.sector!r}")
        if self.application_kind not in APPLICATION_KINDS:
            raise ValueError(f"application_kind must be one of {APPLICATION_KINDS}")
        object.__setattr__(self, "designations", frozenset(self.designations))
        object.__setattr__(self, "disqualifications", frozenset(self.disqualifications))
        object.__setattr__(self, "attested", _freeze_attested(self.attested))
        object.__setattr__(self, "years", _freeze_years(self.years))

    @property
    def last_year(self) -> int:
        """The last fiscal year completed before ``as_of`` ("上年度")."""
        return self.as_of.year - 1

    def year(self, year: int) -> YearFigures | None:
        """Figures of fiscal ``year``, or None when none were entered."""
        return self.years.get(year)

    def back(self, offset: int = 0) -> YearFigures | None:
        """Figures ``offset`` years before the last year (0 = last year, 1 = the year before…)."""
        return self.years.get(self.last_year - offset)

    def attest(self, code: str) -> Attest | None:
        """State of an attested criterion, None when not claimed."""
        return self.attested.get(code)

    def holds(self, tier: str) -> bool:
        """Whether the firm holds an active designation of ``tier``."""
        return tier in self.designations

    def years_in_niche(self) -> int | None:
        """Completed years in the niche at the end of the last fiscal year ("截至上年末", 31 December).

        "从事特定细分市场时间 ≥ N 年" counts whole years *after* the entry: a firm that entered in 2023
        has one completed year at the end of 2024, not two. With the entry month known, whole months
        after that month count: entered 2023-07, at 2025-12-31 that is 2 years 5 months, so 2 years.
        A year without a month counts as entered in December, the fewest months that year allows, so
        recording the month never lowers the count.
        """
        if self.niche_since is None:
            return None
        month = self.niche_since_month or 12
        months = (self.last_year - self.niche_since) * 12 + (12 - month)
        return max(0, months // 12)

    @classmethod
    def of_records(
        cls,
        as_of: date,
        own: Mapping[str, Any],
        designations: frozenset[str],
        attested: Mapping[str, Attest],
        disqualifications: frozenset[str],
        years: Mapping[int, FigureRow | YearFigures],
    ) -> Facts:
        """Facts from stored records already in the types kept (``selectors``' reads): set, not checked.

        ``__post_init__`` checks and freezes what a caller gives (a what-if body, a test); a firm's
        stored columns are valid by the model's choices, the sets and maps built by the reader are
        not shared, and ``years`` is keyed by year. Setting the slots directly costs a tenth of that
        (the scan builds one per firm). ``own`` holds ``selectors.FIRM_FACT_COLUMNS``' fields.
        """
        facts = _new(cls)
        for name, value in own.items():
            _SLOTS[name](facts, value)
        _SLOTS["as_of"](facts, as_of)
        _SLOTS["designations"](facts, designations)
        _SLOTS["attested"](facts, MappingProxyType(attested) if attested else _EMPTY)
        _SLOTS["disqualifications"](facts, disqualifications)
        _SLOTS["years"](facts, MappingProxyType(years) if years else _EMPTY)
        _SLOTS["application_kind"](facts, NEW)
        return facts

    def with_changes(self, **changes: Any) -> Facts:
        """A copy with some fields replaced (what-if analysis, tests)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Facts(**values)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (docs/API.md shape), e.g. for an application snapshot."""
        return {
            "as_of": self.as_of.isoformat(),
            "founded_on": self.founded_on.isoformat() if self.founded_on else None,
            "niche_since": self.niche_since,
            "niche_since_month": self.niche_since_month,
            "sector": self.sector,
            "strategic_emerging": self.strategic_emerging,
            "listed": self.listed,
            "cluster": self.cluster,
            "designations": sorted(self.designations),
            "attested": {code: str(state) for code, state in sorted(self.attested.items())},
            "disqualifications": sorted(self.disqualifications),
            "years": [self.years[y].to_dict() for y in sorted(self.years)],
            "application_kind": self.application_kind,
        }


_new = object.__new__
# Each field's slot setter (its member descriptor's ``__set__``), for ``Facts.of_records``.
_SLOTS: dict[str, Callable[[Facts, Any], None]] = {
    f.name: getattr(Facts, f.name).__set__ for f in fields(Facts)
}
