"""Reviews, attestations, targets and the caller's identity. Input is parsed here; rules live in services."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cultivation.models import Application, Attestation, Review, Target
from cultivation.models.applications import SCORE_MAX, SCORE_MIN
from cultivation.rules import ATTESTATION_CHOICES
from registry.roles import Role, role_names

from .applications import FirmCodeField
from .register import ModelCleanMixin


class ReviewRecordSerializer(serializers.ModelSerializer):
    """An expert's review of one revision of an application (blind: see ``GET /api/reviews/``)."""

    application = serializers.IntegerField(source="assignment.application_id", read_only=True)
    firm = serializers.CharField(source="assignment.application.firm.credit_code", read_only=True)
    reviewer = serializers.CharField(source="assignment.reviewer.get_username", read_only=True)
    recommendation_label = serializers.CharField(source="get_recommendation_display", read_only=True)

    class Meta:
        model = Review
        fields = (
            "id",
            "application",
            "firm",
            "reviewer",
            "revision",
            "score",
            "recommendation",
            "recommendation_label",
            "comment",
            "submitted_at",
        )
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisibleApplicationField(serializers.PrimaryKeyRelatedField):
    """An application the requesting user may see, by id (others are "does not exist")."""

    def get_queryset(self):
        return Application.objects.visible_to(self.context["request"].user)


class ReviewCreateSerializer(serializers.Serializer):
    """``POST /api/reviews/``: the assigned expert scores the application's current revision."""

    application = VisibleApplicationField()
    score = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    recommendation = serializers.ChoiceField(choices=Review.Recommendation.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


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


class TargetSerializer(ModelCleanMixin, serializers.ModelSerializer):
    """A programme target (P11), validated by the model (year range, one per subject, year and kind)."""

    subject_label = serializers.CharField(source="get_subject_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Target
        fields = ("id", "subject", "subject_label", "year", "kind", "kind_label", "count", "note")
        validators = []  # the unique constraint is checked by full_clean, in the model's words

    def new_instance(self) -> Target:
        return Target()


class MeSerializer(serializers.Serializer):
    """Who the caller is and how far they see."""

    username = serializers.CharField()
    role = serializers.CharField(help_text="programme_admin | caseworker | reviewer | firm | none")
    roles = serializers.ListField(child=serializers.CharField())
    firm = serializers.CharField(allow_null=True, help_text="the firm's credit code (firm users)")
    district = serializers.CharField(allow_null=True, help_text="district code (district staff)")
    scope = serializers.CharField(help_text="everything | district | firm | nothing")
    token_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="when this request's API token expires (null when signed in by session)"
    )

    @staticmethod
    def describe(user, scope, firm: str | None, district: str | None) -> dict:
        roles = sorted(role_names(user))
        if user.is_superuser:
            role = "programme_admin"
        elif user.firm_id:
            role = Role.FIRM.value
        else:
            role = next((r for r in (Role.CASEWORKER, Role.REVIEWER) if r in roles), "none")
        kind = (
            "everything"
            if scope.everything
            else "firm"
            if scope.firm_id
            else ("district" if scope.district_id else "nothing")
        )
        return {
            "username": user.get_username(),
            "role": str(role),
            "roles": roles,
            "firm": firm,
            "district": district,
            "scope": kind,
        }
