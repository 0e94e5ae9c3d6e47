"""Bad files and bad rows to the admin imports (firms and annual figures): each is refused with a
message the caseworker can act on, no confirmation is offered, and nothing is saved."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.credit_code import make_code
from tests.factories import FirmFactory, district

from .corpus import HUGE, THIS_YEAR, row_counts, snapshot

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"
FIRM_HEADER = "credit_code,name,district,cluster,founded_on,niche_since,sector"
CODE_A, CODE_B = make_code("91500112MA60000A1"), make_code("91500112MA60000B2")
ROW_A = f"{CODE_A},重庆甲公司,500112,,2018-05-01,2019,industry"
ROW_B = f"{CODE_B},重庆乙公司,500112,,2019-05-01,,industry"
FIGURES_HEADER = "firm,year,operating_revenue,main_business_revenue,rd_expense,net_profit,total_assets,"
FIGURES_HEADER += "total_liabilities,employees,rd_staff"
GOOD_FIGURES = "{code},{year},8000,7200,400,600,9000,4000,150,30"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(*rows: list) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FILE_CASES = [  # (id, content, format, a phrase of the message)
    ("gbk", csv_bytes(FIRM_HEADER, ROW_A, encoding="gbk"), CSV, "不是 UTF-8 编码"),
    ("gb18030", csv_bytes(FIRM_HEADER, ROW_A, encoding="gb18030"), CSV, "不是 UTF-8 编码"),
    ("utf-16", csv_bytes(FIRM_HEADER, ROW_A, encoding="utf-16"), CSV, "UTF-16"),
    ("binary", bytes(range(256)) * 4, CSV, "不是文本表格"),
    ("empty", b"", CSV, "空文件"),
    ("empty-xlsx", b"", XLSX, "空文件"),
    ("csv-as-xlsx", csv_bytes(FIRM_HEADER, ROW_A), XLSX, "不是 xlsx 文件"),
    ("xlsx-as-csv", xlsx_bytes(FIRM_HEADER.split(","), ROW_A.split(",")), CSV, "不是文本表格"),
    ("zip-not-xlsx", b"PK\x03\x04" + b"\0" * 64, XLSX, "无法读取该 Excel 工作簿"),
    ("html", b"<table><tr><td>x</td></tr></table>", CSV, "网页"),
]


@pytest.fixture
def admin_client(client, caseworker):
    client.force_login(caseworker)
    return client


def post_import(client, model: str, content: bytes, file_format: str, name: str = "upload"):
    upload = SimpleUploadedFile(name, content)
    return client.post(
        f"/admin/registry/{model}/import/", {"resource": "0", "format": file_format, "import_file": upload}
    )


def refused(response) -> str:
    """Every message the page gives (file errors, row errors, row validation errors), after checking
    that it offers no confirmation."""
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    messages = [str(m) for errors in response.context["form"].errors.values() for m in errors]
    result = response.context.get("result")
    if result is not None:
        messages += [str(error.error) for error in result.base_errors]
        messages += [str(error.error) for _line, errors in result.row_errors() for error in errors]
        for row in result.invalid_rows:
            messages += [f"{field}: {m}" for field, errors in row.error_dict.items() for m in errors]
    assert messages, "refused without a message"
    return "\n".join(messages)


@pytest.mark.parametrize("model", ["firm", "annualfigures"])
def test_bad_files_are_refused_with_a_message(admin_client, model):
    problems = []
    start = snapshot()
    for case, content, file_format, phrase in FILE_CASES:
        before = row_counts()
        page = refused(post_import(admin_client, model, content, file_format, f"{case}.csv"))
        if phrase not in page:
            problems.append(f"{case}: no message with {phrase!r}: {page[:300]}")
        if row_counts() != before:
            problems.append(f"{case}: rows were added or removed")
    assert problems == []
    assert snapshot() == start


FIRM_ROW_CASES = [  # (id, lines after the header, a phrase of the message)
    ("duplicate", [ROW_A, ROW_B, ROW_A.replace("重庆甲公司", "重庆甲公司（改）")], "与第 1 行重复"),
    ("identical-duplicate", [ROW_A, ROW_A], "与第 1 行重复"),
    ("duplicate-spaced-code", [ROW_A, ROW_A.replace(CODE_A, CODE_A.lower()[:6] + " " + CODE_A[6:])], "重复"),
    ("bad-checksum", [ROW_A.replace(CODE_A, CODE_A[:17] + ("0" if CODE_A[17] != "0" else "1"))], "校验码"),
    ("short-code", [ROW_A.replace(CODE_A, "91500112")], "18 位"),
    ("bad-district", [ROW_A.replace("500112", "999999")], "999999"),
    ("future-founded", [ROW_A.replace("2018-05-01", f"{THIS_YEAR + 1}-01-01")], "不能晚于今天"),
    ("bad-date", [ROW_A.replace("2018-05-01", "2018-13-45")], "founded_on"),
    ("future-niche", [ROW_A.replace(",2019,", f",{THIS_YEAR + 1},")], "不能晚于今年"),
    ("absurd-niche", [ROW_A.replace(",2019,", ",99999999999,")], "niche_since: "),
    ("huge-name", [ROW_A.replace("重庆甲公司", HUGE[:5000])], "name: "),
    ("nul-in-name", [ROW_A.replace("重庆甲公司", "重庆\x00公司")], "不是文本表格"),  # a NUL: binary
    ("bad-sector", [ROW_A.replace("industry", "mining")], "mining"),
    ("one-bad-row-of-two", [ROW_A, ROW_B.replace("500112", "999999")], "999999"),
]


def test_bad_firm_rows_save_nothing(admin_client):
    FirmFactory(district=district("500112"))  # something that must stay as it is
    problems = []
    start = snapshot()
    for case, lines, phrase in FIRM_ROW_CASES:
        before = row_counts()
        response = post_import(admin_client, "firm", csv_bytes(FIRM_HEADER, *lines), CSV, f"{case}.csv")
        page = refused(response)
        if phrase not in page:
            problems.append(f"{case}: no message with {phrase!r}: {page[:300]}")
        if row_counts() != before:
            problems.append(f"{case}: rows were added or removed")
    assert problems == []
    assert snapshot() == start


def test_bad_figures_rows_save_nothing(admin_client):
    firm = FirmFactory(credit_code=CODE_A, district=district("500112"))
    good = GOOD_FIGURES.format(code=firm.credit_code, year=THIS_YEAR - 1)
    cases = [
        ("duplicate-year", [good, good.replace("8000", "9000")], "与第 1 行重复"),
        ("future-year", [good.replace(f",{THIS_YEAR - 1},", f",{THIS_YEAR + 1},")], "年度应在"),
        ("negative", [good.replace(",400,", ",-400,")], "rd_expense: "),
        ("absurd-amount", [good.replace(",8000,", ",1e400,")], "operating_revenue: "),
        ("words", [good.replace(",150,", ",many,")], "employees: “many”不是有效的数字"),
        ("rd-staff-over-staff", [good.replace(",30", ",300")], "研发人员不能多于从业人员"),
        ("unknown-firm", [good.replace(firm.credit_code, CODE_B)], CODE_B),
        ("year-words", [good.replace(f",{THIS_YEAR - 1},", ",last year,")], "不是有效的年份"),
    ]
    problems = []
    start = snapshot()
    for case, lines, phrase in cases:
        before = row_counts()
        content = csv_bytes(FIGURES_HEADER, *lines)
        page = refused(post_import(admin_client, "annualfigures", content, CSV, f"{case}.csv"))
        if phrase not in page:
            problems.append(f"{case}: no message with {phrase!r}: {page[:300]}")
        if row_counts() != before:
            problems.append(f"{case}: rows were added or removed")
    assert problems == []
    assert snapshot() == start


def test_a_good_file_with_a_bom_still_imports(admin_client):
    """The content checks must not refuse what Excel writes as "CSV UTF-8": a BOM, CRLF line ends."""
    content = "\ufeff" + "\r\n".join([FIRM_HEADER, ROW_A, ROW_B]) + "\r\n"
    response = post_import(admin_client, "firm", content.encode(), CSV, "excel.csv")
    assert response.context.get("confirm_form") is not None
