"""Two people edit the same record in the admin or the portal (issue 19): both load the form, one saves,
then the other's save is refused with a message and writes nothing; the first one's values stay."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from cultivation.services.stages import StageMove, settle_stages
from registry.models import AnnualFigures, Firm
from tests.factories import UserFactory, add_figures, today
from tests.workflow.test_frozen_admin import form_fields

pytestmark = pytest.mark.django_db

STALE = "该记录已被他人修改，您的修改未保存。请刷新后重试。"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def drawn(client: Client, url: str) -> dict[str, str]:
    """The fields a browser would post back from the form at ``url``, as drawn now."""
    page = client.get(url)
    assert page.status_code == 200
    return form_fields(page.content.decode())


def row_index(data: dict[str, str], row: AnnualFigures) -> str:
    return next(k.split("-")[1] for k, v in data.items() if k.endswith("-id") and v == str(row.pk))


@pytest.fixture
def editors(caseworker):
    other = UserFactory(username="city-caseworker-2", roles=["caseworker"], is_staff=True)
    return signed_in(caseworker), signed_in(other)


def test_the_admin_refuses_a_firm_saved_over_a_change(editors, firm):
    first, second = editors
    url = f"/admin/registry/firm/{firm.pk}/change/"
    a, b = drawn(first, url), drawn(second, url)
    assert a["version"]

    assert second.post(url, {**b, "contact_name": "乙改的联系人"}).status_code == 302
    response = first.post(url, {**a, "address": "甲改的地址"})

    assert response.status_code == 200
    assert STALE in response.content.decode()
    stored = Firm.objects.get(pk=firm.pk)
    assert (stored.contact_name, stored.address) == ("乙改的联系人", firm.address)
    assert stored.history.count() == 2  # created, and B's change: nothing from A


def test_the_admin_refuses_a_year_on_the_firm_page_saved_over_a_change(editors, firm):
    first, second = editors
    row = add_figures(firm, today().year - 6, "5000")
    url = f"/admin/registry/firm/{firm.pk}/change/"
    a, b = drawn(first, url), drawn(second, url)
    i = row_index(a, row)

    assert second.post(url, {**b, f"figures-{i}-employees": "160"}).status_code == 302
    response = first.post(url, {**a, f"figures-{i}-rd_staff": "45"})

    assert response.status_code == 200
    assert STALE in response.content.decode()
    stored = AnnualFigures.objects.get(pk=row.pk)
    assert (stored.employees, stored.rd_staff) == (160, row.rd_staff)


def test_the_admin_still_saves_a_form_drawn_after_the_change(editors, firm):
    first, second = editors
    url = f"/admin/registry/firm/{firm.pk}/change/"
    assert second.post(url, {**drawn(second, url), "contact_name": "乙"}).status_code == 302
    assert first.post(url, {**drawn(first, url), "address": "甲"}).status_code == 302
    stored = Firm.objects.get(pk=firm.pk)
    assert (stored.contact_name, stored.address) == ("乙", "甲")


def test_the_figures_admin_page_refuses_a_stale_save(editors, firm):
    first, second = editors
    row = add_figures(firm, today().year - 6, "5000")
    url = f"/admin/registry/annualfigures/{row.pk}/change/"
    a, b = drawn(first, url), drawn(second, url)

    assert second.post(url, {**b, "class1_ip": "9"}).status_code == 302
    response = first.post(url, {**a, "class2_ip": "20"})

    assert response.status_code == 200 and STALE in response.content.decode()
    stored = AnnualFigures.objects.get(pk=row.pk)
    assert (stored.class1_ip, stored.class2_ip) == (9, row.class2_ip)


def test_the_portal_refuses_a_year_saved_over_a_change(firm, firm_user):
    colleague = UserFactory(username="firm-a-2", roles=["firm"], firm=firm)
    first, second = signed_in(firm_user), signed_in(colleague)
    row = add_figures(firm, today().year - 6, "5000")
    url = reverse("portal:figures-edit", args=[row.year])
    a, b = drawn(first, url), drawn(second, url)
    assert a["version"]

    assert second.post(url, {**b, "net_profit": "300.00"}).status_code == 302
    response = first.post(url, {**a, "rd_expense": "420.00"})

    assert response.status_code == 400
    assert STALE in response.content.decode()
    stored = AnnualFigures.objects.get(pk=row.pk)
    assert (stored.net_profit, stored.rd_expense) == (Decimal("300.00"), row.rd_expense)


def test_the_portal_saves_a_fresh_form(firm, firm_user):
    row = add_figures(firm, today().year - 6, "5000")
    client = signed_in(firm_user)
    url = reverse("portal:figures-edit", args=[row.year])
    assert client.post(url, {**drawn(client, url), "rd_expense": "420.00"}).status_code == 302
    assert AnnualFigures.objects.get(pk=row.pk).rd_expense == Decimal("420.00")


def test_reverting_to_a_past_version_compares_with_the_record_as_it_is_now(editors, firm):
    """The history's revert page draws a past version (here with another stage): its save goes through
    unless the record changed after the page was drawn."""
    first, second = editors
    url = f"/admin/registry/firm/{firm.pk}/change/"
    original = firm.history.earliest()
    settle_stages([StageMove(firm.pk, firm.district_id, firm.stage, "growth")], on=today())
    assert first.post(url, {**drawn(first, url), "contact_name": "新联系人"}).status_code == 302
    revert = f"/admin/registry/firm/{firm.pk}/history/{original.history_id}/"
    assert first.post(revert, drawn(first, revert)).status_code == 302
    assert Firm.objects.get(pk=firm.pk).contact_name == firm.contact_name

    page = drawn(first, revert)
    assert second.post(url, {**drawn(second, url), "address": "后改的地址"}).status_code == 302
    response = first.post(revert, page)
    assert response.status_code == 200 and STALE in response.content.decode()
    assert Firm.objects.get(pk=firm.pk).address == "后改的地址"
