"""The holiday calendar notices are counted against."""

from __future__ import annotations

from rest_framework import serializers

from cultivation.models import Holiday


class HolidaySerializer(serializers.ModelSerializer):
    """A public holiday, or a weekend day worked instead (``is_workday``: 调休补班)."""

    class Meta:
        model = Holiday
        fields = ("id", "day", "name", "is_workday")
        read_only_fields = ("id",)
