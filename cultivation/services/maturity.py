"""Recording a firm's digital-maturity level (P13): the admin, the import, the API and the demo call this.

A level is a caseworker's record of an assessment done outside Tiermark (the national self-assessment
platform): scope-checked, validated by the model (a level of 1-4, a day neither in the future nor before
the firm was founded, evidence) and audited with a reason. Whether a level counts as transformed is the
rules module's, with the programme's threshold from the settings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from registry.models import Firm
from registry.roles import can_edit_register

from ..models import MaturityAssessment
from ..rules.maturity import is_transformed, level_label, next_level
from .rules import ensure_can_act_on

HISTORY_REASON_LENGTH = 100  # simple-history's change-reason column


def transformed_min_level() -> int:
    """The level from which a firm counts as transformed: the programme's setting ([U], default 2)."""
    return settings.DIGITAL_TRANSFORMED_MIN_LEVEL


def _ensure_recorder(actor, firm: Firm) -> None:
    if not can_edit_register(actor):
        raise PermissionDenied(_("只有经办人可以记录数字化水平评测结果。"))
    ensure_can_act_on(actor, firm)


def save_maturity(
    assessment: MaturityAssessment, *, user, force_insert: bool = False, reason: str = ""
) -> MaturityAssessment:
    """Create or correct one assessment as ``user`` (the admin form and the import file call this):
    scope, the model's validation, and ``reason`` in its history."""
    with transaction.atomic():
        _ensure_recorder(user, assessment.firm)
        # One writer per firm at a time: two records of the same day meet the uniqueness check in turn
        # (the second is a 400 on the form or in the API), never the constraint as a 500.
        list(Firm.objects.select_for_update().filter(pk=assessment.firm_id).values_list("pk", flat=True))
        assessment.full_clean()
        assessment._change_reason = (reason or _("录入数字化水平评测"))[:HISTORY_REASON_LENGTH]
        assessment._history_user = user
        assessment.save(force_insert=force_insert)
    return assessment


def record_maturity(
    *, firm: Firm, level: int, assessed_on: datetime.date, evidence: str, actor
) -> MaturityAssessment:
    """Record a new assessment of ``firm``; ``ValidationError`` (nothing saved) for a level outside 1-4,
    a day in the future or before the founding, no evidence, or a second one on the same day;
    ``PermissionDenied`` outside the actor's scope."""
    assessment = MaturityAssessment(firm=firm, level=level, assessed_on=assessed_on, evidence=evidence)
    return save_maturity(assessment, user=actor, force_insert=True)


@dataclass(frozen=True)
class MaturityStanding:
    """Where a firm stands: its current level (None: never assessed), when, whether that counts as
    transformed under the programme's threshold, and the next level to reach."""

    level: int | None
    assessed_on: datetime.date | None
    transformed: bool
    next_level: int | None
    min_level: int

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    @property
    def next_level_label(self) -> str:
        return level_label(self.next_level)

    @property
    def min_level_label(self) -> str:
        return level_label(self.min_level)


def maturity_standing(firm: Firm) -> MaturityStanding:
    """The firm's latest assessment, read the way the self-check, the portal home and the API show it."""
    latest = MaturityAssessment.objects.filter(firm=firm).order_by("-assessed_on", "-pk").first()
    level = latest.level if latest else None
    threshold = transformed_min_level()
    return MaturityStanding(
        level=level,
        assessed_on=latest.assessed_on if latest else None,
        transformed=is_transformed(level, threshold),
        next_level=next_level(level),
        min_level=threshold,
    )
