"""Rule-set versions: which is in force, and each tier's criteria. Read-only; versions are published in
the admin."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from cultivation.filters import RuleSetFilter
from cultivation.models import RuleSet as RuleSetRecord
from cultivation.rules.ruleset import effective_until, in_force
from cultivation.selectors import rule_sets

from ..examples import RULE_SET, RULE_SET_DETAIL, response_example
from ..replica import ReplicaListMixin
from ..serializers import RuleSetDetailSerializer, RuleSetSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Rule-set versions and which is in force", examples=[response_example("CN-2022", RULE_SET)]
    ),
    retrieve=extend_schema(
        summary="One rule set with every tier's criteria",
        examples=[response_example("CN-2022（节选）", RULE_SET_DETAIL)],
    ),
)
class RuleSetViewSet(
    ReplicaListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Every stored rule-set version; the detail includes each tier's criteria and thresholds."""

    queryset = RuleSetRecord.objects.published().select_related("based_on").order_by("effective_from")
    filterset_class = RuleSetFilter
    lookup_field = "code"
    ordering_fields = ("effective_from", "code")

    def get_serializer_class(self):
        return RuleSetDetailSerializer if self.action == "retrieve" else RuleSetSerializer

    def get_serializer_context(self):
        """What every row needs, computed once: the sets applied today, each version's end, parsed specs."""
        sets = rule_sets()
        specs = {spec.code: spec for spec in sets}
        return {
            **super().get_serializer_context(),
            "in_force_codes": set(in_force(timezone.localdate(), sets).codes),
            "effective_until": effective_until(specs.values()),
            "specs": specs,
        }
