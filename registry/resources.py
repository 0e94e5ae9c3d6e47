"""CSV/XLSX import and export of firms and annual figures (django-import-export).

Three promises hold here rather than in the admin, so any caller gets them:

* every row is validated like the admin form (``full_clean``), including the
  user's district scope;
* an import with any invalid row saves nothing (one transaction, rolled back
  on any error or validation error);
* two rows of one file with the same key (credit code; firm and year) are
  refused, naming the earlier row -- otherwise the later row would silently
  overwrite the earlier one;
* annual figures are validated without a query per row and written a chunk at a time
  (``AnnualFiguresResource.read_file``, ``clean_instance``, ``save_figures_in_bulk``), with the messages,
  scope, frozen-year refusal and audit of a row saved alone;
* exported text cells that a spreadsheet would run as a formula (leading
  ``= + - @``, tab or carriage return) are prefixed with an apostrophe;
* the file speaks Chinese: column headers are the fields' Chinese names and district, cluster, sector
  and yes/no cells are written as words (``registry.import_widgets``); on import the Chinese headers
  and words are read, and so are the codes (``credit_code``, ``500112``, ``true``) older files and the
  API's examples use.
"""

from __future__ import annotations

import copy
from decimal import InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from . import credit_code
from .import_widgets import ChoiceWidget, NameOrCodeWidget, YesNoWidget
from .models import FIGURE_FIELDS, FIRM_FIELDS, AnnualFigures, Cluster, District, Firm
from .services import may_keep_firms_of, save_figures, save_figures_in_bulk, save_firm
from .spreadsheets import escape_formula

CHUNK_ROWS = 500  # figures rows written by one bulk insert/update (and its history and change-log rows)
READ_BATCH = 5000  # keys per query when the file's firms and stored years are read

TYPED_WIDGETS = (widgets.NumberWidget, widgets.DateWidget, widgets.DateTimeWidget, widgets.BooleanWidget)


def header_key(header) -> str | None:
    """A header as compared with the known ones: no BOM, no surrounding spaces, any case."""
    return None if header is None else str(header).lstrip("\ufeff").strip().casefold()


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key given by its code; an unknown code is a row validation error, not a crash."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("未找到%(model)s“%(value)s”。") % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


class FirmCodeWidget(CodeWidget):
    """A firm by its credit code, from the firms the resource read for the whole file (``firms``);
    looked up one by one, as ``CodeWidget``, when none were read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.firms: dict[str, Firm] | None = None

    def clean(self, value, row=None, **kwargs):
        if self.firms is None or not value:
            return super().clean(value, row, **kwargs)
        firm = self.firms.get(credit_code.normalise(value))
        if firm is None:
            raise ValueError(
                _("未找到%(model)s“%(value)s”。") % {"model": self.model._meta.verbose_name, "value": value}
            )
        return firm


class FiguresLoader(BaseInstanceLoader):
    """The stored years of a file's rows, read once for the file (``AnnualFiguresResource.read_file``)
    instead of two queries a row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        resource.read_file(dataset)

    def get_instance(self, row):
        return self.resource.stored_copy(row)


class ScopedResource(resources.ModelResource):
    """Shared behaviour: user scope, all-or-nothing imports, formula-safe exports."""

    key_field = ""  # the column a duplicate key is reported on
    column_labels: dict[str, str] = {}  # headers that are not the model field's verbose name

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._seen: dict[tuple, int] = {}
        self._duplicate_of: int | None = None
        for name, field in self.fields.items():
            field.column_name = str(self.label_of(name))

    @classmethod
    def label_of(cls, name: str):
        """The column header of field ``name``: its label here, or the model field's verbose name."""
        if name in cls.column_labels:
            return cls.column_labels[name]
        return cls._meta.model._meta.get_field(name).verbose_name

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        """Choices and yes/no cells as words (read as words or codes)."""
        field = super().field_from_django_field(field_name, django_field, readonly)
        if isinstance(django_field, models.BooleanField):
            field.widget = YesNoWidget()
        elif django_field.choices:
            field.widget = ChoiceWidget(django_field.choices, allow_blank=django_field.blank)
        return field

    def column(self, name: str) -> str:
        """The header of field ``name`` in this resource's files."""
        return self.fields[name].column_name

    def header_aliases(self) -> dict[str, str]:
        """Every header a file may use for a column -- the code, the Chinese and the active language's
        label -- mapped to the column's header here."""
        aliases: dict[str, str] = {}
        with translation.override("zh-hans"):
            chinese = {name: str(self.label_of(name)) for name in self.fields}
        for name, field in self.fields.items():
            for alias in (name, chinese[name], field.column_name):
                aliases[alias.strip().casefold()] = field.column_name
        return aliases

    def before_import(self, dataset, **kwargs):
        """Rename the file's headers to this resource's (a UTF-8 BOM or stray spaces tolerated)."""
        self._seen = {}
        if dataset.headers:
            aliases = self.header_aliases()
            dataset.headers = [aliases.get(header_key(header), header) for header in dataset.headers]
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, row_number=None, **kwargs):
        """Normalise the row, then remember its key to catch a later row with the same one."""
        self.normalise_row(row)
        key = self.row_key(row)
        self._duplicate_of = self._seen.get(key) if key else None
        if key and self._duplicate_of is None:
            self._seen[key] = row_number or len(self._seen) + 1

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if self._duplicate_of is not None:
            return False  # an identical repeat is still reported, not silently skipped
        return super().skip_row(instance, original, row, import_validation_errors)

    def normalise_row(self, row) -> None:
        """Tidy the row in place before it is read (subclasses)."""

    def row_key(self, row) -> tuple | None:
        """The row's natural key, or None when it has none to compare (subclasses)."""
        return None

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """A cell that is not a number (``decimal.InvalidOperation`` from the number widgets) is that
        field's error, in words, like every other bad cell -- not a row crash naming a Python class."""
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except InvalidOperation:
            raise ValueError(
                _("“%(value)s”不是有效的数字。") % {"value": str(row.get(field.column_name))[:50]}
            ) from None

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
        if self.user is None or may_keep_firms_of(self.user, district_id):
            return None
        return ValidationError(_("您无权导入其他区县企业的数据。"), code="scope")

    def do_instance_save(self, instance, is_create):
        """Each row is saved by the register's write service (scope, audit, freeze)."""
        self.save_service(instance, user=self.user, force_insert=is_create)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        error = self.district_error(self.instance_district(instance))
        if error is not None:
            errors.setdefault("district", []).append(error)
        if self._duplicate_of is not None:
            duplicate = ValidationError(
                _("与第 %(line)d 行重复：同一文件中每条记录只能出现一次。"),
                code="duplicate",
                params={"line": self._duplicate_of},
            )
            errors.setdefault(self.key_field, []).append(duplicate)
        if self._meta.clean_model_instances:
            try:
                self.clean_instance(instance, set(errors), validate_unique)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean_instance(self, instance, exclude: set[str], validate_unique: bool) -> None:
        """The model's own validation of a row (the admin form's): ``full_clean`` by default."""
        instance.full_clean(exclude=exclude, validate_unique=validate_unique)

    def instance_district(self, instance) -> int | None:
        raise NotImplementedError

    @staticmethod
    def save_service(instance, *, user, force_insert: bool):
        raise NotImplementedError


class FirmResource(ScopedResource):
    """Firms keyed by credit code; district and cluster by their codes."""

    key_field = "credit_code"

    district = fields.Field(attribute="district", column_name="district", widget=NameOrCodeWidget(District))
    cluster = fields.Field(attribute="cluster", column_name="cluster", widget=NameOrCodeWidget(Cluster))

    class Meta:
        model = Firm
        import_id_fields = ("credit_code",)
        fields = FIRM_FIELDS
        # The override note, rarely filled, is the file's last column.
        export_order = (*(name for name in fields if name != "credit_code_override"), "credit_code_override")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        queryset = Firm.objects.select_related("district", "cluster")
        return queryset.visible_to(self.user) if self.user is not None else queryset

    def normalise_row(self, row) -> None:
        """Credit codes arrive with spaces and in lower case from spreadsheets: normalise first."""
        column = self.column("credit_code")
        if row.get(column):
            row[column] = "".join(str(row[column]).split()).upper()

    def row_key(self, row) -> tuple | None:
        code = row.get(self.column("credit_code"))
        return (code,) if code else None

    def instance_district(self, instance) -> int | None:
        return instance.district_id

    save_service = staticmethod(save_firm)


class AnnualFiguresResource(ScopedResource):
    """Annual figures keyed by (firm credit code, year)."""

    firm = fields.Field(
        attribute="firm",
        column_name="firm",
        widget=FirmCodeWidget(Firm, field="credit_code"),
    )
    column_labels = {"firm": _("企业统一社会信用代码")}

    class Meta:
        model = AnnualFigures
        import_id_fields = ("firm", "year")
        fields = ("firm", "year", *FIGURE_FIELDS, "audited")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        # Rows are validated one by one but written a chunk at a time (``save_figures_in_bulk``), the
        # firms and stored years read once for the file: a fixed number of queries per chunk.
        instance_loader_class = FiguresLoader
        use_bulk = True
        batch_size = CHUNK_ROWS

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["firm"].widget = FirmCodeWidget(Firm, field="credit_code")  # this import's firms
        self._stored: dict[int, AnnualFigures] = {}
        self._existing: set[tuple[int, int]] = set()
        self._stored_keys: dict[tuple[int, int], int] = {}
        self._firm_ids: set[int] = set()

    def get_queryset(self):
        queryset = AnnualFigures.objects.select_related("firm")
        return queryset.visible_to(self.user) if self.user is not None else queryset

    key_field = "year"

    def normalise_row(self, row) -> None:
        """Normalise the firm's code; a year that is not a whole number is refused in words here,
        because the year is part of the key and is read before any field is validated."""
        firm = self.column("firm")
        if row.get(firm):
            row[firm] = "".join(str(row[firm]).split()).upper()
        year = row.get(self.column("year"))
        if year not in (None, "") and not str(year).strip().removesuffix(".0").isdigit():
            raise ValueError(_("年度“%(value)s”不是有效的年份。") % {"value": str(year)[:50]})

    def row_key(self, row) -> tuple | None:
        firm, year = row.get(self.column("firm")), row.get(self.column("year"))
        if not firm or year in (None, ""):
            return None
        year = str(year).strip()
        return (firm, year[:-2] if year.endswith(".0") else year)

    def instance_district(self, instance) -> int | None:
        return instance.firm.district_id if instance.firm_id else None

    save_service = staticmethod(save_figures)

    # --- the fast path: read once per file, validate in Python, write per chunk ---------------------

    def read_file(self, dataset) -> None:
        """Read the file's firms and their stored years in a few queries, before any row: the firms by
        code; which (firm, year) exist at all (the unique constraint); the ones this user sees, locked
        for the import's transaction in id order like every writer of figures."""
        codes = {credit_code.normalise(code) for code in self._column(dataset, "firm") if code}
        firms: dict[str, Firm] = {}
        for batch in batches(sorted(codes)):
            firms.update((firm.credit_code, firm) for firm in Firm.objects.filter(credit_code__in=batch))
        self.fields["firm"].widget.firms = firms
        years = self._years(dataset)
        by_id = {firm.pk: firm for firm in firms.values()}
        self._firm_ids = set(by_id)
        keys: dict[int, tuple[int, int]] = {}
        for batch in batches(sorted(by_id)):
            rows = AnnualFigures.objects.filter(firm_id__in=batch, year__in=years).order_by()
            keys.update(
                (pk, (firm_id, year)) for pk, firm_id, year in rows.values_list("pk", "firm_id", "year")
            )
        self._existing = set(keys.values())
        visible = self.get_queryset().filter(pk__in=list(keys)).order_by().values_list("pk", flat=True)
        self._stored = {}
        for row in AnnualFigures.objects.filter(pk__in=list(visible)).for_write():
            row.firm = by_id[row.firm_id]
            self._stored[row.pk] = row
        self._stored_keys = {keys[pk]: pk for pk in self._stored}

    def _column(self, dataset, name: str) -> list:
        header = self.column(name)
        if not dataset.headers or header not in dataset.headers:
            return []
        return ["".join(str(value).split()).upper() if value is not None else "" for value in dataset[header]]

    def _years(self, dataset) -> set[int]:
        """The file's years as the year field reads them (a cell it refuses is that row's error)."""
        field = self.fields["year"]
        if not dataset.headers or field.column_name not in dataset.headers:
            return set()
        years = set()
        for value in dataset[field.column_name]:
            try:
                year = field.clean({field.column_name: value})
            except (ValueError, TypeError, ArithmeticError):
                continue
            if isinstance(year, int):
                years.add(year)
        return years

    def stored_copy(self, row) -> AnnualFigures | None:
        """The stored year of ``row`` (a copy the import may change), or None when it is new."""
        firm = self.fields["firm"].clean(row)
        year = self.fields["year"].clean(row)
        pk = self._stored_keys.get((firm.pk, year)) if firm is not None and year is not None else None
        return copy.copy(self._stored[pk]) if pk is not None else None

    def clean_instance(self, instance, exclude: set[str], validate_unique: bool) -> None:
        """``full_clean`` without its queries: the fields' validators (the firm is one read for the
        file), the rules between fields (``check_rules``, which with the validators state every check
        constraint), the frozen year against the row read under lock, and the unique (firm, year)."""
        errors: dict = {}
        known_firm = instance.firm_id in self._firm_ids  # read for the file: it exists
        try:
            instance.clean_fields(exclude=exclude | ({"firm"} if known_firm else set()))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance.check_rules()
            if instance.pk is not None and not instance._state.adding:
                instance.refuse_if_frozen_as(self._stored.get(instance.pk))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        failed = exclude | (set(errors) - {NON_FIELD_ERRORS})
        if (
            instance._state.adding
            and not failed & {"firm", "year"}
            and (instance.firm_id, instance.year) in self._existing
        ):
            unique = instance.unique_error_message(AnnualFigures, ("firm", "year"))
            errors.setdefault(NON_FIELD_ERRORS, []).append(unique)
        if errors:
            raise ValidationError(errors)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write(self.create_instances, [], dry_run, raise_errors, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write([], self.update_instances, dry_run, raise_errors, result)

    def _write(self, new: list, changed: list, dry_run: bool, raise_errors: bool, result) -> None:
        """Save a chunk through the register's service; a preview (dry run) writes nothing, as every
        rule the database would enforce was checked row by row."""
        try:
            if not dry_run and (new or changed):
                save_figures_in_bulk(list(new), list(changed), user=self.user)
        except Exception as error:  # reported as the import's error: the transaction rolls back
            self.handle_import_error(result, error, raise_errors)
        finally:
            new.clear()
            changed.clear()


def batches(values: list, size: int = READ_BATCH):
    """``values`` in slices of ``size`` (one query each)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
