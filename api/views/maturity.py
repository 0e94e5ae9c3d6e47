"""``/api/maturity/``: firms' digital-maturity assessments (P13). Everyone reads the ones in their scope
(a firm its own); caseworkers record and correct them through ``services.maturity``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cultivation.listing_filters import MaturityFilter
from cultivation.models import MaturityAssessment
from cultivation.services.maturity import record_maturity, save_maturity

from ..examples import request_example, response_example
from ..listing_examples import MATURITY, MATURITY_PATCH, MATURITY_REQUEST
from ..permissions import EditsRegister
from ..replica import ReplicaListMixin
from ..serializers import ERRORS, ErrorSerializer
from ..serializers.maturity import MaturityCreateSerializer, MaturityPatchSerializer, MaturitySerializer


@extend_schema_view(
    list=extend_schema(
        summary="Digital-maturity assessments of the firms you may see (latest=true: current levels)",
        examples=[response_example("三级，已实现数字化转型", MATURITY)],
    ),
    retrieve=extend_schema(
        summary="One digital-maturity assessment", examples=[response_example("三级", MATURITY)]
    ),
)
class MaturityViewSet(
    ReplicaListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = MaturitySerializer
    filterset_class = MaturityFilter
    permission_classes = [IsAuthenticated, EditsRegister]
    ordering_fields = ("assessed_on", "level")

    def get_queryset(self):
        rows = MaturityAssessment.objects.visible_to(self.request.user).select_related("firm")
        return rows.order_by("-assessed_on", "-pk")

    @extend_schema(
        request=MaturityCreateSerializer,
        responses={201: MaturitySerializer, **ERRORS},
        examples=[
            request_example("Record", MATURITY_REQUEST, "录入三级评测结果"),
            response_example("已录入", MATURITY, status_codes=("201",)),
        ],
        summary="Record a firm's assessment (caseworkers, in their scope)",
    )
    def create(self, request):
        body = MaturityCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        saved = record_maturity(actor=request.user, **body.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=saved.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=MaturityPatchSerializer,
        responses={200: MaturitySerializer, **ERRORS, 404: ErrorSerializer},
        examples=[
            request_example("Correct", MATURITY_PATCH, "更正评测依据"),
            response_example("已更正", MATURITY),
        ],
        summary="Correct an assessment's level, day or evidence (caseworkers; kept in its history)",
    )
    def partial_update(self, request, pk=None):
        assessment = self.get_object()
        body = MaturityPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        reason = changes.pop("reason", "")
        for name, value in changes.items():
            setattr(assessment, name, value)
        save_maturity(assessment, user=request.user, reason=reason)
        return Response(self.get_serializer(self.get_queryset().get(pk=assessment.pk)).data)
