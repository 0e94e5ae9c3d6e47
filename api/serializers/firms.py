"""Firms on the register, and the reference lists they point to (clusters, districts). Validation of a firm
is the model's own (``full_clean``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.credit_code import normalise, validate_format
from registry.models import FIRM_FIELDS, Cluster, District, Firm
from registry.services import may_keep_firms_of, save_firm

from .model_clean import ModelCleanMixin


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
        if not may_keep_firms_of(request.user if request else None, value.pk):
            raise serializers.ValidationError(_("您只能登记本区县的企业。"))
        return value

    def new_instance(self) -> Firm:
        return Firm()

    def save_instance(self, instance, *, user):
        return save_firm(instance, user=user, expected_version=self.context.get("expected_version"))


class FirmUpdateSerializer(FirmSerializer):
    """Updating a firm: the credit code is its identity and cannot change."""

    credit_code = serializers.CharField(read_only=True)


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
