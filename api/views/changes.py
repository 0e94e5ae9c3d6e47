"""The change feed for integrators: what changed in the caller's scope since a cursor (issue 19).

Parse the cursor, read one page from the selector, render. Why the order has no gaps under
concurrent writes (entries are numbered at commit) is explained in ``registry.change_feed``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cultivation.change_feed import changes_visible_to
from registry.change_feed import changes_after, latest_seq, pruned_through
from registry.read_replica import from_replica_or_primary

from ..examples import CHANGE_FEED, response_example
from ..serializers.changes import ChangeFeedQuerySerializer, ChangeFeedSerializer, ChangeSerializer
from ..serializers.errors import ErrorSerializer


class Gone(exceptions.APIException):
    """The cursor is older than the feed's retention: the changes after it were pruned (HTTP 410)."""

    status_code = status.HTTP_410_GONE
    default_detail = _("该游标早于变更记录的保留期限，其后的部分变更已被清理；请重新全量同步后再继续。")
    default_code = "gone"


class ChangeFeedView(APIView):
    """Changes of firms, figures, designations and applications' statuses in your scope, in order."""

    @extend_schema(
        summary="What changed in your scope since a cursor (firms, figures, designations, applications)",
        parameters=[
            OpenApiParameter(
                "since",
                str,
                description="cursor from the previous page's next; 0: the whole history (410 once pruned); "
                "latest: no entries, just the newest cursor",
            ),
            OpenApiParameter("limit", int, description="entries per page (1-1000, default 100)"),
        ],
        responses={
            200: ChangeFeedSerializer,
            410: OpenApiResponse(ErrorSerializer, description="cursor older than the retention: resync"),
        },
        examples=[response_example("一次数据更正与一次状态变化", CHANGE_FEED, status_codes=("200",))],
    )
    def get(self, request):
        # On the replica, like the lists: a client that takes a cursor, reads the lists and follows the
        # feed reads one copy throughout, so a lagging replica delays changes but never skips one.
        return from_replica_or_primary(lambda: self._answer(request), request.user)

    def _answer(self, request) -> Response:
        query = ChangeFeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since, limit = query.validated_data["since"], query.validated_data["limit"]
        if since == "latest":
            return self._page([], latest_seq(), has_more=False)
        cursor = int(since)
        if cursor < pruned_through():
            raise Gone()
        rows = changes_after(changes_visible_to(request.user), cursor, limit + 1)
        page = rows[:limit]
        return self._page(page, page[-1].seq if page else cursor, has_more=len(rows) > limit)

    def _page(self, page: list, cursor: int, has_more: bool) -> Response:
        results = ChangeSerializer(page, many=True).data
        return Response({"results": results, "next": str(cursor), "has_more": has_more})
