"""Ordering that refuses what it does not know, so a typo is a 400 and not silently ignored."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    """DRF's ``?ordering=a,-b`` limited to the view's explicit ``ordering_fields``; anything else is a 400.

    Views must list ``ordering_fields`` (never ``"__all__"``): ordering by an arbitrary column could leak
    fields the serializer does not show, and a slow sort on an unindexed column is a cheap denial of service.
    """

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if not params:
            return self.get_default_ordering(view)
        allowed = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
        terms = [term.strip() for term in params.split(",") if term.strip()]
        unknown = [term for term in terms if term.lstrip("-") not in allowed]
        if unknown:
            raise serializers.ValidationError(
                {
                    self.ordering_param: _("无法按“%(terms)s”排序；可用字段：%(allowed)s。")
                    % {"terms": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}
                }
            )
        return terms or self.get_default_ordering(view)

    def get_default_valid_fields(self, queryset, view, context=None):
        return []  # no implicit "every serializer field": ordering_fields must be explicit

    def get_schema_operation_parameters(self, view):
        """Document the fields a caller may order by (comma-separated, ``-`` for descending)."""
        fields = getattr(view, "ordering_fields", None) or []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "排序字段，逗号分隔，前加 - 表示倒序 / order by, comma-separated, - for "
                f"descending: {', '.join(fields)}",
                "schema": {"type": "string", "example": f"-{fields[0]}" if fields else ""},
            }
        ]
