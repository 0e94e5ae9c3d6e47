"""Firms on the register (writable within scope, with each firm's eligibility), and the register's
reference lists: the industrial clusters and the districts. Parse input, call one selector, render."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cultivation.filters import FirmTierFilter
from cultivation.selectors import eligibility_of_firm
from registry.filters import ClusterFilter, DistrictFilter
from registry.models import Cluster, District, Firm

from ..conditional import ETAG, WRITE_PARAMETERS, ConditionalWriteMixin
from ..examples import (
    CLUSTER,
    DISTRICT,
    ELIGIBILITY_REPORT,
    FIRM,
    FIRM_REQUEST,
    request_example,
    response_example,
)
from ..pagination import PageOrCursorPagination
from ..permissions import EditsRegister
from ..replica import ReplicaListMixin
from ..serializers import (
    ClusterSerializer,
    DistrictSerializer,
    EvaluationQuerySerializer,
    FirmSerializer,
    FirmUpdateSerializer,
)
from ..serializers.eligibility_report import EligibilityReportSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Firms you may see (by tier, stage, cluster, district, dates, revenue)",
        examples=[response_example("渝北区的成长期企业", FIRM)],
    ),
    retrieve=extend_schema(
        summary="One firm by credit code",
        parameters=[ETAG],
        examples=[response_example("渝北区的成长期企业", FIRM)],
    ),
    create=extend_schema(
        summary="Register a firm (caseworkers, within their district)",
        parameters=[ETAG],
        examples=[
            request_example("A new firm", FIRM_REQUEST, "登记一家企业"),
            response_example("已登记", FIRM, status_codes=("201",)),
        ],
    ),
    update=extend_schema(
        summary="Replace a firm's record (the credit code stays)",
        parameters=WRITE_PARAMETERS,
        examples=[
            request_example(
                "Whole record", {k: v for k, v in FIRM_REQUEST.items() if k != "credit_code"}, "整条记录"
            ),
            response_example("已更新", FIRM),
        ],
    ),
    partial_update=extend_schema(
        summary="Change some of a firm's fields",
        parameters=WRITE_PARAMETERS,
        examples=[
            OpenApiExample("New contact", value={"contact_name": "李四"}, request_only=True),
            response_example("已更新", {**FIRM, "contact_name": "李四"}),
        ],
    ),
)
class FirmViewSet(
    ReplicaListMixin,
    ConditionalWriteMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Firms the user may see, by credit code. Caseworkers and programme admins register and edit them
    within their scope; the credit code cannot change after creation. Firms are never deleted here.
    A firm answers with its ``ETag``; ``If-Match`` keeps a write from overwriting a change
    (``api.conditional``)."""

    serializer_class = FirmSerializer
    filterset_class = FirmTierFilter
    filter_backends = [DjangoFilterBackend]  # ordering is the FilterSet's ``ordering``
    permission_classes = [IsAuthenticated, EditsRegister]
    lookup_field = "credit_code"
    lookup_value_regex = "[0-9A-Za-z]{18}"
    pagination_class = PageOrCursorPagination
    cursor_ordering = ("credit_code",)  # unique and indexed: ?pagination=cursor pages cost the same
    cached_count = True  # page numbers: the count is kept per query and data version (api.pagination)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return FirmUpdateSerializer
        return FirmSerializer

    def get_queryset(self):
        return (
            Firm.objects.visible_to(self.request.user).select_related("district", "cluster").order_by("name")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("rule_set", str, description="rule-set code; default: the set in force"),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="evaluation day; default: today"),
        ],
        responses={200: EligibilityReportSerializer},
        examples=[response_example("创新型中小企业（节选）", ELIGIBILITY_REPORT)],
        summary="The firm's eligibility for every tier, from its stored records",
    )
    @action(detail=True, methods=["get"])
    def eligibility(self, request, credit_code=None):
        firm = self.get_object()
        query = EvaluationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rule_set = query.validated_data.get("rule_set")
        report = eligibility_of_firm(
            firm, query.validated_data.get("as_of"), rule_set.code if rule_set else None
        )
        return Response(report.to_dict())


@extend_schema_view(
    list=extend_schema(
        summary="The 33618 industrial clusters", examples=[response_example("智能装备及智能制造", CLUSTER)]
    ),
    retrieve=extend_schema(summary="One cluster", examples=[response_example("智能装备及智能制造", CLUSTER)]),
)
class ClusterViewSet(ReplicaListMixin, viewsets.ReadOnlyModelViewSet):
    """The 30 "33618" clusters; ``provisional`` marks names not yet confirmed in public texts."""

    queryset = Cluster.objects.order_by("position")
    serializer_class = ClusterSerializer
    filterset_class = ClusterFilter
    lookup_field = "code"
    ordering_fields = ("position", "code", "level")


@extend_schema_view(
    list=extend_schema(summary="Districts and counties", examples=[response_example("渝北区", DISTRICT)]),
    retrieve=extend_schema(summary="One district", examples=[response_example("渝北区", DISTRICT)]),
)
class DistrictViewSet(ReplicaListMixin, viewsets.ReadOnlyModelViewSet):
    """The city's districts and counties (GB/T 2260 codes); district staff and firms belong to one."""

    queryset = District.objects.order_by("code")
    serializer_class = DistrictSerializer
    filterset_class = DistrictFilter
    lookup_field = "code"
    ordering_fields = ("code",)
