"""The holiday calendar: everyone signed in reads it; caseworkers keep it through ``save_holiday`` and
``delete_holiday``, the services behind the admin's holiday pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cultivation.models import Holiday
from cultivation.services import delete_holiday, save_holiday

from ..examples import request_example, response_example
from ..permissions import EditsRegister
from ..programme_examples import HOLIDAY, HOLIDAY_REQUEST, MAKE_UP_DAY
from ..replica import ReplicaListMixin
from ..serializers import ERRORS, ErrorSerializer
from ..serializers.calendar import HolidaySerializer

WRITE_ERRORS = {**ERRORS, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(
        summary="The holiday calendar notices are counted against",
        examples=[response_example("国庆节", HOLIDAY), response_example("调休补班", MAKE_UP_DAY)],
    ),
    retrieve=extend_schema(summary="One calendar day", examples=[response_example("国庆节", HOLIDAY)]),
    create=extend_schema(
        responses={201: HolidaySerializer, **WRITE_ERRORS},
        examples=[
            request_example("Holiday", HOLIDAY_REQUEST, "国庆节"),
            response_example("已添加", HOLIDAY, status_codes=("201",)),
        ],
        summary="Add a calendar day",
    ),
    update=extend_schema(
        responses={200: HolidaySerializer, **WRITE_ERRORS},
        examples=[request_example("Holiday", HOLIDAY_REQUEST, "国庆节"), response_example("国庆节", HOLIDAY)],
        summary="Change a calendar day",
    ),
    partial_update=extend_schema(
        responses={200: HolidaySerializer, **WRITE_ERRORS},
        examples=[
            request_example("Rename", {"name": "国庆节"}, "改名"),
            response_example("国庆节", HOLIDAY),
        ],
        summary="Change some fields of a calendar day",
    ),
    destroy=extend_schema(
        responses={204: OpenApiResponse(description="removed"), **WRITE_ERRORS},
        summary="Remove a calendar day",
    ),
)
class HolidayViewSet(ReplicaListMixin, viewsets.ModelViewSet):
    serializer_class = HolidaySerializer
    permission_classes = [IsAuthenticated, EditsRegister]
    queryset = Holiday.objects.order_by("day")
    ordering_fields = ("day",)

    def perform_create(self, serializer):
        serializer.instance = save_holiday(
            holiday=Holiday(**serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer):
        holiday = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(holiday, field, value)
        serializer.instance = save_holiday(holiday=holiday, actor=self.request.user)

    def destroy(self, request, *args, **kwargs):
        delete_holiday(holiday=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
