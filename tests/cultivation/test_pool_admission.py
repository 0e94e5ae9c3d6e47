"""Pool entry is enforced (issue 15, item 3): admission judges the entry rule on the admission day,
takes the baseline from the firm's own figures, and only the city overrides a failing firm, with a reason.

Through the service and through the admin's add page as caseworkers use it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cultivation.models import PoolMembership
from cultivation.services import admit_to_pool
from registry.models import AnnualFigures
from tests.factories import FiguresFactory, UserFactory, district, pool_entrant

pytestmark = pytest.mark.django_db

D = Decimal
ENTERED = datetime.date(2025, 6, 1)  # baseline year 2024; the entry rule reads fiscal 2024
BASELINE_YEAR = 2024
ADD_URL = "/admin/cultivation/poolmembership/add/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def city():
    return UserFactory(username="cw-city", roles=["caseworker"], is_staff=True)


@pytest.fixture
def yubei():
    return UserFactory(username="cw-yubei", roles=["caseworker"], district=district("500112"), is_staff=True)


def admin_client(client, user):
    client.force_login(user)
    return client


# --- The service --------------------------------------------------------------------------------


def test_a_firm_meeting_the_rule_is_admitted_with_its_baseline_year_revenue(yubei, city):
    firm = pool_entrant(BASELINE_YEAR, city, revenue="3000.00")
    member = admit_to_pool(firm=firm, entered_on=ENTERED, actor=yubei)
    assert (member.cohort_year, member.baseline_year, member.baseline_revenue) == (2025, 2024, D("3000.00"))
    assert (member.entered_on, member.entry_override_reason) == (ENTERED, "")
    assert member.entry_rule_set
    record = member.history.latest()
    assert record.history_user == yubei and "符合入库条件" in record.history_change_reason
    assert AnnualFigures.objects.get(firm=firm, year=BASELINE_YEAR).frozen  # the baseline cannot drift


@pytest.mark.parametrize(("rd_expense", "admitted"), [("150.00", True), ("149.99", False)])
def test_both_sides_of_the_five_percent_rd_edge(yubei, city, rd_expense, admitted):
    # 150.00 / 3000.00 = 5.00%; 149.99 is 4.9997%
    firm = pool_entrant(BASELINE_YEAR, city, rd_expense=rd_expense)
    if admitted:
        assert admit_to_pool(firm=firm, entered_on=ENTERED, actor=yubei).firm_id == firm.pk
        return
    with pytest.raises(ValidationError) as refused:
        admit_to_pool(firm=firm, entered_on=ENTERED, actor=yubei)
    text = " ".join(refused.value.message_dict["firm"])
    assert "研发费用占营业收入比重" in text and "破格" in text
    assert not PoolMembership.objects.filter(firm=firm).exists()


def test_the_audited_case_is_refused_033_percent_rd_and_no_class_one_ip(yubei, city):
    """The audit's member: 0.33% R&D and no Class-I IP, with a typed baseline of 10.00 (revenue 3000.00)."""
    firm = pool_entrant(BASELINE_YEAR, city, rd_expense="10.00", class1_ip=0)
    for actor in (yubei, city):
        with pytest.raises(ValidationError) as refused:
            admit_to_pool(firm=firm, entered_on=ENTERED, actor=actor)
        text = " ".join(refused.value.message_dict["firm"])
        assert "Ⅰ类知识产权" in text and "研发费用占营业收入比重" in text
    assert not PoolMembership.objects.filter(firm=firm).exists()
    assert not AnnualFigures.objects.get(firm=firm, year=BASELINE_YEAR).frozen


def test_unconfirmed_attested_conditions_are_refused_too(yubei, city):
    firm = pool_entrant(BASELINE_YEAR, city, attested=False)
    with pytest.raises(ValidationError):
        admit_to_pool(firm=firm, entered_on=ENTERED, actor=yubei)


def test_a_city_caseworker_overrides_with_a_reason_kept_on_the_member_and_in_history(city):
    firm = pool_entrant(BASELINE_YEAR, city, rd_expense="10.00", class1_ip=0)
    member = admit_to_pool(
        firm=firm, entered_on=ENTERED, actor=city, override_reason="  市级专班研究决定纳入  "
    )
    assert member.entry_override_reason == "市级专班研究决定纳入"
    assert member.baseline_revenue == D("3000.00")
    record = member.history.latest()
    assert record.history_user == city and record.history_change_reason == "破格入库：市级专班研究决定纳入"


def test_a_district_caseworker_cannot_override(yubei, city):
    firm = pool_entrant(BASELINE_YEAR, city, rd_expense="10.00", class1_ip=0)
    with pytest.raises(PermissionDenied):
        admit_to_pool(firm=firm, entered_on=ENTERED, actor=yubei, override_reason="区里认为可以")
    assert not PoolMembership.objects.filter(firm=firm).exists()


def test_admission_waits_for_the_baseline_years_figures(yubei, city):
    firm = pool_entrant(BASELINE_YEAR, city)
    with pytest.raises(ValidationError) as refused:
        admit_to_pool(firm=firm, entered_on=datetime.date(2026, 3, 1), actor=city, override_reason="破格")
    assert "2025 年度（基准年度" in refused.value.message_dict["entered_on"][0]
    assert not PoolMembership.objects.filter(firm=firm).exists()


def test_a_member_is_not_admitted_twice_and_bad_days_are_refused(yubei, city):
    firm = pool_entrant(BASELINE_YEAR, city)
    admit_to_pool(firm=firm, entered_on=ENTERED, actor=yubei)
    with pytest.raises(ValidationError) as twice:
        admit_to_pool(firm=firm, entered_on=ENTERED, actor=yubei)
    assert "已在硬科技帮扶库中" in twice.value.message_dict["firm"][0]
    other = pool_entrant(BASELINE_YEAR, city)
    for day in (None, datetime.date.today() + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as bad:
            admit_to_pool(firm=other, entered_on=day, actor=city)
        assert "entered_on" in bad.value.message_dict


def test_reviewers_and_out_of_scope_caseworkers_cannot_admit(city):
    firm = pool_entrant(BASELINE_YEAR, city)
    expert = UserFactory(username="expert", roles=["reviewer"], is_staff=True)
    elsewhere = UserFactory(username="cw-yuzhong", roles=["caseworker"], district=district("500103"))
    for actor in (expert, elsewhere):
        with pytest.raises(PermissionDenied):
            admit_to_pool(firm=firm, entered_on=ENTERED, actor=actor)
    assert not PoolMembership.objects.filter(firm=firm).exists()


# --- The admin ----------------------------------------------------------------------------------


def test_admin_add_page_admits_through_the_service_and_computes_the_baseline(client, yubei, city):
    firm = pool_entrant(BASELINE_YEAR, city)
    page = admin_client(client, yubei).get(ADD_URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="baseline_revenue"' not in body and 'name="override_reason"' in body
    response = client.post(
        ADD_URL,
        {"firm": firm.pk, "entered_on": "2025-06-01", "baseline_revenue": "10.00", "cohort_year": 1999},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    member = PoolMembership.objects.get(firm=firm)
    assert (member.baseline_revenue, member.cohort_year, member.baseline_year) == (D("3000.00"), 2025, 2024)
    change = client.get(reverse("admin:cultivation_poolmembership_change", args=[member.pk])).content.decode()
    assert 'name="baseline_revenue"' not in change  # read-only after admission


def test_admin_refuses_a_failing_firm_and_a_district_override_on_the_form(client, yubei, city):
    firm = pool_entrant(BASELINE_YEAR, city, rd_expense="10.00", class1_ip=0)
    admin_client(client, yubei)
    refused = client.post(ADD_URL, {"firm": firm.pk, "entered_on": "2025-06-01"})
    assert refused.status_code == 200 and "errornote" in refused.content.decode()
    assert "不符合硬科技帮扶库入库条件" in refused.content.decode()
    overridden = client.post(
        ADD_URL, {"firm": firm.pk, "entered_on": "2025-06-01", "override_reason": "区里决定"}
    )
    assert overridden.status_code == 200 and "只有市级经办人或项目管理员" in overridden.content.decode()
    assert not PoolMembership.objects.filter(firm=firm).exists()


def test_admin_city_override_is_accepted_and_shown_on_the_member(client, city):
    firm = pool_entrant(BASELINE_YEAR, city, rd_expense="10.00", class1_ip=0)
    admin_client(client, city)
    response = client.post(
        ADD_URL, {"firm": firm.pk, "entered_on": "2025-06-01", "override_reason": "市级专班研究决定纳入"}
    )
    assert response.status_code == 302
    member = PoolMembership.objects.get(firm=firm)
    change = client.get(reverse("admin:cultivation_poolmembership_change", args=[member.pk])).content.decode()
    assert "市级专班研究决定纳入" in change
    history = client.get(
        reverse("admin:cultivation_poolmembership_history", args=[member.pk])
    ).content.decode()
    assert "破格入库：市级专班研究决定纳入" in history


def test_admin_missing_baseline_figures_are_a_form_error(client, city):
    firm = pool_entrant(BASELINE_YEAR, city)
    admin_client(client, city)
    response = client.post(ADD_URL, {"firm": firm.pk, "entered_on": "2026-03-01", "override_reason": "x"})
    assert response.status_code == 200 and "基准年度" in response.content.decode()
    assert not PoolMembership.objects.filter(firm=firm).exists()


def test_admin_out_of_scope_firm_is_refused(client, city):
    firm = pool_entrant(BASELINE_YEAR, city)
    elsewhere = UserFactory(
        username="cw-yuzhong", roles=["caseworker"], district=district("500103"), is_staff=True
    )
    response = admin_client(client, elsewhere).post(ADD_URL, {"firm": firm.pk, "entered_on": "2025-06-01"})
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not PoolMembership.objects.filter(firm=firm).exists()


def test_before_the_pools_entry_rule_is_in_force_admission_is_refused_unless_the_city_overrides(yubei, city):
    """The entry rule is the one in force on the admission day (read through the selectors): on a day
    before the pool had one, even a firm with the right figures is refused, and the city may override."""
    early = datetime.date(2024, 6, 1)
    firm = pool_entrant(BASELINE_YEAR, city)
    FiguresFactory(firm=firm, year=2023, operating_revenue=D("2800.00"), main_business_revenue=D("2800.00"))
    with pytest.raises(ValidationError) as refused:
        admit_to_pool(firm=firm, entered_on=early, actor=yubei)
    assert "2024-06-01" in " ".join(refused.value.message_dict["firm"])
    member = admit_to_pool(firm=firm, entered_on=early, actor=city, override_reason="试点批次")
    assert (member.baseline_year, member.baseline_revenue) == (2023, D("2800.00"))


@pytest.mark.parametrize(
    "data",
    [
        {"firm": "", "entered_on": "2025-06-01"},
        {"firm": "999999999", "entered_on": "2025-06-01"},
        {"firm": "abc", "entered_on": "2025-06-01"},
        {"entered_on": "2025-13-45"},
        {"entered_on": "2025-06-01", "override_reason": "长" * 501},
        {"entered_on": "9999-01-01", "override_reason": "x"},
    ],
)
def test_admin_bad_input_is_a_form_error_and_changes_nothing(client, city, data):
    firm = pool_entrant(BASELINE_YEAR, city, rd_expense="10.00", class1_ip=0)
    response = admin_client(client, city).post(ADD_URL, {"firm": firm.pk, **data})
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not PoolMembership.objects.exists()
