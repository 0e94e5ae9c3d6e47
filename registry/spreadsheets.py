"""Cells written to CSV/XLSX files that people open in Excel or LibreOffice.

One rule for every export (the register's import-export resources and the dashboard's tables): a text cell
that a spreadsheet would run as a formula is written as text instead (CSV/formula injection).
"""

from __future__ import annotations

# What a spreadsheet reads as the start of a formula (a leading tab or carriage return is stripped first).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Make a text cell inert: prefix formula triggers with an apostrophe. Numbers, dates and other values
    are returned as they are (``-35`` is a loss, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
