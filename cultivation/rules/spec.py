"""Short constructors for writing rule sets as readable data (used by the shipped catalogue).

Labels are wrapped in ``gettext_noop`` imported as ``_`` (the keyword ``makemessages`` extracts), so the
catalogue finds them while the data keeps the plain Chinese string: it is translated when shown and
serialises unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext_noop as _

from .ruleset import ATTESTED, COMMON, MEASURABLE, PREREQUISITE, SCORE, Criterion

RENEWAL_PARAMS = ("waived_for_renewal", "for_renewal")  # how a 复核 differs (``checks.build_check``)


def _with_renewal(params: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``waived_for_renewal=True`` / ``for_renewal={...}`` given as keywords belong in the params."""
    for key in RENEWAL_PARAMS:
        if key in extra:
            params[key] = extra.pop(key)
    return params


def measurable(code: str, label: str, check: str, params: dict[str, Any], **extra: Any) -> Criterion:
    """A criterion computed from the firm's figures or facts."""
    return Criterion(code, label, MEASURABLE, check, _with_renewal(dict(params), extra), **extra)


def at_least(code: str, label: str, metric: str, threshold: Any, **extra: Any) -> Criterion:
    """metric ≥ threshold; ``year``/``years`` in ``extra`` go to the params."""
    params = {"metric": metric, "threshold": threshold}
    for key in ("year", "years"):
        if key in extra:
            params[key] = extra.pop(key)
    return measurable(code, label, "at_least", params, **extra)


def attested(code: str, label: str, codes: Sequence[str], **extra: Any) -> Criterion:
    """Confirmed attestation of any of ``codes`` (a stronger attestation may stand in for a weaker one)."""
    params = _with_renewal({"any_of": list(codes)}, extra)
    return Criterion(code, label, ATTESTED, "attested", params, **extra)


def prerequisite(code: str, label: str, tier: str, **extra: Any) -> Criterion:
    """An active designation on the rung below (P6)."""
    return Criterion(code, label, PREREQUISITE, "designation_held", {"tier": tier}, **extra)


def common(
    code: str, label: str, check: str, params: dict[str, Any], applies_to: Iterable[str], **extra: Any
):
    """A condition shared by several tiers, written once in the rule set."""
    return Criterion(code, label, COMMON, check, params, applies_to=tuple(applies_to), **extra)


def score(total: int, classes: dict[str, int] | None = None, **extra: Any) -> Criterion:
    """The pass mark of a scored tier (total and per-class minimums), as a criterion of its own."""
    return Criterion(
        "score", _("评分"), SCORE, "score_at_least", {"total": total, "classes": classes or {}}, **extra
    )


def bands(pairs: Iterable[tuple[Any, int]]) -> list[list[Any]]:
    """[[bound, points], …] from (bound, points) pairs, best band first."""
    return [[str(bound), points] for bound, points in pairs]


def option(points: int, **when: Any) -> dict[str, Any]:
    """A points option: ``option(20, attested=["high_value_class1_ip"])``, ``option(10, metric=m, min=1)``."""
    return {"when": when, "points": points}
