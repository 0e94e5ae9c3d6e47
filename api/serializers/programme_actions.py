"""Bodies of the programme actions a caseworker takes outside the application workflow table: assigning
and removing experts, revoking a designation, recording and lifting disqualifications, admitting firms to
the pool and taking them out. Parse and shape only; the services decide."""

from __future__ import annotations

from rest_framework import serializers

from cultivation.models import Disqualification, ReviewAssignment
from cultivation.rules.attestations import DISQUALIFICATION_CHOICES
from cultivation.services.designations import BATCH_MAX_LENGTH, RECORD_REASON_MAX_LENGTH
from cultivation.services.pool import OVERRIDE_REASON_MAX_LENGTH
from cultivation.tiers import DESIGNATION_TIER_CHOICES

from .applications import FirmCodeField

REASON_MAX_LENGTH = 4000
MAX_REVIEWERS = 50


class AssignReviewersSerializer(serializers.Serializer):
    """``POST /api/applications/{id}/assignments/``: experts by username, and the day their scores are due."""

    reviewers = serializers.ListField(
        child=serializers.CharField(max_length=150), min_length=1, max_length=MAX_REVIEWERS
    )
    due_on = serializers.DateField()


class AssignmentSerializer(serializers.ModelSerializer):
    """An expert asked to score an application, and whether they have scored its current version."""

    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    due_on = serializers.DateField(source="due_at", read_only=True)
    assigned_by = serializers.CharField(source="assigned_by.username", read_only=True, allow_null=True)
    reviewed = serializers.SerializerMethodField()

    class Meta:
        model = ReviewAssignment
        fields = ("reviewer", "due_on", "assigned_by", "assigned_at", "reviewed")
        read_only_fields = fields

    def get_reviewed(self, assignment: ReviewAssignment) -> bool:
        revision = assignment.application.revision
        return any(review.revision == revision for review in assignment.reviews.all())


class DesignationRecordSerializer(serializers.Serializer):
    """``POST /api/designations/``: a designation granted outside Tiermark (the expiry is computed)."""

    firm = FirmCodeField()
    tier = serializers.ChoiceField(choices=DESIGNATION_TIER_CHOICES)
    granted_on = serializers.DateField()
    batch = serializers.CharField(required=False, allow_blank=True, default="", max_length=BATCH_MAX_LENGTH)
    reason = serializers.CharField(max_length=RECORD_REASON_MAX_LENGTH)


class RevokeSerializer(serializers.Serializer):
    """``POST /api/designations/{id}/revoke/``: why (暂行办法 Art.16); the firm is barred for three years."""

    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class DisqualificationSerializer(serializers.ModelSerializer):
    """A negative common condition recorded against a firm: a listing bars until lifted, an event for three
    years (``bars_until``: the first day it no longer bars, null for a listing still standing)."""

    firm = serializers.CharField(source="firm.credit_code", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    code_label = serializers.CharField(source="get_code_display", read_only=True)
    bar_kind = serializers.CharField(source="bar_kind.value", read_only=True)
    bars_until = serializers.DateField(read_only=True, allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Disqualification
        fields = (
            "id",
            "firm",
            "firm_name",
            "code",
            "code_label",
            "bar_kind",
            "occurred_on",
            "reason",
            "bars_until",
            "recorded_by",
            "recorded_at",
            "lifted_on",
            "lifted_reason",
        )
        read_only_fields = fields


class DisqualificationCreateSerializer(serializers.Serializer):
    """``POST /api/disqualifications/``: the firm, the condition, the day it occurred (or was listed), why."""

    firm = FirmCodeField()
    code = serializers.ChoiceField(choices=DISQUALIFICATION_CHOICES)
    occurred_on = serializers.DateField()
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class DisqualificationLiftSerializer(serializers.Serializer):
    """``POST /api/disqualifications/{id}/lift/``: why, and from which day (today when omitted)."""

    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)
    lifted_on = serializers.DateField(required=False)


class PoolAdmitSerializer(serializers.Serializer):
    """``POST /api/pool/``: the firm and the admission day; a reason only to admit a firm failing the rule."""

    firm = FirmCodeField()
    entered_on = serializers.DateField()
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=OVERRIDE_REASON_MAX_LENGTH
    )


class PoolExitSerializer(serializers.Serializer):
    """``POST /api/pool/{id}/exit/``: why the firm leaves the pool (kept in the member's history)."""

    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH)
