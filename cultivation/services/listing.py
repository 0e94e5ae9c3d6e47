"""The road to listing (P14): opening a firm's listing track and moving it forward, the one writer of a
track's stage. The admin, the import file, the API and the demo call these.

Each move is checked here, whoever asks: the actor is a caseworker whose scope covers the firm; the stage
is ahead of the current one (a stage may be skipped, never gone back to); its day is neither in the future
nor before the day the track reached its current stage. It is audited (the track's history, with the
reason), raises one 上市进程变化 alert per firm and stage for the firm's caseworkers, and reaching 上市 on an
exchange board makes the firm listed — through the register's ``save_firm`` (audited) — after which the
life-cycle stage follows through ``stages.settle_stage``, the stage's only writer (P5).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Firm
from registry.roles import can_edit_register
from registry.services import save_firm

from ..models import ListingTrack, PoolMembership
from ..models.alerts import AlertKind
from ..models.listing import STAGE_DATE_FIELDS
from ..rules.listing import (
    LISTED,
    LISTING_STAGE_CHOICES,
    LISTING_STAGES,
    is_forward,
    sets_listed,
    stage_index,
)
from .alerts import AlertDraft, raise_alerts
from .rules import ensure_can_act_on
from .stages import settle_stage

HISTORY_REASON_LENGTH = 100  # simple-history's change-reason column


def _ensure_recorder(actor, firm: Firm) -> None:
    if not can_edit_register(actor):
        raise PermissionDenied(_("只有经办人可以记录上市培育进程。"))
    ensure_can_act_on(actor, firm)


def check_move(track: ListingTrack | None, stage: str, on: datetime.date, firm: Firm) -> None:
    """Refuse (``ValidationError``, on the field at fault) a move that is not forward or not dated right."""
    stages = dict(LISTING_STAGE_CHOICES)
    if stage not in LISTING_STAGES:
        raise ValidationError({"stage": _("未知的上市进程阶段“%(stage)s”。") % {"stage": str(stage)[:40]}})
    current = track.stage if track else None
    if not is_forward(current, stage):
        raise ValidationError(
            {
                "stage": _("上市进程只能向前推进：当前阶段为“%(current)s”，不能改为“%(stage)s”。")
                % {"current": stages[current], "stage": stages[stage]}
            }
        )
    if on > timezone.localdate():
        raise ValidationError({"on": _("阶段日期不能晚于今天。")})
    since = track.stage_since if track else None
    if since and on < since:
        raise ValidationError(
            {
                "on": _("阶段日期不能早于进入当前阶段“%(current)s”的日期 %(day)s。")
                % {"current": stages[current], "day": since}
            }
        )
    if firm.founded_on and on < firm.founded_on:
        raise ValidationError({"on": _("阶段日期不能早于企业成立日期。")})


def check_board_change(track: ListingTrack) -> None:
    """Refuse a new board for a listed track: the listing happened where it happened."""
    if track.stage == LISTED:
        raise ValidationError({"board": _("已上市的企业不能更改上市板块。")})


@transaction.atomic
def advance_listing(
    *,
    firm: Firm,
    stage: str,
    on: datetime.date,
    actor,
    board: str | None = None,
    stock_code: str | None = None,
    note: str | None = None,
    reason: str = "",
) -> ListingTrack:
    """Move ``firm``'s track to ``stage`` on ``on`` (opening the track, with its ``board``, when it has
    none). ``ValidationError`` (nothing saved) for a stage not ahead of the current one, a day in the
    future, before the current stage's day or the founding, or a missing or unknown board;
    ``PermissionDenied`` outside the actor's scope. Returns the track as saved."""
    _ensure_recorder(actor, firm)
    firm = Firm.objects.select_for_update().get(pk=firm.pk)  # one move of a firm at a time
    track = ListingTrack.objects.filter(firm=firm).first()
    check_move(track, stage, on, firm)
    if track is None:
        if not board:
            raise ValidationError({"board": _("开始上市培育时请选择拟上市板块。")})
        track = ListingTrack(firm=firm, board=board)
    elif board:
        track.board = board
    track.stage = stage
    setattr(track, STAGE_DATE_FIELDS[stage], on)
    if stock_code is not None:
        track.stock_code = stock_code.strip()
    if note is not None:
        track.note = note.strip()
    if stage == LISTED and sets_listed(stage, track.board) and not track.stock_code:
        raise ValidationError({"stock_code": _("上市时请填写证券代码。")})
    track.full_clean()
    stages = dict(LISTING_STAGE_CHOICES)
    change = reason or _("上市进程推进至“%(stage)s”") % {"stage": stages[stage]}
    track._change_reason = change[:HISTORY_REASON_LENGTH]
    track._history_user = actor
    track.save()
    if sets_listed(stage, track.board) and not firm.is_listed:
        firm.is_listed = True
        save_firm(firm, user=actor, reason=_("上市（%(board)s）") % {"board": track.get_board_display()})
    settle_stage(firm=firm, on=on)  # P5: a listed firm is in the leap stage; the stage's only writer
    raise_alerts([_alert(track, firm)])
    return track


def _alert(track: ListingTrack, firm: Firm) -> AlertDraft:
    """One alert per firm and stage (the period is the stage): a rerun or a retried import raises none."""
    payload = {
        "stage": track.stage,
        "board": track.board,
        "on": track.stage_since.isoformat(),
        "pool_member": PoolMembership.objects.filter(firm=firm).exists(),
    }
    return AlertDraft(AlertKind.LISTING_STAGE, track.stage, firm.pk, firm.district_id, "", payload)


@transaction.atomic
def edit_listing_details(
    *,
    track: ListingTrack,
    actor,
    board: str | None = None,
    stock_code: str | None = None,
    note: str | None = None,
    reason: str = "",
) -> ListingTrack:
    """Change a track's board, securities code or note (never its stage or dates: ``advance_listing``).
    A listed track keeps its board: the listing happened there."""  # fmt: skip
    _ensure_recorder(actor, track.firm)
    track = ListingTrack.objects.select_for_update().get(pk=track.pk)
    if board and board != track.board:
        check_board_change(track)
        track.board = board
    if stock_code is not None:
        track.stock_code = stock_code.strip()
    if note is not None:
        track.note = note.strip()
    track.full_clean()
    track._change_reason = (reason or _("修改上市培育信息"))[:HISTORY_REASON_LENGTH]
    track._history_user = actor
    track.save()
    return track


def import_listing_track(track: ListingTrack, *, user, force_insert: bool = False) -> ListingTrack:
    """Save a track read from an import file: every stage whose day the row gives and the stored track
    has not reached yet is reached in order through ``advance_listing`` (so the file obeys the same
    order, dates, audit and alerts); a stage the track already reached keeps its day."""
    stored = ListingTrack.objects.filter(firm_id=track.firm_id).first()
    days = {stage: track.reached_on(stage) for stage in LISTING_STAGES}
    given = [stage for stage in LISTING_STAGES if days[stage]]
    if not given:
        raise ValidationError({"cultivating_on": _("请至少填写一个阶段日期。")})
    for stage in given:
        kept = stored.reached_on(stage) if stored else None
        if kept and kept != days[stage]:
            raise ValidationError(
                {STAGE_DATE_FIELDS[stage]: _("已记录的阶段日期（%(day)s）不能通过导入修改。") % {"day": kept}}
            )
    saved = stored
    with transaction.atomic():
        for stage in given:
            if saved is None or stage_index(stage) > stage_index(saved.stage):
                saved = _advance_from_file(track, stage, days[stage], user)
        if saved is stored:  # nothing new reached: the board, code and note may still change
            saved = edit_listing_details(
                track=stored, actor=user, board=track.board, stock_code=track.stock_code, note=track.note
            )
    track.pk, track.stage = saved.pk, saved.stage
    return saved


def _advance_from_file(track: ListingTrack, stage: str, on: datetime.date, user) -> ListingTrack:
    """One stage of an imported row; a refusal names the row's column of that stage's day."""
    try:
        return advance_listing(
            firm=track.firm, stage=stage, on=on, actor=user, board=track.board,
            stock_code=track.stock_code, note=track.note, reason=_("导入上市培育进程"),
        )  # fmt: skip
    except ValidationError as refused:
        if not hasattr(refused, "error_dict"):
            raise
        column = STAGE_DATE_FIELDS[stage]
        raise ValidationError(
            {
                column if field in ("on", "stage") else field: errors
                for field, errors in refused.error_dict.items()
            }
        ) from refused
