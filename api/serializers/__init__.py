"""Serializers, one module per subject: parse and validate input, shape output. No rules live here."""

from .applications import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationSerializer,
    DesignationSerializer,
    TransitionSerializer,
)
from .eligibility import EvaluationQuerySerializer, WhatIfSerializer, YearFiguresSerializer
from .errors import ERRORS, ErrorSerializer
from .figures import AnnualFiguresSerializer, AnnualFiguresUpdateSerializer
from .firms import ClusterSerializer, DistrictSerializer, FirmSerializer, FirmUpdateSerializer
from .rule_sets import RuleSetDetailSerializer, RuleSetSerializer

__all__ = [
    "ERRORS",
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
