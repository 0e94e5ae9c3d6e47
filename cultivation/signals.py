"""Keep the stored built-in rule sets equal to the ones shipped in code (after every migrate).

Built-in sets (CN-2022, CN-2022-R2025, CN-2026, CQ-2023, CQ-2024) are defined in ``cultivation.rules`` and
their history is the code's history; versions a programme admin derives are
stored whole and never rewritten.
"""

from __future__ import annotations

from django.db import transaction

from .models import RuleSet as RuleSetRecord
from .rules.catalogue import RULE_SETS


def sync_builtin_rule_sets(sender, **kwargs) -> None:
    with transaction.atomic():
        for spec in RULE_SETS:
            definition = spec.to_dict()
            fields = {
                "effective_from": spec.effective_from,
                "jurisdiction": spec.jurisdiction,
                "title": spec.title,
                "provisional": spec.provisional,
                "definition": definition,
                "builtin": True,
                "note": spec.note,
            }
            updated = RuleSetRecord.objects.filter(code=spec.code, builtin=True).update(**fields)
            if not updated:
                RuleSetRecord.objects.create(code=spec.code, **fields)
        for spec in RULE_SETS:
            if spec.based_on:
                RuleSetRecord.objects.filter(code=spec.code).update(
                    based_on=RuleSetRecord.objects.get(code=spec.based_on)
                )
