"""Writable serializers that validate through the model's own ``full_clean``, so the API, the admin and
the portal refuse the same input with the same messages."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


def model_errors(error: DjangoValidationError) -> serializers.ValidationError:
    """A model ``ValidationError`` as DRF's, field by field (``__all__`` becomes ``non_field_errors``)."""
    if hasattr(error, "error_dict"):
        detail = {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {"non_field_errors": error.messages}
    return serializers.ValidationError(detail)


class ModelCleanMixin:
    """Validate through the model's ``full_clean`` and save exactly the instance that was cleaned (firms
    and figures through the register's write service, ``registry.services``: scope, audit, freeze)."""

    def new_instance(self):
        raise NotImplementedError

    def save_instance(self, instance, *, user):
        """Save the cleaned instance; the register's serializers save through ``registry.services``."""
        instance.save()
        return instance

    def validate(self, attrs):
        instance = self.instance or self.new_instance()
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise model_errors(error) from error
        self.cleaned_instance = instance
        return attrs

    def create(self, validated_data):
        return self.save_instance(self.cleaned_instance, user=self.context["request"].user)

    def update(self, instance, validated_data):
        return self.save_instance(self.cleaned_instance, user=self.context["request"].user)
