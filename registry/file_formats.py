"""The spreadsheet formats the register imports and exports: XLSX (the default) and CSV, nothing else.

A CSV is written with a UTF-8 byte-order mark: without it Excel on a Chinese Windows reads the file as
GBK and shows 乱码. Imports read CSV as ``utf-8-sig``, so the mark is tolerated on the way back.
"""

from __future__ import annotations

from import_export.formats import base_formats


class ExcelCSV(base_formats.CSV):
    """CSV that Excel opens in UTF-8: the text starts with a byte-order mark."""

    BOM = "\ufeff"

    def export_data(self, dataset, **kwargs):
        return self.BOM + super().export_data(dataset, **kwargs)


# The order is the forms' choice values ("0" CSV, "1" XLSX), which scripts and tests post.
IMPORT_FORMATS = [base_formats.CSV, base_formats.XLSX]
EXPORT_FORMATS = [ExcelCSV, base_formats.XLSX]
DEFAULT_TITLE = "xlsx"


def offer(form) -> None:
    """The form's format choice without the empty "---" and with XLSX chosen."""
    field = form.fields["format"]
    field.choices = [(value, label) for value, label in field.choices if value != ""]
    for value, label in field.choices:
        if str(label) == DEFAULT_TITLE:
            field.initial = value
            form.initial.setdefault("format", value)
