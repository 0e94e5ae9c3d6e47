"""Claims that a firm meets an attested criterion (P3), with evidence, and their confirmation."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cultivation.filters import AttestationFilter
from cultivation.models import Attestation
from cultivation.services import claim_attestation, decide_attestation

from ..examples import (
    ATTESTATION,
    ATTESTATION_CLAIM_REQUEST,
    ATTESTATION_CONFIRMED,
    request_example,
    response_example,
)
from ..permissions import EditsFigures
from ..replica import ReplicaListMixin
from ..serializers import ERRORS, ErrorSerializer
from ..serializers.attestations import (
    AttestationClaimSerializer,
    AttestationDecisionSerializer,
    AttestationSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="Attested-criterion claims of the firms you may see",
        examples=[response_example("待确认的自主品牌佐证", ATTESTATION)],
    ),
    retrieve=extend_schema(
        summary="One claim",
        responses={200: AttestationSerializer, 404: ErrorSerializer},
        examples=[response_example("待确认的自主品牌佐证", ATTESTATION)],
    ),
)
class AttestationViewSet(
    ReplicaListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Claims that a firm meets an attested criterion (P3): firm users and caseworkers claim with
    evidence; caseworkers confirm or reject. Only confirmed claims count in eligibility."""

    serializer_class = AttestationSerializer
    filterset_class = AttestationFilter
    permission_classes = [IsAuthenticated, EditsFigures]
    ordering_fields = ("claimed_at", "decided_at", "code")

    def get_parsers(self):
        """A claim carries its evidence file (multipart); every other body here is JSON (the default).

        DRF builds the parsers before it sets ``self.action``, so the action comes from the route's map.
        """
        method = getattr(self.request, "method", "") or ""
        if (getattr(self, "action_map", None) or {}).get(method.lower()) == "create":
            return [MultiPartParser()]
        return super().get_parsers()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attestation.objects.none()
        queryset = Attestation.objects.visible_to(self.request.user).select_related("firm")
        return queryset.order_by("-claimed_at", "-pk")

    @extend_schema(
        request={"multipart/form-data": AttestationClaimSerializer},
        responses={201: AttestationSerializer, **ERRORS},
        examples=[
            request_example(
                "Claim", ATTESTATION_CLAIM_REQUEST, "申报自主品牌（附商标注册证）", "multipart/form-data"
            ),
            response_example("待确认", ATTESTATION, status_codes=("201",)),
        ],
        summary="Claim an attested criterion with evidence (multipart upload)",
    )
    def create(self, request, *args, **kwargs):
        body = AttestationClaimSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        attestation = claim_attestation(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(attestation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AttestationDecisionSerializer,
        responses={200: AttestationSerializer, **ERRORS, 404: ErrorSerializer},
        examples=[
            OpenApiExample("Confirm", value={"confirm": True}, request_only=True),
            OpenApiExample("Reject", value={"confirm": False, "reason": "证书已过期。"}, request_only=True),
            response_example("已确认", ATTESTATION_CONFIRMED),
        ],
        summary="Confirm or reject a pending claim (caseworkers)",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        attestation = self.get_object()
        body = AttestationDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = decide_attestation(
            attestation=attestation,
            confirm=body.validated_data["confirm"],
            reason=body.validated_data["reason"],
            actor=request.user,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=decided.pk)).data)
