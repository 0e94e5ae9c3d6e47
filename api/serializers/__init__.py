"""Serializers, one module per subject: parse and validate input, shape output. No rules live here."""

from .applications import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationSerializer,
    DesignationSerializer,
    ErrorSerializer,
    TransitionSerializer,
)
from .eligibility import (
    ClusterSerializer,
    DistrictSerializer,
    EvaluationQuerySerializer,
    RuleSetDetailSerializer,
    RuleSetSerializer,
    WhatIfSerializer,
    YearFiguresSerializer,
)
from .register import (
    AnnualFiguresSerializer,
    AnnualFiguresUpdateSerializer,
    FirmSerializer,
    FirmUpdateSerializer,
)

__all__ = [
    "AnnualFiguresSerializer",
    "AnnualFiguresUpdateSerializer",
    "ApplicationCreateSerializer",
    "ApplicationDetailSerializer",
    "ApplicationSerializer",
    "ClusterSerializer",
    "DesignationSerializer",
    "DistrictSerializer",
    "ErrorSerializer",
    "EvaluationQuerySerializer",
    "FirmSerializer",
    "FirmUpdateSerializer",
    "RuleSetDetailSerializer",
    "RuleSetSerializer",
    "TransitionSerializer",
    "WhatIfSerializer",
    "YearFiguresSerializer",
]
