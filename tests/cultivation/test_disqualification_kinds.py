"""Listings versus events (issue 15 item 1) on stored records: the admin records a flag, then the firm's
eligibility (API) and the promotion scan, full and incremental, judge it by its kind.

A listing (经营异常名录, 严重失信主体名单, banned products) bars while it stands, however old, until
lifted; an event (accident, tax evasion, data fraud) bars for the three years after the day it happened.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cultivation.alert_scans import firms_changed_by_date
from cultivation.models import Disqualification
from cultivation.models.alerts import Alert, AlertKind
from cultivation.rules.attestations import (
    DISQUALIFICATIONS,
    BarKind,
    bars_on,
    event_bar_ends_on,
    event_window_start,
)
from cultivation.rules.facts import add_years
from cultivation.scanning import ScanKind
from cultivation.scans import SCANS
from cultivation.selectors import FirmSet, facts_for_firm, scan_facts
from tests.factories import caseworker, eligible_firm, make_firm

pytestmark = pytest.mark.django_db

PROMOTION = SCANS[ScanKind.PROMOTION_DUE]

D = datetime.date


def record(client, firm, code: str, occurred_on: str) -> Disqualification:
    """A caseworker records a flag on the admin's add page."""
    response = client.post(
        reverse("admin:cultivation_disqualification_add"),
        {"firm": firm.pk, "code": code, "occurred_on": occurred_on, "reason": "记录"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Disqualification.objects.get(firm=firm, code=code)


def lift(client, flag: Disqualification, lifted_on: str) -> None:
    """The caseworker lifts it on the admin's change page."""
    url = reverse("admin:cultivation_disqualification_change", args=[flag.pk])
    data = {
        "firm": flag.firm_id,
        "code": flag.code,
        "occurred_on": flag.occurred_on.isoformat(),
        "reason": flag.reason,
        "lifted_on": lifted_on,
        "lifted_reason": "已移出名录",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def common_condition(firm, as_of: str) -> dict:
    """The firm's 创新型 common condition from its stored records, through the API, read by a city
    caseworker."""
    api = APIClient()
    api.force_authenticate(caseworker())
    response = api.get(f"/api/firms/{firm.credit_code}/eligibility/", {"as_of": as_of, "rule_set": "CN-2022"})
    assert response.status_code == 200, response.content[:500]
    criteria = response.json()["tiers"]["innovative_sme"]["criteria"]
    return next(c for c in criteria if c["code"] == "no_disqualification")


@pytest.fixture
def admin_client(client):
    client.force_login(caseworker())
    return client


@pytest.fixture
def firm(db):
    """A firm founded in 2010, before any record the tests put on it."""
    return make_firm(founded_on=D(2010, 1, 1))


# --- the kind is data, one place --------------------------------------------------------------------


def test_every_flag_has_a_kind_and_the_listings_are_the_registers():
    kinds = {d.code: d.kind for d in DISQUALIFICATIONS}
    assert {code for code, kind in kinds.items() if kind == BarKind.LISTING} == {
        "abnormal_operations",
        "serious_dishonesty",
        "banned_products",
    }
    assert {code for code, kind in kinds.items() if kind == BarKind.EVENT} == {
        "major_accident",
        "tax_evasion",
        "data_fraud",
    }
    assert (str(BarKind.LISTING.label), str(BarKind.EVENT.label)) == ("列入名录期间", "事件发生后三年内")


def test_the_query_and_the_rule_agree_on_every_day_around_leap_years():
    """``occurred_on > event_window_start(on)`` exactly when ``on < event_bar_ends_on(occurred_on)``."""
    for n in range(0, 500):  # every day from December 2026 to April 2028: two 28 Februaries, one 29th
        on = D(2026, 12, 1) + datetime.timedelta(days=n)
        for k in range(-3, 4):
            occurred = add_years(on, -3) + datetime.timedelta(days=k)
            assert (occurred > event_window_start(on)) is (on < event_bar_ends_on(occurred)), (on, occurred)
    assert event_bar_ends_on(D(2024, 2, 29)) == D(2027, 2, 28)
    assert bars_on("major_accident", D(2024, 2, 29), None, D(2027, 2, 27))
    assert not bars_on("major_accident", D(2024, 2, 29), None, D(2027, 2, 28))


DAYS = [D(2022, 6, 29), D(2022, 6, 30), D(2023, 12, 31), D(2024, 1, 1), D(2025, 6, 29), D(2025, 6, 30)]


@pytest.mark.parametrize("code", ["major_accident", "abnormal_operations"])
@pytest.mark.parametrize("lifted", [None, D(2024, 1, 1)])
def test_in_force_is_bars_on_as_a_query(firm, code, lifted):
    occurred = D(2022, 6, 30)
    Disqualification.objects.create(firm=firm, code=code, occurred_on=occurred, lifted_on=lifted, reason="x")
    for day in DAYS:
        in_force = Disqualification.objects.filter(firm=firm).in_force(day).exists()
        assert in_force is bars_on(code, occurred, lifted, day), day


# --- recorded in the admin, judged by the API --------------------------------------------------------


def test_a_2021_listing_never_lifted_bars_in_2025_and_is_clean_from_the_lift_date(admin_client, firm):
    flag = record(admin_client, firm, "abnormal_operations", "2021-03-01")
    found = common_condition(firm, "2025-06-30")
    assert found["status"] == "not_met" and "列入名录期间" in found["message"]
    lift(admin_client, flag, "2025-05-01")
    assert common_condition(firm, "2025-04-30")["status"] == "not_met"  # the day before the lift
    assert common_condition(firm, "2025-05-01")["status"] == "met"  # the lift date
    assert common_condition(firm, "2025-06-30")["status"] == "met"


@pytest.mark.parametrize(
    ("occurred_on", "status"),
    [("2022-06-29", "met"), ("2022-06-30", "met"), ("2022-07-01", "not_met")],
)
def test_an_event_bars_for_three_years_around_the_boundary(admin_client, firm, occurred_on, status):
    """As of 2025-06-30 the boundary is 2022-06-30: that day and before no longer bar, the day after does."""
    record(admin_client, firm, "major_accident", occurred_on)
    found = common_condition(firm, "2025-06-30")
    assert found["status"] == status
    if status == "not_met":
        assert "事件发生后三年内" in found["message"]


def test_the_admin_list_shows_how_long_each_flag_bars(admin_client, firm):
    record(admin_client, firm, "serious_dishonesty", "2021-03-01")
    record(admin_client, firm, "tax_evasion", "2023-05-10")
    page = admin_client.get(reverse("admin:cultivation_disqualification_changelist")).content.decode()
    assert "列入名录期间" in page and "事件发生后三年内" in page
    assert "解除前一直否决" in page and "2026" in page  # the event ends on 2026-05-10


def test_scan_facts_and_facts_for_agree(firm):
    Disqualification.objects.create(
        firm=firm, code="serious_dishonesty", occurred_on=D(2019, 1, 1), reason="x"
    )
    Disqualification.objects.create(firm=firm, code="major_accident", occurred_on=D(2019, 1, 1), reason="x")
    as_of = D(2025, 6, 30)
    (scanned,) = scan_facts(FirmSet.of([firm.pk]), as_of)
    assert (
        scanned.facts.disqualifications
        == facts_for_firm(firm, as_of).disqualifications
        == {"serious_dishonesty"}
    )


# --- the promotion scan --------------------------------------------------------------------------------

SCAN_DAY = D(2026, 6, 30)


def promotion_alerts(firm) -> int:
    return Alert.objects.filter(kind=AlertKind.PROMOTION_DUE, firm=firm).count()


def test_a_standing_listing_keeps_a_qualifying_firm_out_of_the_promotion_scan(admin_client):
    listed, old_event, clean = (eligible_firm(last_year=SCAN_DAY.year - 1) for _ in range(3))
    record(admin_client, listed, "abnormal_operations", "2021-03-01")
    record(admin_client, old_event, "major_accident", "2023-06-30")  # three years ended on 2026-06-30
    PROMOTION.run(SCAN_DAY)
    assert promotion_alerts(clean) >= 1
    assert promotion_alerts(old_event) == promotion_alerts(clean)
    assert promotion_alerts(listed) == 0


def test_the_incremental_scan_picks_up_an_event_leaving_its_window_but_never_a_listing(admin_client):
    listed, event = eligible_firm(last_year=SCAN_DAY.year - 1), eligible_firm(last_year=SCAN_DAY.year - 1)
    record(admin_client, listed, "serious_dishonesty", "2023-06-30")
    record(admin_client, event, "major_accident", "2023-06-30")
    day_before = SCAN_DAY - datetime.timedelta(days=1)
    PROMOTION.run(day_before)  # full: both barred on 2026-06-29
    assert promotion_alerts(listed) == promotion_alerts(event) == 0
    assert firms_changed_by_date(day_before, SCAN_DAY) >= {event.pk}
    assert listed.pk not in firms_changed_by_date(day_before, SCAN_DAY)
    result = PROMOTION.run(SCAN_DAY, incremental=True)
    assert result.examined == 1
    assert promotion_alerts(event) >= 1 and promotion_alerts(listed) == 0


def test_lifting_a_listing_reaches_the_incremental_scan(admin_client):
    listed = eligible_firm(last_year=SCAN_DAY.year - 1)
    flag = record(admin_client, listed, "abnormal_operations", "2021-03-01")
    PROMOTION.run(SCAN_DAY)
    assert promotion_alerts(listed) == 0
    lift(admin_client, flag, SCAN_DAY.isoformat())
    PROMOTION.run(SCAN_DAY, incremental=True)
    assert promotion_alerts(listed) >= 1
