"""CSV/XLSX import and export of firms and annual figures (django-import-export).

Three promises hold here rather than in the admin, so any caller gets them:

* every row is validated like the admin form (``full_clean``), including the
  user's district scope;
* an import with any invalid row saves nothing (one transaction, rolled back
  on any error or validation error);
* exported text cells that a spreadsheet would run as a formula (leading
  ``= + - @``, tab or carriage return) are prefixed with an apostrophe.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from .models import FIGURE_FIELDS, AnnualFigures, Cluster, District, Firm
from .roles import scope_of

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TYPED_WIDGETS = (widgets.NumberWidget, widgets.DateWidget, widgets.DateTimeWidget, widgets.BooleanWidget)


def escape_formula(value):
    """Make a text cell inert in Excel/LibreOffice: prefix formula triggers with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key given by its code; an unknown code is a row validation error, not a crash."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("未找到%(model)s“%(value)s”。") % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


class ScopedResource(resources.ModelResource):
    """Shared behaviour: user scope, all-or-nothing imports, formula-safe exports."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, TYPED_WIDGETS):
            return value  # numbers and dates: "-35.00" is a loss, not a formula
        return escape_formula(value)

    def district_error(self, district_id: int | None) -> ValidationError | None:
        """Refuse rows outside the importing user's district (a district caseworker's scope)."""
        if self.user is None:
            return None
        scope = scope_of(self.user)
        if scope.everything or (scope.district_id and scope.district_id == district_id):
            return None
        return ValidationError(_("您无权导入其他区县企业的数据。"), code="scope")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        error = self.district_error(self.instance_district(instance))
        if error is not None:
            errors.setdefault("district", []).append(error)
        super().validate_instance(instance, errors, validate_unique)

    def instance_district(self, instance) -> int | None:
        raise NotImplementedError


class FirmResource(ScopedResource):
    """Firms keyed by credit code; district and cluster by their codes."""

    district = fields.Field(
        attribute="district",
        column_name="district",
        widget=CodeWidget(District, field="code"),
    )
    cluster = fields.Field(
        attribute="cluster",
        column_name="cluster",
        widget=CodeWidget(Cluster, field="code"),
    )

    class Meta:
        model = Firm
        import_id_fields = ("credit_code",)
        fields = (
            "credit_code",
            "name",
            "district",
            "cluster",
            "founded_on",
            "niche_since",
            "sector",
            "strategic_emerging",
            "is_listed",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
            "credit_code_override",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        queryset = Firm.objects.select_related("district", "cluster")
        return queryset.visible_to(self.user) if self.user is not None else queryset

    def before_import_row(self, row, **kwargs):
        """Credit codes arrive with spaces and in lower case from spreadsheets: normalise first."""
        if row.get("credit_code"):
            row["credit_code"] = "".join(str(row["credit_code"]).split()).upper()

    def instance_district(self, instance) -> int | None:
        return instance.district_id


class AnnualFiguresResource(ScopedResource):
    """Annual figures keyed by (firm credit code, year)."""

    firm = fields.Field(
        attribute="firm",
        column_name="firm",
        widget=CodeWidget(Firm, field="credit_code"),
    )

    class Meta:
        model = AnnualFigures
        import_id_fields = ("firm", "year")
        fields = ("firm", "year", *FIGURE_FIELDS, "audited")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        queryset = AnnualFigures.objects.select_related("firm")
        return queryset.visible_to(self.user) if self.user is not None else queryset

    def before_import_row(self, row, **kwargs):
        if row.get("firm"):
            row["firm"] = "".join(str(row["firm"]).split()).upper()

    def instance_district(self, instance) -> int | None:
        return instance.firm.district_id if instance.firm_id else None
