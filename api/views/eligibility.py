"""The what-if: evaluate facts sent in the body against every tier, saving nothing. A stored firm's own
eligibility is ``GET /api/firms/{credit_code}/eligibility/`` (``firms.FirmViewSet.eligibility``)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from cultivation.selectors import eligibility_of_facts

from ..examples import ELIGIBILITY_REPORT, WHAT_IF_EXAMPLE, response_example
from ..serializers import WhatIfSerializer
from ..serializers.eligibility_report import EligibilityReportSerializer


class EligibilityView(APIView):
    """Evaluate facts against every tier without saving anything (what-if)."""

    @extend_schema(
        request=WhatIfSerializer,
        responses={200: EligibilityReportSerializer},
        examples=[
            OpenApiExample("A growing manufacturer", value=WHAT_IF_EXAMPLE, request_only=True),
            response_example("创新型中小企业（节选）", ELIGIBILITY_REPORT),
        ],
        summary="What-if eligibility for every tier",
    )
    def post(self, request):
        serializer = WhatIfSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule_set = serializer.validated_data.get("rule_set")
        report = eligibility_of_facts(serializer.to_facts(), rule_set.code if rule_set else None)
        return Response(report.to_dict())
