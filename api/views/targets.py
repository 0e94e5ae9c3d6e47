"""The programme's targets (P11): programme staff read them, programme admins edit them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated

from cultivation.filters import TargetFilter
from cultivation.models import Target

from ..examples import TARGET, TARGET_REQUEST, request_example, response_example
from ..permissions import AdminWrites, IsProgrammeStaff
from ..replica import ReplicaListMixin
from ..serializers import ERRORS, ErrorSerializer
from ..serializers.targets import TargetSerializer


@extend_schema_view(
    list=extend_schema(
        summary="The programme's targets (P11)", examples=[response_example("2027 年小巨人存量目标", TARGET)]
    ),
    retrieve=extend_schema(
        summary="One target",
        responses={200: TargetSerializer, 404: ErrorSerializer},
        examples=[response_example("2027 年小巨人存量目标", TARGET)],
    ),
    create=extend_schema(
        summary="Add a target (programme admins)",
        responses={201: TargetSerializer, **ERRORS},
        examples=[
            request_example("Little giants by 2027", TARGET_REQUEST, "2027 年末小巨人企业 500 家"),
            response_example("已添加", TARGET, status_codes=("201",)),
        ],
    ),
    update=extend_schema(
        summary="Replace a target (programme admins)",
        responses={200: TargetSerializer, **ERRORS},
        examples=[
            request_example("Whole target", {**TARGET_REQUEST, "count": 520}, "整条目标"),
            response_example("已更新", {**TARGET, "count": 520}),
        ],
    ),
    partial_update=extend_schema(
        summary="Change a target (programme admins)",
        responses={200: TargetSerializer, **ERRORS},
        examples=[
            request_example("New count", {"count": 520}, "调整目标数"),
            response_example("已更新", {**TARGET, "count": 520}),
        ],
    ),
    destroy=extend_schema(
        summary="Delete a target (programme admins)", responses={204: None, 403: ErrorSerializer}
    ),
)
class TargetViewSet(ReplicaListMixin, viewsets.ModelViewSet):
    """Programme targets: all programme staff read them, programme admins edit them (as in the admin)."""

    queryset = Target.objects.order_by("year", "kind", "subject")
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    permission_classes = [IsAuthenticated, IsProgrammeStaff, AdminWrites]
    ordering_fields = ("year", "subject", "kind", "count")
