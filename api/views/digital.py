"""Digital recognitions, industry platforms (行业产业大脑) and 技改 projects (issue 18).

Everyone signed in reads the records of the firms they see (a firm its own); caseworkers and programme
admins write them for the firms of their scope, as in the admin, through ``cultivation.services.digital``.
A project's status moves through ``advance`` only.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cultivation.digital_filters import DigitalRecognitionFilter, IndustryBrainFilter, UpgradeProjectFilter
from cultivation.models import DigitalRecognition, IndustryBrain, UpgradeProject
from cultivation.services.digital import advance_upgrade, delete_digital_record

from ..digital_examples import (
    ADVANCE_REQUEST,
    INDUSTRY_BRAIN,
    INDUSTRY_BRAIN_REQUEST,
    RECOGNITION,
    RECOGNITION_REQUEST,
    UPGRADE,
    UPGRADE_REQUEST,
)
from ..examples import request_example, response_example
from ..permissions import EditsRegister
from ..replica import ReplicaListMixin
from ..serializers import ERRORS, ErrorSerializer
from ..serializers.digital import (
    AdvanceSerializer,
    DigitalRecognitionSerializer,
    IndustryBrainSerializer,
    UpgradeProjectSerializer,
)


def crud_schema(noun: str, serializer: type, item: dict, body: dict, example: str):
    """Summaries, answers and examples of a firm record's list, read, create, replace, change and delete."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"{noun} of the firms you may see", examples=[response_example(example, item)]
        ),
        retrieve=extend_schema(
            summary=f"One of the {noun.lower()}",
            responses={200: serializer, 404: ErrorSerializer},
            examples=[response_example(example, item)],
        ),
        create=extend_schema(
            summary=f"Record one of the {noun.lower()} (caseworkers, for firms of their scope)",
            responses={201: serializer, **ERRORS},
            examples=[
                request_example("Record", body, example),
                response_example("已记录", item, status_codes=("201",)),
            ],
        ),
        update=extend_schema(
            summary=f"Replace one of the {noun.lower()} (caseworkers)",
            responses={200: serializer, **ERRORS, 404: ErrorSerializer},
            examples=[request_example("Whole record", body, example), response_example("已更新", item)],
        ),
        partial_update=extend_schema(
            summary=f"Change one of the {noun.lower()} (caseworkers)",
            responses={200: serializer, **ERRORS, 404: ErrorSerializer},
            examples=[
                request_example("Note", {"note": "已核实"}, "补充备注"),
                response_example("已更新", item),
            ],
        ),
        destroy=extend_schema(
            summary=f"Delete one of the {noun.lower()} entered in error (caseworkers)",
            responses={204: None, 403: ErrorSerializer, 404: ErrorSerializer},
        ),
    )


class DigitalRecordViewSet(ReplicaListMixin, viewsets.ModelViewSet):
    """Shared: scoped reads, caseworkers' writes, deletes through the service."""

    permission_classes = [IsAuthenticated, EditsRegister]
    model: type

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user).select_related("firm")

    def perform_destroy(self, instance):
        delete_digital_record(instance, user=self.request.user)


@crud_schema(
    "Digital recognitions",
    DigitalRecognitionSerializer,
    RECOGNITION,
    RECOGNITION_REQUEST,
    "智能工厂（2024年第一批）",
)
class DigitalRecognitionViewSet(DigitalRecordViewSet):
    """数字化车间, 智能工厂 and 未来工厂 of firms' sites; ``counts`` marks each site's highest."""

    model = DigitalRecognition
    serializer_class = DigitalRecognitionSerializer
    filterset_class = DigitalRecognitionFilter
    ordering_fields = ("year", "level", "site_name", "created_at")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DigitalRecognition.objects.none()
        return self.base_queryset().with_counts().order_by("-year", "pk")


@crud_schema(
    "Industry platforms (行业产业大脑)",
    IndustryBrainSerializer,
    INDUSTRY_BRAIN,
    INDUSTRY_BRAIN_REQUEST,
    "智能装备行业产业大脑",
)
class IndustryBrainViewSet(DigitalRecordViewSet):
    """行业产业大脑: one platform per industry, run by a lead firm (scoped by the lead firm)."""

    model = IndustryBrain
    serializer_class = IndustryBrainSerializer
    filterset_class = IndustryBrainFilter
    ordering_fields = ("year", "name", "created_at")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IndustryBrain.objects.none()
        return self.base_queryset().order_by("-year", "pk")


@crud_schema(
    "Technology-upgrade (技改) projects",
    UpgradeProjectSerializer,
    UPGRADE,
    UPGRADE_REQUEST,
    "焊接产线智能化改造（已验收）",
)
class UpgradeProjectViewSet(DigitalRecordViewSet):
    """技改 projects: the plan is written here; the status moves through ``advance`` one step at a time."""

    model = UpgradeProject
    serializer_class = UpgradeProjectSerializer
    filterset_class = UpgradeProjectFilter
    ordering_fields = ("planned_finish", "planned_start", "investment", "name")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return UpgradeProject.objects.none()
        return self.base_queryset().order_by("planned_finish", "pk")

    @extend_schema(
        request=AdvanceSerializer,
        responses={200: UpgradeProjectSerializer, **ERRORS, 404: ErrorSerializer},
        examples=[
            request_example("Accept", ADVANCE_REQUEST, "验收并填写劳动生产率变化"),
            request_example("Start", {"to": "under_way", "on": "2024-03-15"}, "开工"),
            response_example("已验收", UPGRADE),
        ],
        summary="Move a project to its next status: under way, completed, accepted (caseworkers)",
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        project = self.get_object()
        body = AdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        moved = advance_upgrade(project=project, actor=request.user, **body.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=moved.pk)).data, status=status.HTTP_200_OK
        )
