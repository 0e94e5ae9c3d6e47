"""Cells written to CSV/XLSX files that people open in Excel or LibreOffice.

One rule for every export (the register's import-export resources, the dashboard's and the impact reports'
tables): a text cell that a spreadsheet would run as a formula is written as text instead (CSV/formula
injection); and one layout for a page's tables as CSV and as a workbook (``tables_csv``, ``tables_xlsx``).
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

# What a spreadsheet reads as the start of a formula (a leading tab or carriage return is stripped first).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Make a text cell inert: prefix formula triggers with an apostrophe. Numbers, dates and other values
    are returned as they are (``-35`` is a loss, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def tables_csv(tables: list[dict], preamble: list[list] = ()) -> bytes:
    """Tables (``name``, ``title``, ``header``, ``rows``) one after the other in one CSV: the ``preamble``
    rows first, then each table's ``# name`` and title, its header, its rows and an empty line. UTF-8 with a
    BOM, so Excel reads the Chinese; every cell through ``escape_formula``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if preamble:
        writer.writerows([escape_formula(str(cell)) for cell in row] for row in preamble)
        writer.writerow([])
    for table in tables:
        writer.writerow([f"# {table['name']}", escape_formula(str(table["title"]))])
        writer.writerow([escape_formula(str(h)) for h in table["header"]])
        writer.writerows([escape_formula(v) for v in row] for row in table["rows"])
        writer.writerow([])
    return ("\ufeff" + buffer.getvalue()).encode()


def tables_xlsx(tables: list[dict], about: list[list]) -> bytes:
    """The same tables as a workbook: one sheet per table, named by its ``name``, header in bold, and an
    ``about`` sheet saying what the file holds (year, scope, who and when)."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table["name"])
        sheet.append([escape_formula(str(h)) for h in table["header"]])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table["rows"]:
            sheet.append([escape_formula(v) for v in row])
    info = book.create_sheet("about")
    for row in about:
        info.append([escape_formula(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
