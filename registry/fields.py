"""Model fields of the register."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import credit_code


class CreditCodeField(models.CharField):
    """A Unified Social Credit Code: normalised on the way in, format-checked by its validator.

    The check character is verified in ``Firm.clean`` rather than here, because
    a caseworker may override a failed checksum with a recorded reason (P10).
    """

    default_validators = [credit_code.validate_format]
    description = _("统一社会信用代码")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", credit_code.LENGTH)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return credit_code.normalise(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return credit_code.normalise(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = credit_code.normalise(value)
            setattr(model_instance, self.attname, value)
        return value
