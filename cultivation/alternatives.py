"""Alternative routes in a report (dict form): "满足任一即可", shown as such rather than as failures.

A tier's pass rule may accept one of several routes (专精特新's score or a direct condition, 小巨人's
three "新" routes, 单项冠军's revenue or a 小巨人 title); the report lists them in ``alternatives``.
Once one route is met the others are not wanted: they are shown neutrally, without a gap. While
none is met, the routes are listed nearest first, so the firm sees its shortest way in. Presentation
only: the verdict is the evaluator's, this module reads the report and never decides eligibility.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

NOT_NEEDED = "not_needed"  # display status of a criterion another route made unnecessary


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _distance(criterion: dict[str, Any]) -> Decimal:
    """How far one criterion is from met: 0 met, a fraction of its bar for a figure, 1 otherwise."""
    status = criterion["status"]
    if status == "met":
        return Decimal(0)
    if status == "pending":
        return Decimal("0.5")  # claimed, awaiting the caseworker: nearer than not claimed at all
    gap, threshold = _number(criterion.get("gap")), _number(criterion.get("threshold"))
    if gap is not None and threshold and threshold > 0:
        return min(gap / threshold, Decimal(1))
    return Decimal(1)


def _route_key(route: list[dict[str, Any]]) -> tuple[int, Decimal]:
    unmet = sum(1 for c in route if c["status"] != "met")
    return unmet, sum((_distance(c) for c in route), Decimal(0))


def _arrange_group(routes: list[list[dict[str, Any]]], number: int) -> list[dict[str, Any]]:
    """The group's criteria in display order, each marked with the group and, if unneeded, as such."""
    met = [route for route in routes if all(c["status"] == "met" for c in route)]
    if met:
        ordered = met[:1] + [route for route in routes if route is not met[0]]
        head = _("以下条件满足任一即可（已满足其中一项，其余无需满足）")
    else:
        ordered = sorted(routes, key=_route_key)  # stable: equal distances keep the rule's order
        head = _("以下条件满足任一即可（按差距由小到大排列）")
    rows: list[dict[str, Any]] = []
    for position, route in enumerate(ordered):
        for index, criterion in enumerate(route):
            criterion["alt_group"] = number
            criterion["alt_route_start"] = index == 0 and position > 0
            if met and route is not ordered[0]:
                criterion["display"] = NOT_NEEDED
                criterion["status_label"] = _("无需满足")
                criterion["message"] = _("%(label)s：已通过其他条件满足，此项不作要求") % {
                    "label": criterion["label"]
                }
            rows.append(criterion)
    rows[0]["alt_head"] = head
    return rows


def arrange(criteria: list[dict[str, Any]], groups: list[list[list[str]]] | None) -> list[dict[str, Any]]:
    """``criteria`` (dicts, annotated in place) in display order, each group of alternatives together
    where its first criterion stood. Each criterion gets ``display``: its status, or ``not_needed``."""
    for criterion in criteria:
        criterion.setdefault("display", criterion["status"])
    by_code = {c["code"]: c for c in criteria}
    placed: dict[str, list[dict[str, Any]]] = {}
    grouped: set[str] = set()
    for number, group in enumerate(groups or ()):
        routes = [[by_code[code] for code in route if code in by_code] for route in group]
        routes = [route for route in routes if route]
        codes = {c["code"] for route in routes for c in route}
        if len(routes) < 2 or codes & grouped:
            continue  # nothing to choose between, or overlapping groups: leave the rows as they are
        grouped |= codes
        first = next(c["code"] for c in criteria if c["code"] in codes)
        placed[first] = _arrange_group(routes, number)
    rows: list[dict[str, Any]] = []
    for criterion in criteria:
        if criterion["code"] in placed:
            rows.extend(placed[criterion["code"]])
        elif criterion["code"] not in grouped:
            rows.append(criterion)
    return rows
