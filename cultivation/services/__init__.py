"""State changes of the programme, one module per subject. Admin, portal, API and tasks call these.

Each service takes keyword-only arguments with the acting user (``actor=``),
runs in one transaction and leaves an audit record.
"""

from .applications import (
    application_transition,
    assign_reviewers,
    create_application,
    refusals_to_apply,
    transition_input_errors,
    transitioned,
)
from .assignments import unassign_reviewer
from .calendar import delete_holiday, save_holiday
from .designations import (
    grant_designation,
    may_record_historical_designations,
    record_historical_designation,
    renew_designation,
)
from .disqualifications import lift_disqualification, record_disqualification
from .listing import advance_listing, edit_listing_details
from .maturity import maturity_standing, record_maturity
from .pool import admit_to_pool, exit_pool, may_override_pool_entry
from .revocation import revoke_designation
from .rules import (
    claim_attestation,
    decide_attestation,
    derive_rule_set,
    ensure_can_act_on,
    publish_rule_set,
    update_draft,
)
from .stages import settle_stage

__all__ = [
    "admit_to_pool",
    "advance_listing",
    "application_transition",
    "assign_reviewers",
    "claim_attestation",
    "create_application",
    "decide_attestation",
    "delete_holiday",
    "derive_rule_set",
    "edit_listing_details",
    "ensure_can_act_on",
    "exit_pool",
    "grant_designation",
    "lift_disqualification",
    "maturity_standing",
    "may_override_pool_entry",
    "may_record_historical_designations",
    "publish_rule_set",
    "record_disqualification",
    "record_historical_designation",
    "record_maturity",
    "refusals_to_apply",
    "renew_designation",
    "revoke_designation",
    "save_holiday",
    "settle_stage",
    "transition_input_errors",
    "transitioned",
    "unassign_reviewer",
    "update_draft",
]
