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
from .programme import AttestationViewSet, MeView, ReviewViewSet, TargetViewSet
from .register import AnnualFiguresViewSet, FirmFiguresViewSet
from .tokens import TokenView

__all__ = [
    "AlertViewSet",
    "AnnualFiguresViewSet",
    "ApplicationViewSet",
    "AttestationViewSet",
    "ClusterViewSet",
    "DashboardView",
    "DesignationViewSet",
    "DistrictViewSet",
    "EligibilityView",
    "FirmFiguresViewSet",
    "FirmViewSet",
    "MeView",
    "PoolViewSet",
    "ReviewViewSet",
    "RuleSetViewSet",
    "TargetViewSet",
    "TokenView",
]
