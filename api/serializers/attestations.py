"""Claims of attested criteria (P3): the claim with its evidence, and the caseworker's decision."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from cultivation.models import Attestation
from cultivation.rules import ATTESTATION_CHOICES

from .applications import FirmCodeField


class AttestationSerializer(serializers.ModelSerializer):
    """A firm's claim of an attested criterion and its decision; the evidence downloads from the portal."""

    firm = serializers.CharField(source="firm.credit_code", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    code_label = serializers.CharField(source="get_code_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = Attestation
        fields = (
            "id",
            "firm",
            "firm_name",
            "code",
            "code_label",
            "note",
            "status",
            "status_label",
            "claimed_at",
            "decided_at",
            "decision_reason",
            "evidence_url",
        )
        read_only_fields = fields

    def get_evidence_url(self, attestation: Attestation) -> str:
        return reverse("portal:evidence", args=[attestation.pk])


class AttestationClaimSerializer(serializers.Serializer):
    """``POST /api/attestations/`` (multipart): claim a criterion for a firm, with a PDF/PNG/JPEG file."""

    firm = FirmCodeField()
    code = serializers.ChoiceField(choices=ATTESTATION_CHOICES)
    evidence = serializers.FileField(help_text="PDF, PNG or JPEG, at most 10 MB")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class AttestationDecisionSerializer(serializers.Serializer):
    """``POST /api/attestations/{id}/decide/``: confirm, or reject with a reason."""

    confirm = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
