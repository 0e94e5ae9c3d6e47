"""Rule-set versions: dates, jurisdiction, provisional marks and (in the detail) each tier's criteria."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext
from rest_framework import serializers

from cultivation.models import RuleSet as RuleSetRecord
from cultivation.rules.ruleset import RuleSet as RuleSetSpec


class RuleSetSerializer(serializers.ModelSerializer):
    """A version with its jurisdiction, dates and provisional marks (issue 15).

    ``effective_until`` is the day before the next version of the same jurisdiction takes effect
    (null while none does); ``in_force`` is true for the national and the Chongqing set applied today.
    """

    based_on = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    in_force = serializers.SerializerMethodField()
    effective_until = serializers.SerializerMethodField()
    effective_from_provisional = serializers.SerializerMethodField()
    effective_from_note = serializers.SerializerMethodField()
    has_provisional_criteria = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()

    class Meta:
        model = RuleSetRecord
        fields = (
            "code",
            "jurisdiction",
            "title",
            "effective_from",
            "effective_until",
            "effective_from_provisional",
            "effective_from_note",
            "provisional",
            "has_provisional_criteria",
            "source",
            "builtin",
            "based_on",
            "in_force",
            "note",
        )

    def get_in_force(self, record: RuleSetRecord) -> bool:
        return record.code in self.context.get("in_force_codes", ())

    def get_effective_until(self, record: RuleSetRecord) -> datetime.date | None:
        return self.context.get("effective_until", {}).get(record.code)

    def _spec(self, record: RuleSetRecord) -> RuleSetSpec:
        """The parsed version, from the view's context (parsed once per process, not per row)."""
        spec = self.context.get("specs", {}).get(record.code)
        return spec if spec is not None else RuleSetSpec.from_dict(record.definition)

    def get_effective_from_provisional(self, record: RuleSetRecord) -> bool:
        return self._spec(record).date_provisional

    def get_effective_from_note(self, record: RuleSetRecord) -> str:
        note = self._spec(record).date_note
        return gettext(note) if note else ""

    def get_has_provisional_criteria(self, record: RuleSetRecord) -> bool:
        return self._spec(record).has_provisional_criteria

    def get_source(self, record: RuleSetRecord) -> str:
        return self._spec(record).source


class RuleSetDetailSerializer(RuleSetSerializer):
    class Meta(RuleSetSerializer.Meta):
        fields = (*RuleSetSerializer.Meta.fields, "definition")
