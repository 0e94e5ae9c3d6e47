"""The API's one error shape, as the schema documents it (the exception handler writes it), and the error
responses most write endpoints share."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The API's one error shape (documentation only)."""

    detail = serializers.CharField()

    def get_fields(self):
        # "fields" cannot be declared as a class attribute: it is the serializer's own property.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
        return fields


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="bad input or an unmet precondition"),
    403: OpenApiResponse(ErrorSerializer, description="your role or scope may not take this action"),
}
