"""Alerts (as a user's inbox) and the hard-tech pool."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cultivation.models import PoolMembership
from cultivation.models.alerts import AlertDelivery
from cultivation.rules.programme import rate_pool_member
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
        return alert_text(delivery.alert)[1]


class PoolMemberSerializer(serializers.ModelSerializer):
    """A pool member with its doubling path, rated from its figures as they stand now (P8)."""

    firm = serializers.CharField(source="firm.credit_code", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    target_revenue = serializers.SerializerMethodField()
    check_year = serializers.SerializerMethodField()
    latest_year = serializers.SerializerMethodField()
    latest_revenue = serializers.SerializerMethodField()
    check_revenue = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = PoolMembership
        fields = (
            "firm",
            "firm_name",
            "cohort_year",
            "baseline_year",
            "baseline_revenue",
            "target_revenue",
            "check_year",
            "latest_year",
            "latest_revenue",
            "check_revenue",
            "status",
        )

    def rating(self, member: PoolMembership):
        cached = getattr(member, "_rating", None)
        if cached is None:
            revenues = {f.year: f.operating_revenue for f in member.firm.figures.all()}
            cached = rate_pool_member(
                baseline_year=member.baseline_year,
                baseline_revenue=member.baseline_revenue,
                revenues=revenues,
                last_year=timezone.localdate().year - 1,
            )
            member._rating = cached
        return cached

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_target_revenue(self, member):
        return str(self.rating(member).target_revenue)

    def get_check_year(self, member) -> int:
        return self.rating(member).check_year

    def get_latest_year(self, member) -> int | None:
        return self.rating(member).latest_year

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True))
    def get_latest_revenue(self, member):
        value = self.rating(member).latest_revenue
        return None if value is None else str(value)

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True))
    def get_check_revenue(self, member):
        value = self.rating(member).check_revenue
        return None if value is None else str(value)

    @extend_schema_field(serializers.ChoiceField(choices=PoolMembership.Status.choices))
    def get_status(self, member) -> str:
        return str(self.rating(member).status)
