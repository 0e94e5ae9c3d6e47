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


class MeasureSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="the target subject this measure answers to")
    label = serializers.CharField()
    unit = serializers.ChoiceField(choices=["count", "wan_yuan"], help_text="firms/records, or 万元")
    new = serializers.FloatField(allow_null=True, help_text="in the year (null: not a yearly measure)")
    active = serializers.FloatField(allow_null=True, help_text="held on the day (null: not a stock)")
    target = TargetProgressSerializer(allow_null=True)
    progress = serializers.FloatField(allow_null=True, help_text="measured / target (1.0 = reached)")


class UpgradesSerializer(serializers.Serializer):
    by_status = StatusCountSerializer(many=True, help_text="技改 projects by status")
    accepted = serializers.IntegerField(help_text="accepted in the year with a productivity change")
    average_productivity_change = serializers.FloatField(allow_null=True, help_text="per cent, of those")
    overdue = serializers.IntegerField(help_text="past the planned finish and not completed, on the day")


class DigitalDistrictSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    digital_workshop = serializers.IntegerField(help_text="sites at this level (their highest), held")
    smart_factory = serializers.IntegerField()
    future_factory = serializers.IntegerField()
    upgrade_projects = serializers.IntegerField(help_text="planned to start in the year")
    upgrade_investment = serializers.FloatField(help_text="万元, of those")
    transformed_sme = serializers.IntegerField()


class DigitalSerializer(serializers.Serializer):
    transformed_min_level = serializers.IntegerField(help_text="the self-assessment level that counts (P13)")
    measures = MeasureSerializer(many=True)
    upgrades = UpgradesSerializer()
    districts = DigitalDistrictSerializer(many=True)


class ListingStageCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    tracks = serializers.IntegerField(help_text="tracks at this stage now")


class BoardCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    exchange = serializers.BooleanField(help_text="an exchange listing (P14), not a quotation")
    tracks = serializers.IntegerField()
    listed = serializers.IntegerField(help_text="listed on it by the day")


class ListingDistrictSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    tracks = serializers.IntegerField()
    stages = serializers.DictField(child=serializers.IntegerField())
    listed = serializers.IntegerField(help_text="exchange listings by the day")


class ListingSerializer(serializers.Serializer):
    measures = MeasureSerializer(many=True)
    tracks = serializers.IntegerField()
    pool_members = serializers.IntegerField(help_text="tracks of hard-tech pool members")
    stages = ListingStageCountSerializer(many=True)
    boards = BoardCountSerializer(many=True)
    districts = ListingDistrictSerializer(many=True)


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
    digital = DigitalSerializer(
        help_text="数字化转型: recognitions, platforms, 技改 projects, transformed SMEs"
    )
    listing = ListingSerializer(help_text="上市培育: listing tracks by stage, board and district; listings")
