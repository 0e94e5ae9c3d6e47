"""Digital recognitions, industry platforms and 技改 projects (issue 18): shape the answers, parse writes.

Writes validate through the model's ``full_clean`` (the admin's and the import's messages) and save
through ``cultivation.services.digital``; a project's status and step dates are read-only here, they
move through ``POST /api/upgrade-projects/{id}/advance/`` (``AdvanceSerializer``).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cultivation.models import DigitalRecognition, IndustryBrain, UpgradeProject
from cultivation.rules.digital import (
    PRODUCTIVITY_MAX,
    PRODUCTIVITY_MIN,
    UPGRADE_STATUS_CHOICES,
    is_overdue,
    next_status,
)
from cultivation.services.digital import save_digital_record

from .applications import FirmCodeField
from .model_clean import ModelCleanMixin


class DigitalRecordSerializer(ModelCleanMixin, serializers.ModelSerializer):
    """Shared: the firm by credit code (among those the caller sees), saved through the service."""

    firm = FirmCodeField()
    firm_name = serializers.CharField(source="firm.name", read_only=True)

    def new_instance(self):
        return self.Meta.model()

    def save_instance(self, instance, *, user):
        """Through the service; a project's steps are read-only here, so the stored ones are kept."""
        return save_digital_record(instance, user=user, keep_steps=True)


class EvidenceMixin(serializers.Serializer):
    has_evidence = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()
    evidence_kind: str

    def get_has_evidence(self, record) -> bool:
        """The evidence file is uploaded in the admin; the API says whether there is one."""
        return bool(record.evidence)

    def get_evidence_url(self, record) -> str | None:
        """The access-checked download of the evidence (the portal's), or ``null`` without a file."""
        if not record.evidence:
            return None
        return reverse("portal:digital-evidence", args=[self.evidence_kind, record.pk])


class DigitalRecognitionSerializer(EvidenceMixin, DigitalRecordSerializer):
    evidence_kind = "recognition"
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    counts = serializers.SerializerMethodField()

    class Meta:
        model = DigitalRecognition
        fields = (
            "id",
            "firm",
            "firm_name",
            "site_name",
            "level",
            "level_label",
            "year",
            "batch",
            "valid_until",
            "note",
            "counts",
            "has_evidence",
            "evidence_url",
            "created_at",
        )
        read_only_fields = ("created_at",)
        validators = []  # the unique constraint is checked by full_clean, in the model's words

    def get_counts(self, record) -> bool:
        """Whether this is its site's highest recognition (only those count)."""
        return bool(getattr(record, "counts", True))


class IndustryBrainSerializer(EvidenceMixin, DigitalRecordSerializer):
    evidence_kind = "brain"
    firm = FirmCodeField(help_text="牵头企业的统一社会信用代码")

    class Meta:
        model = IndustryBrain
        fields = (
            "id",
            "name",
            "industry",
            "firm",
            "firm_name",
            "year",
            "batch",
            "valid_until",
            "note",
            "has_evidence",
            "evidence_url",
            "created_at",
        )
        read_only_fields = ("created_at",)
        validators = []


class UpgradeProjectSerializer(DigitalRecordSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField()
    next_status = serializers.SerializerMethodField()

    class Meta:
        model = UpgradeProject
        fields = (
            "id",
            "firm",
            "firm_name",
            "name",
            "kind",
            "kind_label",
            "investment",
            "planned_start",
            "planned_finish",
            "note",
            "status",
            "status_label",
            "actual_start",
            "actual_finish",
            "accepted_on",
            "productivity_change",
            "overdue",
            "next_status",
        )
        read_only_fields = (
            "status",
            "actual_start",
            "actual_finish",
            "accepted_on",
            "productivity_change",
        )
        validators = []

    def get_overdue(self, project) -> bool:
        """Past its planned finish today and not completed (what the overdue alert is about)."""
        return is_overdue(project.status, project.planned_finish, timezone.localdate())

    @extend_schema_field(
        serializers.ChoiceField(choices=UPGRADE_STATUS_CHOICES, allow_null=True, read_only=True)
    )
    def get_next_status(self, project) -> str | None:
        """The one status ``advance`` accepts next (``null`` once accepted)."""
        return next_status(project.status)


class AdvanceSerializer(serializers.Serializer):
    """``POST /api/upgrade-projects/{id}/advance/``: the next status, its day, and at acceptance the
    productivity change in per cent."""

    to = serializers.ChoiceField(choices=UPGRADE_STATUS_CHOICES[1:])
    on = serializers.DateField()
    productivity_change = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        min_value=PRODUCTIVITY_MIN,
        max_value=PRODUCTIVITY_MAX,
        required=False,
        allow_null=True,
        default=None,
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
