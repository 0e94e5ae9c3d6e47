"""The admin's 历史 pages in the caseworker's language: Chinese headers, no "None", and the firm's page
lists the changes made to its figures on the firm page's inline (issue 17)."""

from __future__ import annotations

import pytest

from tests.factories import FiguresFactory, FirmFactory
from tests.registry.test_audit import firm_form

pytestmark = pytest.mark.django_db


def inline_edit(firm, row, **changes) -> dict:
    """The firm page posted with one year of figures edited on its inline."""
    data = firm_form(firm, **{"figures-TOTAL_FORMS": "1", "figures-INITIAL_FORMS": "1"})
    fields = {"id": row.pk, "firm": firm.pk, "year": row.year, "version": ""}
    for name in (
        "operating_revenue",
        "main_business_revenue",
        "rd_expense",
        "net_profit",
        "total_assets",
        "total_liabilities",
        "employees",
        "rd_staff",
        "class1_ip",
        "class2_ip",
        "equity_financing",
    ):
        fields[name] = getattr(row, name)
    fields.update(changes)
    data.update({f"figures-0-{k}": "" if v is None else str(v) for k, v in fields.items()})
    return data


def test_the_firm_history_shows_the_field_changes_of_an_inline_figures_edit(client, caseworker):
    firm = FirmFactory()
    row = FiguresFactory(firm=firm, class1_ip=1)
    client.force_login(caseworker)
    data = {**inline_edit(firm, row, class1_ip=4), "change_reason": "补录专利"}
    response = client.post(f"/admin/registry/firm/{firm.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(f"/admin/registry/firm/{firm.pk}/history/").content.decode()
    section = page[page.index('id="figures-history"') :]
    assert "年度数据的修改" in section and "补录专利" in section
    assert "Ⅰ类知识产权" in section  # the field by its label
    assert "1 &rarr; 4" in section
    assert f">{caseworker.username}<" in section  # who made the change, as in the firm's own list


def test_history_headers_are_chinese_and_an_empty_reason_is_not_none(client, caseworker):
    firm = FirmFactory()
    firm.save()  # a change with no reason and no user
    client.force_login(caseworker)
    page = client.get(f"/admin/registry/firm/{firm.pk}/history/").content.decode()
    table = page[page.index('id="change-history"') :]
    table = table[: table.index("</table>")]
    for header in ("时间", "操作", "修改人", "修改原因", "修改内容"):
        assert f">{header}</th>" in table
    for english in ("Date/time", "Changes", "Change reason", "None"):
        assert english not in table
