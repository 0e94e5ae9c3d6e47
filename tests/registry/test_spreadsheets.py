"""The one formula-escaping rule every spreadsheet export uses (register resources, dashboard tables)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from registry.spreadsheets import escape_formula


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_text_a_spreadsheet_would_run_is_written_as_text(text):
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["渝北区", "a=b", "", -3, Decimal("-35.00"), datetime.date(2026, 1, 1), None, True]
)
def test_plain_text_and_other_values_are_left_alone(value):
    assert escape_formula(value) == value
