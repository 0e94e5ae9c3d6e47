"""API views, one module per subject."""

from .alerts import AlertViewSet, PoolViewSet
from .applications import ApplicationViewSet, DesignationViewSet
from .attestations import AttestationViewSet
from .calendar import HolidayViewSet
from .changes import ChangeFeedView
from .dashboard import DashboardView
from .digital import DigitalRecognitionViewSet, IndustryBrainViewSet, UpgradeProjectViewSet
from .eligibility import EligibilityView
from .figures import AnnualFiguresViewSet, FirmFiguresViewSet
from .firms import ClusterViewSet, DistrictViewSet, FirmViewSet
from .impact import ImpactReportViewSet
from .imports import ImportJobViewSet
from .listing import ListingTrackViewSet
from .maturity import MaturityViewSet
from .me import MeView
from .programme_actions import (
    ApplicationAssignmentsView,
    ApplicationAssignmentView,
    DesignationRevokeView,
    DisqualificationViewSet,
)
from .reviews import ReviewViewSet
from .rule_sets import RuleSetViewSet
from .targets import TargetViewSet
from .tokens import TokenView

__all__ = [
    "AlertViewSet",
    "AnnualFiguresViewSet",
    "ApplicationAssignmentView",
    "ApplicationAssignmentsView",
    "ApplicationViewSet",
    "AttestationViewSet",
    "ChangeFeedView",
    "ClusterViewSet",
    "DashboardView",
    "DesignationRevokeView",
    "DesignationViewSet",
    "DigitalRecognitionViewSet",
    "DisqualificationViewSet",
    "DistrictViewSet",
    "EligibilityView",
    "FirmFiguresViewSet",
    "FirmViewSet",
    "HolidayViewSet",
    "ImpactReportViewSet",
    "ImportJobViewSet",
    "IndustryBrainViewSet",
    "ListingTrackViewSet",
    "MaturityViewSet",
    "MeView",
    "PoolViewSet",
    "ReviewViewSet",
    "RuleSetViewSet",
    "TargetViewSet",
    "TokenView",
    "UpgradeProjectViewSet",
]
