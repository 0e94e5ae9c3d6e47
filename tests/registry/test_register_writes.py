"""Writes to the register (``registry.services``): one scope rule (``Scope.covers``), one audit and one
freeze rule, whichever path a write takes: the admin, an import, the API or the portal."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import tablib
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from registry.credit_code import make_code
from registry.models import FIGURE_FIELDS, AnnualFigures, Firm, FrozenFiguresError
from registry.resources import AnnualFiguresResource, FirmResource
from registry.roles import Scope, can_edit_register, is_caseworker, is_city_caseworker, is_reviewer
from registry.services import delete_figures, save_figures, save_firm
from tests.factories import FiguresFactory, FirmFactory, UserFactory, district

YUBEI, OTHER = "500112", "500103"
LAST_YEAR = timezone.localdate().year - 1
OUT_OF_SCOPE = "您无权处理该企业。"


# --- Scope.covers and Scope.filter ---------------------------------------------------------------


def test_a_scope_covers_the_firms_it_names_and_no_other():
    mine, neighbour, theirs = (SimpleNamespace(pk=pk, district_id=d) for pk, d in ((7, 1), (8, 1), (9, 2)))
    city, one_district, one_firm = Scope(everything=True), Scope(district_id=1), Scope(firm_id=7)
    assert [city.covers(f) for f in (mine, neighbour, theirs)] == [True, True, True]
    assert [one_district.covers(f) for f in (mine, neighbour, theirs)] == [True, True, False]
    assert [one_firm.covers(f) for f in (mine, neighbour, theirs)] == [True, False, False]
    assert not any(Scope().covers(f) for f in (mine, neighbour, theirs))


def test_only_city_and_district_scopes_cover_a_district():
    assert Scope(everything=True).covers_district(2) and Scope(district_id=1).covers_district(1)
    assert not Scope(district_id=1).covers_district(2)
    assert not Scope(district_id=1).covers_district(None)
    assert not Scope(firm_id=7).covers_district(1)  # a firm user keeps figures, never firm records
    assert not Scope().covers_district(None)


@pytest.mark.django_db
def test_one_predicate_per_role():
    """The portal's pages, the workflow table, blind review and the register's writes all ask these."""
    firm = FirmFactory()
    people = {
        "admin": UserFactory(username="admin", is_superuser=True),
        "city_cw": UserFactory(username="city-cw", roles=["caseworker"]),
        "district_cw": UserFactory(username="district-cw", roles=["caseworker"], district=district(YUBEI)),
        "reviewer": UserFactory(username="reviewer", roles=["reviewer"]),
        "firm_user": UserFactory(username="firm-user", firm=firm),
    }
    answers = {
        name: (is_caseworker(user), is_city_caseworker(user), is_reviewer(user), can_edit_register(user))
        for name, user in people.items()
    }
    assert answers == {
        "admin": (True, True, False, True),
        "city_cw": (True, True, False, True),
        "district_cw": (True, False, False, True),
        "reviewer": (False, False, True, False),
        "firm_user": (False, False, False, False),
    }
    assert not is_caseworker(AnonymousUser()) and not is_reviewer(AnonymousUser())


@pytest.mark.django_db
def test_the_queryset_filter_keeps_exactly_what_covers_accepts():
    firms = [FirmFactory(), FirmFactory(), FirmFactory(district=district(OTHER))]
    for firm in firms:
        FiguresFactory(firm=firm)
    scopes = [
        Scope(everything=True),
        Scope(district_id=district(YUBEI).pk),
        Scope(firm_id=firms[0].pk),
        Scope(),
    ]
    for scope in scopes:
        expected = {firm.pk for firm in firms if scope.covers(firm)}
        assert set(scope.filter(Firm.objects.all(), "").values_list("pk", flat=True)) == expected, scope
        rows = scope.filter(AnnualFigures.objects.all(), "firm")
        assert set(rows.values_list("firm_id", flat=True)) == expected, scope


# --- A district caseworker, refused for another district's firm on every path -------------------


@pytest.fixture
def yubei_cw(db):
    return UserFactory(username="yubei-cw", roles=["caseworker"], district=district(YUBEI), is_staff=True)


@pytest.fixture
def theirs(db) -> Firm:
    firm = FirmFactory(district=district(OTHER), name="江北企业")
    FiguresFactory(firm=firm, year=LAST_YEAR)
    return firm


def firm_form(district_pk: int, code: str, **changes) -> dict:
    """The admin's add-firm form as a browser posts it, with no figures."""
    data = {
        "credit_code": code,
        "name": "重庆新登记科技有限公司",
        "district": district_pk,
        "founded_on": "2018-05-01",
        "niche_since": "2019",
        "sector": "industry",
        "change_reason": "",
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("figures", "designations")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    return {**data, **changes}


def test_the_admin_offers_and_accepts_only_the_caseworkers_district(client, yubei_cw):
    client.force_login(yubei_cw)
    code = make_code("91500112MA0000071")
    refused = client.post(reverse("admin:registry_firm_add"), firm_form(district(OTHER).pk, code))
    assert refused.status_code == 200 and "district" in refused.context["adminform"].form.errors
    assert not Firm.objects.filter(credit_code=code).exists()
    accepted = client.post(reverse("admin:registry_firm_add"), firm_form(district(YUBEI).pk, code))
    assert accepted.status_code == 302
    assert Firm.objects.get(credit_code=code).history.get().history_user == yubei_cw


def test_the_admin_refuses_figures_filed_under_another_districts_firm(client, yubei_cw, theirs):
    client.force_login(yubei_cw)
    values = {name: getattr(theirs.figures.get(), name) for name in FIGURE_FIELDS}
    data = {"firm": theirs.pk, "year": LAST_YEAR - 1, **{k: v for k, v in values.items() if v is not None}}
    response = client.post(reverse("admin:registry_annualfigures_add"), data)
    assert response.status_code == 200 and "firm" in response.context["adminform"].form.errors
    assert theirs.figures.count() == 1


def test_an_import_refuses_another_districts_figures_row_by_row(yubei_cw, theirs):
    mine = FiguresFactory(firm=FirmFactory(), year=LAST_YEAR)
    headers = ["firm", "year", "operating_revenue", "main_business_revenue", "rd_expense", "net_profit"]
    headers += ["total_assets", "total_liabilities", "employees", "rd_staff"]
    values = ["9100.00", "7000.00", "400.00", "600.00", "9000.00", "4000.00", 170, 30]
    rows = [(mine.firm.credit_code, LAST_YEAR, *values), (theirs.credit_code, LAST_YEAR - 1, *values)]
    result = AnnualFiguresResource(user=yubei_cw).import_data(tablib.Dataset(*rows, headers=headers))
    assert [row.number for row in result.invalid_rows] == [2]
    assert result.invalid_rows[0].error_dict == {"district": ["您无权导入其他区县企业的数据。"]}
    assert AnnualFigures.objects.get(pk=mine.pk).operating_revenue == mine.operating_revenue  # all or nothing
    assert not theirs.figures.filter(year=LAST_YEAR - 1).exists()


def test_the_api_answers_400_for_a_firm_and_404_for_figures_of_another_district(yubei_cw, theirs):
    client = APIClient()
    client.force_authenticate(yubei_cw)
    body = {
        "credit_code": make_code("91500112MA0000072"),
        "name": "重庆接口新建科技有限公司",
        "district": OTHER,
        "founded_on": "2018-05-01",
        "sector": "industry",
    }
    response = client.post("/api/firms/", body, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"district": ["您只能登记本区县的企业。"]}
    url = f"/api/firms/{theirs.credit_code}/figures/{LAST_YEAR}/"
    assert client.patch(url, {"employees": 1}, format="json").status_code == 404
    assert theirs.figures.get().employees == 150


def test_the_service_itself_refuses_what_no_path_would_let_through(yubei_cw, theirs):
    """Any new caller (a script, a new page) gets the same rule without writing it again."""
    theirs.name = "改名"
    with pytest.raises(PermissionDenied, match=OUT_OF_SCOPE):
        save_firm(theirs, user=yubei_cw)
    row = theirs.figures.get()
    row.employees = 1
    with pytest.raises(PermissionDenied, match=OUT_OF_SCOPE):
        save_figures(row, user=yubei_cw)
    with pytest.raises(PermissionDenied, match=OUT_OF_SCOPE):
        delete_figures(row, user=yubei_cw)
    mine = FiguresFactory(firm=FirmFactory())
    with pytest.raises(PermissionDenied, match=OUT_OF_SCOPE):
        delete_figures(AnnualFigures.objects.all(), user=yubei_cw)  # one row outside: nothing deleted
    assert AnnualFigures.objects.filter(pk__in=[row.pk, mine.pk]).count() == 2
    assert Firm.objects.get(pk=theirs.pk).name == "江北企业"


@pytest.mark.django_db
def test_reviewers_and_firm_users_write_no_firm_records_and_only_own_figures():
    firm = FirmFactory()
    row = FiguresFactory(firm=firm)
    reviewer = UserFactory(username="city-reviewer", roles=["reviewer"])
    firm_user = UserFactory(username="firm-user", firm=firm)
    for user in (reviewer, firm_user):
        with pytest.raises(PermissionDenied):
            save_firm(firm, user=user)
    with pytest.raises(PermissionDenied):
        save_figures(row, user=reviewer)
    row.employees = 151
    save_figures(row, user=firm_user, reason="企业更正")
    assert (row.history.first().history_user, row.history.first().history_change_reason) == (
        firm_user,
        "企业更正",
    )


# --- Audit and freeze, as the paths use them ------------------------------------------------------


def test_an_import_names_the_importing_caseworker_in_the_history(yubei_cw):
    headers = ["credit_code", "name", "district", "founded_on", "niche_since", "sector"]
    row = (make_code("91500112MA0000073"), "重庆导入科技有限公司", YUBEI, "2018-05-01", 2019, "industry")
    result = FirmResource(user=yubei_cw).import_data(tablib.Dataset(row, headers=headers))
    assert not result.has_validation_errors() and not result.has_errors()
    record = Firm.objects.get(credit_code=row[0]).history.get()
    assert (record.history_user, record.history_change_reason) == (yubei_cw, None)


@pytest.mark.django_db
def test_a_frozen_year_is_neither_changed_nor_deleted_by_the_service(caseworker):
    row = FiguresFactory(year=2023)
    AnnualFigures.objects.filter(firm=row.firm).freeze("申请 #1 提交")
    row.employees = 1
    with pytest.raises(FrozenFiguresError):
        save_figures(row, user=caseworker)
    with pytest.raises(FrozenFiguresError):
        delete_figures(row, user=caseworker)
    with pytest.raises(FrozenFiguresError):
        delete_figures(AnnualFigures.objects.filter(pk=row.pk), user=caseworker)
    stored = AnnualFigures.objects.get(pk=row.pk)
    assert (stored.employees, stored.frozen) == (150, True)


def inline_form(index: int, values_from: AnnualFigures, *, pk: int | str = "", **changes) -> dict:
    """One row of the firm page's figures inline as a browser posts it (empty inputs left out)."""
    values = {name: getattr(values_from, name) for name in ("year", *FIGURE_FIELDS, "audited")}
    data = {**values, **changes, "id": pk, "firm": values_from.firm_id}
    return {f"figures-{index}-{key}": v for key, v in data.items() if v is not None and v is not False}


@pytest.mark.django_db
def test_the_firm_page_changes_deletes_and_adds_years_with_the_reason_in_each_history(client, caseworker):
    firm = FirmFactory()
    kept, dropped = FiguresFactory(firm=firm, year=2023), FiguresFactory(firm=firm, year=2022)
    data = {
        **firm_form(firm.district_id, firm.credit_code, name=firm.name, change_reason="年报更正"),
        "figures-TOTAL_FORMS": "3",
        "figures-INITIAL_FORMS": "2",
        **inline_form(0, kept, pk=kept.pk, employees=160),
        **inline_form(1, dropped, pk=dropped.pk, DELETE="on"),
        **inline_form(2, kept, year=2021),
    }
    client.force_login(caseworker)
    response = client.post(reverse("admin:registry_firm_change", args=[firm.pk]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert sorted(firm.figures.values_list("year", "employees")) == [(2021, 150), (2023, 160)]
    history = AnnualFigures.history.filter(firm_id=firm.pk, history_user=caseworker)
    assert {(h.year, h.history_type): h.history_change_reason for h in history} == {
        (2023, "~"): "年报更正",
        (2022, "-"): "年报更正",
        (2021, "+"): "年报更正",
    }


@pytest.mark.django_db
def test_the_portal_saves_a_year_for_the_firm_user_with_the_portal_reason(client):
    firm = FirmFactory()
    row = FiguresFactory(firm=firm, year=LAST_YEAR)
    user = UserFactory(username="firm-portal", firm=firm)
    client.force_login(user)
    values = {name: getattr(row, name) for name in FIGURE_FIELDS if getattr(row, name) is not None}
    response = client.post(reverse("portal:figures-edit", args=[LAST_YEAR]), {**values, "employees": 155})
    assert response.status_code == 302
    record = row.history.first()
    assert (record.employees, record.history_user, record.history_change_reason) == (
        155,
        user,
        "企业在门户填报",
    )
