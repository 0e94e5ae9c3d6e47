"""What a caseworker does outside the application workflow table, each route calling the service the
portal and admin call: assigning and removing experts, revoking a designation, recording and lifting
disqualifications. (Pool admission and exit are on the pool's own routes, ``api.views.alerts``.)

Parse, call one service, render: permissions, rules and refusals are the services' (PermissionDenied →
403, ValidationError → 400, TransitionConflict → 409, a record outside the caller's scope → 404).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cultivation.filters import DisqualificationFilter
from cultivation.models import Application, Designation, Disqualification, ReviewAssignment
from cultivation.services import (
    assign_reviewers,
    lift_disqualification,
    record_disqualification,
    revoke_designation,
    unassign_reviewer,
)

from ..examples import request_example, response_example
from ..permissions import IsProgrammeStaff
from ..programme_examples import (
    ASSIGN_REQUEST,
    ASSIGNMENTS,
    DESIGNATION_REVOKED,
    DISQUALIFICATION,
    DISQUALIFICATION_LIFTED,
    DISQUALIFICATION_REQUEST,
    LIFT_REQUEST,
    REVOKE_REQUEST,
)
from ..replica import ReplicaListMixin
from ..serializers import DesignationSerializer, ErrorSerializer
from ..serializers.programme_actions import (
    AssignmentSerializer,
    AssignReviewersSerializer,
    DisqualificationCreateSerializer,
    DisqualificationLiftSerializer,
    DisqualificationSerializer,
    RevokeSerializer,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="bad input or an unmet precondition"),
    403: OpenApiResponse(ErrorSerializer, description="your role or scope may not take this action"),
    404: OpenApiResponse(ErrorSerializer, description="no such record among those you may see"),
    409: OpenApiResponse(ErrorSerializer, description="no longer possible: the record moved on"),
}


def _assignments(application: Application, user) -> list[ReviewAssignment]:
    """The application's assignments the caller may read (blind review), with what ``reviewed`` needs."""
    visible = ReviewAssignment.objects.visible_to(user).filter(application=application)
    related = visible.select_related("reviewer", "assigned_by", "application").prefetch_related("reviews")
    return list(related.order_by("pk"))


class ApplicationAssignmentsView(APIView):
    """``POST /api/applications/{id}/assignments/``: ask experts to score an application (city review)."""

    @extend_schema(
        request=AssignReviewersSerializer,
        responses={201: AssignmentSerializer(many=True), **ERRORS},
        examples=[
            request_example("Assign two experts", ASSIGN_REQUEST, "分配两位评审专家"),
            OpenApiExample("已分配", value=ASSIGNMENTS[0], response_only=True, status_codes=["201"]),
        ],
        summary="Assign experts to an application in the city review (city caseworkers)",
    )
    def post(self, request, pk: int):
        application = get_object_or_404(Application.objects.visible_to(request.user), pk=pk)
        body = AssignReviewersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        names = body.validated_data["reviewers"]
        experts = list(get_user_model().objects.filter(username__in=names))
        unknown = sorted(set(names) - {expert.get_username() for expert in experts})
        if unknown:
            message = _("没有这些用户：%(names)s。") % {"names": "、".join(unknown)}
            raise ValidationError({"reviewers": message})
        try:
            assign_reviewers(
                application=application,
                reviewers=experts,
                due_at=body.validated_data["due_on"],
                actor=request.user,
            )
        except ValidationError as error:  # the service names the day ``due_at``, the API ``due_on``
            raise _renamed(error, "due_at", "due_on") from error
        data = AssignmentSerializer(_assignments(application, request.user), many=True).data
        return Response(data, status=status.HTTP_201_CREATED)


def _renamed(error: ValidationError, old: str, new: str) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {new if field == old else field: errors for field, errors in error.message_dict.items()}
    )


class ApplicationAssignmentView(APIView):
    """``DELETE /api/applications/{id}/assignments/{username}/``: take an expert off before their review."""

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="the expert is no longer assigned"), **ERRORS},
        summary="Remove an expert's assignment before their review (city caseworkers)",
    )
    def delete(self, request, pk: int, username: str):
        application = get_object_or_404(Application.objects.visible_to(request.user), pk=pk)
        assignments = ReviewAssignment.objects.visible_to(request.user).filter(application=application)
        assignment = get_object_or_404(assignments, reviewer__username=username)
        unassign_reviewer(assignment=assignment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DesignationRevokeView(APIView):
    """``POST /api/designations/{id}/revoke/``: revoke with a reason; the firm's open applications end."""

    @extend_schema(
        request=RevokeSerializer,
        responses={200: DesignationSerializer, **ERRORS},
        examples=[
            request_example("Revoke", REVOKE_REQUEST, "撤销称号"),
            response_example("已撤销", DESIGNATION_REVOKED),
        ],
        summary="Revoke a designation (caseworkers; the firm is barred from applying for three years)",
    )
    def post(self, request, pk: int):
        designation = get_object_or_404(Designation.objects.visible_to(request.user), pk=pk)
        body = RevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        revoked = revoke_designation(
            designation=designation, reason=body.validated_data["reason"], actor=request.user
        )
        fresh = Designation.objects.select_related("firm").get(pk=revoked.pk)
        return Response(DesignationSerializer(fresh).data)


@extend_schema_view(
    list=extend_schema(
        summary="Disqualifications recorded against the firms you may see (programme staff)",
        examples=[response_example("列入经营异常名录（未解除）", DISQUALIFICATION)],
    ),
    retrieve=extend_schema(
        summary="One recorded disqualification",
        examples=[response_example("列入经营异常名录（未解除）", DISQUALIFICATION)],
    ),
)
class DisqualificationViewSet(
    ReplicaListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Negative common conditions (P3): caseworkers record and lift them; programme staff read them."""

    serializer_class = DisqualificationSerializer
    filterset_class = DisqualificationFilter
    permission_classes = [IsAuthenticated, IsProgrammeStaff]
    ordering_fields = ("occurred_on", "recorded_at")

    def get_queryset(self):
        flags = Disqualification.objects.visible_to(self.request.user).select_related("firm", "recorded_by")
        return flags.order_by("-occurred_on", "-pk")

    @extend_schema(
        request=DisqualificationCreateSerializer,
        responses={201: DisqualificationSerializer, **ERRORS},
        examples=[
            request_example("Record", DISQUALIFICATION_REQUEST, "记录列入经营异常名录"),
            response_example("已记录", DISQUALIFICATION, status_codes=("201",)),
        ],
        summary="Record a disqualification against a firm (caseworkers)",
    )
    def create(self, request, *args, **kwargs):
        body = DisqualificationCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        flag = record_disqualification(actor=request.user, **body.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=flag.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=DisqualificationLiftSerializer,
        responses={200: DisqualificationSerializer, **ERRORS},
        examples=[
            request_example("Lift", LIFT_REQUEST, "移出名录后解除"),
            response_example("已解除", DISQUALIFICATION_LIFTED),
        ],
        summary="Lift a disqualification with a reason (caseworkers)",
    )
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        flag = self.get_object()
        body = DisqualificationLiftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            lifted = lift_disqualification(disqualification=flag, actor=request.user, **body.validated_data)
        except ValidationError as error:  # the record's field is ``lifted_reason``, the body's ``reason``
            raise _renamed(error, "lifted_reason", "reason") from error
        return Response(self.get_serializer(self.get_queryset().get(pk=lifted.pk)).data)
