"""The programme dashboard's figures (issue #8): staff only, scoped like every list."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from cultivation.dashboard import dashboard, parse_filters
from registry.read_replica import from_replica_or_primary
from registry.roles import scope_of

from ..examples import DASHBOARD
from ..permissions import IsProgrammeStaff
from ..serializers import ErrorSerializer
from ..serializers.dashboard import DashboardSerializer


class DashboardView(APIView):
    """Per tier the active count, new this year, target and progress; the stage pyramid; counts by cluster
    level and district; the pool's cohorts; applications by status; average days in each review stage."""

    permission_classes = [permissions.IsAuthenticated, IsProgrammeStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="the year (default: this year)"),
            OpenApiParameter("district", str, description="district code; a district user sees only theirs"),
            OpenApiParameter("cluster", str, description="cluster code"),
        ],
        responses={
            200: DashboardSerializer,
            400: OpenApiResponse(ErrorSerializer, description="a malformed or unknown filter"),
            403: OpenApiResponse(ErrorSerializer, description="not programme staff"),
        },
        examples=[OpenApiExample("The city, 2026", value=DASHBOARD, response_only=True)],
        summary="Programme dashboard figures",
    )
    def get(self, request):
        scope = scope_of(request.user)
        filters = parse_filters(request.query_params, scope)
        # Figures that may lag by the replica's delay.
        return Response(from_replica_or_primary(lambda: dashboard(scope, filters), request.user))
