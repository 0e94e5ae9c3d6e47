"""A stored impact report or sweep as people read it (issue 16): tables, SVG charts, CSV and XLSX.

The admin's report page and its exports share these tables, so the file a meeting gets holds what the
page showed, under the same Chinese headers. Text cells are made inert for spreadsheets
(``registry.spreadsheets.escape_formula``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from registry.spreadsheets import tables_csv, tables_xlsx

from .models import ImpactReport

COUNTS = ("a", "b", "gained", "lost", "lost_held", "unchanged")


def count_headers() -> list[str]:
    return [_("原版本符合"), _("新版本符合"), _("新增"), _("减少"), _("减少中已持有"), _("保持符合")]


def tables(report: ImpactReport) -> list[dict[str, Any]]:
    """The report's tables: name (sheet), title, header and rows."""
    result = report.result or {}
    if report.kind == ImpactReport.Kind.SWEEP:
        return [_sweep_table(result)] if result else []
    if not result:
        return []
    found = [
        {
            "name": "tiers",
            "title": _("按称号"),
            "header": [_("称号"), *count_headers()],
            "rows": [[row["label"], *(row[key] for key in COUNTS)] for row in result["tiers"]],
        }
    ]
    titles = {
        "district": (_("按区县"), _("区县")),
        "cluster": (_("按产业集群"), _("产业集群")),
        "stage": (_("按发展阶段"), _("发展阶段")),
    }
    labels = {row["tier"]: row["label"] for row in result["tiers"]}
    for group, (title, column) in titles.items():
        rows = result["breakdowns"].get(group, [])
        found.append(
            {
                "name": group,
                "title": title,
                "header": [column, _("称号"), *count_headers()],
                "rows": [
                    [row["label"], labels.get(row["tier"], row["tier"]), *(row[key] for key in COUNTS)]
                    for row in rows
                ],
            }
        )
    found.append(
        {
            "name": "changes",
            "title": _("变化企业"),
            "header": [
                _("统一社会信用代码"),
                _("企业名称"),
                _("区县"),
                _("称号"),
                _("原版本"),
                _("新版本"),
                _("已持有"),
                _("决定条件"),
            ],
            "rows": [
                [
                    row["credit_code"],
                    row["name"],
                    row["district_name"],
                    row["tier_label"],
                    _yes(row["a"]),
                    _yes(row["b"]),
                    _("是") if row["held"] else _("否"),
                    row["criterion_label"] or row["criterion"],
                ]
                for row in result["changes"]
            ],
        }
    )
    return found


def _yes(value: bool) -> str:
    return _("符合") if value else _("不符合")


def _sweep_table(result: dict) -> dict[str, Any]:
    tiers = result["tiers"]
    return {
        "name": "sweep",
        "title": _("阈值扫描"),
        "header": [_("参数值"), *(tier["label"] for tier in tiers)],
        "rows": [
            [point["value"], *(point["eligible"][tier["tier"]] for tier in tiers)]
            for point in result["points"]
        ],
    }


# --- charts (inline SVG, drawn by the template from these numbers) ------------------------------------

BAR_WIDTH, BAR_HEIGHT = 640, 28


def bar_chart(result: dict) -> dict[str, Any]:
    """Per tier a bar of firms gained (right of the axis) and lost (left), scaled to the largest."""
    rows = [row for row in result.get("tiers", []) if row["a"] or row["b"]]
    scale = max([row["gained"] for row in rows] + [row["lost"] for row in rows] + [1])
    half = BAR_WIDTH // 2 - 120
    bars = []
    for index, row in enumerate(rows):
        bars.append(
            {
                "label": row["label"],
                "y": index * BAR_HEIGHT,
                "text_y": index * BAR_HEIGHT + 18,
                "gained": row["gained"],
                "lost": row["lost"],
                "gained_width": round(half * row["gained"] / scale, 1),
                "lost_width": round(half * row["lost"] / scale, 1),
                "lost_x": round(BAR_WIDTH / 2 - half * row["lost"] / scale, 1),
            }
        )
    return {
        "width": BAR_WIDTH + 200,
        "height": max(len(bars), 1) * BAR_HEIGHT + 10,
        "axis": BAR_WIDTH // 2,
        "bars": bars,
    }


LINE_WIDTH, LINE_HEIGHT, PAD = 600, 260, 40


def line_chart(result: dict) -> dict[str, Any]:
    """Eligible count against the threshold, one line per tier, the version's current value marked."""
    points = result.get("points", [])
    if not points:
        return {}
    values = [Decimal(point["value"]) for point in points]
    low, high = values[0], values[-1]
    span = (high - low) or Decimal(1)
    tiers = [tier["tier"] for tier in result["tiers"]]
    top = max([point["eligible"][tier] for point in points for tier in tiers] + [1])

    def x(value: Decimal) -> float:
        return round(PAD + float((value - low) / span) * (LINE_WIDTH - 2 * PAD), 1)

    def y(count: int) -> float:
        return round(LINE_HEIGHT - PAD - count / top * (LINE_HEIGHT - 2 * PAD), 1)

    lines = []
    for tier in result["tiers"]:
        dots = [(x(v), y(p["eligible"][tier["tier"]])) for v, p in zip(values, points, strict=True)]
        lines.append({"label": tier["label"], "points": " ".join(f"{a},{b}" for a, b in dots), "dots": dots})
    current = Decimal(result["current"]) if result.get("current") not in (None, "") else None
    marker = x(current) if current is not None and low <= current <= high else None
    return {
        "width": LINE_WIDTH,
        "height": LINE_HEIGHT,
        "lines": lines,
        "current": result.get("current"),
        "marker": marker,
        "axis_y": LINE_HEIGHT - PAD,
        "top": top,
        "top_y": PAD,
        "low": values[0],
        "high": values[-1],
        "low_x": PAD,
        "high_x": LINE_WIDTH - PAD,
        "pad": PAD,
    }


# --- exports -------------------------------------------------------------------------------------------


def about(report: ImpactReport) -> list[list[Any]]:
    """Who ran the report, when, on what: cited with the figures."""
    rows = [
        [_("报告编号"), report.pk],
        [_("类型"), report.get_kind_display()],
        [_("评估版本"), report.to_code],
    ]
    if report.kind == ImpactReport.Kind.SWEEP:
        rows.append([_("扫描阈值"), f"{report.sweep_path}.{report.sweep_param}"])
    else:
        rows.append([_("对照版本"), report.from_key or report.from_code or _("施行版本")])
    return [
        *rows,
        [_("评估日期"), report.as_of.isoformat()],
        [_("区县"), report.district or _("全部")],
        [_("产业集群"), report.cluster or _("全部")],
        [_("发起人"), report.created_by.get_username()],
        [_("发起时间"), timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M")],
    ]


def export_csv(report: ImpactReport) -> bytes:
    """Every table after the report's particulars (UTF-8 with BOM, so spreadsheets read the Chinese)."""
    return tables_csv(tables(report), preamble=about(report))


def export_xlsx(report: ImpactReport) -> bytes:
    """One sheet per table, header in bold, and an ``about`` sheet with the report's particulars."""
    return tables_xlsx(tables(report), about=about(report))
