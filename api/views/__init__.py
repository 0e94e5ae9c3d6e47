"""API views, one module per subject."""

from .alerts import AlertViewSet, PoolViewSet
from .applications import ApplicationViewSet, DesignationViewSet
from .dashboard import DashboardView
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
    "DashboardView",
    "DesignationViewSet",
    "DistrictViewSet",
    "EligibilityView",
    "FirmViewSet",
    "PoolViewSet",
    "RuleSetViewSet",
]
