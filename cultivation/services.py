"""State changes of the programme. Admin, portal, API and tasks all call these."""

from __future__ import annotations

from django.db import transaction

from registry.models import Firm

from .models import Designation
from .tiers import derive_stage


@transaction.atomic
def refresh_stage(*, firm: Firm) -> str:
    """Recompute the firm's cached life-cycle stage from its active designations (P5)."""
    active = Designation.objects.active().filter(firm=firm).values_list("tier", flat=True)
    stage = derive_stage(active, listed=firm.is_listed).value
    if firm.stage != stage:
        Firm.objects.filter(pk=firm.pk).update(stage=stage)
        firm.stage = stage
    return stage
