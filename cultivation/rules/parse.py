"""Parse the JSON shape of docs/API.md into Facts, collecting one message per bad field.

The API validates with its own serializers too; this parser exists so that snapshots stored as
JSON (``Facts.to_dict``) and plain dicts from tests or scripts come back as the same Facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .facts import (
    APPLICATION_KINDS,
    COUNT_FIELDS,
    DECIMAL_FIELDS,
    NEW,
    SECTORS,
    Attest,
    Facts,
    FactsError,
    YearFigures,
)
from .values import to_decimal


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("expected an ISO date (YYYY-MM-DD)")
    return date.fromisoformat(value)


def _opt_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("expected an integer")
    return value


def _opt_month(value: Any) -> int | None:
    month = _opt_int(value)
    if month is not None and not 1 <= month <= 12:
        raise ValueError("expected a month from 1 to 12")
    return month


def _year_figures(raw: Any, where: str, errors: dict[str, str]) -> YearFigures | None:
    """One entry of ``years``; errors are keyed like ``years[0].rd_expense``."""
    if not isinstance(raw, Mapping):
        errors[where] = "expected an object"
        return None
    values: dict[str, Any] = {}
    try:
        values["year"] = _opt_int(raw.get("year"))
        if values["year"] is None:
            raise ValueError("required")
    except ValueError as exc:
        errors[f"{where}.year"] = str(exc)
    for name in DECIMAL_FIELDS:
        if raw.get(name) is not None:
            try:
                values[name] = to_decimal(raw[name])
            except (TypeError, ValueError) as exc:
                errors[f"{where}.{name}"] = str(exc)
    for name in COUNT_FIELDS:
        try:
            values[name] = _opt_int(raw.get(name))
        except ValueError as exc:
            errors[f"{where}.{name}"] = str(exc)
    unknown = set(raw) - {"year", *DECIMAL_FIELDS, *COUNT_FIELDS}
    for name in sorted(unknown):
        errors[f"{where}.{name}"] = "unknown field"
    if any(key.startswith(where) for key in errors):
        return None
    return YearFigures(**values)


def _attested(raw: Any, errors: dict[str, str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        errors["attested"] = "expected an object of code: true|false|'confirmed'|'claimed'"
        return {}
    out: dict[str, Any] = {}
    for code, state in raw.items():
        if (
            state is True
            or state is False
            or state is None
            or (isinstance(state, str) and state in tuple(Attest))
        ):
            out[code] = state
        else:
            errors[f"attested.{code}"] = "expected true, false, 'confirmed' or 'claimed'"
    return out


def _simple(data: Mapping[str, Any], errors: dict[str, str], as_of: date | None) -> dict[str, Any]:
    """The scalar fields of Facts."""
    values: dict[str, Any] = {}
    parsers = {
        "as_of": _date,
        "founded_on": lambda v: None if v is None else _date(v),
        "niche_since": _opt_int,
        "niche_since_month": _opt_month,
    }
    for name, parse in parsers.items():
        if name in data:
            try:
                values[name] = parse(data[name])
            except ValueError as exc:
                errors[name] = str(exc)
    if "as_of" not in values and "as_of" not in errors:
        values["as_of"] = as_of or date.today()
    sector = data.get("sector", SECTORS[0])
    if sector not in SECTORS:
        errors["sector"] = f"expected one of {', '.join(SECTORS)}"
    values["sector"] = sector
    for name in ("strategic_emerging", "listed"):
        if not isinstance(data.get(name, False), bool):
            errors[name] = "expected true or false"
        values[name] = data.get(name, False) is True
    cluster = data.get("cluster")
    if cluster is not None and not isinstance(cluster, str):
        errors["cluster"] = "expected a cluster code"
    values["cluster"] = cluster or None
    kind = data.get("application_kind", NEW)
    if kind not in APPLICATION_KINDS:
        errors["application_kind"] = f"expected one of {', '.join(APPLICATION_KINDS)}"
    values["application_kind"] = kind if kind in APPLICATION_KINDS else NEW
    return values


def _code_list(data: Mapping[str, Any], name: str, errors: dict[str, str]) -> frozenset[str]:
    raw = data.get(name) or []
    if not isinstance(raw, list | tuple | set | frozenset) or not all(isinstance(c, str) for c in raw):
        errors[name] = "expected a list of codes"
        return frozenset()
    return frozenset(raw)


def facts_from_dict(data: Mapping[str, Any], *, as_of: date | None = None) -> Facts:
    """Build Facts from the docs/API.md request shape; ``as_of`` defaults to the given day or today."""
    errors: dict[str, str] = {}
    values = _simple(data, errors, as_of)
    values["designations"] = _code_list(data, "designations", errors)
    values["disqualifications"] = _code_list(data, "disqualifications", errors)
    values["attested"] = _attested(data.get("attested") or {}, errors)
    raw_years = data.get("years") or []
    if not isinstance(raw_years, list):
        errors["years"] = "expected a list of yearly figures"
        raw_years = []
    figures = [_year_figures(raw, f"years[{i}]", errors) for i, raw in enumerate(raw_years)]
    seen = [f.year for f in figures if f is not None]
    if len(seen) != len(set(seen)):
        errors["years"] = "each year may appear once"
    if errors:
        raise FactsError(errors)
    values["years"] = [f for f in figures if f is not None]
    return Facts(**values)
