"""Expert reviews of the city review: read within scope (blind), submitted through the workflow."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from cultivation.filters import ReviewFilter
from cultivation.models import Review
from cultivation.services import application_transition
from cultivation.workflow import Action

from ..examples import REVIEW_RECORD, REVIEW_REQUEST, request_example, response_example
from ..replica import ReplicaListMixin
from ..serializers import ERRORS, ErrorSerializer
from ..serializers.reviews import ReviewCreateSerializer, ReviewRecordSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Expert reviews you may read (caseworkers: all in scope; experts: their own)",
        examples=[response_example("建议通过", REVIEW_RECORD)],
    ),
    retrieve=extend_schema(
        summary="One expert review",
        responses={200: ReviewRecordSerializer, 404: ErrorSerializer},
        examples=[response_example("建议通过", REVIEW_RECORD)],
    ),
)
class ReviewViewSet(
    ReplicaListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Expert reviews (专家评审意见) of the city review. An assigned expert submits one per revision;
    it is the workflow's ``review`` action, so the same checks apply as on the transition endpoint."""

    serializer_class = ReviewRecordSerializer
    filterset_class = ReviewFilter
    ordering_fields = ("submitted_at", "score", "revision")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        related = ("assignment__application__firm", "assignment__reviewer")
        reviews = Review.objects.visible_to(self.request.user)  # blind review: see the model
        return reviews.select_related(*related).order_by("-submitted_at", "-pk")

    @extend_schema(
        request=ReviewCreateSerializer,
        responses={
            201: ReviewRecordSerializer,
            **ERRORS,
            409: OpenApiResponse(
                ErrorSerializer, description="already reviewed, or no longer in city review"
            ),
        },
        examples=[
            request_example("Score an application", REVIEW_REQUEST, "为申请评分"),
            response_example("已提交", REVIEW_RECORD, status_codes=("201",)),
        ],
        summary="Submit your review of an application you are assigned to",
    )
    def create(self, request, *args, **kwargs):
        body = ReviewCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        application = application_transition(
            application=data["application"],
            action=Action.REVIEW,
            actor=request.user,
            score=data["score"],
            recommendation=data["recommendation"],
            comment=data["comment"],
        )
        review = self.get_queryset().get(
            assignment__application=application,
            assignment__reviewer=request.user,
            revision=application.revision,
        )
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)
