"""API views, one module per subject."""

from .eligibility import (
    ClusterViewSet,
    DistrictViewSet,
    EligibilityView,
    FirmViewSet,
    RuleSetViewSet,
)

__all__ = ["ClusterViewSet", "DistrictViewSet", "EligibilityView", "FirmViewSet", "RuleSetViewSet"]
