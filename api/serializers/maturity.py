"""Digital-maturity assessments (P13): the level, its day and evidence, and what it means now."""

from __future__ import annotations

from rest_framework import serializers

from cultivation.models import MaturityAssessment
from cultivation.models.maturity import EVIDENCE_MAX_LENGTH
from cultivation.rules.maturity import LEVEL_CHOICES, is_transformed, next_level
from cultivation.services.maturity import transformed_min_level

from .applications import FirmCodeField


class MaturitySerializer(serializers.ModelSerializer):
    """One assessment; ``transformed`` applies the programme's level (a setting, provisional [U]) and
    ``next_level`` is the one to reach (null at 四级)."""

    firm = serializers.CharField(source="firm.credit_code", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    transformed = serializers.SerializerMethodField()
    next_level = serializers.SerializerMethodField()

    class Meta:
        model = MaturityAssessment
        fields = (
            "id",
            "firm",
            "firm_name",
            "level",
            "level_label",
            "assessed_on",
            "evidence",
            "transformed",
            "next_level",
            "recorded_at",
        )
        read_only_fields = fields

    def get_transformed(self, assessment: MaturityAssessment) -> bool:
        return is_transformed(assessment.level, transformed_min_level())

    def get_next_level(self, assessment: MaturityAssessment) -> int | None:
        return next_level(assessment.level)


class MaturityCreateSerializer(serializers.Serializer):
    """``POST /api/maturity/``: the firm, the level (1-4), the day assessed and the evidence."""

    firm = FirmCodeField()
    level = serializers.ChoiceField(choices=LEVEL_CHOICES)
    assessed_on = serializers.DateField()
    evidence = serializers.CharField(max_length=EVIDENCE_MAX_LENGTH)


class MaturityPatchSerializer(serializers.Serializer):
    """``PATCH /api/maturity/{id}/``: correct the level, day or evidence (audited, with a reason)."""

    level = serializers.ChoiceField(choices=LEVEL_CHOICES, required=False)
    assessed_on = serializers.DateField(required=False)
    evidence = serializers.CharField(max_length=EVIDENCE_MAX_LENGTH, required=False)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
