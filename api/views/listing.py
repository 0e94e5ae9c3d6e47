"""``/api/listing/``: firms' listing tracks (P14). Everyone reads the tracks in their scope (a firm its
own); caseworkers open a track, move it forward and edit its board, code and note — through
``advance_listing`` and ``edit_listing_details``, the services the admin and the import call."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cultivation.listing_filters import ListingFilter
from cultivation.models import ListingTrack
from cultivation.services import advance_listing, edit_listing_details

from ..examples import request_example, response_example
from ..listing_examples import LISTING, LISTING_ADVANCE_REQUEST, LISTING_OPEN_REQUEST, LISTING_PATCH
from ..permissions import EditsRegister
from ..replica import ReplicaListMixin
from ..serializers import ERRORS, ErrorSerializer
from ..serializers.listing import (
    ListingAdvanceSerializer,
    ListingOpenSerializer,
    ListingPatchSerializer,
    ListingTrackSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="Listing tracks of the firms you may see, with the pool members' doubling status",
        examples=[response_example("科创板，辅导备案", LISTING)],
    ),
    retrieve=extend_schema(
        summary="One listing track", examples=[response_example("科创板，辅导备案", LISTING)]
    ),
)
class ListingTrackViewSet(
    ReplicaListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ListingTrackSerializer
    filterset_class = ListingFilter
    permission_classes = [IsAuthenticated, EditsRegister]
    ordering_fields = ("stage", "board")

    def get_queryset(self):
        tracks = ListingTrack.objects.visible_to(self.request.user)
        return tracks.select_related("firm", "firm__pool_membership").order_by("firm__name", "pk")

    def _answer(self, track: ListingTrack, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=track.pk)).data, status=code)

    @extend_schema(
        request=ListingOpenSerializer,
        responses={201: ListingTrackSerializer, **ERRORS},
        examples=[
            request_example("Open", LISTING_OPEN_REQUEST, "纳入上市培育（科创板）"),
            response_example("已建立", LISTING, status_codes=("201",)),
        ],
        summary="Open a firm's listing track at a stage on a day (caseworkers, in their scope)",
    )
    def create(self, request):
        body = ListingOpenSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if ListingTrack.objects.filter(firm=data["firm"]).exists():
            raise ValidationError({"firm": _("该企业已有上市培育档案，请推进其阶段。")})
        track = advance_listing(actor=request.user, **data)
        return self._answer(track, status.HTTP_201_CREATED)

    @extend_schema(
        request=ListingAdvanceSerializer,
        responses={200: ListingTrackSerializer, **ERRORS, 404: ErrorSerializer},
        examples=[
            request_example("Advance", LISTING_ADVANCE_REQUEST, "辅导备案"),
            response_example("已推进", LISTING),
        ],
        summary="Move a track forward to a stage reached on a day (caseworkers; never backwards)",
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        track = self.get_object()
        body = ListingAdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(advance_listing(firm=track.firm, actor=request.user, **body.validated_data))

    @extend_schema(
        request=ListingPatchSerializer,
        responses={200: ListingTrackSerializer, **ERRORS, 404: ErrorSerializer},
        examples=[request_example("Note", LISTING_PATCH, "更新备注"), response_example("已修改", LISTING)],
        summary="Change a track's board (until listed), securities code or note (caseworkers)",
    )
    def partial_update(self, request, pk=None):
        track = self.get_object()
        body = ListingPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(edit_listing_details(track=track, actor=request.user, **body.validated_data))
