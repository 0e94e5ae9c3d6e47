"""State changes of the programme, one module per subject. Admin, portal, API and tasks call these.

Each service takes keyword-only arguments with the acting user (``actor=``),
runs in one transaction and leaves an audit record.
"""

from .rules import claim_attestation, decide_attestation, derive_rule_set, ensure_can_act_on, refresh_stage

__all__ = ["claim_attestation", "decide_attestation", "derive_rule_set", "ensure_can_act_on", "refresh_stage"]
