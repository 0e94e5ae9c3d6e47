"""Import and export of digital-maturity assessments and listing tracks (django-import-export), in the
register's way (``registry.resources.ScopedResource``): Chinese headers and words, the importer's district
scope, all or nothing, formula-safe cells, a duplicate key refused naming the earlier row. Each row is
saved by the service the admin and the API call, so a file obeys the same rules (a listing track only
moves forward, with its audit and alerts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from import_export import fields

from registry.models import Firm
from registry.resources import CodeWidget, ScopedResource

from .models import ListingTrack, MaturityAssessment
from .models.listing import STAGE_DATE_FIELDS
from .rules.listing import LISTING_STAGES
from .services.listing import import_listing_track
from .services.maturity import save_maturity


def _code(value) -> str:
    return "".join(str(value).split()).upper()


class FirmRowsResource(ScopedResource):
    """Rows that belong to a firm named by its credit code (the first column)."""

    firm = fields.Field(attribute="firm", column_name="firm", widget=CodeWidget(Firm, field="credit_code"))
    column_labels = {"firm": _("企业统一社会信用代码")}

    def normalise_row(self, row) -> None:
        column = self.column("firm")
        if row.get(column):
            row[column] = _code(row[column])

    def instance_district(self, instance) -> int | None:
        return instance.firm.district_id if instance.firm_id else None


class MaturityResource(FirmRowsResource):
    """Assessments keyed by (firm, 评测日期); the level as 一级…四级 (or 1-4)."""

    key_field = "assessed_on"

    class Meta:
        model = MaturityAssessment
        import_id_fields = ("firm", "assessed_on")
        fields = ("firm", "level", "assessed_on", "evidence")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        rows = MaturityAssessment.objects.select_related("firm")
        return rows.visible_to(self.user) if self.user is not None else rows

    def normalise_row(self, row) -> None:
        super().normalise_row(row)
        level = self.column("level")
        if row.get(level) not in (None, ""):
            row[level] = str(row[level]).strip().removesuffix(".0")

    def row_key(self, row) -> tuple | None:
        firm, day = row.get(self.column("firm")), row.get(self.column("assessed_on"))
        return (firm, str(day).strip()) if firm and day not in (None, "") else None

    save_service = staticmethod(save_maturity)


class ListingTrackResource(FirmRowsResource):
    """Tracks keyed by firm: the board and the day of each stage reached. The stage is not a column to
    type: it is the furthest stage with a day, reached through ``advance_listing`` stage by stage."""

    key_field = "firm"
    stage = fields.Field(attribute="get_stage_display", column_name="stage", readonly=True)
    column_labels = {**FirmRowsResource.column_labels, "stage": _("上市进程阶段")}

    class Meta:
        model = ListingTrack
        import_id_fields = ("firm",)
        fields = ("firm", "board", "stage", *STAGE_DATE_FIELDS.values(), "stock_code", "note")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        rows = ListingTrack.objects.select_related("firm")
        return rows.visible_to(self.user) if self.user is not None else rows

    def row_key(self, row) -> tuple | None:
        firm = row.get(self.column("firm"))
        return (firm,) if firm else None

    def import_instance(self, instance, row, **kwargs):
        """The row's stage is the furthest one it dates (validated with the rest of the row)."""
        super().import_instance(instance, row, **kwargs)
        reached = [stage for stage in LISTING_STAGES if instance.reached_on(stage)]
        instance.stage = reached[-1] if reached else instance.stage or LISTING_STAGES[0]

    save_service = staticmethod(import_listing_track)
