"""CSV/XLSX import and export of digital recognitions, industry platforms and 技改 projects (issue 18).

The register's ``ScopedResource`` gives each the same promises as firms and figures: Chinese headers
(codes read too), choices as words, the importing caseworker's district scope, all-or-nothing files, a
key repeated in one file refused by line, formula-safe exports. Each row is saved through
``services.digital.save_digital_record``; a stored project's status and step dates are refused there
(they move only through ``advance_upgrade``), so an import loads projects and corrects their plans.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from registry.models import Firm
from registry.resources import CodeWidget, ScopedResource

from .models import DigitalRecognition, IndustryBrain, UpgradeProject
from .services.digital import save_digital_record, steps_changed, steps_refusal

FIRM_CODE_LABEL = _("企业统一社会信用代码")


def firm_field() -> fields.Field:
    return fields.Field(attribute="firm", column_name="firm", widget=CodeWidget(Firm, field="credit_code"))


def normalised_code(value) -> str:
    return "".join(str(value).split()).upper()


class FirmRecordResource(ScopedResource):
    """A firm's record keyed by the firm's credit code and the columns in ``key_columns``."""

    key_columns: tuple[str, ...] = ()
    firm = firm_field()
    column_labels = {"firm": FIRM_CODE_LABEL}

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        """A blank text cell (a note left empty in Excel arrives as no value) is stored as ``""``."""
        field = super().field_from_django_field(field_name, django_field, readonly)
        if isinstance(django_field, models.TextField):
            field.widget = widgets.CharWidget(allow_blank=True)
        return field

    def get_queryset(self):
        queryset = self._meta.model.objects.select_related("firm")
        return queryset.visible_to(self.user) if self.user is not None else queryset

    def normalise_row(self, row) -> None:
        column = self.column("firm")
        if row.get(column):
            row[column] = normalised_code(row[column])
        for name in self.key_columns:
            column = self.column(name)
            if isinstance(row.get(column), str):
                row[column] = " ".join(row[column].split())

    def row_key(self, row) -> tuple | None:
        values = tuple(str(row.get(self.column(name)) or "") for name in ("firm", *self.key_columns))
        return values if all(values) else None

    def instance_district(self, instance) -> int | None:
        return instance.firm.district_id if instance.firm_id else None

    save_service = staticmethod(save_digital_record)


class DigitalRecognitionResource(FirmRecordResource):
    """Recognitions keyed by (firm, site, level): a site's climb is one row per level."""

    key_field = "site_name"
    key_columns = ("site_name", "level")

    class Meta:
        model = DigitalRecognition
        import_id_fields = ("firm", "site_name", "level")
        fields = ("firm", "site_name", "level", "year", "batch", "valid_until", "note")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class IndustryBrainResource(FirmRecordResource):
    """Platforms keyed by their name; the lead firm by its credit code."""

    key_field = "name"
    key_columns = ("name",)
    column_labels = {"firm": _("牵头企业统一社会信用代码")}

    class Meta:
        model = IndustryBrain
        import_id_fields = ("name",)
        fields = ("name", "industry", "firm", "year", "batch", "valid_until", "note")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def row_key(self, row) -> tuple | None:
        name = row.get(self.column("name"))
        return (name,) if name else None


class UpgradeProjectResource(FirmRecordResource):
    """Projects keyed by (firm, name), with their plan and, for projects loaded from before, their steps."""

    key_field = "name"
    key_columns = ("name",)

    class Meta:
        model = UpgradeProject
        import_id_fields = ("firm", "name")
        fields = (
            "firm",
            "name",
            "kind",
            "investment",
            "planned_start",
            "planned_finish",
            "status",
            "actual_start",
            "actual_finish",
            "accepted_on",
            "productivity_change",
            "note",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """A stored project's status is not changed by a file: refused in the preview, by row."""
        errors = dict(import_validation_errors or {})
        stored = UpgradeProject.objects.filter(pk=instance.pk).first() if instance.pk else None
        if stored is not None and steps_changed(stored, instance):
            errors.setdefault("status", []).append(ValidationError(steps_refusal(), code="steps"))
        super().validate_instance(instance, errors, validate_unique)
