"""Pagination shared by every list endpoint: ``page`` and ``page_size`` (default 50, max 500)."""

from rest_framework.pagination import PageNumberPagination


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
