"""The dashboard's answer (``cultivation.dashboard``), described once, here: the schema is built from it, and
tests/dashboard hold the computed answer and the example (``api.examples.DASHBOARD``) to it key for key.
The view returns the computed answer as is."""

from __future__ import annotations

from rest_framework import serializers


class TargetProgressSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["active_by", "new_in_year"])
    year = serializers.IntegerField()
    count = serializers.IntegerField()
    measured = serializers.IntegerField(
        help_text="the figure compared: `new` for a yearly intake, else `active`"
    )


class TierFiguresSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    ladder = serializers.CharField()
    active = serializers.IntegerField()
    new = serializers.IntegerField(help_text="granted in the year (pool: cohort of the year)")
    target = TargetProgressSerializer(allow_null=True)
    progress = serializers.FloatField(allow_null=True, help_text="measured / target (1.0 = reached)")


class StageCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    firms = serializers.IntegerField()


class BreakdownSerializer(serializers.Serializer):
    firms = serializers.IntegerField()
    stages = serializers.DictField(child=serializers.IntegerField())
    tiers = serializers.DictField(child=serializers.IntegerField(), help_text="active designations per tier")


class ClusterLevelSerializer(BreakdownSerializer):
    level = serializers.CharField()
    label = serializers.CharField()


class DistrictFiguresSerializer(BreakdownSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TrajectoryPointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    offset = serializers.IntegerField(help_text="years after the baseline year")
    members = serializers.IntegerField(help_text="members with figures that year")
    ratio = serializers.FloatField(help_text="their revenue / their baseline")
    path = serializers.FloatField(help_text="the doubling path 2^(offset/3)")


class CohortSerializer(serializers.Serializer):
    cohort_year = serializers.IntegerField()
    baseline_year = serializers.IntegerField()
    check_year = serializers.IntegerField()
    members = serializers.IntegerField()
    baseline_revenue = serializers.DecimalField(max_digits=16, decimal_places=2)
    statuses = serializers.DictField(
        child=serializers.IntegerField(), help_text="members per rating stored by the pool scan"
    )
    judged_on = serializers.DateField(
        allow_null=True, help_text="the last day the pool scan rated this cohort's members (null: not yet)"
    )
    trajectory = TrajectoryPointSerializer(many=True)


class PoolSerializer(serializers.Serializer):
    members = serializers.IntegerField()
    new = serializers.IntegerField()
    cohorts = CohortSerializer(many=True)


class StatusCountSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class ApplicationsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = StatusCountSerializer(many=True)


class ReviewTimeSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    stays = serializers.IntegerField(help_text="stays in this stage that ended in the year")
    average_days = serializers.FloatField(allow_null=True)


class IntensityGroupSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='"register" (every firm in scope) or a quality-ladder tier')
    label = serializers.CharField()
    firms = serializers.IntegerField(help_text="firms of the group with revenue in the fiscal year")
    average = serializers.FloatField(
        allow_null=True, help_text="mean of the firms' R&D expense / operating revenue (0.054 = 5.4%)"
    )
    overall = serializers.FloatField(allow_null=True, help_text="the group's R&D expense / its revenue")
    lead_points = serializers.FloatField(
        allow_null=True, help_text="average minus the register's, in percentage points"
    )


class RdIntensitySerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(
        help_text="the last complete fiscal year: the dashboard's year - 1"
    )
    groups = IntensityGroupSerializer(many=True)


class DashboardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    as_of = serializers.DateField(help_text="the day active designations are counted on")
    filters = serializers.DictField(child=serializers.CharField(allow_null=True))
    tiers = TierFiguresSerializer(many=True)
    stages = StageCountSerializer(many=True)
    cluster_levels = ClusterLevelSerializer(many=True)
    districts = DistrictFiguresSerializer(many=True)
    pool = PoolSerializer()
    applications = ApplicationsSerializer()
    review_times = ReviewTimeSerializer(many=True)
    rd_intensity = RdIntensitySerializer(help_text="R&D intensity: the register against each quality tier")
