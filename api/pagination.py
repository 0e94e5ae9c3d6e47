"""Pagination of the list endpoints: ``page`` and ``page_size`` (default 50, max 500) for every list, and
for the big lists (firms, figures, alerts) a cursor mode whose every page costs what the first does.

Page numbers make the database count the rows and skip ``(page - 1) * page_size`` of them: page 2,000 of
a million rows reads 100,000 rows to throw them away. A cursor remembers where the last page ended and
asks for the rows after it, on a unique indexed ordering (``cursor_ordering`` on the view), with no count.
A client opts in with ``?pagination=cursor`` (first page) and then follows ``next``, whose ``?cursor=``
keeps it in that mode; without either, the list answers page by page as it always did.

Page numbers still count, and at a million firms ``COUNT(*)`` of a city-wide list is 60-110 ms on every
first page. Lists that say ``cached_count = True`` (firms, figures) keep each query's count under the
dashboard's data version (``cultivation.dashboard_cache``): exact, recounted after any change to the rows it
counts, and at most ``CACHE_SECONDS`` old after a bulk write that sends no signal.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination

from cultivation.dashboard_cache import cached

PAGINATION_PARAM = "pagination"
PAGE_MODES = ("page", "cursor")


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response_schema(self, schema: dict) -> dict:
        """DRF's envelope schema, with links that look like this API's own in the documented examples."""
        envelope = super().get_paginated_response_schema(schema)
        envelope["properties"]["next"]["example"] = "/api/firms/?page=3&page_size=50"
        envelope["properties"]["previous"]["example"] = "/api/firms/?page=1&page_size=50"
        return envelope


class KeysetPagination(CursorPagination):
    """DRF's cursor pagination on the view's ``cursor_ordering`` (unique, indexed), never ``?ordering=``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        return tuple(view.cursor_ordering)

    def paginate_queryset(self, queryset, request, view=None):
        """A forged cursor whose position does not fit the ordering column is a 404 like any bad cursor."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, DjangoValidationError) as error:
            raise NotFound(self.invalid_cursor_message) from error


class CachedCountPaginator(Paginator):
    """Django's paginator with the count kept per query (SQL and parameters, so per scope and filters) and
    data version: the second reader of a list's first page does not count the rows again."""

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is None:
            return Paginator.count.func(self)
        sql, params = query.sql_with_params()
        digest = hashlib.sha256(repr((self.object_list.db, sql, params)).encode()).hexdigest()
        return cached(("count", digest), lambda: Paginator.count.func(self))


class PageOrCursorPagination(StandardPagination):
    """Page numbers by default; cursor pages when the request asks (``?pagination=cursor`` or ``?cursor=``).

    In cursor mode the order is the view's ``cursor_ordering``; an ``?ordering=`` is refused (400) rather
    than silently ignored, since a cursor can only continue the order it was made in.
    """

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_mode = self._wants_cursor(request)
        if not self.cursor_mode:
            if getattr(view, "cached_count", False):
                self.django_paginator_class = CachedCountPaginator
            return super().paginate_queryset(queryset, request, view)
        if request.query_params.get("ordering"):
            raise serializers.ValidationError(
                {
                    "ordering": _(
                        "游标分页按固定顺序（%(order)s）翻页，不能同时指定 ordering；"
                        "请去掉 ordering，或改用页码分页。"
                    )
                    % {"order": ", ".join(view.cursor_ordering)}
                }
            )
        self.keyset = KeysetPagination()
        return self.keyset.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.cursor_mode:
            return self.keyset.get_paginated_response(data)
        return super().get_paginated_response(data)

    def _wants_cursor(self, request) -> bool:
        mode = request.query_params.get(PAGINATION_PARAM)
        if mode is not None and mode not in PAGE_MODES:
            raise serializers.ValidationError(
                {PAGINATION_PARAM: _("分页方式只能是 %(modes)s。") % {"modes": "、".join(PAGE_MODES)}}
            )
        return mode == "cursor" or (mode is None and "cursor" in request.query_params)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        """Either envelope: ``count`` (page numbers only), ``next``, ``previous``, ``results``."""
        envelope = super().get_paginated_response_schema(schema)
        envelope["required"] = ["results"]
        envelope["properties"]["count"]["description"] = (
            "total rows (page numbers only; absent in cursor mode)"
        )
        return envelope

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": PAGINATION_PARAM,
                "required": False,
                "in": "query",
                "description": "page (default): numbered pages with a count; cursor: pages in the fixed "
                f"order {', '.join(view.cursor_ordering)}, each as cheap as the first (follow next)",
                "schema": {"type": "string", "enum": list(PAGE_MODES)},
            },
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "opaque position from a cursor page's next or previous link",
                "schema": {"type": "string"},
            },
        ]
