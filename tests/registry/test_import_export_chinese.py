"""Import and export speak Chinese: headers, districts, clusters, sectors and 是/否; codes still read.

Through the admin's own pages (the export and import forms a caseworker uses) and the resources the
background job and the API share.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import tablib
from django.urls import reverse

from registry.models import Cluster, Firm
from registry.resources import FirmResource
from tests.factories import FirmFactory, district
from tests.registry.import_files import upload

pytestmark = pytest.mark.django_db

FIELDS = ("credit_code", "name", "district", "cluster", "sector", "is_listed")
CSV, XLSX = "0", "1"  # the export form's choices (registry.file_formats.EXPORT_FORMATS)


def export(client, file_format: str) -> bytes:
    data = {"resource": "0", "format": file_format, **{f"firmresource_{name}": "on" for name in FIELDS}}
    response = client.post(reverse("admin:registry_firm_export"), data)
    assert response.status_code == 200
    return response.content


@pytest.fixture
def firm(db):
    return FirmFactory(
        name="重庆中文导出公司", district=district("500112"), sector="software", is_listed=True
    )


def test_csv_export_has_a_bom_chinese_headers_and_chinese_values(client, caseworker, firm):
    client.force_login(caseworker)
    body = export(client, CSV)
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads the file as UTF-8
    header, row = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[:2]
    assert header == ["统一社会信用代码", "企业名称", "所属区县", "所属产业集群", "行业", "已上市"]
    cluster = firm.cluster.name_zh
    assert row == [firm.credit_code, "重庆中文导出公司", "渝北区", cluster, "软件和信息技术服务业", "是"]


def test_xlsx_export_has_chinese_headers_and_values(client, caseworker, firm):
    client.force_login(caseworker)
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, XLSX))).active
    header, row = [[cell.value for cell in r] for r in sheet.iter_rows(max_row=2)]
    assert header[2:] == ["所属区县", "所属产业集群", "行业", "已上市"]
    assert row[2:] == ["渝北区", firm.cluster.name_zh, "软件和信息技术服务业", "是"]


def test_the_forms_offer_xlsx_chosen_and_csv_only(client, caseworker):
    client.force_login(caseworker)
    pages = ("registry_firm_import", "registry_firm_export", "registry_annualfigures_export")
    for page in pages:
        form = client.get(reverse(f"admin:{page}")).context["form"]
        assert [str(label) for _value, label in form.fields["format"].choices] == ["csv", "xlsx"]
        assert form["format"].value() == XLSX


def import_firms(client, headers, rows, fmt="xlsx"):
    response = client.post(reverse("admin:registry_firm_import"), upload(headers, rows, fmt=fmt))
    assert response.status_code == 200
    return response


def confirm(client, response) -> None:
    form = response.context["confirm_form"]
    assert client.post(reverse("admin:registry_firm_process_import"), form.initial).status_code == 302


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_file_imports_back_with_chinese_headers_and_names(client, caseworker, firm, fmt):
    """The round trip a clerk makes: export, edit in Excel, import."""
    client.force_login(caseworker)
    cluster = Cluster.objects.exclude(pk=firm.cluster_id).first()
    headers = ["\ufeff统一社会信用代码", "企业名称", "所属区县", "所属产业集群", "行业", "已上市"]
    row = [firm.credit_code, "改名后的公司", "江北区", cluster.name_zh, "工业", "否"]
    confirm(client, import_firms(client, headers, [row], fmt))
    firm.refresh_from_db()
    assert (firm.name, firm.district.code, firm.cluster, firm.sector, firm.is_listed) == (
        "改名后的公司",
        "500105",
        cluster,
        "industry",
        False,
    )


def test_codes_are_still_accepted(client, caseworker, firm):
    client.force_login(caseworker)
    headers = ["credit_code", "name", "district", "cluster", "sector", "is_listed"]
    row = [firm.credit_code, "代码导入公司", "500105", "servers", "software", "true"]
    confirm(client, import_firms(client, headers, [row]))
    firm.refresh_from_db()
    assert (firm.name, firm.district.code, firm.cluster.code, firm.sector, firm.is_listed) == (
        "代码导入公司",
        "500105",
        "servers",
        "software",
        True,
    )


def test_refused_rows_are_listed_per_row_and_column_in_words(client, caseworker, firm):
    client.force_login(caseworker)
    headers = ["统一社会信用代码", "企业名称", "所属区县", "行业", "已上市"]
    good = [firm.credit_code, "好行", "渝北区", "工业", "是"]
    bad = [firm.credit_code.replace(firm.credit_code[2], "X"), "坏行", "火星区", "工业", "也许"]
    response = import_firms(client, headers, [good, bad])
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    lines = {(line["row"], line["column"]): line for line in response.context["error_lines"]}
    assert lines[(2, "所属区县")]["value"] == "火星区"
    assert "未找到区县“火星区”" in "".join(lines[(2, "所属区县")]["messages"])
    assert "请填写“是”或“否”" in "".join(lines[(2, "已上市")]["messages"])
    page = response.text
    assert 'id="import-errors"' in page and "有 1 行数据未通过校验" in page
    assert "某些行验数据证失败" not in page
    assert Firm.objects.get().name == "重庆中文导出公司"  # nothing saved


def test_an_unknown_yes_no_is_an_error_not_a_silent_no(caseworker, firm):
    headers = ("credit_code", "name", "district", "is_listed")
    dataset = tablib.Dataset([firm.credit_code, firm.name, "500112", "yes-ish"], headers=headers)
    result = FirmResource(user=caseworker).import_data(dataset, dry_run=True)
    assert result.has_validation_errors()
    assert "is_listed" in result.invalid_rows[0].field_specific_errors
