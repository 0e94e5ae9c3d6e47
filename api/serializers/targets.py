"""The programme's targets (P11)."""

from __future__ import annotations

from rest_framework import serializers

from cultivation.models import Target

from .model_clean import ModelCleanMixin


class TargetSerializer(ModelCleanMixin, serializers.ModelSerializer):
    """A programme target (P11), validated by the model (year range, one per subject, year and kind)."""

    subject_label = serializers.CharField(source="get_subject_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Target
        fields = ("id", "subject", "subject_label", "year", "kind", "kind_label", "count", "note")
        validators = []  # the unique constraint is checked by full_clean, in the model's words

    def new_instance(self) -> Target:
        return Target()
