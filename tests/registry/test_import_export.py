"""Imports are validated like forms and all-or-nothing; exports cannot carry formulas."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
import tablib

from registry.credit_code import make_code
from registry.models import AnnualFigures, Firm
from registry.resources import AnnualFiguresResource, FirmResource
from tests.factories import FiguresFactory, FirmFactory, UserFactory, district

pytestmark = pytest.mark.django_db

HEADERS = ["credit_code", "name", "district", "cluster", "founded_on", "niche_since", "sector"]
GOOD_A = [make_code("91500112MA60000A1"), "重庆甲公司", "500112", "servers", "2018-05-01", "2019", "industry"]
GOOD_B = [make_code("91500105MA60000B2"), "重庆乙公司", "500105", "", "2020-01-15", "", "software"]


def exported(resource) -> list[dict]:
    """The rows ``resource`` exports, keyed by field name (the file's headers are Chinese)."""
    dataset = resource.export()
    names = {resource.column(name): name for name in resource.fields}
    return [{names[h]: value for h, value in zip(dataset.headers, r, strict=True)} for r in dataset]


def firms_dataset(*rows) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=HEADERS)


def test_valid_file_imports_every_row(caseworker):
    result = FirmResource(user=caseworker).import_data(firms_dataset(GOOD_A, GOOD_B))
    assert not result.has_errors() and not result.has_validation_errors()
    assert set(Firm.objects.values_list("name", flat=True)) == {"重庆甲公司", "重庆乙公司"}


@pytest.mark.parametrize(
    ("bad_row", "field"),
    [
        ([GOOD_B[0][:-1] + ("0" if GOOD_B[0][-1] != "0" else "1"), *GOOD_B[1:]], "credit_code"),
        (["91500105MA60000B2X", *GOOD_B[1:]], "credit_code"),
        ([GOOD_B[0], "", *GOOD_B[2:]], "name"),
        ([*GOOD_B[:2], "999999", *GOOD_B[3:]], "district"),
        ([*GOOD_B[:4], "2099-01-01", *GOOD_B[5:]], "founded_on"),
        ([*GOOD_B[:6], "mining"], "sector"),
    ],
)
def test_one_invalid_row_imports_nothing(caseworker, bad_row, field):
    result = FirmResource(user=caseworker).import_data(firms_dataset(GOOD_A, bad_row))
    assert result.has_validation_errors() or result.has_errors()
    invalid = result.invalid_rows
    assert len(invalid) == 1 and invalid[0].number == 2
    assert field in invalid[0].field_specific_errors or field in str(invalid[0].error_dict)
    assert not Firm.objects.exists()


def test_lower_case_codes_with_spaces_are_normalised(caseworker):
    row = [" " + GOOD_A[0][:9].lower() + " " + GOOD_A[0][9:].lower(), *GOOD_A[1:]]
    result = FirmResource(user=caseworker).import_data(firms_dataset(row))
    assert not result.has_validation_errors(), result.invalid_rows
    assert Firm.objects.get().credit_code == GOOD_A[0]


def test_district_caseworker_cannot_import_into_another_district():
    user = UserFactory(roles=["caseworker"], district=district("500112"), is_staff=True)
    result = FirmResource(user=user).import_data(firms_dataset(GOOD_A, GOOD_B))
    assert [r.number for r in result.invalid_rows] == [2]
    assert not Firm.objects.exists()


def test_figures_import_is_all_or_nothing(caseworker):
    firm = FirmFactory()
    headers = [
        "firm",
        "year",
        "operating_revenue",
        "main_business_revenue",
        "rd_expense",
        "net_profit",
        "total_assets",
        "total_liabilities",
        "employees",
        "rd_staff",
    ]
    good = [firm.credit_code, 2023, "5000", "4000", "200", "300", "6000", "2000", 100, 20]
    staff_over = [firm.credit_code, 2024, "6000", "5000", "250", "300", "6500", "2100", 100, 101]
    result = AnnualFiguresResource(user=caseworker).import_data(
        tablib.Dataset(good, staff_over, headers=headers)
    )
    assert [r.number for r in result.invalid_rows] == [2]
    assert "rd_staff" in result.invalid_rows[0].error_dict
    assert not AnnualFigures.objects.exists()


def test_figures_import_refuses_frozen_years(caseworker):
    row = FiguresFactory(year=2023)
    AnnualFigures.objects.filter(pk=row.pk).update(frozen=True)
    headers = [
        "firm",
        "year",
        "operating_revenue",
        "main_business_revenue",
        "rd_expense",
        "net_profit",
        "total_assets",
        "total_liabilities",
        "employees",
        "rd_staff",
    ]
    data = [row.firm.credit_code, 2023, "1", "1", "1", "1", "1", "1", 1, 1]
    result = AnnualFiguresResource(user=caseworker).import_data(tablib.Dataset(data, headers=headers))
    assert result.has_validation_errors() or result.has_errors()
    row.refresh_from_db()
    assert row.operating_revenue == Decimal("8000.00")


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd"])
def test_export_escapes_formula_cells(caseworker, payload):
    FirmFactory(name=payload, contact_name=payload)
    row = exported(FirmResource(user=caseworker))[0]
    assert row["name"] == "'" + payload
    assert row["contact_name"] == "'" + payload


def test_export_leaves_numbers_and_plain_text_alone(caseworker):
    FiguresFactory(net_profit=Decimal("-35.00"), firm=FirmFactory(name="普通名称"))
    figures = exported(AnnualFiguresResource(user=caseworker))
    assert figures[0]["net_profit"] in ("-35.00", Decimal("-35.00"))
    assert exported(FirmResource(user=caseworker))[0]["name"] == "普通名称"


def test_export_is_scoped_to_the_users_district():
    FirmFactory(name="渝北企业", district=district("500112"))
    FirmFactory(name="江北企业", district=district("500105"))
    user = UserFactory(roles=["caseworker"], district=district("500105"), is_staff=True)
    assert [row["name"] for row in exported(FirmResource(user=user))] == ["江北企业"]


def xlsx_upload(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "firms.xlsx"
    return buffer


def test_admin_import_preview_shows_row_errors_and_saves_nothing(client, caseworker):
    client.force_login(caseworker)
    bad = [*GOOD_B[:2], "999999", *GOOD_B[3:]]
    response = client.post(
        "/admin/registry/firm/import/",
        {"resource": "0", "format": "1", "import_file": xlsx_upload([GOOD_A, bad])},
    )
    assert response.status_code == 200
    page = response.text
    assert "999999" in page or "district" in page
    assert "confirm" not in page.lower() or "import_file_name" not in page
    assert not Firm.objects.exists()


def test_admin_import_then_confirm_saves_a_valid_file(client, caseworker):
    client.force_login(caseworker)
    response = client.post(
        "/admin/registry/firm/import/",
        {"resource": "0", "format": "1", "import_file": xlsx_upload([GOOD_A, GOOD_B])},
    )
    assert response.status_code == 200
    form = response.context["confirm_form"]
    confirm = client.post("/admin/registry/firm/process_import/", form.initial)
    assert confirm.status_code == 302
    assert Firm.objects.count() == 2
    assert Firm.history.filter(history_type="+").first().history_user == caseworker
