"""Writable firm records and annual figures. Validation is the model's own (``full_clean``)."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.credit_code import normalise, validate_format
from registry.models import FIGURE_FIELDS, AnnualFigures, Cluster, District, Firm
from registry.services import may_keep_firms_of, save_figures, save_firm


def model_errors(error: DjangoValidationError) -> serializers.ValidationError:
    """A model ``ValidationError`` as DRF's, field by field (``__all__`` becomes ``non_field_errors``)."""
    if hasattr(error, "error_dict"):
        detail = {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {"non_field_errors": error.messages}
    return serializers.ValidationError(detail)


class ModelCleanMixin:
    """Validate through the model's ``full_clean`` and save exactly the instance that was cleaned (firms
    and figures through the register's write service, ``registry.services``: scope, audit, freeze)."""

    def new_instance(self):
        raise NotImplementedError

    def save_instance(self, instance, *, user):
        """Save the cleaned instance; the register's serializers save through ``registry.services``."""
        instance.save()
        return instance

    def validate(self, attrs):
        instance = self.instance or self.new_instance()
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise model_errors(error) from error
        self.cleaned_instance = instance
        return attrs

    def create(self, validated_data):
        return self.save_instance(self.cleaned_instance, user=self.context["request"].user)

    def update(self, instance, validated_data):
        return self.save_instance(self.cleaned_instance, user=self.context["request"].user)


class FirmSerializer(ModelCleanMixin, serializers.ModelSerializer):
    """A firm on the register. District and cluster by code; the stage is derived, never written."""

    credit_code = serializers.CharField(
        max_length=40, help_text=_("统一社会信用代码（可含空格，自动规范化）")
    )
    credit_code_override = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text=_("校验码未通过但与营业执照一致时，填写核验依据。"),
    )
    district = serializers.SlugRelatedField(slug_field="code", queryset=District.objects.all())
    cluster = serializers.SlugRelatedField(
        slug_field="code", queryset=Cluster.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Firm
        fields = (
            "credit_code",
            "credit_code_override",
            "name",
            "district",
            "cluster",
            "founded_on",
            "niche_since",
            "niche_since_month",
            "sector",
            "strategic_emerging",
            "is_listed",
            "stage",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
        )
        read_only_fields = ("stage",)

    def validate_credit_code(self, value: str) -> str:
        """Normalise, then check length and alphabet first (the message names the wrong position)."""
        value = normalise(value)
        try:
            validate_format(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return value

    def validate_district(self, value: District) -> District:
        """A district caseworker registers and moves firms within their own district only."""
        request = self.context.get("request")
        if not may_keep_firms_of(request.user if request else None, value.pk):
            raise serializers.ValidationError(_("您只能登记本区县的企业。"))
        return value

    def new_instance(self) -> Firm:
        return Firm()

    def save_instance(self, instance, *, user):
        return save_firm(instance, user=user)


class FirmUpdateSerializer(FirmSerializer):
    """Updating a firm: the credit code is its identity and cannot change."""

    credit_code = serializers.CharField(read_only=True)


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
        return save_figures(instance, user=user)


class AnnualFiguresUpdateSerializer(AnnualFiguresSerializer):
    """Updating a year: the year is in the address and cannot change."""

    year = serializers.IntegerField(read_only=True)
