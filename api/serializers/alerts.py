"""Alerts (as a user's inbox) and the hard-tech pool."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cultivation.models import PoolMembership
from cultivation.models.alerts import AlertDelivery, EmailMode
from cultivation.rules.pool import POOL_GROWTH_FACTOR, pool_check_year
from cultivation.services.alerts import alert_text


class AlertSerializer(serializers.ModelSerializer):
    """One alert as its recipient sees it; ``id`` is the alert's id, ``read`` is this user's state."""

    id = serializers.IntegerField(source="alert_id", read_only=True)
    kind = serializers.CharField(source="alert.kind", read_only=True)
    kind_label = serializers.CharField(source="alert.get_kind_display", read_only=True)
    tier = serializers.CharField(source="alert.tier", read_only=True)
    firm = serializers.CharField(source="alert.firm.credit_code", read_only=True, default=None)
    firm_name = serializers.CharField(source="alert.firm.name", read_only=True, default=None)
    period = serializers.CharField(source="alert.period", read_only=True)
    payload = serializers.JSONField(source="alert.payload", read_only=True)
    created_at = serializers.DateTimeField(source="alert.created_at", read_only=True)
    read = serializers.SerializerMethodField()
    message = serializers.SerializerMethodField()

    class Meta:
        model = AlertDelivery
        fields = (
            "id",
            "kind",
            "kind_label",
            "tier",
            "firm",
            "firm_name",
            "period",
            "payload",
            "created_at",
            "read",
            "read_at",
            "message",
        )

    def get_read(self, delivery: AlertDelivery) -> bool:
        return delivery.read_at is not None

    def get_message(self, delivery: AlertDelivery) -> str:
        return alert_text(delivery.alert, delivery.user_id)[1]


class PoolMemberSerializer(serializers.ModelSerializer):
    """A pool member with its doubling path and the rating the pool scan stored (P8).

    Never re-rated here: ``status``, ``rating_reason``, ``latest_year``/``latest_revenue`` and
    ``check_revenue`` are the scan's judgement on ``judged_on`` (null until the first scan). The target
    and check year follow from the baseline alone.
    """

    firm = serializers.CharField(source="firm.credit_code", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    target_revenue = serializers.SerializerMethodField()
    check_year = serializers.SerializerMethodField()
    latest_year = serializers.IntegerField(source="rated_year", read_only=True, allow_null=True)
    latest_revenue = serializers.DecimalField(
        source="rated_revenue", max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    check_revenue = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=PoolMembership.Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    rating_reason = serializers.CharField(read_only=True, help_text="why the stored rating (code)")
    rating_reason_label = serializers.CharField(source="get_rating_reason_display", read_only=True)
    entry_override_reason = serializers.CharField(read_only=True)
    listing_stage = serializers.SerializerMethodField(help_text="listing track stage (null: none)")
    listing_stage_label = serializers.SerializerMethodField()
    listing_board = serializers.SerializerMethodField()

    class Meta:
        model = PoolMembership
        fields = (
            "id",
            "firm",
            "firm_name",
            "cohort_year",
            "entered_on",
            "baseline_year",
            "baseline_revenue",
            "target_revenue",
            "check_year",
            "latest_year",
            "latest_revenue",
            "check_revenue",
            "status",
            "status_label",
            "rating_reason",
            "rating_reason_label",
            "judged_on",
            "entry_rule_set",
            "entry_override_reason",
            "listing_stage",
            "listing_stage_label",
            "listing_board",
        )
        read_only_fields = fields

    @staticmethod
    def _track(member):
        return getattr(member.firm, "listing_track", None)

    def get_listing_stage(self, member) -> str | None:
        """The road to listing next to the doubling path (P14)."""
        track = self._track(member)
        return track.stage if track else None

    def get_listing_stage_label(self, member) -> str | None:
        track = self._track(member)
        return str(track.get_stage_display()) if track else None

    def get_listing_board(self, member) -> str | None:
        track = self._track(member)
        return track.board if track else None

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_target_revenue(self, member):
        return str(member.baseline_revenue * POOL_GROWTH_FACTOR)

    def get_check_year(self, member) -> int:
        return pool_check_year(member.baseline_year)

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True))
    def get_check_revenue(self, member):
        checked = member.rated_year == pool_check_year(member.baseline_year)
        return str(member.rated_revenue) if checked and member.rated_revenue is not None else None


class AlertsMarkedSerializer(serializers.Serializer):
    """How many alerts ``POST /api/alerts/read-all/`` marked read."""

    marked = serializers.IntegerField()


class EmailPreferenceSerializer(serializers.Serializer):
    """How alert emails reach the signed-in user (the inbox always receives them)."""

    email = serializers.ChoiceField(choices=EmailMode.choices)
