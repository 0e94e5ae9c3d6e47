"""API views, one module per subject."""

from .alerts import AlertViewSet, PoolViewSet
from .applications import ApplicationViewSet, DesignationViewSet
from .attestations import AttestationViewSet
from .changes import ChangeFeedView
from .dashboard import DashboardView
from .eligibility import EligibilityView
from .figures import AnnualFiguresViewSet, FirmFiguresViewSet
from .firms import ClusterViewSet, DistrictViewSet, FirmViewSet
from .imports import ImportJobViewSet
from .me import MeView
from .reviews import ReviewViewSet
from .rule_sets import RuleSetViewSet
from .targets import TargetViewSet
from .tokens import TokenView

__all__ = [
    "AlertViewSet",
    "AnnualFiguresViewSet",
    "ApplicationViewSet",
    "AttestationViewSet",
    "ChangeFeedView",
    "ClusterViewSet",
    "DashboardView",
    "DesignationViewSet",
    "DistrictViewSet",
    "EligibilityView",
    "FirmFiguresViewSet",
    "FirmViewSet",
    "ImportJobViewSet",
    "MeView",
    "PoolViewSet",
    "ReviewViewSet",
    "RuleSetViewSet",
    "TargetViewSet",
    "TokenView",
]
