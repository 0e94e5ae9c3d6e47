"""Writable firm records and annual figures. Validation is the model's own (``full_clean``)."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.credit_code import normalise, validate_format
from registry.models import FIGURE_FIELDS, FIRM_FIELDS, AnnualFigures, Cluster, District, Firm
from registry.roles import scope_of


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
    """Validate through the model's ``full_clean`` and save exactly the instance that was cleaned."""

    def new_instance(self):
        raise NotImplementedError

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
        self.cleaned_instance.save()
        return self.cleaned_instance

    def update(self, instance, validated_data):
        self.cleaned_instance.save()
        return self.cleaned_instance


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
        fields = (*FIRM_FIELDS, "stage")
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
        scope = scope_of(request.user if request else None)
        if not scope.everything and value.pk != scope.district_id:
            raise serializers.ValidationError(_("您只能登记本区县的企业。"))
        return value

    def new_instance(self) -> Firm:
        return Firm()


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


class AnnualFiguresUpdateSerializer(AnnualFiguresSerializer):
    """Updating a year: the year is in the address and cannot change."""

    year = serializers.IntegerField(read_only=True)
