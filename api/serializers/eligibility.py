"""Serializers: parse and validate input, shape output. No rules live here."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cultivation.models import RuleSet as RuleSetRecord
from cultivation.rules import ATTESTATION_CHOICES, DISQUALIFICATION_CHOICES, Facts, YearFigures
from cultivation.selectors import rule_set_on
from cultivation.tiers import TIER_CHOICES
from registry.models import FIGURE_FIELDS, AnnualFigures, Cluster, District, Sector


class ClusterSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Cluster
        fields = ("code", "name", "name_zh", "name_en", "level", "provisional")


class DistrictSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = District
        fields = ("code", "name", "name_zh", "name_en")


class RuleSetSerializer(serializers.ModelSerializer):
    based_on = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = RuleSetRecord
        fields = ("code", "title", "effective_from", "provisional", "builtin", "based_on", "in_force", "note")

    def get_in_force(self, record: RuleSetRecord) -> bool:
        return record.code == self.context.get("in_force_code")


class RuleSetDetailSerializer(RuleSetSerializer):
    class Meta(RuleSetSerializer.Meta):
        fields = (*RuleSetSerializer.Meta.fields, "definition")


class YearFiguresSerializer(serializers.ModelSerializer):
    """One year of the what-if body, checked by the model's own rules; every figure but ``year`` optional."""

    class Meta:
        model = AnnualFigures
        fields = ("year", *FIGURE_FIELDS)
        extra_kwargs = {name: {"required": False, "allow_null": True} for name in FIGURE_FIELDS}

    def validate(self, attrs):
        """Apply ``AnnualFigures.clean`` (year range, R&D staff, main-business revenue) to the row."""
        try:
            AnnualFigures(**attrs).clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return attrs


def validate_evaluation_day(value):
    """A day some rule set is in force on (before the first one, nothing can be evaluated)."""
    if value is None:
        return value
    try:
        rule_set_on(value)
    except LookupError:
        raise serializers.ValidationError(_("该日期尚无生效的规则集。")) from None
    return value


class WhatIfSerializer(serializers.Serializer):
    """The eligibility what-if body (DESIGN §6). Nothing it describes is stored."""

    rule_set = serializers.SlugRelatedField(
        slug_field="code", queryset=RuleSetRecord.objects.all(), required=False, allow_null=True
    )
    as_of = serializers.DateField(required=False, allow_null=True, validators=[validate_evaluation_day])
    founded_on = serializers.DateField(required=False, allow_null=True)
    niche_since = serializers.IntegerField(required=False, allow_null=True, min_value=1949, max_value=2100)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False, default=Sector.INDUSTRY)
    strategic_emerging = serializers.BooleanField(required=False, default=False)
    listed = serializers.BooleanField(required=False, default=False)
    cluster = serializers.SlugRelatedField(
        slug_field="code", queryset=Cluster.objects.all(), required=False, allow_null=True
    )
    designations = serializers.ListField(
        child=serializers.ChoiceField(choices=TIER_CHOICES), required=False, default=list
    )
    attested = serializers.DictField(child=serializers.BooleanField(), required=False, default=dict)
    disqualifications = serializers.ListField(
        child=serializers.ChoiceField(choices=DISQUALIFICATION_CHOICES), required=False, default=list
    )
    years = YearFiguresSerializer(many=True, required=False, default=list)

    def validate_attested(self, value: dict) -> dict:
        known = {code for code, _label in ATTESTATION_CHOICES}
        unknown = sorted(set(value) - known)
        if unknown:
            raise serializers.ValidationError(
                _("未知的佐证事项代码：%(codes)s。") % {"codes": ", ".join(unknown)}
            )
        return value

    def validate_years(self, value: list) -> list:
        years = [row["year"] for row in value]
        if len(years) != len(set(years)):
            raise serializers.ValidationError(_("同一年度只能出现一次。"))
        return value

    def to_facts(self) -> Facts:
        data = self.validated_data
        cluster = data.get("cluster")
        return Facts(
            as_of=data.get("as_of") or timezone.localdate(),
            founded_on=data.get("founded_on"),
            niche_since=data.get("niche_since"),
            sector=data["sector"],
            strategic_emerging=data["strategic_emerging"],
            listed=data["listed"],
            cluster=cluster.code if cluster else None,
            designations=frozenset(data["designations"]),
            attested={code: True for code, given in data["attested"].items() if given},
            disqualifications=frozenset(data["disqualifications"]),
            years=[YearFigures(**row) for row in data["years"]],
        )


class EvaluationQuerySerializer(serializers.Serializer):
    """Query parameters of ``GET /api/firms/{credit_code}/eligibility/``."""

    rule_set = serializers.SlugRelatedField(
        slug_field="code", queryset=RuleSetRecord.objects.all(), required=False
    )
    as_of = serializers.DateField(required=False, validators=[validate_evaluation_day])
