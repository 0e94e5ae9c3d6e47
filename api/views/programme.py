"""Reviews, attestations, targets and ``/api/me/``: parse, call one service, render. No rules here."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cultivation.filters import AttestationFilter, ReviewFilter, TargetFilter
from cultivation.models import Attestation, Review, Target
from cultivation.services import application_transition, claim_attestation, decide_attestation
from cultivation.workflow import Action
from registry.roles import scope_of

from ..authentication import token_expires_at
from ..examples import (
    ATTESTATION,
    ATTESTATION_CLAIM_REQUEST,
    ATTESTATION_CONFIRMED,
    REVIEW_RECORD,
    REVIEW_REQUEST,
    TARGET,
    TARGET_REQUEST,
    request_example,
    response_example,
)
from ..permissions import AdminWrites, EditsFigures, IsProgrammeStaff
from ..serializers import ErrorSerializer
from ..serializers.programme import (
    AttestationClaimSerializer,
    AttestationDecisionSerializer,
    AttestationSerializer,
    MeSerializer,
    ReviewCreateSerializer,
    ReviewRecordSerializer,
    TargetSerializer,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="bad input or an unmet precondition"),
    403: OpenApiResponse(ErrorSerializer, description="your role or scope may not take this action"),
}


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
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
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


@extend_schema_view(
    list=extend_schema(
        summary="Attested-criterion claims of the firms you may see",
        examples=[response_example("待确认的自主品牌佐证", ATTESTATION)],
    ),
    retrieve=extend_schema(
        summary="One claim",
        responses={200: AttestationSerializer, 404: ErrorSerializer},
        examples=[response_example("待确认的自主品牌佐证", ATTESTATION)],
    ),
)
class AttestationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Claims that a firm meets an attested criterion (P3): firm users and caseworkers claim with
    evidence; caseworkers confirm or reject. Only confirmed claims count in eligibility."""

    serializer_class = AttestationSerializer
    filterset_class = AttestationFilter
    permission_classes = [IsAuthenticated, EditsFigures]
    ordering_fields = ("claimed_at", "decided_at", "code")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attestation.objects.none()
        queryset = Attestation.objects.visible_to(self.request.user).select_related("firm")
        return queryset.order_by("-claimed_at", "-pk")

    @extend_schema(
        request={"multipart/form-data": AttestationClaimSerializer},
        responses={201: AttestationSerializer, **ERRORS},
        examples=[
            request_example(
                "Claim", ATTESTATION_CLAIM_REQUEST, "申报自主品牌（附商标注册证）", "multipart/form-data"
            ),
            response_example("待确认", ATTESTATION, status_codes=("201",)),
        ],
        summary="Claim an attested criterion with evidence (multipart upload)",
    )
    def create(self, request, *args, **kwargs):
        body = AttestationClaimSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        attestation = claim_attestation(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(attestation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AttestationDecisionSerializer,
        responses={200: AttestationSerializer, **ERRORS, 404: ErrorSerializer},
        examples=[
            OpenApiExample("Confirm", value={"confirm": True}, request_only=True),
            OpenApiExample("Reject", value={"confirm": False, "reason": "证书已过期。"}, request_only=True),
            response_example("已确认", ATTESTATION_CONFIRMED),
        ],
        summary="Confirm or reject a pending claim (caseworkers)",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        attestation = self.get_object()
        body = AttestationDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = decide_attestation(
            attestation=attestation,
            confirm=body.validated_data["confirm"],
            reason=body.validated_data["reason"],
            actor=request.user,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=decided.pk)).data)


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
class TargetViewSet(viewsets.ModelViewSet):
    """Programme targets: all programme staff read them, programme admins edit them (as in the admin)."""

    queryset = Target.objects.order_by("year", "kind", "subject")
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    permission_classes = [IsAuthenticated, IsProgrammeStaff, AdminWrites]
    ordering_fields = ("year", "subject", "kind", "count")


class MeView(APIView):
    """Who the caller is: the cheapest authenticated endpoint (the benchmark's floor)."""

    @extend_schema(
        responses={200: MeSerializer, 401: ErrorSerializer},
        examples=[
            OpenApiExample(
                "A district caseworker",
                value={
                    "username": "caseworker.wang",
                    "role": "caseworker",
                    "roles": ["caseworker"],
                    "firm": None,
                    "district": "500112",
                    "scope": "district",
                    "token_expires_at": "2026-09-28T10:00:00+08:00",
                },
                response_only=True,
            )
        ],
        summary="Who am I",
    )
    def get(self, request):
        user = request.user
        codes = (
            get_user_model().objects.filter(pk=user.pk).values("firm__credit_code", "district__code").get()
        )
        data = MeSerializer.describe(
            user, scope_of(user), codes["firm__credit_code"], codes["district__code"]
        )
        data["token_expires_at"] = token_expires_at(request.auth) if isinstance(request.auth, Token) else None
        return Response(MeSerializer(data).data)
