"""Applications and designations: parse input, call one service, render. No workflow rules here."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cultivation.filters import ApplicationFilter, DesignationFilter
from cultivation.models import Application, Designation
from cultivation.services import application_transition, create_application, record_historical_designation

from ..examples import (
    APPLICATION,
    APPLICATION_CREATE_REQUEST,
    APPLICATION_DETAIL,
    APPLICATION_DRAFT,
    DESIGNATION,
    request_example,
    response_example,
)
from ..programme_examples import DESIGNATION_RECORD_REQUEST, DESIGNATION_RECORDED
from ..replica import ReplicaListMixin
from ..serializers import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationSerializer,
    DesignationSerializer,
    ErrorSerializer,
    TransitionSerializer,
)
from ..serializers.programme_actions import DesignationRecordSerializer

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="bad input or an unmet precondition"),
    403: OpenApiResponse(ErrorSerializer, description="your role or scope may not take this action"),
    404: OpenApiResponse(ErrorSerializer, description="no such application among those you may see"),
}


@extend_schema_view(
    list=extend_schema(
        summary="Applications you may see, with the actions open to you",
        examples=[response_example("区县初审中的申请", APPLICATION)],
    ),
    retrieve=extend_schema(
        summary="One application: snapshot, history, reviews you may read",
        examples=[response_example("市级复审中的申请（业务人员视角）", APPLICATION_DETAIL)],
    ),
)
class ApplicationViewSet(
    ReplicaListMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Applications the user may see; each says which actions the user can take on it now."""

    filterset_class = ApplicationFilter
    ordering_fields = ("created_at", "submitted_at", "notice_ends_on")

    def get_queryset(self):
        queryset = Application.objects.visible_to(self.request.user).with_workflow()
        if self.action == "list":
            queryset = queryset.defer("snapshot")  # large JSON the list does not show
        else:  # events and reviews are read per user by the serializer (blind review)
            queryset = queryset.prefetch_related("assignments__reviewer")
        return queryset.order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return {
            "list": ApplicationSerializer,
            "create": ApplicationCreateSerializer,
            "transition": TransitionSerializer,
        }.get(self.action, ApplicationDetailSerializer)

    def _detail(self, application: Application, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(
            ApplicationDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(
        request=ApplicationCreateSerializer,
        responses={201: ApplicationDetailSerializer, **ERRORS},
        examples=[
            request_example("A new application", APPLICATION_CREATE_REQUEST, "申报专精特新中小企业"),
            response_example("草稿", APPLICATION_DRAFT, status_codes=("201",)),
        ],
        summary="Open a draft application (submit it with the transition action)",
    )
    def create(self, request, *args, **kwargs):
        serializer = ApplicationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        application = create_application(actor=request.user, **serializer.validated_data)
        return self._detail(application, status.HTTP_201_CREATED)

    @extend_schema(
        request=TransitionSerializer,
        responses={
            200: ApplicationDetailSerializer,
            **ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="no longer possible: the application moved on"),
        },
        examples=[
            request_example("Recommend", {"action": "recommend"}, "初审通过，报市级复审"),
            request_example(
                "Return", {"action": "return", "reason": "请补充 2024 年度审计报告。"}, "退回补充材料"
            ),
            request_example(
                "Review",
                {"action": "review", "score": 86, "recommendation": "approve", "comment": "研发投入稳定。"},
                "提交评审意见",
            ),
            response_example("已报市级复审", APPLICATION_DETAIL),
        ],
        summary="Take a workflow action (see available_actions)",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        application = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application_transition(application=application, actor=request.user, **serializer.validated_data)
        return self._detail(application)


@extend_schema_view(
    list=extend_schema(
        summary="Designations of the firms you may see",
        examples=[response_example("有效的专精特新称号", DESIGNATION)],
    ),
    retrieve=extend_schema(
        summary="One designation", examples=[response_example("有效的专精特新称号", DESIGNATION)]
    ),
)
class DesignationViewSet(ReplicaListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Designations of the firms the user may see; filter with ``?firm=<credit code>``.

    ``POST`` records one granted outside Tiermark through ``record_historical_designation``, the service
    behind the admin's add page (city caseworkers and programme admins).
    """

    serializer_class = DesignationSerializer
    filterset_class = DesignationFilter
    ordering_fields = ("granted_on", "expires_on")

    def get_queryset(self):
        return (
            Designation.objects.visible_to(self.request.user)
            .select_related("firm")
            .order_by("-granted_on", "-pk")
        )

    @extend_schema(
        request=DesignationRecordSerializer,
        responses={201: DesignationSerializer, **ERRORS},
        examples=[
            request_example("Record", DESIGNATION_RECORD_REQUEST, "补录系统启用前的认定"),
            response_example("已补录", DESIGNATION_RECORDED, status_codes=("201",)),
        ],
        summary="Record a designation granted before Tiermark (city caseworkers and programme admins)",
    )
    def create(self, request, *args, **kwargs):
        body = DesignationRecordSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        designation = record_historical_designation(actor=request.user, **body.validated_data)
        fresh = self.get_queryset().get(pk=designation.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)
