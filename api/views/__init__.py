"""API views, one module per subject."""

from .alerts import AlertViewSet, PoolViewSet
from .applications import ApplicationViewSet, DesignationViewSet
from .eligibility import (
    ClusterViewSet,
    DistrictViewSet,
    EligibilityView,
    FirmViewSet,
    RuleSetViewSet,
)

__all__ = [
    "AlertViewSet",
    "ApplicationViewSet",
    "ClusterViewSet",
    "DesignationViewSet",
    "DistrictViewSet",
    "EligibilityView",
    "FirmViewSet",
    "PoolViewSet",
    "RuleSetViewSet",
]
