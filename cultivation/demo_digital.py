"""Demo digital recognitions, industry platforms and 技改 projects (issue 18), in the programme's proportions.

Chongqing had recognised 958 数字化车间 and 144 智能工厂 by 2023 (about one factory per seven workshops),
plans 5 未来工厂 and 5 行业产业大脑 a year, 1,500 digital and green 技改 projects a year, and reports the
demonstration 智能化改造 projects raising productivity by almost 60% on average. The demo draws the same
shape on whatever register it is given: about 1.2% of firms run a 数字化车间, 15% of those sites rose to
智能工厂 and a few of those to 未来工厂; about 1.5% of firms start a project each year; most finished
projects are accepted, and about one in eight is late, so the overdue scan has something to say.

Each firm's records are drawn from a generator seeded by its credit code alone, so a rerun (any seed) finds
every row already there; rows are bulk-inserted (no audit trail, as the rest of the demo).
"""

from __future__ import annotations

import datetime
import math
import random
from decimal import Decimal

from django.db import transaction

from registry.models import Firm

from .models import DigitalRecognition, IndustryBrain, UpgradeProject
from .rules.digital import (
    ACCEPTED,
    COMPLETED,
    DIGITAL,
    FACTORY,
    FUTURE_FACTORY,
    GREEN,
    INTELLIGENT,
    PLANNED,
    UNDER_WAY,
    WORKSHOP,
)

CHUNK = 2000
WORKSHOP_SHARE = 0.012  # firms with a recognised 数字化车间
FACTORY_SHARE = 0.15  # of those sites, raised to 智能工厂 (144 of 958 in Chongqing)
FUTURE_SHARE = 0.05  # of the factories, raised to 未来工厂
PROJECT_SHARE = 0.015  # firms starting a 技改 project in a given year
PROJECT_YEARS = 4  # projects planned to start in the last three years and this one
BRAINS_PER_YEAR = 5
SITES = ("总装车间", "机加工车间", "一号厂区", "二号厂区", "智能制造基地", "精密加工车间", "电子装联车间")
PROJECT_NAMES = {
    DIGITAL: ("生产管理系统数字化改造", "设备联网与数据采集", "数字化车间建设", "工业互联网平台应用"),
    GREEN: ("余热回收节能改造", "光伏发电与能耗监测", "清洁生产工艺改造", "污水处理提标改造"),
    INTELLIGENT: ("焊接产线智能化改造", "智能仓储物流系统", "机器视觉质检产线", "数控加工单元自动化"),
}
KIND_WEIGHTS = ((DIGITAL, 0.45), (GREEN, 0.25), (INTELLIGENT, 0.30))
PRODUCTIVITY = {INTELLIGENT: (58.0, 12.0), DIGITAL: (35.0, 10.0), GREEN: (15.0, 8.0)}  # mean, spread (%)
INDUSTRIES = ("汽车", "电子信息", "智能装备", "新材料", "生物医药", "消费品", "能源装备", "软件信息")


def seed_digital(today: datetime.date, demo_firm: Firm | None = None) -> dict[str, int]:
    """Recognitions and projects for every firm of the register, platforms for a few lead firms, and the
    demo firm's own story; idempotent."""
    before = _counts()
    firms = Firm.objects.order_by("pk").values_list("pk", "credit_code")
    last = 0
    while rows := list(firms.filter(pk__gt=last)[:CHUNK]):  # keyset: every chunk costs the same
        last = rows[-1][0]
        recognitions, projects = [], []
        for firm_id, code in rows:
            rng = random.Random(f"digital:{code}")
            recognitions += draw_recognitions(rng, firm_id, today)
            projects += draw_projects(rng, firm_id, today)
        with transaction.atomic():
            DigitalRecognition.objects.bulk_create(recognitions, ignore_conflicts=True)
            UpgradeProject.objects.bulk_create(projects, ignore_conflicts=True)
    if demo_firm is not None:
        seed_demo_firm_digital(demo_firm, today)
    seed_brains(today)
    after = _counts()
    return {name: after[name] - before[name] for name in after}


def _counts() -> dict[str, int]:
    return {
        "recognitions": DigitalRecognition.objects.count(),
        "industry_brains": IndustryBrain.objects.count(),
        "upgrade_projects": UpgradeProject.objects.count(),
    }


def draw_recognitions(rng: random.Random, firm_id: int, today: datetime.date) -> list[DigitalRecognition]:
    """A site's climb: a workshop, for some a factory a year or more later, for a few a future factory."""
    if rng.random() >= WORKSHOP_SHARE:
        return []
    site = rng.choice(SITES)
    year = rng.randint(today.year - 6, today.year - 1)
    rows = [_recognition(firm_id, site, WORKSHOP, year, rng)]
    for level, share in ((FACTORY, FACTORY_SHARE), (FUTURE_FACTORY, FUTURE_SHARE)):
        if rng.random() >= share or year >= today.year:
            break
        year = rng.randint(year + 1, today.year)
        rows.append(_recognition(firm_id, site, level, year, rng))
    return rows


def _recognition(firm_id: int, site: str, level: str, year: int, rng: random.Random) -> DigitalRecognition:
    """Recognised in one of the year's batches; a 未来工厂 is reviewed after three years."""
    batch = f"{year}年第{rng.randint(1, 2)}批"
    valid_until = datetime.date(year + 3, 12, 31) if level == FUTURE_FACTORY else None
    return DigitalRecognition(
        firm_id=firm_id, site_name=site, level=level, year=year, batch=batch, valid_until=valid_until
    )


def draw_projects(rng: random.Random, firm_id: int, today: datetime.date) -> list[UpgradeProject]:
    projects = []
    for year in range(today.year - PROJECT_YEARS + 1, today.year + 1):
        if rng.random() < PROJECT_SHARE:
            projects.append(draw_project(rng, firm_id, year, today))
    return projects


def draw_project(rng: random.Random, firm_id: int, year: int, today: datetime.date) -> UpgradeProject:
    """One project planned to start in ``year``, at the stage its dates have reached by ``today``."""
    kind = rng.choices([k for k, _w in KIND_WEIGHTS], [w for _k, w in KIND_WEIGHTS])[0]
    name = f"{rng.choice(PROJECT_NAMES[kind])}（{year}年）"
    start = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
    finish = start + datetime.timedelta(days=rng.randint(120, 540))
    investment = Decimal(round(math.exp(rng.gauss(6.3, 0.8)) * 100)).scaleb(-2).max(Decimal("10.00"))
    project = UpgradeProject(
        firm_id=firm_id,
        name=name,
        kind=kind,
        investment=investment,
        planned_start=start,
        planned_finish=finish,
    )
    _progress(project, rng, today)
    return project


def _progress(project: UpgradeProject, rng: random.Random, today: datetime.date) -> None:
    """Status and step dates as far as ``today`` allows: most finished projects accepted, some late."""
    start, finish = project.planned_start, project.planned_finish
    if start > today:
        return
    draw = rng.random()
    if finish > today:
        status = UNDER_WAY if draw < 0.85 else PLANNED
    else:
        status = (
            ACCEPTED if draw < 0.60 else COMPLETED if draw < 0.85 else UNDER_WAY if draw < 0.97 else PLANNED
        )
    if status == PLANNED:
        return
    project.actual_start = min(start + datetime.timedelta(days=rng.randint(0, 30)), today)
    project.status = status
    if status == UNDER_WAY:
        return
    late = datetime.timedelta(days=rng.randint(-20, 40))
    project.actual_finish = max(min(finish + late, today), project.actual_start)
    if status == COMPLETED or project.actual_finish + datetime.timedelta(days=20) > today:
        project.status = COMPLETED
        return
    project.accepted_on = min(project.actual_finish + datetime.timedelta(days=rng.randint(20, 90)), today)
    mean, spread = PRODUCTIVITY[project.kind]
    change = max(-20.0, min(300.0, rng.gauss(mean, spread)))
    project.productivity_change = Decimal(str(round(change, 1)))


def seed_brains(today: datetime.date) -> None:
    """Five platforms last year and the first of this year's, one per industry, each led by a firm with a
    智能工厂 or 未来工厂 that leads none yet; an industry keeps its platform (reruns add nothing)."""
    taken = set(IndustryBrain.objects.values_list("industry", flat=True))
    leading = set(IndustryBrain.objects.values_list("firm_id", flat=True))
    candidates = (
        DigitalRecognition.objects.filter(level__in=[FACTORY, FUTURE_FACTORY])
        .order_by("firm__credit_code")
        .values_list("firm_id", flat=True)
    )
    leads = iter([firm_id for firm_id in dict.fromkeys(candidates) if firm_id not in leading])
    for index, industry in enumerate(INDUSTRIES[: BRAINS_PER_YEAR + 3]):
        year = today.year - 1 if index < BRAINS_PER_YEAR else today.year
        lead = next(leads, None) if industry not in taken else None
        if lead is not None:
            IndustryBrain.objects.get_or_create(
                name=f"{industry}行业产业大脑",
                defaults={"industry": industry, "firm_id": lead, "year": year, "batch": f"{year}年"},
            )


def seed_demo_firm_digital(firm: Firm, today: datetime.date) -> None:
    """The demo firm's workshop raised to a smart factory, an accepted project, one under way and one
    late (so its caseworkers' overdue alert and the portal home have something to show)."""
    for level, year in ((WORKSHOP, today.year - 3), (FACTORY, today.year - 1)):
        DigitalRecognition.objects.get_or_create(
            firm=firm,
            site_name="精密加工车间",
            level=level,
            defaults={"year": year, "batch": f"{year}年第一批"},
        )
    day = datetime.timedelta(days=1)
    stories = [
        ("焊接产线智能化改造", INTELLIGENT, "1800.00", today - 500 * day, today - 150 * day, ACCEPTED),
        ("余热回收节能改造", GREEN, "320.00", today - 60 * day, today + 200 * day, UNDER_WAY),
        ("设备联网与数据采集", DIGITAL, "450.00", today - 300 * day, today - 10 * day, UNDER_WAY),
    ]
    for name, kind, amount, start, finish, status in stories:
        steps = {"status": status, "actual_start": start + 10 * day}
        if status == ACCEPTED:
            steps |= {
                "actual_finish": finish - 5 * day,
                "accepted_on": finish + 40 * day,
                "productivity_change": Decimal("58.6"),
            }
        UpgradeProject.objects.get_or_create(
            firm=firm,
            name=name,
            defaults={
                "kind": kind,
                "investment": Decimal(amount),
                "planned_start": start,
                "planned_finish": finish,
                **steps,
            },
        )
