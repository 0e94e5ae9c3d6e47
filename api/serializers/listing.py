"""Listing tracks (P14): the board, the stage and the day of each stage reached, with the firm's pool
path beside it. Writes are bodies only: ``advance_listing`` and ``edit_listing_details`` decide."""

from __future__ import annotations

from rest_framework import serializers

from cultivation.models import ListingTrack
from cultivation.models.listing import NOTE_MAX_LENGTH
from cultivation.rules.listing import BOARD_CHOICES, LISTING_STAGE_CHOICES, next_stage

from .applications import FirmCodeField

REASON_MAX_LENGTH = 100


class ListingTrackSerializer(serializers.ModelSerializer):
    """A track as stored; ``pool_status`` is the member's doubling rating (null outside the pool)."""

    firm = serializers.CharField(source="firm.credit_code", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    board_label = serializers.CharField(source="get_board_display", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    stage_since = serializers.DateField(read_only=True, allow_null=True)
    next_stage = serializers.SerializerMethodField()
    pool_status = serializers.SerializerMethodField()
    pool_status_label = serializers.SerializerMethodField()

    class Meta:
        model = ListingTrack
        fields = (
            "id",
            "firm",
            "firm_name",
            "board",
            "board_label",
            "stage",
            "stage_label",
            "stage_since",
            "next_stage",
            "cultivating_on",
            "tutoring_on",
            "accepted_on",
            "approved_on",
            "listed_on",
            "stock_code",
            "note",
            "pool_status",
            "pool_status_label",
        )
        read_only_fields = fields

    def get_next_stage(self, track: ListingTrack) -> str | None:
        return next_stage(track.stage)

    def _member(self, track: ListingTrack):
        return getattr(track.firm, "pool_membership", None)

    def get_pool_status(self, track: ListingTrack) -> str | None:
        member = self._member(track)
        return member.status if member else None

    def get_pool_status_label(self, track: ListingTrack) -> str | None:
        member = self._member(track)
        return str(member.get_status_display()) if member else None


class ListingOpenSerializer(serializers.Serializer):
    """``POST /api/listing/``: open a firm's track at a stage (上市培育 usually) on a day, on a board."""

    firm = FirmCodeField()
    board = serializers.ChoiceField(choices=BOARD_CHOICES)
    stage = serializers.ChoiceField(choices=LISTING_STAGE_CHOICES)
    on = serializers.DateField()
    stock_code = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")


class ListingAdvanceSerializer(serializers.Serializer):
    """``POST /api/listing/{id}/advance/``: the stage reached (ahead of the current one) and its day."""

    stage = serializers.ChoiceField(choices=LISTING_STAGE_CHOICES)
    on = serializers.DateField()
    board = serializers.ChoiceField(choices=BOARD_CHOICES, required=False)
    stock_code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")


class ListingPatchSerializer(serializers.Serializer):
    """``PATCH /api/listing/{id}/``: the board (until listed), the securities code or the note."""

    board = serializers.ChoiceField(choices=BOARD_CHOICES, required=False)
    stock_code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")
