"""The holiday calendar notices are counted against (holidays, and weekend days worked instead: 调休).

The admin's holiday pages and the API save and delete entries only through here: caseworkers and programme
admins keep the calendar (the groups' permissions), the model's validation applies, and the audit trail
names who changed it. A notice already running keeps the end day it was given; the calendar counts for
notices opened or resumed from then on.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from registry.roles import can_edit_register

from ..models import Holiday


def _ensure_keeper(actor) -> None:
    if not can_edit_register(actor):
        raise PermissionDenied(_("只有经办人可以维护节假日日历。"))


@transaction.atomic
def save_holiday(*, holiday: Holiday, actor) -> Holiday:
    """Add or change one calendar day; ``ValidationError`` for a day already listed or a missing name."""
    _ensure_keeper(actor)
    holiday.full_clean()
    holiday._history_user = actor
    holiday.save()
    return holiday


@transaction.atomic
def delete_holiday(*, holiday: Holiday, actor) -> None:
    """Take a day off the calendar (its history stays)."""
    _ensure_keeper(actor)
    holiday._history_user = actor
    holiday.delete()
