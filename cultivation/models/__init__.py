"""The programme's records, one module per subject; import them from ``cultivation.models``."""

from .alerts import Alert, AlertDelivery, AlertPreference
from .applications import (
    Application,
    ApplicationEvent,
    FrozenSnapshotError,
    Holiday,
    Objection,
    Review,
    ReviewAssignment,
)
from .attestations import Attestation, Disqualification
from .designations import Designation
from .digital import DigitalRecognition, IndustryBrain
from .impact import ImpactReport
from .listing import ListingTrack
from .maturity import MaturityAssessment
from .pool import PoolMembership
from .rulesets import RuleSet
from .scanning import FirmChange, ScanWatermark
from .targets import Target
from .upgrades import UpgradeProject

__all__ = [
    "Alert",
    "AlertDelivery",
    "AlertPreference",
    "Application",
    "ApplicationEvent",
    "Attestation",
    "Designation",
    "DigitalRecognition",
    "Disqualification",
    "FirmChange",
    "FrozenSnapshotError",
    "Holiday",
    "ImpactReport",
    "IndustryBrain",
    "ListingTrack",
    "MaturityAssessment",
    "Objection",
    "PoolMembership",
    "Review",
    "ReviewAssignment",
    "RuleSet",
    "ScanWatermark",
    "Target",
    "UpgradeProject",
]
