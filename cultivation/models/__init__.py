"""The programme's records, one module per subject; import them from ``cultivation.models``."""

from .attestations import Attestation, Disqualification
from .designations import Designation
from .pool import PoolMembership
from .rulesets import RuleSet
from .scoping import ScopedQuerySet

__all__ = [
    "Attestation",
    "Designation",
    "Disqualification",
    "PoolMembership",
    "RuleSet",
    "ScopedQuerySet",
]
