"""Impact reports and threshold sweeps as jobs (issue 16), for programme admins only.

``POST`` records the report and queues it (``cultivation.impact_jobs``): 202 with the job's URL in
``Location``; ``GET`` that URL for its progress and, once ``succeeded``, the report. The same request
while an identical one is still pending answers that one (no second run).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from cultivation.impact_jobs import may_run_reports, request_report
from cultivation.models import ImpactReport

from ..examples import request_example, response_example
from ..impact_examples import IMPACT_DONE, IMPACT_QUEUED, IMPACT_REQUEST, SWEEP_REQUEST
from ..replica import ReplicaListMixin
from ..serializers import ERRORS
from ..serializers.impact import ImpactReportSerializer, ImpactRequestSerializer


class RunsImpactReports(BasePermission):
    """Programme admins only: reports reach drafts, which only they see."""

    def has_permission(self, request, view) -> bool:
        return may_run_reports(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Impact reports and sweeps, newest first (programme admins)",
        examples=[response_example("已完成", IMPACT_DONE)],
    ),
    retrieve=extend_schema(
        summary="One impact report or sweep: status, progress and, when done, the result",
        examples=[response_example("已完成", IMPACT_DONE), response_example("排队中", IMPACT_QUEUED)],
    ),
)
class ImpactReportViewSet(
    ReplicaListMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Stored impact reports: a rule-set version against another, over the register, as a job."""

    serializer_class = ImpactReportSerializer
    permission_classes = [IsAuthenticated, RunsImpactReports]
    ordering_fields = ("created_at",)

    def get_queryset(self):
        return ImpactReport.objects.select_related("created_by").order_by("-created_at", "-pk")

    @extend_schema(
        request=ImpactRequestSerializer,
        responses={
            202: OpenApiResponse(
                ImpactReportSerializer, description="queued; follow the job's url (Location)"
            ),
            **ERRORS,
        },
        examples=[
            request_example("Impact", IMPACT_REQUEST, "渝北区，草稿对照施行版本"),
            request_example("Sweep", SWEEP_REQUEST, "研发费用门槛 80–200 万元"),
            response_example("排队中", IMPACT_QUEUED, status_codes=("202",)),
        ],
        summary="Run an impact report (version B against A) or a threshold sweep of B, as a job",
    )
    def create(self, request, *args, **kwargs):
        body = ImpactRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        sweep = data.get("sweep")
        try:
            report = request_report(
                actor=request.user,
                to_code=data["to"],
                from_code=data.get("from_code", ""),
                as_of=data.get("as_of") or timezone.localdate(),
                district=data["district"],
                cluster=data["cluster"],
                sweep_path=sweep["path"] if sweep else "",
                sweep_param=sweep["param"] if sweep else "",
                sweep_values=sweep["values"] if sweep else (),
            )
        except DjangoPermissionDenied as refused:
            raise PermissionDenied from refused
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        report.refresh_from_db()  # run eagerly, it may already be done
        answer = self.get_serializer(report).data
        return Response(answer, status=status.HTTP_202_ACCEPTED, headers={"Location": str(answer["url"])})
