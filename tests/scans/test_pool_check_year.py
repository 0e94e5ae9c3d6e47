"""The pool's check year (issue 15, item 2; P8, P9): the check year's figures are due on 30 April after it.

Until then a member keeps its rating (awaiting the figures); from 1 May without them it has missed, for
that reason; figures filed later still decide, and a changed outcome is told by a new alert, once. The
pool list, the API and the dashboard show the stored rating and the day it was judged.

Members are admitted through ``admit_to_pool`` and figures are filed through the API, as people do.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cultivation.models import PoolMembership
from cultivation.models.alerts import Alert
from cultivation.scanning import Chunk, ScanKind, firm_id_ranges
from cultivation.scans import SCANS
from cultivation.services import admit_to_pool
from tests.factories import FiguresFactory, FirmFactory, UserFactory, district

pytestmark = pytest.mark.django_db

D = Decimal
CHECK_YEAR = 2026  # entered 2024, baseline 2023: check year 2026, its figures due 2027-04-30


def scan(as_of: datetime.date) -> int:
    scan = SCANS[ScanKind.POOL_RATING]
    return sum(scan.judge(Chunk.between(as_of, low, high)).acted for low, high in firm_id_ranges(50))


@pytest.fixture
def people():
    return {
        "city": UserFactory(username="cw-city", roles=["caseworker"], is_staff=True),
        "yubei": UserFactory(
            username="cw-yubei", roles=["caseworker"], district=district("500112"), is_staff=True
        ),
    }


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def file_figures(user, firm, year: int, revenue: str) -> None:
    """Figures as a caseworker files them: through the API."""
    body = {
        "year": year,
        "operating_revenue": revenue,
        "main_business_revenue": revenue,
        "rd_expense": "100.00",
        "net_profit": "50.00",
        "total_assets": "3000.00",
        "total_liabilities": "1000.00",
        "employees": 100,
        "rd_staff": 20,
    }
    response = api_for(user).post(f"/api/firms/{firm.credit_code}/figures/", body, format="json")
    assert response.status_code == 201, response.json()


@pytest.fixture
def member(people):
    """A 2024 member with a 1000.00 baseline (2023), on the doubling path in 2024 and 2025."""
    firm = FirmFactory(district=district("500112"))
    FiguresFactory(firm=firm, year=2023, operating_revenue=D("1000.00"), main_business_revenue=D("1000.00"))
    admitted = admit_to_pool(
        firm=firm, entered_on=datetime.date(2024, 12, 18), actor=people["city"], override_reason="测试批次"
    )
    file_figures(people["city"], firm, 2024, "1300.00")
    file_figures(people["city"], firm, 2025, "1600.00")
    return admitted


def stored(member: PoolMembership) -> tuple:
    member.refresh_from_db()
    return member.status, member.rating_reason, member.judged_on


def pool_row(user, member: PoolMembership) -> dict:
    rows = api_for(user).get("/api/pool/").json()["results"]
    return next(r for r in rows if r["firm"] == member.firm.credit_code)


def test_before_the_check_year_the_scan_stores_the_path_rating_and_the_day(member):
    assert scan(datetime.date(2026, 6, 30)) == 1  # unrated -> on track
    assert stored(member) == ("on_track", "on_path", datetime.date(2026, 6, 30))
    assert (member.rated_year, member.rated_revenue) == (2025, D("1600.00"))


@pytest.mark.parametrize(
    "day", [datetime.date(2027, 1, 5), datetime.date(2027, 4, 29), datetime.date(2027, 4, 30)]
)
def test_until_30_april_the_member_keeps_its_rating_awaiting_the_check_years_figures(member, day):
    """It was rated missed from 1 January: the check year's figures are not due until 30 April."""
    scan(datetime.date(2026, 6, 30))
    assert scan(day) == 0
    assert stored(member) == ("on_track", "awaiting_check", day)
    assert not Alert.objects.filter(kind="pool_check").exists()


def test_from_1_may_without_figures_missed_then_doubled_when_they_arrive_each_told_once(member, people):
    scan(datetime.date(2026, 6, 30))
    scan(datetime.date(2027, 4, 30))
    assert scan(datetime.date(2027, 5, 1)) == 1
    assert stored(member) == ("missed", "check_overdue", datetime.date(2027, 5, 1))
    missed = Alert.objects.get(kind="pool_check")
    assert (missed.period, missed.payload["status"], missed.payload["reason"]) == (
        f"{CHECK_YEAR}:check_overdue",
        "missed",
        "check_overdue",
    )
    assert scan(datetime.date(2027, 5, 20)) == 0  # still missing: nothing new

    file_figures(people["yubei"], member.firm, CHECK_YEAR, "2000.00")  # filed late, in June
    assert scan(datetime.date(2027, 6, 15)) == 1
    assert stored(member) == ("doubled", "doubled", datetime.date(2027, 6, 15))
    assert (member.rated_year, member.rated_revenue) == (CHECK_YEAR, D("2000.00"))
    doubled = Alert.objects.filter(kind="pool_check").exclude(pk=missed.pk).get()
    assert (doubled.period, doubled.payload["status"]) == (f"{CHECK_YEAR}:doubled", "doubled")
    assert scan(datetime.date(2027, 6, 16)) == 0  # scanning again: no duplicate
    assert Alert.objects.filter(kind="pool_check").count() == 2

    # The district caseworker's inbox says both, the newest first, in words.
    inbox = api_for(people["yubei"]).get("/api/alerts/", {"kind": "pool_check"}).json()["results"]
    assert [row["payload"]["status"] for row in inbox] == ["doubled", "missed"]
    assert "考核年度数据逾期未报" in inbox[1]["message"] and "已实现倍增" in inbox[0]["message"]


def test_figures_below_the_target_after_the_deadline_are_a_new_missed_outcome(member, people):
    scan(datetime.date(2027, 5, 1))
    file_figures(people["city"], member.firm, CHECK_YEAR, "1999.99")
    assert scan(datetime.date(2027, 7, 1)) == 1
    assert stored(member)[:2] == ("missed", "below_target")
    assert sorted(Alert.objects.filter(kind="pool_check").values_list("period", flat=True)) == [
        f"{CHECK_YEAR}:below_target",
        f"{CHECK_YEAR}:check_overdue",
    ]


def test_the_api_and_admin_show_the_stored_rating_never_a_rejudgement(member, people, client):
    """The API re-rated members as of today; it now shows what the scan judged and when."""
    scan(datetime.date(2027, 5, 1))
    file_figures(people["city"], member.firm, CHECK_YEAR, "2000.00")  # not yet scanned
    row = pool_row(people["yubei"], member)
    assert (row["status"], row["rating_reason"], row["judged_on"]) == (
        "missed",
        "check_overdue",
        "2027-05-01",
    )
    assert row["rating_reason_label"] == "考核年度数据逾期未报"
    assert (row["check_year"], row["target_revenue"], row["check_revenue"]) == (CHECK_YEAR, "2000.00", None)
    assert row["entry_override_reason"] == "测试批次" and row["entered_on"] == "2024-12-18"
    scan(datetime.date(2027, 6, 15))
    row = pool_row(people["yubei"], member)
    assert (row["status"], row["judged_on"], row["check_revenue"]) == ("doubled", "2027-06-15", "2000.00")

    client.force_login(people["yubei"])
    listing = client.get(reverse("admin:cultivation_poolmembership_changelist")).content.decode()
    assert "已实现倍增" in listing and "考核年度营业收入达到基准的两倍" in listing
    assert "2027年6月15日" in listing  # the day judged


def test_the_dashboard_shows_the_stored_statuses_and_the_day_judged(member, people):
    scan(datetime.date(2027, 5, 1))
    data = api_for(people["city"]).get("/api/dashboard/", {"year": 2024}).json()["pool"]
    [cohort] = [c for c in data["cohorts"] if c["cohort_year"] == 2024]
    assert cohort["statuses"]["missed"] == 1 and cohort["judged_on"] == "2027-05-01"
