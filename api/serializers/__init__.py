"""Serializers, one module per subject: parse and validate input, shape output. No rules live here.

The what-if body (``WhatIfSerializer`` and its evaluation query) is the programme's own contract for
hypothetical facts, parsed alike by the API, the worked cases and the admin's case runner; it lives in
``cultivation.whatif`` and is exported here with the API's serializers.
"""

from cultivation.whatif import EvaluationQuerySerializer, WhatIfSerializer, YearFiguresSerializer

from .applications import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationSerializer,
    DesignationSerializer,
    TransitionSerializer,
)
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
