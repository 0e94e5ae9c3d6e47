"""The audit trail: who changed what, when and why, visible per object in the admin."""

from __future__ import annotations

import pytest

from registry.models import Firm
from tests.factories import FiguresFactory, FirmFactory, district

pytestmark = pytest.mark.django_db


def firm_form(firm: Firm, **changes) -> dict:
    """The firm change form as the admin posts it, with the figures inline untouched."""
    data = {
        "credit_code": firm.credit_code,
        "credit_code_override": "",
        "name": firm.name,
        "district": firm.district_id,
        "cluster": firm.cluster_id or "",
        "founded_on": firm.founded_on.isoformat(),
        "niche_since": firm.niche_since or "",
        "sector": firm.sector,
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "address": "",
        "change_reason": "",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
        "designations-TOTAL_FORMS": "0",
        "designations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_admin_edit_records_user_change_and_reason(client, caseworker):
    firm = FirmFactory(name="旧名称有限公司")
    client.force_login(caseworker)
    response = client.post(
        f"/admin/registry/firm/{firm.pk}/change/",
        firm_form(firm, name="新名称有限公司", change_reason="营业执照变更"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = firm.history.latest()
    assert record.history_type == "~"
    assert record.history_user == caseworker
    assert record.history_change_reason == "营业执照变更"
    delta = record.diff_against(record.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "旧名称有限公司", "新名称有限公司")]


def test_history_page_lists_the_change(client, caseworker):
    firm = FirmFactory()
    client.force_login(caseworker)
    client.post(
        f"/admin/registry/firm/{firm.pk}/change/", firm_form(firm, name="改名后", change_reason="更名")
    )
    page = client.get(f"/admin/registry/firm/{firm.pk}/history/")
    assert page.status_code == 200
    assert "更名" in page.text and caseworker.username in page.text


def test_create_and_delete_are_recorded(caseworker):
    firm = FirmFactory(district=district("500105"))
    pk = firm.pk
    firm.delete()
    types = list(Firm.history.filter(id=pk).order_by("history_date").values_list("history_type", flat=True))
    assert types == ["+", "-"]


def test_figures_changes_are_recorded_with_old_and_new_values():
    row = FiguresFactory(class1_ip=1)
    row.class1_ip = 4
    row._change_reason = "补录发明专利"
    row.save()
    latest = row.history.latest()
    change = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in change] == [("class1_ip", 1, 4)]
    assert latest.history_change_reason == "补录发明专利"
