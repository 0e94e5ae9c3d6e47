"""Frozen figures are read-only everywhere (issue 14): the admin, the firm page's inline, bulk deletes,
the API and imports, and a stale copy can never write ``frozen=False`` back."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest
import tablib
from rest_framework.test import APIClient

from cultivation.services import application_transition, create_application
from cultivation.tiers import INNOVATIVE_SME
from cultivation.workflow import Action
from registry.models import FIGURE_FIELDS, AnnualFigures, FrozenFiguresError
from registry.resources import AnnualFiguresResource
from tests.factories import add_figures, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(firm, people):
    """The firm's application, submitted: its three years of figures are frozen by the service."""
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
    return application_transition(application=application, action=Action.SUBMIT, actor=people.firm_user)


@pytest.fixture
def frozen_row(firm, submitted):
    return AnnualFigures.objects.get(firm=firm, year=today().year - 1)


@pytest.fixture
def open_row(firm):
    """An older year no application relied on."""
    return add_figures(firm, today().year - 6, "5000")


@pytest.fixture
def admin_client(client, people):
    client.force_login(people.city_cw)
    return client


class FormFields(HTMLParser):
    """The fields a browser would post from the admin's change form: name -> value."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return {k: v for k, v in parser.data.items() if "__prefix__" not in k}


def firm_page(firm) -> str:
    return f"/admin/registry/firm/{firm.pk}/change/"


def forged_inline_row(data: dict[str, str], row: AnnualFigures, **changes) -> dict[str, str]:
    """``data`` with the frozen ``row`` posted as an editable figures row (as the old page had it)."""
    index = next(
        (
            k.split("-")[1]
            for k, v in data.items()
            if k.startswith("figures-") and k.endswith("-id") and v == str(row.pk)
        ),
        None,
    )
    if index is None or f"figures-{index}-rd_expense" not in data:
        index = data["figures-TOTAL_FORMS"]
        data["figures-TOTAL_FORMS"] = data["figures-INITIAL_FORMS"] = str(int(index) + 1)
    fields = {"id": row.pk, "firm": row.firm_id, "year": row.year, "audited": "on" if row.audited else None}
    fields.update({name: getattr(row, name) for name in FIGURE_FIELDS})
    fields.update(changes)
    for name, value in fields.items():
        if value is not None:
            data[f"figures-{index}-{name}"] = str(value)
    return data


def test_bulk_delete_refuses_a_selection_holding_a_frozen_year_and_names_the_application(
    admin_client, submitted, frozen_row, open_row
):
    response = admin_client.post(
        "/admin/registry/annualfigures/",
        {"action": "delete_selected", "_selected_action": [frozen_row.pk, open_row.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert AnnualFigures.objects.filter(pk__in=[frozen_row.pk, open_row.pk]).count() == 2
    text = response.content.decode()
    assert "未删除任何记录" in text and f"申请 #{submitted.pk}" in text and str(frozen_row.year) in text


def test_bulk_delete_of_unfrozen_years_still_works(admin_client, open_row):
    admin_client.post(
        "/admin/registry/annualfigures/",
        {"action": "delete_selected", "_selected_action": [open_row.pk], "post": "yes"},
    )
    assert not AnnualFigures.objects.filter(pk=open_row.pk).exists()


def test_a_frozen_year_has_no_delete_button_and_its_delete_page_is_refused(admin_client, frozen_row):
    page = admin_client.get(f"/admin/registry/annualfigures/{frozen_row.pk}/change/")
    assert page.status_code == 200 and f"/{frozen_row.pk}/delete/" not in page.content.decode()
    assert admin_client.get(f"/admin/registry/annualfigures/{frozen_row.pk}/delete/").status_code == 403
    assert (
        admin_client.post(
            f"/admin/registry/annualfigures/{frozen_row.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert AnnualFigures.objects.filter(pk=frozen_row.pk).exists()


def test_the_firm_page_shows_frozen_years_as_text_without_inputs_or_delete_box(
    admin_client, firm, frozen_row, open_row
):
    page = admin_client.get(firm_page(firm))
    assert page.status_code == 200
    data = form_fields(page.content.decode())
    frozen_prefixes = [
        k[: -len("-id")] for k, v in data.items() if k.endswith("-id") and v == str(frozen_row.pk)
    ]
    for prefix in frozen_prefixes:
        assert f"{prefix}-rd_expense" not in data and f"{prefix}-DELETE" not in data, prefix
    open_prefix = next(
        k[: -len("-id")] for k, v in data.items() if k.endswith("-id") and v == str(open_row.pk)
    )
    assert f"{open_prefix}-rd_expense" in data  # the year no application relied on stays editable
    text = page.content.decode()
    assert "已冻结的年度数据" in text and frozen_row.frozen_reason in text


def test_a_forged_post_deleting_a_frozen_inline_row_is_a_form_error_not_a_500(
    admin_client, firm, submitted, frozen_row
):
    data = form_fields(admin_client.get(firm_page(firm)).content.decode())
    data = forged_inline_row(data, frozen_row, DELETE="on")
    response = admin_client.post(firm_page(firm), data)
    assert response.status_code == 200  # the form again, with the refusal
    text = response.content.decode()
    assert "已冻结" in text and f"申请 #{submitted.pk}" in text
    assert AnnualFigures.objects.filter(pk=frozen_row.pk, frozen=True).exists()


def test_a_forged_post_editing_a_frozen_inline_row_is_a_form_error(admin_client, firm, submitted, frozen_row):
    data = form_fields(admin_client.get(firm_page(firm)).content.decode())
    data = forged_inline_row(data, frozen_row, rd_expense=frozen_row.rd_expense + 1)
    response = admin_client.post(firm_page(firm), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "已冻结" in text and "请联系" not in text  # the caseworker is told what to do, not whom to ask
    assert "在该申请的审核中处理（退回补充材料或不予认定）" in text
    assert AnnualFigures.objects.get(pk=frozen_row.pk).rd_expense == frozen_row.rd_expense


def test_the_firm_page_still_saves_with_frozen_years_on_it(admin_client, firm, frozen_row, open_row):
    data = form_fields(admin_client.get(firm_page(firm)).content.decode())
    open_prefix = next(
        k[: -len("-id")] for k, v in data.items() if k.endswith("-id") and v == str(open_row.pk)
    )
    data[f"{open_prefix}-class1_ip"] = "7"
    response = admin_client.post(firm_page(firm), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AnnualFigures.objects.get(pk=open_row.pk).class1_ip == 7
    assert AnnualFigures.objects.get(pk=frozen_row.pk).frozen


def test_a_stale_copy_saved_after_the_freeze_never_unfreezes_the_year(firm, people):
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
    stale = AnnualFigures.objects.get(firm=firm, year=today().year - 1)  # read before the submission
    application_transition(application=application, action=Action.SUBMIT, actor=people.firm_user)
    stale.save()  # unchanged: allowed, but must not write its frozen=False back
    assert AnnualFigures.objects.get(pk=stale.pk).frozen
    stale.rd_expense += 1
    with pytest.raises(FrozenFiguresError):
        stale.save()
    assert AnnualFigures.objects.get(pk=stale.pk).rd_expense == stale.rd_expense - 1


def test_a_save_writes_only_the_columns_it_edited(firm):
    row = AnnualFigures.objects.get(firm=firm, year=today().year - 1)
    other = AnnualFigures.objects.get(pk=row.pk)
    other.class2_ip = 42
    other.save()  # someone else's edit, after ``row`` was read
    row.class1_ip = 9
    row.save()
    stored = AnnualFigures.objects.get(pk=row.pk)
    assert (stored.class1_ip, stored.class2_ip) == (9, 42)  # the stale class2_ip was not written back


def test_queryset_delete_refuses_frozen_years_and_deletes_nothing(firm, submitted, open_row):
    with pytest.raises(FrozenFiguresError) as caught:
        AnnualFigures.objects.filter(firm=firm).delete()
    assert f"申请 #{submitted.pk}" in caught.value.messages[0]
    assert AnnualFigures.objects.filter(firm=firm).count() == 4
    assert not hasattr(AnnualFigures.objects, "delete")  # never "delete every row" from the manager


def test_the_freeze_is_recorded_in_the_figures_history(frozen_row, submitted):
    record = frozen_row.history.latest()
    assert record.frozen and record.history_change_reason.startswith("冻结：")
    assert f"申请 #{submitted.pk}" in record.history_change_reason


def test_the_api_refuses_changes_to_a_frozen_year_naming_the_application(firm, people, submitted, frozen_row):
    api = APIClient()
    api.force_authenticate(people.district_cw)
    url = f"/api/firms/{firm.credit_code}/figures/{frozen_row.year}/"
    whole = {
        name: str(getattr(frozen_row, name))
        for name in FIGURE_FIELDS
        if getattr(frozen_row, name) is not None
    }
    for method, body in ((api.patch, {"rd_expense": "1.00"}), (api.put, {**whole, "rd_expense": "1.00"})):
        response = method(url, body, format="json")
        assert response.status_code == 400
        assert f"申请 #{submitted.pk}" in " ".join(response.json()["fields"]["non_field_errors"])
    deleted = api.delete(url)
    assert deleted.status_code == 400
    assert "已冻结" in str(deleted.json()) and f"申请 #{submitted.pk}" in str(deleted.json())
    stored = AnnualFigures.objects.get(pk=frozen_row.pk)
    assert stored.frozen and stored.rd_expense == frozen_row.rd_expense


def test_an_import_changing_a_frozen_year_is_refused_with_the_reason(firm, people, submitted, frozen_row):
    headers = ["firm", "year", *FIGURE_FIELDS[:8]]
    values = [firm.credit_code, frozen_row.year, *(getattr(frozen_row, n) for n in FIGURE_FIELDS[:8])]
    values[4] = frozen_row.rd_expense + Decimal("1")
    result = AnnualFiguresResource(user=people.city_cw).import_data(tablib.Dataset(values, headers=headers))
    assert result.has_validation_errors()
    messages = " ".join(str(m) for row in result.invalid_rows for m in row.error_dict.get("__all__", []))
    assert "已冻结" in messages and f"申请 #{submitted.pk}" in messages, result.invalid_rows[0].error_dict
    assert AnnualFigures.objects.get(pk=frozen_row.pk).rd_expense == frozen_row.rd_expense


def test_an_edit_after_a_refresh_is_written_even_back_to_the_first_value(firm):
    row = AnnualFigures.objects.get(firm=firm, year=today().year - 1)
    first = row.class1_ip
    other = AnnualFigures.objects.get(pk=row.pk)
    other.class1_ip = first + 5
    other.save()
    row.refresh_from_db()
    row.class1_ip = first
    row.save()
    assert AnnualFigures.objects.get(pk=row.pk).class1_ip == first


def test_a_frozen_year_cannot_be_reverted_to_an_earlier_version(admin_client, firm, people):
    row = AnnualFigures.objects.get(firm=firm, year=today().year - 1)
    before = row.history.earliest()
    row.class2_ip += 1
    row.save()  # a correction made before the submission
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
    application_transition(application=application, action=Action.SUBMIT, actor=people.firm_user)
    url = f"/admin/registry/annualfigures/{row.pk}/history/{before.history_id}/"
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(url, form_fields(page.content.decode())).status_code == 403
    stored = AnnualFigures.objects.get(pk=row.pk)
    assert stored.frozen and stored.class2_ip == row.class2_ip


def test_letters_in_an_admin_figure_are_named_as_such(admin_client, firm, open_row):
    url = f"/admin/registry/annualfigures/{open_row.pk}/change/"
    data = form_fields(admin_client.get(url).content.decode())
    data["rd_expense"] = "abc"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "请输入数字（如 1234.56）" in response.content.decode()
    assert AnnualFigures.objects.get(pk=open_row.pk).rd_expense == open_row.rd_expense


def test_the_figures_list_offers_no_selection_box_for_a_frozen_year(admin_client, firm, frozen_row, open_row):
    page = admin_client.get(f"/admin/registry/annualfigures/?firm__district__id__exact={firm.district_id}")
    text = page.content.decode()
    assert f'name="_selected_action" value="{open_row.pk}"' in text
    assert f'name="_selected_action" value="{frozen_row.pk}"' not in text
    assert "已冻结：申请的评审依据，不能修改或删除" in text
