"""Demo digital-maturity assessments and listing tracks (issue 18), drawn per firm for ``cultivation.demo``.

Drawn from a generator of their own (seeded by seed, index and a tag), so adding them changes none of the
firm's other draws. Proportions follow the programme's story: about a third of the register has taken the
national self-assessment, most at 一级 or 二级 and fewer higher, designated firms more often and higher; a
few percent are on the road to listing, the designated and pool firms more often, most still in 上市培育;
every listed firm has a track that ended on an exchange, and some firms are quoted (挂牌) on 新三板 or the
regional 专精特新专板. Stage days rise along the road and none is after today.
"""

from __future__ import annotations

import datetime
import random

from .rules.listing import EXCHANGE_BOARDS, LISTED, LISTING_STAGES
from .tiers import LITTLE_GIANT, SINGLE_CHAMPION, SRDI_SME

MATURITY_COLUMNS = ("level", "assessed_on", "evidence")
LISTING_COLUMNS = ("board", "stage", *(f"{stage}_on" for stage in LISTING_STAGES), "stock_code", "note")
SPECIALISED = {SRDI_SME, LITTLE_GIANT, SINGLE_CHAMPION}
UNLISTED_BOARDS = (("regional", 30), ("neeq", 14), ("bse", 26), ("star", 14), ("chinext", 10), ("main", 6))
OPEN_STAGES = (("cultivating", 60), ("tutoring", 20), ("accepted", 12), ("approved", 8))
EXCHANGE_PREFIX = {"main": "60", "chinext": "30", "star": "68", "bse": "92"}


def demo_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"{seed}:{index}:issue18")


def draw_maturity(
    rng: random.Random, tiers: set[str], founded: datetime.date, today: datetime.date
) -> list[tuple]:
    """None, one or two assessments (an earlier, lower one); designated firms test more often, higher."""
    specialised = bool(tiers & SPECIALISED)
    if rng.random() >= (0.7 if specialised else 0.3):
        return []
    weights = (15, 40, 33, 12) if specialised else (45, 35, 16, 4)
    level = rng.choices((1, 2, 3, 4), weights)[0]
    day = max(today - datetime.timedelta(days=rng.randint(20, 700)), founded)
    rows = [(level, day, f"中小企业数字化水平评测报告 {day.year}-{rng.randint(1000, 9999)}")]
    if level > 1 and rng.random() < 0.25:
        earlier = max(day - datetime.timedelta(days=rng.randint(300, 500)), founded)
        if earlier < day:
            rows.append(
                (level - 1, earlier, f"中小企业数字化水平评测报告 {earlier.year}-{rng.randint(1000, 9999)}")
            )
    return rows


def draw_listing(
    rng: random.Random,
    tiers: set[str],
    *,
    listed: bool,
    pool: bool,
    founded: datetime.date,
    today: datetime.date,
    index: int,
) -> tuple | None:
    """A track for listed firms (ending on an exchange) and for a few others, most still early on."""
    if listed:
        board, stage = rng.choice(sorted(EXCHANGE_BOARDS)), LISTED
    else:
        chance = 0.3 if pool else 0.12 if tiers & SPECIALISED else 0.015
        if rng.random() >= chance:
            return None
        board = rng.choices(*zip(*UNLISTED_BOARDS, strict=True))[0]
        stage = rng.choices(*zip(*OPEN_STAGES, strict=True))[0]
        if board in ("regional", "neeq") and rng.random() < 0.3:
            stage = LISTED  # quoted (挂牌): the road is recorded, the firm is not listed on an exchange
    reached = LISTING_STAGES[: LISTING_STAGES.index(stage) + 1]
    days: list[datetime.date | None] = []
    day = today - datetime.timedelta(days=rng.randint(10, 120))
    for step in reversed(reached):
        skip = board in ("regional", "neeq") and step == "tutoring" != stage
        days.insert(0, None if skip else day)
        if not skip:
            day -= datetime.timedelta(days=rng.randint(90, 400))
    days = [max(d, founded) if d else None for d in days]
    days += [None] * (len(LISTING_STAGES) - len(days))
    code = (
        f"{EXCHANGE_PREFIX[board]}{index % 10000:04d}" if stage == LISTED and board in EXCHANGE_PREFIX else ""
    )
    note = "列入市级上市后备企业库" if stage != LISTED else ""
    return (board, stage, *days, code, note)
