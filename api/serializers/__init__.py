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
    FirmSerializer,
    RuleSetDetailSerializer,
    RuleSetSerializer,
    WhatIfSerializer,
    YearFiguresSerializer,
)

__all__ = [
    "ApplicationCreateSerializer",
    "ApplicationDetailSerializer",
    "ApplicationSerializer",
    "ClusterSerializer",
    "DesignationSerializer",
    "DistrictSerializer",
    "ErrorSerializer",
    "EvaluationQuerySerializer",
    "FirmSerializer",
    "RuleSetDetailSerializer",
    "RuleSetSerializer",
    "TransitionSerializer",
    "WhatIfSerializer",
    "YearFiguresSerializer",
]
