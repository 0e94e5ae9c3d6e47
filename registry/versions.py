"""The version of a firm's record or a year's figures, so an edit made on a copy read earlier cannot
overwrite a change saved since (issue 19: the API's ``ETag``/``If-Match``, the admin's and the
portal's hidden ``version`` field).

A version is a short hash of the row's identity and ``updated_at`` (set on every save), plus the
columns that change without touching ``updated_at``: a firm's ``stage`` (derived from its
designations with a bulk update) and a year's ``frozen`` state (set by a submission). It is opaque to
clients and equal for equal rows on every process, so it is a strong validator.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Columns outside ``updated_at`` that a version must follow: written by bulk updates or ``update_fields``.
UNSTAMPED = {"registry.firm": ("stage",), "registry.annualfigures": ("frozen", "frozen_reason")}


def version_of(record: models.Model) -> str:
    """The record's current version: changes whenever a save (or a freeze, or a new stage) changes it."""
    stamp = (record.updated_at - EPOCH) // timedelta(microseconds=1) if record.updated_at else 0
    label = record._meta.label_lower
    extra = [str(getattr(record, name)) for name in UNSTAMPED.get(label, ())]
    text = "|".join([label, str(record.pk), str(stamp), *extra])
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


class StaleRecordError(ValidationError):
    """The record changed (or was deleted) since the copy being saved was read: nothing was written."""

    def __init__(self) -> None:
        super().__init__(_("该记录已被他人修改，您的修改未保存。请刷新后重试。"), code="stale")
