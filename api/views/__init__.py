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
from .register import AnnualFiguresViewSet, FirmFiguresViewSet
from .tokens import TokenView

__all__ = [
    "AlertViewSet",
    "AnnualFiguresViewSet",
    "ApplicationViewSet",
    "ClusterViewSet",
    "DashboardView",
    "DesignationViewSet",
    "DistrictViewSet",
    "EligibilityView",
    "FirmFiguresViewSet",
    "FirmViewSet",
    "PoolViewSet",
    "RuleSetViewSet",
    "TokenView",
]
