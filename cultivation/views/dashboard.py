"""The programme dashboard (issue #8): the page, its CSV/XLSX exports and a one-page printable summary.

Figures come from ``cultivation.dashboard`` (the same selector as ``/api/dashboard/``); this module only lays
them out: chart geometry for the SVG the template draws, and the tables the exports write.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Cluster, District
from registry.read_replica import from_replica_or_primary
from registry.roles import scope_of
from registry.spreadsheets import tables_csv, tables_xlsx

from ..dashboard import Filters, dashboard, parse_filters
from ..models import Target
from ..tiers import SRDI_SME
from .access import staff_page

YEARS_BACK = 4  # the year switcher offers this many past years and the next one


# --- Chart geometry (SVG user units; the template draws it, with titles and text labels). ---

PYRAMID_WIDTH, PYRAMID_ROW = 560, 46


def pyramid(stages: list[dict]) -> dict:
    """Centred bars, leap on top, startup at the base; width by share (a sliver stays visible)."""
    top_down = list(reversed(stages))
    largest = max((s["firms"] for s in stages), default=0) or 1
    total = sum(s["firms"] for s in stages)
    usable = PYRAMID_WIDTH - 180
    rows = []
    for index, stage in enumerate(top_down):
        width = max(usable * stage["firms"] / largest, 6)
        rows.append(
            {
                **stage,
                "x": round((usable - width) / 2, 1),
                "y": index * PYRAMID_ROW,
                "width": round(width, 1),
                "height": PYRAMID_ROW - 8,
                "text_y": index * PYRAMID_ROW + (PYRAMID_ROW - 8) / 2 + 5,
                "share": round(100 * stage["firms"] / total, 1) if total else 0,
                "level": index,
            }
        )
    return {"width": PYRAMID_WIDTH, "height": len(rows) * PYRAMID_ROW, "label_x": usable + 12, "rows": rows}


BAR_WIDTH = 300


def progress_bars(tiers: list[dict]) -> list[dict]:
    """One bar per tier with a target: filled to the progress (capped at the end), the target at 100%."""
    bars = []
    for tier in tiers:
        if tier["progress"] is None:
            continue
        share = tier["progress"]
        bars.append(
            {
                **tier,
                "percent": round(100 * share, 1),
                "fill": round(BAR_WIDTH * min(share, 1), 1),
                "reached": share >= 1,
            }
        )
    return bars


TRAJ_WIDTH, TRAJ_HEIGHT, TRAJ_PAD = 560, 300, 48


def trajectories(cohorts: list[dict]) -> dict:
    """Each cohort's revenue over its baseline, baseline year (1.0) to check year, against the doubling path
    (1.0 → 2.0); x is years after the baseline."""
    ratios = [p["ratio"] for c in cohorts for p in c["trajectory"]]
    top = max([2.2, *ratios]) * 1.05
    bottom = min([0.8, *ratios]) * 0.95
    inner_w, inner_h = TRAJ_WIDTH - 2 * TRAJ_PAD - 40, TRAJ_HEIGHT - 2 * TRAJ_PAD

    def x(offset: float) -> float:
        return round(TRAJ_PAD + inner_w * offset / 3, 1)

    def y(ratio: float) -> float:
        return round(TRAJ_PAD + inner_h * (top - ratio) / (top - bottom), 1)

    path = [(x(k), y(2 ** (k / 3))) for k in range(4)]
    ticks = [t / 2 for t in range(int(bottom * 2) + 1, int(top * 2) + 1)]
    lines = []
    drawn = [c for c in cohorts if c["trajectory"]]  # a cohort without figures yet is in the table only
    for index, cohort in enumerate(drawn):
        points = [(x(0), y(1.0))] + [(x(p["offset"]), y(p["ratio"])) for p in cohort["trajectory"]]
        last = cohort["trajectory"][-1] if cohort["trajectory"] else None
        lines.append(
            {
                "cohort": cohort["cohort_year"],
                "points": " ".join(f"{px},{py}" for px, py in points),
                "dots": points[1:],
                "end_x": points[-1][0] + 6,
                "end_y": points[-1][1] + 4,
                "last": last,
                "style": index % 4,
            }
        )
    return {
        "width": TRAJ_WIDTH,
        "height": TRAJ_HEIGHT,
        "left": TRAJ_PAD,
        "right": x(3),
        "bottom": TRAJ_PAD + inner_h,
        "path": " ".join(f"{px},{py}" for px, py in path),
        "path_end": path[-1],
        "x_ticks": [{"x": x(k), "label": k} for k in range(4)],
        "y_ticks": [{"y": y(t), "label": f"{t:g}×"} for t in ticks],
        "lines": lines,
    }


# --- Tables shared by the page, CSV and XLSX. ---


def tables(data: dict) -> list[dict]:
    """The dashboard's tables as title, header and rows of plain values (the exports write these)."""
    tier_codes = list(data["districts"][0]["tiers"]) if data["districts"] else []
    tier_labels = {t["code"]: t["label"] for t in data["tiers"]}
    stage_labels = [(s["code"], s["label"]) for s in data["stages"]]

    def breakdown(rows, key, name) -> list[list]:
        return [
            [
                row[key],
                row[name],
                row["firms"],
                *(row["stages"][c] for c, _l in stage_labels),
                *(row["tiers"][c] for c in tier_codes),
            ]
            for row in rows
        ]

    breakdown_head = [
        _("企业数"),
        *(label for _c, label in stage_labels),
        *(tier_labels[c] for c in tier_codes),
    ]
    return [
        {
            "name": "tiers",
            "title": _("称号与目标"),
            "header": [
                _("代码"),
                _("名称"),
                _("有效数"),
                _("本年新增"),
                _("目标类型"),
                _("目标年度"),
                _("目标"),
                _("完成率"),
            ],
            "rows": [
                [
                    t["code"],
                    t["label"],
                    t["active"],
                    t["new"],
                    str(Target.Kind(t["target"]["kind"]).label) if t["target"] else "",
                    t["target"]["year"] if t["target"] else "",
                    t["target"]["count"] if t["target"] else "",
                    t["progress"] if t["progress"] is not None else "",
                ]
                for t in data["tiers"]
            ],
        },
        {
            "name": "stages",
            "title": _("发展阶段"),
            "header": [_("代码"), _("阶段"), _("企业数")],
            "rows": [[s["code"], s["label"], s["firms"]] for s in data["stages"]],
        },
        {
            "name": "cluster_levels",
            "title": _("产业集群层级"),
            "header": [_("代码"), _("层级"), *breakdown_head],
            "rows": breakdown(data["cluster_levels"], "level", "label"),
        },
        {
            "name": "districts",
            "title": _("区县"),
            "header": [_("代码"), _("区县"), *breakdown_head],
            "rows": breakdown(data["districts"], "code", "name"),
        },
        {
            "name": "pool",
            "title": _("硬科技企业帮扶库批次"),
            "header": [
                _("入库年度"),
                _("基准年度"),
                _("考核年度"),
                _("成员数"),
                _("基准营业收入（万元）"),
                _("进度正常"),
                _("存在风险"),
                _("已实现倍增"),
                _("未实现倍增"),
                _("待评估"),
                _("评定日期"),
            ],
            "rows": [
                [
                    c["cohort_year"],
                    c["baseline_year"],
                    c["check_year"],
                    c["members"],
                    Decimal(c["baseline_revenue"]),
                    *(c["statuses"][s] for s in ("on_track", "at_risk", "doubled", "missed", "unrated")),
                    c["judged_on"] or "",
                ]
                for c in data["pool"]["cohorts"]
            ],
        },
        {
            "name": "applications",
            "title": _("申请状态"),
            "header": [_("代码"), _("状态"), _("件数")],
            "rows": [[a["status"], a["label"], a["count"]] for a in data["applications"]["by_status"]],
        },
        {
            "name": "rd_intensity",
            "title": _("研发强度对比（%(year)s 年度）") % {"year": data["rd_intensity"]["fiscal_year"]},
            "header": [
                _("代码"),
                _("企业群体"),
                _("企业数"),
                _("平均研发强度（%）"),
                _("总体研发强度（%）"),
                _("较全部企业（百分点）"),
            ],
            "rows": [
                [
                    g["code"],
                    g["label"],
                    g["firms"],
                    _blank(_percent(g["average"])),
                    _blank(_percent(g["overall"])),
                    _blank(g["lead_points"]),
                ]
                for g in data["rd_intensity"]["groups"]
            ],
        },
        {
            "name": "review_times",
            "title": _("各评审环节平均用时"),
            "header": [_("代码"), _("环节"), _("次数"), _("平均天数")],
            "rows": [
                [
                    r["status"],
                    r["label"],
                    r["stays"],
                    r["average_days"] if r["average_days"] is not None else "",
                ]
                for r in data["review_times"]
            ],
        },
        *transformation_tables(data),
    ]


def _measure_rows(measures: list[dict]) -> list[list]:
    return [
        [
            m["code"],
            m["label"],
            m["unit"],
            _blank(m["new"]),
            _blank(m["active"]),
            m["target"]["count"] if m["target"] else "",
            m["target"]["year"] if m["target"] else "",
            _blank(m["progress"]),
        ]
        for m in measures
    ]


def transformation_tables(data: dict) -> list[dict]:
    """The 数字化转型 and 上市培育 sections' tables (issue 18), as ``tables`` lays out the others."""
    digital, listing = data["digital"], data["listing"]
    measure_head = [
        _("代码"),
        _("指标"),
        _("单位"),
        _("本年新增"),
        _("现有"),
        _("目标"),
        _("目标年度"),
        _("完成率"),
    ]
    levels = [(m["code"], m["label"]) for m in digital["measures"][:3]]
    stage_labels = [(s["code"], s["label"]) for s in listing["stages"]]
    return [
        {
            "name": "digital",
            "title": _("数字化转型"),
            "header": measure_head,
            "rows": _measure_rows(digital["measures"]),
        },
        {
            "name": "digital_districts",
            "title": _("数字化转型（按区县）"),
            "header": [
                _("代码"),
                _("区县"),
                *(label for _code, label in levels),
                _("技改项目"),
                _("技改投资（万元）"),
                _("数字化转型企业"),
            ],
            "rows": [
                [
                    d["code"],
                    d["name"],
                    *(d[code] for code, _label in levels),
                    d["upgrade_projects"],
                    d["upgrade_investment"],
                    d["transformed_sme"],
                ]
                for d in digital["districts"]
            ],
        },
        {
            "name": "listing",
            "title": _("上市培育"),
            "header": measure_head,
            "rows": _measure_rows(listing["measures"]),
        },
        {
            "name": "listing_stages",
            "title": _("上市进程（按阶段）"),
            "header": [_("代码"), _("阶段"), _("企业数")],
            "rows": [[s["code"], s["label"], s["tracks"]] for s in listing["stages"]],
        },
        {
            "name": "listing_boards",
            "title": _("上市进程（按板块）"),
            "header": [_("代码"), _("板块"), _("交易所上市"), _("企业数"), _("已上市")],
            "rows": [
                [b["code"], b["label"], _("是") if b["exchange"] else _("否"), b["tracks"], b["listed"]]
                for b in listing["boards"]
            ],
        },
        {
            "name": "listing_districts",
            "title": _("上市进程（按区县）"),
            "header": [
                _("代码"),
                _("区县"),
                _("企业数"),
                *(label for _code, label in stage_labels),
                _("已上市"),
            ],
            "rows": [
                [
                    d["code"],
                    d["name"],
                    d["tracks"],
                    *(d["stages"][code] for code, _l in stage_labels),
                    d["listed"],
                ]
                for d in listing["districts"]
            ],
        },
    ]


# --- Views. ---


def _load(request: HttpRequest) -> tuple[Filters | None, dict | None, HttpResponse | None]:
    scope = scope_of(request.user)
    try:
        filters = parse_filters(request.GET, scope)
    except ValidationError as error:
        response = render(
            request,
            "portal/dashboard_error.html",
            {"errors": [m for messages in error.message_dict.values() for m in messages]},
            status=400,
        )
        return None, None, response
    data = from_replica_or_primary(lambda: dashboard(scope, filters), request.user)  # may lag a little
    return filters, data, None


def _context(request: HttpRequest, filters: Filters, data: dict) -> dict:
    scope = scope_of(request.user)
    today = timezone.localdate()
    districts = District.objects.order_by("code")
    if scope.district_id:
        districts = districts.filter(pk=scope.district_id)
    query = urlencode(filters.as_query())
    for tier in data["tiers"]:
        tier["percent"] = round(100 * tier["progress"], 1) if tier["progress"] is not None else None
    for item in data["digital"]["measures"] + data["listing"]["measures"]:
        item["percent"] = round(100 * item["progress"], 1) if item["progress"] is not None else None
    intensity = data["rd_intensity"]["groups"]
    for group in intensity:
        group["average_percent"] = _percent(group["average"])
        group["overall_percent"] = _percent(group["overall"])
    return {
        "data": data,
        "filters": filters,
        "query": query,
        "years": list(range(today.year + 1, today.year - YEARS_BACK - 1, -1)),
        "districts": districts,
        "clusters": Cluster.objects.order_by("position"),
        "district_fixed": bool(scope.district_id),
        "pyramid": pyramid(data["stages"]),
        "bars": progress_bars(data["tiers"]),
        "bar_width": BAR_WIDTH,
        "trajectories": trajectories(data["pool"]["cohorts"]),
        "tables": tables(data),
        "max_status": max((a["count"] for a in data["applications"]["by_status"]), default=0) or 1,
        "max_intensity": max((g["average_percent"] or 0 for g in intensity), default=0) or 1,
        "max_stage": max((st["tracks"] for st in data["listing"]["stages"]), default=0) or 1,
        "srdi_intensity": next((g for g in intensity if g["code"] == SRDI_SME), None),
    }


def _blank(value):
    """An empty cell, not "None", where a group has no firm with revenue that year."""
    return "" if value is None else value


def _percent(fraction: float | None) -> float | None:
    """0.0543 → 5.43 (per cent, two decimals), for the page and the print summary."""
    return round(100 * fraction, 2) if fraction is not None else None


@staff_page()
def page(request: HttpRequest) -> HttpResponse:
    filters, data, error = _load(request)
    if error:
        return error
    return render(request, "portal/dashboard.html", _context(request, filters, data))


@staff_page()
def printable(request: HttpRequest) -> HttpResponse:
    filters, data, error = _load(request)
    if error:
        return error
    context = _context(request, filters, data)
    context["printed_at"] = timezone.localtime()
    return render(request, "portal/dashboard_print.html", context)


def _filename(filters: Filters, extension: str) -> str:
    parts = ["dashboard", str(filters.year)]
    if filters.district:
        parts.append(filters.district.code)
    if filters.cluster:
        parts.append(filters.cluster.code)
    return "-".join(parts) + "." + extension


@staff_page()
def export_csv(request: HttpRequest) -> HttpResponse:
    """Every table one after the other: its title, its header, its rows and an empty line (UTF-8 with BOM,
    so spreadsheet programs read the Chinese)."""
    filters, data, error = _load(request)
    if error:
        return error
    response = HttpResponse(tables_csv(tables(data)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(filters, "csv")}"'
    return response


@staff_page()
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """One sheet per table, named by the table's code, with its header in bold."""
    filters, data, error = _load(request)
    if error:
        return error
    about = [
        [_("年度"), filters.year],
        [_("统计日"), data["as_of"]],
        [_("区县"), filters.district.code if filters.district else _("全部")],
        [_("产业集群"), filters.cluster.code if filters.cluster else _("全部")],
    ]
    response = HttpResponse(
        tables_xlsx(tables(data), about),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(filters, "xlsx")}"'
    return response
