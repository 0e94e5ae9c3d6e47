"""Serializers, one module per subject: parse and validate input, shape output. No rules live here."""

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
    "ClusterSerializer",
    "DistrictSerializer",
    "EvaluationQuerySerializer",
    "FirmSerializer",
    "RuleSetDetailSerializer",
    "RuleSetSerializer",
    "WhatIfSerializer",
    "YearFiguresSerializer",
]
