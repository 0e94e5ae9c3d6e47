"""The programme dashboard's figures (issue #8): staff only, scoped like every list."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from cultivation.dashboard import dashboard, parse_filters
from registry.roles import scope_of

from ..permissions import IsProgrammeStaff
from ..serializers import ErrorSerializer
from ..serializers.dashboard import DashboardSerializer

EXAMPLE = {
    "year": 2026,
    "as_of": "2026-11-26",
    "filters": {"district": None, "cluster": None},
    "tiers": [
        {
            "code": "srdi_sme",
            "label": "专精特新中小企业",
            "ladder": "quality",
            "active": 8482,
            "new": 2611,
            "target": {"kind": "new_in_year", "year": 2026, "count": 400, "measured": 2611},
            "progress": 6.5275,
        },
        {
            "code": "gazelle",
            "label": "瞪羚企业",
            "ladder": "growth",
            "active": 212,
            "new": 80,
            "target": {"kind": "active_by", "year": 2027, "count": 300, "measured": 212},
            "progress": 0.7067,
        },
    ],
    "stages": [{"code": "startup", "label": "初创期", "firms": 88000}],
    "cluster_levels": [
        {
            "level": "trillion",
            "label": "万亿级主导产业集群",
            "firms": 20000,
            "stages": {"startup": 17000, "growth": 2500, "development": 300, "leap": 200},
            "tiers": {"srdi_sme": 1700},
        }
    ],
    "districts": [
        {
            "code": "500112",
            "name": "渝北区",
            "firms": 6000,
            "stages": {"startup": 5300, "growth": 560, "development": 80, "leap": 60},
            "tiers": {"srdi_sme": 576},
        }
    ],
    "pool": {
        "members": 760,
        "new": 50,
        "cohorts": [
            {
                "cohort_year": 2024,
                "baseline_year": 2023,
                "check_year": 2026,
                "members": 76,
                "baseline_revenue": "152000.00",
                "statuses": {"on_track": 40, "at_risk": 30, "doubled": 0, "missed": 0, "unrated": 6},
                "judged_on": "2025-06-01",
                "trajectory": [{"year": 2024, "offset": 1, "members": 70, "ratio": 1.31, "path": 1.2599}],
            }
        ],
    },
    "applications": {
        "total": 12,
        "by_status": [{"status": "city_review", "label": "市级复审（专家评审）", "count": 4}],
    },
    "review_times": [{"status": "district_review", "label": "区县初审", "stays": 9, "average_days": 6.5}],
}


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
        examples=[OpenApiExample("The city, 2026", value=EXAMPLE, response_only=True)],
        summary="Programme dashboard figures",
    )
    def get(self, request):
        scope = scope_of(request.user)
        filters = parse_filters(request.query_params, scope)
        return Response(dashboard(scope, filters))
