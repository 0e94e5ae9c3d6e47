"""The register's field lists are declared once and everything else follows them (issue 20).

The figures: ``registry.figures`` declares them; the model's columns, the rules' ``YearFigures`` and
the labels must match it. The firm: ``FIRM_FIELDS`` is what the admin form, the import file, the API
and the demo write, each differing from it only where it says so.
"""

from __future__ import annotations

import typing
from dataclasses import fields
from decimal import Decimal

from django.db import models

from api.serializers import FirmSerializer
from cultivation import demo
from cultivation.rules import YearFigures
from cultivation.rules.texts import FIELD_LABELS
from registry.admin import FirmAdmin, FirmForm
from registry.figures import COUNT, DECIMAL, FIGURE_FIELDS, FIGURES
from registry.models import FIRM_FIELDS, AnnualFigures, Firm
from registry.resources import FirmResource

NOT_FIGURES = {"id", "firm", "year", "audited", "frozen", "frozen_reason", "updated_at", "filed_on"}
KIND_OF_COLUMN = {models.DecimalField: DECIMAL, models.PositiveIntegerField: COUNT}
KIND_OF_TYPE = {Decimal: DECIMAL, int: COUNT}


def test_the_models_figure_columns_are_the_declared_figures_with_their_kinds():
    columns = [f for f in AnnualFigures._meta.concrete_fields if f.name not in NOT_FIGURES]
    assert {f.name: KIND_OF_COLUMN[type(f)] for f in columns} == {f.name: f.kind for f in FIGURES}
    assert {f.name: str(f.verbose_name) for f in columns} == {f.name: str(f.verbose_name) for f in FIGURES}


def test_year_figures_has_the_declared_figures_with_their_kinds():
    hints = typing.get_type_hints(YearFigures)
    names = [f.name for f in fields(YearFigures)]
    assert names[0] == "year"
    kinds = {name: KIND_OF_TYPE[typing.get_args(hints[name])[0]] for name in names[1:]}
    assert kinds == {f.name: f.kind for f in FIGURES}


def test_every_figure_has_its_label_in_the_rules_explanations():
    assert {name: FIELD_LABELS[name] for name in FIGURE_FIELDS} == {f.name: f.label for f in FIGURES}


def test_the_admin_form_writes_the_firm_fields():
    assert tuple(FirmForm.base_fields) == (*FIRM_FIELDS, "change_reason", "version")
    shown = [name for _title, options in FirmAdmin.fieldsets for name in _flat(options["fields"])]
    assert set(shown) == {*FIRM_FIELDS, *FirmAdmin.readonly_fields, "change_reason", "version"}


def test_the_import_file_has_a_column_per_firm_field_the_override_last():
    resource = FirmResource()
    headers = resource.get_export_headers()
    assert sorted(headers) == sorted(resource.column(name) for name in FIRM_FIELDS)
    assert headers[-1] == resource.column("credit_code_override")


def test_the_api_writes_the_firm_fields_and_only_reads_the_stage():
    serializer = FirmSerializer()
    assert [n for n, f in serializer.fields.items() if not f.read_only] == list(FIRM_FIELDS)
    assert [n for n, f in serializer.fields.items() if f.read_only] == ["stage"]


def test_the_demo_writes_the_firm_fields_and_the_stage_by_column():
    columns = [Firm._meta.get_field(name).column for name in FIRM_FIELDS]
    assert (*columns, "stage") == demo.FIRM_COLUMNS
    assert ("year", *FIGURE_FIELDS, "audited") == demo.FIGURE_COLUMNS


def _flat(names) -> list[str]:
    """Admin fieldset entries: a name, or a tuple of names shown on one line."""
    return [n for entry in names for n in (entry if isinstance(entry, tuple) else (entry,))]
