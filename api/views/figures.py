"""Annual figures of a firm (nested under the firm, writable) and of every visible firm (flat, read-only)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated

from registry.credit_code import normalise
from registry.filters import AnnualFiguresFilter
from registry.models import AnnualFigures, Firm
from registry.services import delete_figures

from ..conditional import ETAG, WRITE_PARAMETERS, ConditionalWriteMixin
from ..examples import FIGURES, FIGURES_REQUEST, FIGURES_UPDATE_REQUEST, request_example, response_example
from ..filtering import StrictOrderingFilter
from ..pagination import PageOrCursorPagination
from ..permissions import EditsFigures
from ..replica import ReplicaListMixin
from ..serializers import AnnualFiguresSerializer, AnnualFiguresUpdateSerializer
from ..serializers.model_clean import model_errors

CREDIT_CODE = OpenApiParameter("credit_code", str, OpenApiParameter.PATH, description="统一社会信用代码")
YEAR = OpenApiParameter("year", int, OpenApiParameter.PATH, description="fiscal year")


@extend_schema_view(
    list=extend_schema(
        parameters=[CREDIT_CODE],
        summary="The firm's annual figures, newest first",
        examples=[response_example("2024 年度（已审计）", FIGURES)],
    ),
    create=extend_schema(
        parameters=[CREDIT_CODE, ETAG],
        summary="Add a fiscal year's figures",
        examples=[
            request_example("Fiscal 2024", FIGURES_REQUEST, "报送 2024 年度数据（万元）"),
            response_example("已报送", FIGURES, status_codes=("201",)),
        ],
    ),
    retrieve=extend_schema(
        parameters=[CREDIT_CODE, YEAR, ETAG],
        summary="One fiscal year's figures",
        examples=[response_example("2024 年度（已审计）", FIGURES)],
    ),
    update=extend_schema(
        parameters=[CREDIT_CODE, YEAR, *WRITE_PARAMETERS],
        summary="Replace a year's figures (not frozen)",
        examples=[
            request_example(
                "Whole year", {k: v for k, v in FIGURES_REQUEST.items() if k != "year"}, "整年数据"
            ),
            response_example("已更新", FIGURES),
        ],
    ),
    destroy=extend_schema(
        parameters=[CREDIT_CODE, YEAR],
        summary="Delete a year's figures (not frozen)",
        description="Deletes a fiscal year entered by mistake: caseworkers in scope and the firm's own "
        "users, through the same service as the admin and the portal. A year a reviewer relied on is frozen "
        "and is refused with 400, nothing deleted.",
    ),
    partial_update=extend_schema(
        parameters=[CREDIT_CODE, YEAR, *WRITE_PARAMETERS],
        summary="Change a year's figures",
        examples=[
            request_example("Corrected profit", FIGURES_UPDATE_REQUEST, "更正净利润"),
            response_example("已更新", {**FIGURES, **FIGURES_UPDATE_REQUEST}),
        ],
    ),
)
class FirmFiguresViewSet(
    ReplicaListMixin,
    ConditionalWriteMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A firm's annual figures: caseworkers in scope and the firm's own users keep them current. A year
    answers with its ``ETag``; ``If-Match`` keeps a write from overwriting a change (``conditional``)."""

    permission_classes = [IsAuthenticated, EditsFigures]
    lookup_field = "year"
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ("year",)

    def get_firm(self) -> Firm:
        if not hasattr(self, "_firm"):
            visible = Firm.objects.visible_to(self.request.user)
            self._firm = get_object_or_404(visible, credit_code=normalise(self.kwargs["credit_code"]))
        return self._firm

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AnnualFigures.objects.none()
        return AnnualFigures.objects.filter(firm=self.get_firm()).select_related("firm").order_by("-year")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return AnnualFiguresUpdateSerializer
        return AnnualFiguresSerializer

    def perform_destroy(self, instance: AnnualFigures) -> None:
        """Delete through the register's write service (scope, audit, freeze), as the admin does."""
        try:
            delete_figures(instance, user=self.request.user, reason=_("通过接口删除"))
        except DjangoValidationError as error:
            raise model_errors(error) from error

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and "credit_code" in self.kwargs:
            context["firm"] = self.get_firm()
        return context


@extend_schema_view(
    list=extend_schema(
        summary="Annual figures of every firm you may see",
        examples=[response_example("2024 年度（已审计）", FIGURES)],
    )
)
class AnnualFiguresViewSet(ReplicaListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Annual figures of every firm the user may see; filter with ``?firm=<credit code>&year=``."""

    serializer_class = AnnualFiguresSerializer
    filterset_class = AnnualFiguresFilter
    ordering_fields = ("year",)
    pagination_class = PageOrCursorPagination
    cursor_ordering = ("id",)
    cached_count = True  # page numbers: the count is kept per query and data version (api.pagination)

    def get_queryset(self):
        return (
            AnnualFigures.objects.visible_to(self.request.user)
            .select_related("firm")
            .order_by("firm__name", "-year")
        )
