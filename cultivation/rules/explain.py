"""Human messages for criterion results (P4), formatted only when someone asks for them.

``results.CriterionResult.explain()`` calls ``explain_criterion``; this module only reads a result
(``Explained`` says what of it), so it sits below ``results`` and does not import it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from .attestations import bar_kind, label_for
from .status import Status
from .texts import GAPS, message, missing_detail, text
from .values import OPS, Missing

SEPARATOR = _("；")


class Explained(Protocol):
    """What the messages read of a criterion result (``results.CriterionResult``)."""

    status: str
    raw_value: Any
    detail: Any
    unit: str | None
    points: int | None
    potential: int | None
    max_points: int | None
    message_key: str
    parts: Sequence[Explained] | None

    @property
    def label_text(self) -> str: ...

    @property
    def met(self) -> bool: ...

    @property
    def threshold(self) -> Any: ...

    @property
    def op(self) -> str | None: ...

    @property
    def gap(self) -> Any: ...

    @property
    def gap_key(self) -> str | None: ...

    def display_value(self) -> str | None: ...

    def display_threshold(self) -> str | None: ...


def _fmt(key: str, **values: object) -> str:
    return message(key).format(**values)


def _join(*pieces: str) -> str:
    return text("s", "sep", SEPARATOR).join(piece for piece in pieces if piece)


def _gap_text(result: Explained) -> str:
    if result.gap is None or result.gap_key not in GAPS:
        return ""
    return text("g", result.gap_key, GAPS[result.gap_key]).format(gap=result.gap)


def _missing(result: Explained) -> str | None:
    if result.status == Status.MISSING and isinstance(result.detail, Missing):
        return _fmt("missing", label=result.label_text, detail=missing_detail(result.detail))
    return None


def _cmp(result: Explained) -> str:
    missing = _missing(result)
    if missing:
        return missing
    values = {
        "label": result.label_text,
        "value": result.display_value(),
        "op": OPS.get(result.op or "", ""),
        "threshold": result.display_threshold(),
    }
    if result.status == Status.MET:
        return _fmt("cmp_met", **values)
    return _join(_fmt("cmp_not_met", **values), _gap_text(result))


def _attested(result: Explained) -> str:
    key = {Status.MET: "attested_met", Status.PENDING: "attested_pending"}.get(result.status)
    return _fmt(key or "attested_not_met", label=result.label_text)


def _points(result: Explained) -> str:
    missing = _missing(result)
    if missing:
        return missing
    common = {"label": result.label_text, "points": result.points, "max_points": result.max_points}
    head = (
        _fmt("points_value", value=result.display_value(), **common)
        if result.raw_value is not None and result.unit
        else _fmt("points", **common)
    )
    nxt = ""
    if result.threshold is not None and result.op:
        nxt = _join(
            _fmt("points_next", op=OPS[result.op], threshold=result.display_threshold()), _gap_text(result)
        )
    pending = ""
    if result.potential is not None and result.potential > (result.points or 0):
        pending = _fmt("points_pending", potential=result.potential)
    return _join(head, nxt, pending)


def _score(result: Explained) -> str:
    values = {"label": result.label_text, "value": result.raw_value, "threshold": result.threshold}
    if result.status == Status.MET:
        return _fmt("score_met", **values)
    classes = [
        _fmt("score_class", name=text("c", name, name), points=points, minimum=minimum)
        for name, points, minimum in (result.detail or ())
    ]
    pending = ""
    if result.potential is not None and result.potential > (result.points or 0):
        pending = _fmt("points_pending", potential=result.potential)
    return _join(_fmt("score_not_met", **values), *classes, pending)


def _prerequisite(result: Explained) -> str:
    return _fmt("prerequisite_met" if result.met else "prerequisite_not_met", label=result.label_text)


def _disqualification(result: Explained) -> str:
    if result.met:
        return _fmt("clean", label=result.label_text)
    detail = message("list_separator").join(_flag(code) for code in result.detail or ())
    return _fmt("disqualified", label=result.label_text, detail=detail)


def _flag(code: str) -> str:
    """A flag with how long it bars: "列入经营异常名录（列入名录期间否决）" (P3 refined)."""
    kind = bar_kind(code)
    return _fmt("disqualified_item", flag=text("a", code, label_for(code)), kind=text("k", kind, kind.label))


def _sme(result: Explained) -> str:
    missing = _missing(result)
    if missing:
        return missing
    limits = result.threshold or {}
    detail = _fmt("sme_detail", employees=limits.get("employees_below"), revenue=limits.get("revenue_below"))
    return _fmt("sme_met" if result.met else "sme_not_met", label=result.label_text, detail=detail)


def _founded(result: Explained) -> str:
    missing = _missing(result)
    if missing:
        return missing
    values = {"label": result.label_text, "value": result.raw_value, "threshold": result.threshold}
    return _fmt("founded_met" if result.met else "founded_not_met", **values)


def _fact(result: Explained) -> str:
    return _fmt("fact_met" if result.met else "fact_not_met", label=result.label_text)


def _designation_absent(result: Explained) -> str:
    key = "designation_absent_met" if result.met else "designation_absent_not_met"
    return _fmt(key, label=result.label_text)


def _attested_absent(result: Explained) -> str:
    key = {Status.MET: "attested_absent_met", Status.PENDING: "attested_absent_pending"}.get(result.status)
    return _fmt(key or "attested_absent_not_met", label=result.label_text)


def _waived(result: Explained) -> str:
    return _fmt("waived", label=result.label_text)


def _cluster(result: Explained) -> str:
    if result.met:
        return _fmt("cluster_met", label=result.label_text, value=result.raw_value)
    return _fmt("cluster_not_met", label=result.label_text)


def _band(result: Explained) -> str:
    missing = _missing(result)
    if missing:
        return missing
    if not result.parts:
        return _fmt(
            "band_below",
            label=result.label_text,
            value=result.display_value(),
            threshold=result.display_threshold(),
        )
    parts = text("s", "sep", SEPARATOR).join(explain_criterion(part) for part in result.parts)
    return _fmt("band_parts", label=result.label_text, value=result.display_value(), parts=parts)


EXPLAINERS: dict[str, Callable[[Explained], str]] = {
    "cmp": _cmp,
    "attested": _attested,
    "points": _points,
    "score": _score,
    "prerequisite": _prerequisite,
    "disqualification": _disqualification,
    "sme": _sme,
    "founded": _founded,
    "fact": _fact,
    "cluster": _cluster,
    "band": _band,
    "waived": _waived,
    "designation_absent": _designation_absent,
    "attested_absent": _attested_absent,
}


def explain_criterion(result: Explained) -> str:
    """The message for ``result`` in the active language."""
    return EXPLAINERS.get(result.message_key, _cmp)(result)
