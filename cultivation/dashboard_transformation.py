"""The dashboard's 数字化转型 and 上市培育 sections (issue 18): recognitions, 技改 projects, transformed SMEs
and the road to listing, each against its target, for the dashboard's scope, year and filters.

Aggregate queries only, a fixed number of them (six) whatever the size of the register, folded into plain
dicts the API, the page and the exports share, as in ``cultivation.dashboard``. What each figure counts:

* a recognition level: *new* are the recognitions of the year at that level; *active* are the sites at that
  level as their highest (``DigitalRecognitionQuerySet.with_counts``) recognised by the year and still valid;
* 行业产业大脑: platforms recognised in the year, and those recognised by then and still valid;
* 技改: projects whose planned start falls in the year, and their investment (万元); accepted in the year and
  their average productivity change; overdue on the day;
* 数字化转型中小企业: firms whose latest self-assessment on the day reaches the programme's level (P13);
* 上市: exchange listings (P14: 沪深主板, 创业板, 科创板, 北交所) in the year and by the day; the tracks by
  current stage and by board.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registry.models import District

from .models import (
    DigitalRecognition,
    IndustryBrain,
    ListingTrack,
    MaturityAssessment,
    Target,
    UpgradeProject,
)
from .models.listing import listed_q
from .models.maturity import transformed_q
from .models.targets import (
    INDUSTRY_BRAIN,
    LISTED,
    TRANSFORMED_SME,
    UPGRADE_INVESTMENT,
    UPGRADE_PROJECTS,
)
from .models.upgrades import overdue_q
from .rules.digital import RECOGNITION_CHOICES, UPGRADE_STATUS_CHOICES
from .rules.listing import BOARD_CHOICES, EXCHANGE_BOARDS, LISTING_STAGE_CHOICES
from .services.maturity import transformed_min_level

COUNT, WAN_YUAN = "count", "wan_yuan"


@dataclass(frozen=True)
class Window:
    """The dashboard's year, the day its stock is counted on, and its firms (a condition via ``firm__``)."""

    year: int
    on: datetime.date
    via_firm: Q


def progress(value: int | Decimal | None, target: int | None) -> float | None:
    """Measured over target (1.0 = reached); None without a target or a measure."""
    return round(float(value) / target, 4) if target and value is not None else None


def measure(code: str, label, unit: str, new, active, targets: dict) -> dict:
    """One measure against its target: this year's intake target, or the nearest stock target by a year."""
    target = targets.get((code, Target.Kind.NEW_IN_YEAR)) or targets.get((code, Target.Kind.ACTIVE_BY))
    measured = None
    if target is not None:
        measured = new if target.kind == Target.Kind.NEW_IN_YEAR else active
    return {
        "code": code,
        "label": str(label),
        "unit": unit,
        "new": _plain(new),
        "active": _plain(active),
        "target": None
        if target is None
        else {"kind": target.kind, "year": target.year, "count": target.count, "measured": _plain(measured)},
        "progress": progress(measured, target.count) if target is not None else None,
    }


def _plain(value):
    """Amounts (万元) as numbers with two decimals, counts as they are: every measure is a JSON number."""
    return round(float(value), 2) if isinstance(value, Decimal) else value


def district_names() -> dict[int, tuple[str, str]]:
    """District id to (code, name in the active language): 38 rows."""
    in_english = (get_language() or "zh-hans").startswith("en")
    return {
        pk: (code, name_en if in_english else name_zh)
        for pk, code, name_zh, name_en in District.objects.values_list("pk", "code", "name_zh", "name_en")
    }


# --- 数字化转型 ---


def digital_section(window: Window, targets: dict, names: dict[int, tuple[str, str]]) -> dict:
    """Recognitions per level, platforms, 技改 projects and transformed SMEs: targets, and per district."""
    by_district: dict[int, dict] = defaultdict(_blank_digital_district)
    new, active = _recognitions(window, by_district)
    brains = _brains(window)
    upgrades = _upgrades(window, by_district)
    transformed = _transformed(window, by_district)
    measures = [
        measure(code, label, COUNT, new[code], active[code], targets) for code, label in RECOGNITION_CHOICES
    ]
    measures += [
        measure(INDUSTRY_BRAIN, _("行业产业大脑"), COUNT, brains["new"], brains["active"], targets),
        measure(UPGRADE_PROJECTS, _("技改项目（按计划开工年度）"), COUNT, upgrades["planned"], None, targets),
        measure(UPGRADE_INVESTMENT, _("技改投资（万元）"), WAN_YUAN, upgrades["investment"], None, targets),
        measure(TRANSFORMED_SME, _("数字化转型企业"), COUNT, None, transformed, targets),
    ]
    return {
        "transformed_min_level": transformed_min_level(),
        "measures": measures,
        "upgrades": {
            "by_status": [
                {"status": code, "label": str(label), "count": upgrades["by_status"][code]}
                for code, label in UPGRADE_STATUS_CHOICES
            ],
            "accepted": upgrades["accepted"],
            "average_productivity_change": upgrades["average_productivity_change"],
            "overdue": upgrades["overdue"],
        },
        "districts": [
            {"code": names[pk][0], "name": names[pk][1], **_plain_row(row)}
            for pk, row in sorted(by_district.items(), key=lambda item: names[item[0]][0])
        ],
    }


def _blank_digital_district() -> dict:
    return {
        **{code: 0 for code, _label in RECOGNITION_CHOICES},
        "upgrade_projects": 0,
        "upgrade_investment": Decimal("0"),
        "transformed_sme": 0,
    }


def _plain_row(row: dict) -> dict:
    return {key: _plain(value) for key, value in row.items()}


def _recognitions(window: Window, by_district: dict) -> tuple[dict[str, int], dict[str, int]]:
    """Per level: recognised in the year, and sites at that level (their highest) held on the day."""
    valid = Q(valid_until__isnull=True) | Q(valid_until__gte=window.on)
    held = Q(counts=True, year__lte=window.year) & valid
    rows = (
        DigitalRecognition.objects.with_counts()
        .filter(window.via_firm)
        .values("level", "firm__district_id")
        .annotate(new=Count("id", filter=Q(year=window.year)), active=Count("id", filter=held))
        .order_by()
    )
    new: dict[str, int] = defaultdict(int)
    active: dict[str, int] = defaultdict(int)
    for row in rows:
        new[row["level"]] += row["new"]
        active[row["level"]] += row["active"]
        by_district[row["firm__district_id"]][row["level"]] += row["active"]
    return new, active


def _brains(window: Window) -> dict[str, int]:
    """Platforms (scoped by their lead firm) recognised in the year, and recognised by then, still valid."""
    valid = Q(valid_until__isnull=True) | Q(valid_until__gte=window.on)
    return IndustryBrain.objects.filter(window.via_firm).aggregate(
        new=Count("id", filter=Q(year=window.year)),
        active=Count("id", filter=Q(year__lte=window.year) & valid),
    )


def _upgrades(window: Window, by_district: dict) -> dict:
    """技改 projects planned to start in the year and their investment; by status; accepted in the year with
    their productivity change; overdue on the day (past the planned finish, not completed)."""
    planned = Q(planned_start__year=window.year)
    accepted = Q(accepted_on__year=window.year)
    rows = (
        UpgradeProject.objects.filter(window.via_firm)
        .values("firm__district_id", "status")
        .annotate(
            n=Count("id"),
            planned=Count("id", filter=planned),
            investment=Sum("investment", filter=planned),
            accepted=Count("id", filter=accepted & Q(productivity_change__isnull=False)),
            gain=Sum("productivity_change", filter=accepted),
            overdue=Count("id", filter=overdue_q(window.on)),
        )
        .order_by()
    )
    totals = {"planned": 0, "investment": Decimal("0"), "accepted": 0, "gain": Decimal("0"), "overdue": 0}
    by_status: dict[str, int] = defaultdict(int)
    for row in rows:
        by_status[row["status"]] += row["n"]
        for key in totals:
            totals[key] += row[key] or 0
        district = by_district[row["firm__district_id"]]
        district["upgrade_projects"] += row["planned"]
        district["upgrade_investment"] += row["investment"] or 0
    average = round(float(totals["gain"] / totals["accepted"]), 1) if totals["accepted"] else None
    return {**totals, "by_status": by_status, "average_productivity_change": average}


def _transformed(window: Window, by_district: dict) -> int:
    """Firms whose latest self-assessment on the day reaches the programme's level (P13)."""
    rows = (
        MaturityAssessment.objects.filter(window.via_firm)
        .latest_per_firm(window.on)
        .filter(transformed_q(transformed_min_level()))
        .values("firm__district_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = 0
    for row in rows:
        by_district[row["firm__district_id"]]["transformed_sme"] += row["n"]
        total += row["n"]
    return total


# --- 上市培育 ---


def listing_section(window: Window, targets: dict, names: dict[int, tuple[str, str]]) -> dict:
    """Listing tracks by current stage, by board and per district; exchange listings against their target."""
    on_exchange = listed_q() & Q(listed_on__isnull=False)
    rows = (
        ListingTrack.objects.filter(window.via_firm)
        .values("firm__district_id", "stage", "board")
        .annotate(
            n=Count("id"),
            listed_new=Count("id", filter=on_exchange & Q(listed_on__year=window.year)),
            listed=Count("id", filter=on_exchange & Q(listed_on__lte=window.on)),
            pool=Count("id", filter=Q(firm__pool_membership__isnull=False)),
        )
        .order_by()
    )
    stages: dict[str, int] = defaultdict(int)
    boards: dict[str, dict[str, int]] = defaultdict(lambda: {"tracks": 0, "listed": 0})
    districts: dict[int, dict] = defaultdict(lambda: {"tracks": 0, "stages": defaultdict(int), "listed": 0})
    listed_new = listed = pool = 0
    for row in rows:
        stages[row["stage"]] += row["n"]
        boards[row["board"]]["tracks"] += row["n"]
        boards[row["board"]]["listed"] += row["listed"]
        district = districts[row["firm__district_id"]]
        district["tracks"] += row["n"]
        district["stages"][row["stage"]] += row["n"]
        district["listed"] += row["listed"]
        listed_new, listed, pool = listed_new + row["listed_new"], listed + row["listed"], pool + row["pool"]
    return {
        "measures": [measure(LISTED, _("境内交易所上市企业"), COUNT, listed_new, listed, targets)],
        "tracks": sum(stages.values()),
        "pool_members": pool,
        "stages": [
            {"code": code, "label": str(label), "tracks": stages[code]}
            for code, label in LISTING_STAGE_CHOICES
        ],
        "boards": [
            {"code": code, "label": str(label), "exchange": code in EXCHANGE_BOARDS, **boards[code]}
            for code, label in BOARD_CHOICES
        ],
        "districts": [
            {
                "code": names[pk][0],
                "name": names[pk][1],
                "tracks": row["tracks"],
                "stages": {code: row["stages"][code] for code, _label in LISTING_STAGE_CHOICES},
                "listed": row["listed"],
            }
            for pk, row in sorted(districts.items(), key=lambda item: names[item[0]][0])
        ],
    }
