"""The eligibility answer as typed schema components: report → tiers → criteria (docs/API.md).

Output only: these serializers never shape a response (``EligibilityReport.to_dict`` does); they
declare its shape so that the schema, and every client generated from it, knows the product's central
contract field by field. ``tests/api/test_eligibility_schema.py`` validates real answers against these
components with unknown keys refused, so a key added to ``to_dict`` without a line here fails a test.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cultivation.models.applications import Application
from cultivation.rules.criteria import KINDS
from cultivation.rules.status import Status
from cultivation.rules.values import OPS

COMPARISONS = list(OPS.values())  # ≥ > ≤ <, as the answer writes them
STATUSES = [status.value for status in Status]  # met, not_met, pending, missing

# A decimal written as text ("70", "5.00"): the report never sends a float.
DECIMAL_TEXT = {"type": "string", "format": "decimal", "example": "5.00"}


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "a decimal as text, a date, or a code (e.g. a cluster)"},
            {"type": "integer", "description": "a count (persons, items, years)"},
            {"type": "boolean", "description": "a yes/no fact"},
            {"type": "array", "items": {"type": "string"}, "description": "codes (e.g. disqualifications)"},
            {
                "type": "object",
                "additionalProperties": {
                    "oneOf": [{"type": "string"}, {"type": "integer"}],
                    "nullable": True,
                },
                "description": "named parts (e.g. employees and revenue for the SME size test)",
            },
        ],
        "nullable": True,
    }
)
class CriterionValueField(serializers.JSONField):
    """A criterion's value or bar: its type depends on the criterion; the schema lists what it can be."""


@extend_schema_field({"oneOf": [DECIMAL_TEXT, {"type": "integer"}], "nullable": True})
class GapField(serializers.JSONField):
    """How far the firm is from the bar, in ``gap_unit``: a decimal as text, or a whole count."""


@extend_schema_field({**DECIMAL_TEXT, "nullable": True})
class DecimalTextField(serializers.CharField):
    """A score or points total, as decimal text."""


class CriterionPartSerializer(serializers.Serializer):
    """One criterion's outcome: its status, the firm's value, the bar, the gap and (if scored) points."""

    code = serializers.CharField()
    label = serializers.CharField(help_text="the criterion's name in the request's language")
    kind = serializers.ChoiceField(choices=KINDS)
    status = serializers.ChoiceField(
        choices=STATUSES,
        help_text="met; not_met; pending (an attestation awaits confirmation); missing (figures absent)",
    )
    value = CriterionValueField(help_text="the firm's value (a ratio in percent when unit is pct)")
    threshold = CriterionValueField(help_text="the bar; for a scored criterion, the next band up")
    op = serializers.ChoiceField(choices=COMPARISONS, allow_null=True, help_text="value op threshold")
    unit = serializers.CharField(allow_null=True, help_text="pct, wan (万元), usd_m, items, persons, years…")
    gap = GapField(help_text="what is missing to reach the bar, in gap_unit")
    gap_unit = serializers.CharField(allow_null=True, help_text="the figure the gap is counted in")
    points = serializers.IntegerField(allow_null=True, help_text="scored criteria: points earned")
    max_points = serializers.IntegerField(allow_null=True)
    provisional = serializers.BooleanField(help_text="the rule's wording is not yet confirmed")
    message = serializers.CharField(help_text="the outcome in words, in the request's language")
    provisional_reason = serializers.CharField(required=False, help_text="only when provisional")
    potential_points = serializers.IntegerField(
        required=False, help_text="points once pending attestations are confirmed, when different"
    )


class CriterionResultSerializer(CriterionPartSerializer):
    """A criterion's outcome; a criterion made of several bars lists each one's outcome in ``parts``."""

    parts = CriterionPartSerializer(many=True, required=False)


class TierReportSerializer(serializers.Serializer):
    """One tier's answer: eligible, not eligible, or ``null`` while pending attestations (or rules not
    yet in force) decide it."""

    eligible = serializers.BooleanField(allow_null=True)
    in_force = serializers.BooleanField(help_text="false: no rules for the tier are in force on the day yet")
    rule_set = serializers.CharField(allow_null=True, help_text="the set that rated the tier")
    application_kind = serializers.ChoiceField(
        choices=Application.Kind.choices, help_text="judged as new or as renewal (复核)"
    )
    score = DecimalTextField(help_text="scored tiers: points in total; null otherwise")
    provisional = serializers.BooleanField()
    criteria = CriterionResultSerializer(many=True)
    effective_from = serializers.DateField(required=False, help_text="not in force: the day its rules start")
    message = serializers.CharField(required=False, help_text="not in force: why, in words")
    potential_score = DecimalTextField(required=False, help_text="scored tiers: once pending claims count")
    class_scores = serializers.DictField(
        child=DecimalTextField(), required=False, help_text="scored tiers: points per score class"
    )
    direct_met = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="direct-entry criteria the firm meets"
    )
    alternatives = serializers.ListField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.CharField())),
        required=False,
        help_text="only when the tier has alternative routes: groups of routes, any one route of a group "
        "suffices; a route lists the criterion codes it needs together "
        '(e.g. [[["g1_rd_by_revenue", "g2_rd_institution", "g3_class1_ip"], ["direct_national_award"]]])',
    )


class EligibilityReportSerializer(serializers.Serializer):
    """The answer for one firm (or one what-if) against the rules in force: one report per tier."""

    rule_set = serializers.CharField()
    rule_sets = serializers.ListField(
        child=serializers.CharField(), help_text="every set applied, national first"
    )
    as_of = serializers.DateField()
    provisional = serializers.BooleanField()
    tiers = serializers.DictField(child=TierReportSerializer(), help_text="tier code → that tier's answer")
