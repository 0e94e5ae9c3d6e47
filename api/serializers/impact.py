"""Impact reports and threshold sweeps as jobs (issue 16): the request and the stored report."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cultivation.impact import sweep_values
from cultivation.models import ImpactReport


class SweepRequestSerializer(serializers.Serializer):
    """One numeric threshold of version ``to``: ``path`` (tier.criterion), ``param``, and the range."""

    path = serializers.CharField(max_length=80, help_text="e.g. srdi_sme.c2_rd_expense")
    param = serializers.CharField(max_length=40, help_text="e.g. threshold")
    start = serializers.DecimalField(max_digits=14, decimal_places=4)
    stop = serializers.DecimalField(max_digits=14, decimal_places=4)
    step = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=Decimal("0.0001"))

    def validate(self, attrs):
        try:
            attrs["values"] = sweep_values(attrs["start"], attrs["stop"], attrs["step"])
        except ValueError as error:
            raise serializers.ValidationError(_("扫描范围无效：%(error)s") % {"error": error}) from error
        return attrs


class ImpactRequestSerializer(serializers.Serializer):
    """``POST /api/impact-reports/``: version B (``to``, a draft too) against A (``from``, default: the
    sets in force on ``as_of``), over the register or one district or cluster; or a sweep of B."""

    to = serializers.CharField(max_length=40)
    # "from" is a Python keyword: the field is declared under another name and renamed below.
    from_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    as_of = serializers.DateField(required=False, help_text="default: today")
    district = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    cluster = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    sweep = SweepRequestSerializer(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = self.fields.pop("from_code")


class ImpactReportSerializer(serializers.HyperlinkedModelSerializer):
    """A stored report: who ran it, when, on which versions, day and scope, its progress and result.

    ``result`` is null until the report succeeded; ``from`` is the version asked for (empty: the sets
    in force), ``from_key`` every set it applied.
    """

    url = serializers.HyperlinkedIdentityField(view_name="impact-report-detail")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    to = serializers.CharField(source="to_code", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImpactReport
        fields = (
            "url",
            "id",
            "kind",
            "status",
            "percent",
            "done",
            "total",
            "to",
            "from_key",
            "as_of",
            "district",
            "cluster",
            "sweep_path",
            "sweep_param",
            "sweep_values",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "detail",
            "result",
        )
        read_only_fields = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.CharField(source="from_code", read_only=True)
