"""A firm's annual figures. Validation is the model's own (``full_clean``); frozen years refuse changes."""

from __future__ import annotations

from rest_framework import serializers

from registry.models import FIGURE_FIELDS, AnnualFigures
from registry.services import save_figures

from .model_clean import ModelCleanMixin


class AnnualFiguresSerializer(ModelCleanMixin, serializers.ModelSerializer):
    """One fiscal year of a firm's figures (万元). ``frozen`` years cannot change (P9)."""

    firm = serializers.SlugRelatedField(slug_field="credit_code", read_only=True)

    class Meta:
        model = AnnualFigures
        fields = ("firm", "year", *FIGURE_FIELDS, "audited", "frozen", "frozen_reason", "updated_at")
        read_only_fields = ("frozen", "frozen_reason", "updated_at")

    def new_instance(self) -> AnnualFigures:
        return AnnualFigures(firm=self.context["firm"])

    def save_instance(self, instance, *, user):
        return save_figures(instance, user=user, expected_version=self.context.get("expected_version"))


class AnnualFiguresUpdateSerializer(AnnualFiguresSerializer):
    """Updating a year: the year is in the address and cannot change."""

    year = serializers.IntegerField(read_only=True)
