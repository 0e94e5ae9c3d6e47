"""Turn an eligibility report (``EligibilityReport.to_dict()``) into something people read.

Used by the firm admin's panel, the application snapshot, the portal's
self-check and the ``evaluate`` command, so every screen shows a report the
same way. Works on the dict form because snapshots are stored as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from registry.models import Cluster

from .alternatives import arrange
from .tiers import TIERS, label_on

STATUS_LABELS = {
    "met": _("满足"),
    "not_met": _("不满足"),
    "pending": _("待确认"),
    "missing": _("缺少数据"),
}
ELIGIBLE_LABELS = {True: _("符合"), False: _("暂不符合"), None: _("待佐证确认")}
NOT_IN_FORCE_LABEL = _("标准尚未施行")  # issue 15: no rules for the tier on the day, not "not eligible"


@dataclass
class TierView:
    code: str
    label: str
    eligible: bool | None
    verdict: str
    score: str | None
    provisional: bool
    criteria: list[dict[str, Any]]
    renewal: bool = False  # judged as a 复核 of a tier the firm holds (renewal waivers apply)
    in_force: bool = True  # False: the tier's rules take effect after the day (``message`` says when)
    message: str = ""
    rule_set: str | None = None  # the set that rated the tier (reports stored before issue 15: none)


def cluster_names(report: dict[str, Any]) -> dict[str, str]:
    """Names of the “33618” clusters a report's criteria name by code (the rules engine knows codes only)."""
    codes = {
        c["value"]
        for tier in report.get("tiers", {}).values()
        for c in tier.get("criteria", ())
        if isinstance(c.get("value"), str) and c.get("unit") is None
    }
    if not codes:
        return {}
    return {cluster.code: cluster.name for cluster in Cluster.objects.filter(code__in=codes)}


def _with_names(criterion: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A criterion whose value is a cluster code, with the cluster's name in its message instead."""
    name = names.get(criterion["value"]) if isinstance(criterion.get("value"), str) else None
    if name is None:
        return criterion
    return {**criterion, "message": criterion["message"].replace(criterion["value"], name)}


def tier_views(report: dict[str, Any]) -> list[TierView]:
    """One view per tier in catalogue order, each criterion with a translated status label.

    A tier is named as the programme called it on the report's day (CN-2026's 科技和创新型中小企业).
    Alternatives are grouped (``alternatives.arrange``) and cluster codes named.
    """
    as_of = date.fromisoformat(report["as_of"]) if report.get("as_of") else None
    names = cluster_names(report)
    views = []
    for code in TIERS:
        data = report.get("tiers", {}).get(code)
        if data is None:
            continue
        criteria = arrange(
            [
                {**_with_names(c, names), "status_label": STATUS_LABELS.get(c["status"], c["status"])}
                for c in data["criteria"]
            ],
            data.get("alternatives"),
        )
        views.append(
            TierView(
                code=code,
                label=str(label_on(code, as_of)),
                eligible=data["eligible"],
                verdict=str(
                    ELIGIBLE_LABELS[data["eligible"]] if data.get("in_force", True) else NOT_IN_FORCE_LABEL
                ),
                score=data.get("score"),
                provisional=bool(data.get("provisional")),
                criteria=criteria,
                renewal=data.get("application_kind") == "renewal",
                in_force=data.get("in_force", True),
                message=data.get("message", ""),
                rule_set=data.get("rule_set"),
            )
        )
    return views


def render_eligibility(report: dict[str, Any]) -> str:
    """The report as an HTML fragment (autoescaped template)."""
    return render_to_string(
        "cultivation/eligibility_report.html", {"report": report, "tiers": tier_views(report)}
    )


def report_lines(report: dict[str, Any]) -> list[str]:
    """The report as plain text lines, for the terminal."""
    sets = " + ".join(report.get("rule_sets") or [report["rule_set"]])
    lines = [f"{_('规则集')}: {sets}  {_('评估日期')}: {report['as_of']}"]
    for view in tier_views(report):
        score = f"  {_('得分')} {view.score}" if view.score is not None else ""
        lines.append("")
        lines.append(f"[{view.verdict}] {view.label} ({view.code}){score}")
        if not view.in_force:
            lines.append(f"    {view.message}")
        for criterion in view.criteria:
            lines.append(f"    - {criterion['status_label']}: {criterion['message']}")
    return lines
