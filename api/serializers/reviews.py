"""Expert reviews of the city review: the record as read (blind), and the expert's submission."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cultivation.models import Application, Review
from cultivation.models.applications import SCORE_MAX, SCORE_MIN


class ReviewRecordSerializer(serializers.ModelSerializer):
    """An expert's review of one revision of an application (blind: see ``GET /api/reviews/``)."""

    application = serializers.IntegerField(source="assignment.application_id", read_only=True)
    firm = serializers.CharField(source="assignment.application.firm.credit_code", read_only=True)
    reviewer = serializers.CharField(source="assignment.reviewer.get_username", read_only=True)
    recommendation_label = serializers.CharField(source="get_recommendation_display", read_only=True)

    class Meta:
        model = Review
        fields = (
            "id",
            "application",
            "firm",
            "reviewer",
            "revision",
            "score",
            "recommendation",
            "recommendation_label",
            "comment",
            "submitted_at",
        )
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisibleApplicationField(serializers.PrimaryKeyRelatedField):
    """An application the requesting user may see, by id (others are "does not exist")."""

    def get_queryset(self):
        return Application.objects.visible_to(self.context["request"].user)


class ReviewCreateSerializer(serializers.Serializer):
    """``POST /api/reviews/``: the assigned expert scores the application's current revision."""

    application = VisibleApplicationField()
    score = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    recommendation = serializers.ChoiceField(choices=Review.Recommendation.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
