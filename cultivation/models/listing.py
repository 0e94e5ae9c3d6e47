"""The road to listing: a firm's listing track, its board and the day it reached each stage (P14)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Firm
from registry.scoping import ScopedQuerySet

from ..rules.listing import BOARD_CHOICES, EXCHANGE_BOARDS, LISTED, LISTING_STAGE_CHOICES, LISTING_STAGES

NOTE_MAX_LENGTH = 500
# The day a track reached each stage, by stage code: one date column per stage.
STAGE_DATE_FIELDS = {stage: f"{stage}_on" for stage in LISTING_STAGES}


def listed_q() -> models.Q:
    """``rules.listing.sets_listed`` as a query condition on tracks: at 上市 on an exchange board (P14)."""
    return models.Q(stage=LISTED, board__in=EXCHANGE_BOARDS)


class ListingTrack(models.Model):
    """A firm on the road to listing. One track per firm; its stage moves forward only, through
    ``services.listing.advance_listing`` (order, dates, audit, the firm's listing and stage, the alert):
    nothing here is typed after the track is opened except the board and the note."""

    firm = models.OneToOneField(
        Firm, on_delete=models.CASCADE, related_name="listing_track", verbose_name=_("企业")
    )
    board = models.CharField(_("拟上市板块"), max_length=10, choices=BOARD_CHOICES, db_index=True)
    stage = models.CharField(_("上市进程阶段"), max_length=12, choices=LISTING_STAGE_CHOICES, db_index=True)
    cultivating_on = models.DateField(_("纳入上市培育日期"), null=True, blank=True)
    tutoring_on = models.DateField(_("辅导备案日期"), null=True, blank=True)
    accepted_on = models.DateField(_("申报受理日期"), null=True, blank=True)
    approved_on = models.DateField(_("审核通过/注册日期"), null=True, blank=True)
    listed_on = models.DateField(_("上市日期"), null=True, blank=True)
    stock_code = models.CharField(_("证券代码"), max_length=12, blank=True)
    note = models.CharField(_("备注"), max_length=NOTE_MAX_LENGTH, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["firm__name"]
        verbose_name = _("上市培育")
        verbose_name_plural = _("上市培育")

    def __str__(self) -> str:
        return f"{self.firm.name} · {self.get_board_display()} · {self.get_stage_display()}"

    def reached_on(self, stage: str):
        """The day the track reached ``stage`` (None when skipped or not yet)."""
        return getattr(self, STAGE_DATE_FIELDS[stage])

    @property
    def stage_since(self):
        """The day the track reached its current stage."""
        return self.reached_on(self.stage) if self.stage else None
