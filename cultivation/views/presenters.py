"""What the portal pages show, computed from records and reports: formatting and gathering only.

Nothing here decides eligibility or what may happen to an application: verdicts come from the
evaluator's report, stages and actions from ``cultivation.workflow``, refusals from the services.
These helpers turn them into rows a template can print.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registry.models import AnnualFigures, Firm

from ..alternatives import NOT_NEEDED
from ..models import Application, ApplicationEvent, Designation
from ..reports import tier_views
from ..rules.deadlines import figures_due_on
from ..rules.texts import GAPS, UNITS
from ..tiers import LADDERS, PROGRAMME_POOL, TIERS, renewal_opens_on
from ..workflow import Status, stage_label


def _with_unit(value: Any, unit: str | None) -> str:
    template = UNITS.get(unit or "")
    return str(template).format(value=value) if template is not None else str(value)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def criterion_cells(criterion: dict[str, Any]) -> dict[str, str]:
    """The value, the bar and the gap of one criterion (report dict form) as display strings.

    Only plain numbers are shown in the value and bar columns (a scored band names its band, the
    SME size rule compares two figures: their message says it better); the gap uses the
    evaluator's own wording ("需增加研发费用 48.00 万元"). A banded criterion with one bar (瞪羚's growth
    rate, banded by the start year's revenue) shows that bar's figures, not the banding figure; a
    criterion another route made unnecessary shows no gap.
    """
    parts = criterion.get("parts") or ()
    if parts:
        cells = criterion_cells(parts[0]) if len(parts) == 1 else {"value": "", "bar": "", "gap": ""}
        return {**cells, "gap": "" if criterion.get("display") == NOT_NEEDED else cells["gap"]}
    unit, value, threshold = criterion.get("unit"), criterion.get("value"), criterion.get("threshold")
    op = None
    shown_value = _with_unit(value, unit) if unit and _scalar(value) else ""
    if criterion.get("op") and _scalar(threshold):
        op = criterion["op"]
    shown_bar = f"{op} {_with_unit(threshold, unit)}" if op else ""
    gap, gap_unit = criterion.get("gap"), criterion.get("gap_unit")
    shown_gap = str(GAPS[gap_unit]).format(gap=gap) if gap is not None and gap_unit in GAPS else ""
    if criterion.get("display") == NOT_NEEDED:
        shown_gap = ""
    return {"value": shown_value, "bar": shown_bar, "gap": shown_gap}


def report_tiers(report: dict[str, Any]) -> list:
    """``reports.tier_views`` with each criterion's value, bar and gap ready to print."""
    views = tier_views(report)
    for view in views:
        for criterion in view.criteria:
            criterion["cells"] = criterion_cells(criterion)
    return views


def tiers_to_open(views: list, held: set[str]) -> set[str]:
    """Tiers whose details a firm wants first: those it qualifies for (or may, pending), and on each
    ladder the lowest rung it does not hold yet ("what do we still need?")."""
    codes = {view.code for view in views if view.eligible is not False and view.in_force}
    for ladder in LADDERS.values():
        not_held = [code for code in ladder if code not in held]
        if not_held:
            codes.add(not_held[0])
    return codes


def only_tier(report: dict[str, Any], tier: str) -> dict[str, Any]:
    """The report restricted to one tier (an application's snapshot concerns the tier applied for)."""
    tiers = report.get("tiers", {})
    return {**report, "tiers": {tier: tiers[tier]} if tier in tiers else {}}


def compare_verdicts(current: list, changed: list) -> list[dict[str, Any]]:
    """Side by side verdicts of two reports, per tier, flagging the ones a what-if changes."""
    before = {view.code: view for view in current}
    rows = []
    for view in changed:
        old = before.get(view.code)
        rows.append(
            {
                "code": view.code,
                "label": view.label,
                "before": old.verdict if old else "",
                "before_eligible": old.eligible if old else None,
                "after": view.verdict,
                "after_eligible": view.eligible,
                "changed": old is not None and old.eligible != view.eligible,
            }
        )
    return rows


def visible_events(application: Application, user) -> list:
    """The history the user may read, as the API gives it (``ApplicationEvent.objects.visible_to``:
    firms see only the steps that changed what they see, experts no other expert's review)."""
    events = list(
        ApplicationEvent.objects.visible_to(user)
        .filter(application=application)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    for event in events:
        event.from_label = stage_label(event.from_status, user)
        event.to_label = stage_label(event.to_status, user)
    return events


def return_reason(events: list) -> str:
    """Why the application was sent back, from the last (visible) event that returned it."""
    returned = [e for e in events if e.to_status == Status.RETURNED]
    return returned[-1].reason if returned else ""


@dataclass
class DueItem:
    """One thing the firm should do next, with a link to where it is done."""

    text: str
    url: str
    urgent: bool = False


def due_items(
    firm: Firm,
    applications: list[Application],
    designations: list[Designation],
    verdicts: dict[str, bool | None],
    today: datetime.date,
) -> list[DueItem]:
    """What the firm should do next: missing figures, returned or unsent applications, open 复核 windows,
    and the tiers today's evaluation says it qualifies for but neither holds nor has applied for."""
    items: list[DueItem] = []
    last_year = today.year - 1
    has_last_year = AnnualFigures.objects.filter(firm=firm, year=last_year).exists()
    figures_url = reverse("portal:figures-edit", args=[last_year])
    if not has_last_year:
        due = figures_due_on(last_year)
        if today > due:
            text = _("%(year)d 年度数据应于 %(day)s 前填报，已逾期，请尽快填报。")
        else:
            text = _("%(year)d 年度数据须于 %(day)s 前填报。")
        items.append(DueItem(text % {"year": last_year, "day": date_format(due)}, figures_url, urgent=True))
    for application in applications:
        url = reverse("portal:application", args=[application.pk])
        tier = TIERS[application.tier].label
        if application.status == Status.RETURNED:
            text = _("申请 #%(id)d（%(tier)s）待补充材料：请补充后重新提交。")
            items.append(DueItem(text % {"id": application.pk, "tier": tier}, url, urgent=True))
        elif application.status == Status.DRAFT:
            text = _("申请 #%(id)d（%(tier)s）尚未提交。")
            items.append(DueItem(text % {"id": application.pk, "tier": tier}, url))
    renewing = {a.tier for a in applications if a.kind == Application.Kind.RENEWAL}
    for designation in designations:
        if designation.expires_on is None or designation.tier in renewing:
            continue
        if today >= renewal_opens_on(designation.expires_on):
            text = _("“%(tier)s”将于 %(day)s 到期，现可申请复核。")
            url = reverse("portal:apply") + f"?tier={designation.tier}&kind={Application.Kind.RENEWAL}"
            items.append(
                DueItem(
                    text
                    % {"tier": TIERS[designation.tier].label, "day": date_format(designation.expires_on)},
                    url,
                )
            )
    held = {d.tier for d in designations}
    applied = {a.tier for a in applications}
    for code, eligible in verdicts.items():
        if eligible is True and code in TIERS and code not in held | applied:
            if TIERS[code].ladder == PROGRAMME_POOL:
                continue  # the hard-tech pool is entered by the programme, not applied for
            text = _("按现有数据，贵企业符合“%(tier)s”的条件，可以申请。") % {"tier": TIERS[code].label}
            items.append(DueItem(text, reverse("portal:apply") + f"?tier={code}#tier-{code}"))
    if has_last_year:
        text = _("%(year)d 年度数据须于 %(day)s 前填报。") % {
            "year": today.year,
            "day": date_format(figures_due_on(today.year)),
        }
        items.append(DueItem(text, reverse("portal:figures")))
    return items
