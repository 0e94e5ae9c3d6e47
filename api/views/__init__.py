"""API views, one module per subject."""

from .applications import ApplicationViewSet, DesignationViewSet
from .eligibility import (
    ClusterViewSet,
    DistrictViewSet,
    EligibilityView,
    FirmViewSet,
    RuleSetViewSet,
)

__all__ = [
    "ApplicationViewSet",
    "ClusterViewSet",
    "DesignationViewSet",
    "DistrictViewSet",
    "EligibilityView",
    "FirmViewSet",
    "RuleSetViewSet",
]
