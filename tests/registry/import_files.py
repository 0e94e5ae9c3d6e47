"""Import files of any size for the import tests: annual figures and firms, as XLSX or CSV uploads."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.credit_code import make_code
from registry.models import FIGURE_FIELDS, AnnualFigures, Firm
from tests.factories import district

FIGURE_HEADERS = ["firm", "year", *FIGURE_FIELDS[:8]]
FIRM_HEADERS = ["credit_code", "name", "district", "cluster", "founded_on", "niche_since", "sector"]
FORMATS = {"csv": "0", "xlsx": "1"}  # the admin import form's choice for each (settings.IMPORT_FORMATS)


def make_firms(count: int, district_code: str = "500112", start: int = 0) -> list[Firm]:
    """``count`` firms written in bulk (they are the figures' keys, not what is tested)."""
    where = district(district_code)
    prefix = f"91{district_code}"
    return Firm.objects.bulk_create(
        Firm(
            credit_code=make_code(f"{prefix}{start + i:09d}"),
            name=f"导入测试企业{start + i}",
            district=where,
            founded_on=datetime.date(2010, 1, 1),
        )
        for i in range(count)
    )


def figure_row(firm: Firm, year: int, revenue: int = 5000) -> list:
    return [firm.credit_code, year, revenue, revenue - 500, 300, 400, revenue + 1000, 2000, 100, 20]


def figure_rows(firms: list[Firm], rows: int) -> list[list]:
    """``rows`` figures rows, one per firm and year (2016 onwards) so no key repeats."""
    return [figure_row(firms[i % len(firms)], 2016 + i // len(firms)) for i in range(rows)]


def firm_row(index: int, district_code: str = "500112") -> list:
    code = make_code(f"91{district_code}{800000000 + index:09d}")
    return [code, f"新导入企业{index}", district_code, "", "2018-05-01", "", "industry"]


def xlsx_bytes(headers: list, rows: list[list]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: list, rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def upload(headers: list, rows: list[list], fmt: str = "xlsx", name: str = "data") -> dict:
    """The POST data of the admin's import form for these rows."""
    data = xlsx_bytes(headers, rows) if fmt == "xlsx" else csv_bytes(headers, rows)
    return {"resource": "0", "format": FORMATS[fmt], "import_file": SimpleUploadedFile(f"{name}.{fmt}", data)}


def figures_count() -> int:
    return AnnualFigures.objects.count()
