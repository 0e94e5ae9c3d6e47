"""The road to listing (上市培育): the stages a listing track passes, in order, and the boards.

A track moves forward only: 上市培育 → 辅导备案 → 申报受理 → 审核通过/注册 → 上市. A stage may be skipped (a
新三板 挂牌 or a listing on the regional equity market's 专精特新专板 needs no 辅导备案), never gone back
to. Reaching 上市 makes the firm listed, and listed firms are in the leap stage (P5). Pure data: the
models take their choices from here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CULTIVATING, TUTORING, ACCEPTED, APPROVED, LISTED = (
    "cultivating",
    "tutoring",
    "accepted",
    "approved",
    "listed",
)
LISTING_STAGES = (CULTIVATING, TUTORING, ACCEPTED, APPROVED, LISTED)
LISTING_STAGE_CHOICES = [
    (CULTIVATING, _("上市培育")),
    (TUTORING, _("辅导备案")),
    (ACCEPTED, _("申报受理")),
    (APPROVED, _("审核通过/注册")),
    (LISTED, _("上市")),
]
BOARD_CHOICES = [
    ("main", _("沪深主板")),
    ("chinext", _("创业板")),
    ("star", _("科创板")),
    ("bse", _("北交所")),
    ("neeq", _("新三板")),
    ("regional", _("区域性股权市场专精特新专板")),
]


# Boards of a stock exchange: reaching 上市 on one of them makes the firm listed, and listed firms are in
# the leap stage (P5: "listed on a stock exchange"). 新三板 and the regional equity market's 专精特新专板 are
# quotation (挂牌), not exchange listing: the track records it, the firm's stage does not move (P14).
EXCHANGE_BOARDS = frozenset({"main", "chinext", "star", "bse"})


def sets_listed(stage: str, board: str) -> bool:
    """Whether reaching ``stage`` on ``board`` makes the firm listed (P5, P14)."""
    return stage == LISTED and board in EXCHANGE_BOARDS


def stage_index(stage: str) -> int:
    """Position of ``stage`` on the road (0 for 上市培育); ``ValueError`` for an unknown code."""
    return LISTING_STAGES.index(stage)


def is_forward(current: str | None, new: str) -> bool:
    """Whether a track at ``current`` (``None``: no track yet) may move to ``new``: strictly forward."""
    if current is None:
        return new in LISTING_STAGES
    return stage_index(new) > stage_index(current)


def next_stage(current: str) -> str | None:
    """The stage after ``current``, none after 上市."""
    index = stage_index(current)
    return LISTING_STAGES[index + 1] if index + 1 < len(LISTING_STAGES) else None
