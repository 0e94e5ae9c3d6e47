"""The what-if body and the evaluation query: hypothetical facts as ``POST /api/eligibility/`` takes them.

Parsed and validated here, no rules. The body is the programme's contract for facts typed by hand, so it
lives in the programme app: the API's eligibility view, the worked cases (``worked_cases``, run by
``manage.py rules_check`` and the rule-set admin page) and the tests all parse it with this one serializer.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.models import FIGURE_FIELDS, AnnualFigures, Cluster, Sector
from registry.years import FIRST_YEAR, LAST_YEAR

from .models import Application
from .models import RuleSet as RuleSetRecord
from .rules import ATTESTATION_CHOICES, DISQUALIFICATION_CHOICES, Facts, YearFigures
from .rules.attestations import bars_on
from .rules.facts import NEW, Attest
from .selectors import rule_set_on
from .tiers import TIER_CHOICES


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


# Bad input stays small (issue 15): a list longer than this is refused with one message before its
# items are read, so 10,000 bad rows answer one line, not one error per row.
MAX_WHAT_IF_YEARS = 30
MAX_WHAT_IF_CODES = 50


class CappedYearsSerializer(serializers.ListSerializer):
    """``years`` of the what-if: DRF's ListSerializer checks ``max_length`` before any row."""

    default_error_messages = {"max_length": _("最多填写 {max_length} 个年度的数据。")}


class CappedListField(serializers.ListField):
    """A list of codes refused as a whole, with one message, when longer than ``max_length``.

    DRF's own ``max_length`` on a ``ListField`` runs after every item was validated (and reported).
    """

    default_error_messages = {"max_length": _("最多填写 {max_length} 项。")}

    def to_internal_value(self, data):
        if isinstance(data, list | tuple) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class CappedDictField(serializers.DictField):
    """An object refused as a whole, with one message, when it has more than ``max_keys`` keys."""

    default_error_messages = {"max_keys": _("最多填写 {max_keys} 项。")}

    def __init__(self, *, max_keys: int, **kwargs):
        self.max_keys = max_keys
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, dict) and len(data) > self.max_keys:
            self.fail("max_keys", max_keys=self.max_keys)
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "boolean"},
            {"type": "string", "enum": [state.value for state in Attest]},
        ]
    }
)
class AttestStateField(serializers.Field):
    """An attestation's state in a what-if: ``true`` or ``"confirmed"`` (counts as met), ``"claimed"``
    (evidence filed, not yet confirmed: the criterion is pending, P3), ``false`` (not claimed)."""

    default_error_messages = {
        "invalid": _("佐证状态应为 true、false、claimed（已申报待确认）或 confirmed（已确认）。")
    }

    def to_internal_value(self, data) -> Attest | None:
        if data is True:
            return Attest.CONFIRMED
        if data is False:
            return None
        if isinstance(data, str) and data in {state.value for state in Attest}:
            return Attest(data)
        self.fail("invalid")

    def to_representation(self, value):
        return value


class DisqualificationRecordSerializer(serializers.Serializer):
    """A dated disqualifying flag of the what-if; whether it bars on ``as_of`` depends on its kind."""

    code = serializers.ChoiceField(choices=DISQUALIFICATION_CHOICES)
    occurred_on = serializers.DateField(help_text=_("列入名录日期或事件发生日期"))
    lifted_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("解除日期（未解除则不填）")
    )

    def validate(self, attrs):
        lifted = attrs.get("lifted_on")
        if lifted is not None and lifted < attrs["occurred_on"]:
            raise serializers.ValidationError({"lifted_on": _("解除日期不能早于发生日期。")})
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
    """The eligibility what-if body (docs/API.md). Nothing it describes is stored."""

    rule_set = serializers.SlugRelatedField(
        slug_field="code", queryset=RuleSetRecord.objects.published(), required=False, allow_null=True
    )
    as_of = serializers.DateField(required=False, allow_null=True, validators=[validate_evaluation_day])
    founded_on = serializers.DateField(required=False, allow_null=True)
    niche_since = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("进入细分市场年份；按进入后已满的整年计算（2023年进入，截至2024年末满1年）。"),
    )
    niche_since_month = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=12,
        help_text=_("进入细分市场月份（已知时填写）：按该月之后已满的整月计算。"),
    )
    sector = serializers.ChoiceField(choices=Sector.choices, required=False, default=Sector.INDUSTRY)
    strategic_emerging = serializers.BooleanField(required=False, default=False)
    listed = serializers.BooleanField(required=False, default=False)
    cluster = serializers.SlugRelatedField(
        slug_field="code", queryset=Cluster.objects.all(), required=False, allow_null=True
    )
    designations = CappedListField(
        child=serializers.ChoiceField(choices=TIER_CHOICES),
        required=False,
        default=list,
        max_length=MAX_WHAT_IF_CODES,
    )
    attested = CappedDictField(
        child=AttestStateField(),
        required=False,
        default=dict,
        max_keys=len(ATTESTATION_CHOICES),
        help_text=_(
            "佐证事项代码 → true 或 confirmed（已确认，计为符合）、claimed（待确认，计为待定）或 false。"
        ),
    )
    disqualifications = CappedListField(
        child=serializers.ChoiceField(choices=DISQUALIFICATION_CHOICES),
        required=False,
        default=list,
        max_length=MAX_WHAT_IF_CODES,
        help_text=_("在 as_of 当日有效的否决情形代码（不看日期）。"),
    )
    disqualification_records = CappedListField(
        child=DisqualificationRecordSerializer(),
        required=False,
        default=list,
        max_length=MAX_WHAT_IF_CODES,
        help_text=_(
            "带日期的否决情形，按 as_of 当日判断：名录类（经营异常名录、严重失信主体名单、禁止类产品）"
            "列入名录期间否决，直至解除；事件类（重大事故、偷漏税、数据造假）事件发生后三年内否决。"
        ),
    )
    years = CappedYearsSerializer(
        child=YearFiguresSerializer(), required=False, default=list, max_length=MAX_WHAT_IF_YEARS
    )
    application_kind = serializers.ChoiceField(
        choices=Application.Kind.choices,  # "new" | "renewal", as Facts.application_kind
        required=False,
        default=NEW,
        help_text=_("新申请（new，默认）或复核（renewal）：部分条件对复核不同（如不检查增长率）。"),
    )

    def validate_attested(self, value: dict) -> dict:
        known = {code for code, _label in ATTESTATION_CHOICES}
        unknown = sorted(set(value) - known)
        if unknown:
            raise serializers.ValidationError(
                _("未知的佐证事项代码：%(codes)s。") % {"codes": ", ".join(unknown)}
            )
        return value

    def validate(self, attrs):
        if attrs.get("niche_since_month") is not None and attrs.get("niche_since") is None:
            raise serializers.ValidationError(
                {"niche_since_month": _("填写进入细分市场月份时，请同时填写进入年份。")}
            )
        return attrs

    def validate_years(self, value: list) -> list:
        years = [row["year"] for row in value]
        if len(years) != len(set(years)):
            raise serializers.ValidationError(_("同一年度只能出现一次。"))
        return value

    def to_facts(self) -> Facts:
        data = self.validated_data
        cluster = data.get("cluster")
        as_of = data.get("as_of") or timezone.localdate()
        return Facts(
            as_of=as_of,
            founded_on=data.get("founded_on"),
            niche_since=data.get("niche_since"),
            niche_since_month=data.get("niche_since_month"),
            sector=data["sector"],
            strategic_emerging=data["strategic_emerging"],
            listed=data["listed"],
            cluster=cluster.code if cluster else None,
            designations=frozenset(data["designations"]),
            attested={code: state for code, state in data["attested"].items() if state is not None},
            disqualifications=self._flags_in_force(as_of),
            years=[YearFigures(**row) for row in data["years"]],
            application_kind=data["application_kind"],
        )

    def _flags_in_force(self, as_of) -> frozenset[str]:
        """The plain codes, and the dated flags that bar on ``as_of`` by the rules' own test."""
        dated = {
            flag["code"]
            for flag in self.validated_data["disqualification_records"]
            if bars_on(flag["code"], flag["occurred_on"], flag.get("lifted_on"), as_of)
        }
        return frozenset(self.validated_data["disqualifications"]) | dated


class EvaluationQuerySerializer(serializers.Serializer):
    """Query parameters of ``GET /api/firms/{credit_code}/eligibility/``."""

    rule_set = serializers.SlugRelatedField(
        slug_field="code", queryset=RuleSetRecord.objects.published(), required=False
    )
    as_of = serializers.DateField(required=False, validators=[validate_evaluation_day])
