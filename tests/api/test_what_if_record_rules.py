"""Issue 15 items 1, 5 and 13 through ``POST /api/eligibility/`` (the what-if).

1. A listing (经营异常名录, 严重失信主体名单, banned products) bars while it stands, however old, until
   lifted; an event (accident, tax evasion, data fraud) bars for the three years after the day it
   happened: on ``as_of`` an event of exactly three years before no longer bars.
5. Years in the niche are completed years after the entry year (or whole months after the entry month).
13. A ``years`` array over 30 rows is refused with one short message.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

AS_OF = "2025-06-30"  # the event boundary is 2022-06-30; the last fiscal year is 2024


@pytest.fixture
def api(caseworker) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


def what_if(api, **body):
    response = api.post("/api/eligibility/", {"as_of": AS_OF, "rule_set": "CN-2022", **body}, format="json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def criterion(report: dict, tier: str, code: str) -> dict:
    return next(c for c in report["tiers"][tier]["criteria"] if c["code"] == code)


def clean(api, *records) -> dict:
    """The common condition of 创新型 with these dated flags."""
    return criterion(
        what_if(api, disqualification_records=list(records)), "innovative_sme", "no_disqualification"
    )


# --- 1. listings bar until lifted, events for three years --------------------------------------------


def test_a_2021_listing_never_lifted_still_bars_in_2025(api):
    found = clean(api, {"code": "abnormal_operations", "occurred_on": "2021-03-01"})
    assert found["status"] == "not_met"
    assert "列入名录期间" in found["message"] and "列入经营异常名录" in found["message"]


@pytest.mark.parametrize(
    ("lifted_on", "status"),
    [("2025-07-01", "not_met"), ("2025-06-30", "met"), ("2025-06-29", "met")],
)
def test_a_lifted_listing_is_clean_from_the_lift_date(api, lifted_on, status):
    record = {"code": "serious_dishonesty", "occurred_on": "2021-03-01", "lifted_on": lifted_on}
    assert clean(api, record)["status"] == status


@pytest.mark.parametrize(
    ("occurred_on", "status"),
    [
        ("2022-06-29", "met"),  # the day before the boundary: more than three years ago
        ("2022-06-30", "met"),  # exactly three years before as_of: its three years ended yesterday
        ("2022-07-01", "not_met"),  # the day after: still within 近三年
    ],
)
@pytest.mark.parametrize("code", ["major_accident", "tax_evasion", "data_fraud"])
def test_an_event_bars_for_three_years_only(api, code, occurred_on, status):
    found = clean(api, {"code": code, "occurred_on": occurred_on})
    assert found["status"] == status
    if status == "not_met":
        assert "事件发生后三年内" in found["message"]


@pytest.mark.parametrize("code", ["abnormal_operations", "serious_dishonesty", "banned_products"])
def test_a_listing_of_the_same_age_still_bars(api, code):
    assert clean(api, {"code": code, "occurred_on": "2022-06-29"})["status"] == "not_met"


def test_a_flag_begun_after_as_of_does_not_bar(api):
    assert clean(api, {"code": "abnormal_operations", "occurred_on": "2025-07-01"})["status"] == "met"


def test_plain_codes_still_bar_as_given(api):
    report = what_if(api, disqualifications=["tax_evasion"])
    assert criterion(report, "innovative_sme", "no_disqualification")["status"] == "not_met"


@pytest.mark.parametrize(
    "record",
    [
        {"code": "abnormal_operations", "occurred_on": "2022-01-01", "lifted_on": "2021-12-31"},
        {"code": "no_such_flag", "occurred_on": "2022-01-01"},
        {"code": "major_accident"},
        {"code": "major_accident", "occurred_on": "yesterday"},
    ],
)
def test_bad_dated_flags_are_refused(api, record):
    response = api.post(
        "/api/eligibility/", {"as_of": AS_OF, "disqualification_records": [record]}, format="json"
    )
    assert response.status_code == 400
    assert "disqualification_records" in json.dumps(response.json(), ensure_ascii=False)


# --- 5. completed years in the niche --------------------------------------------------------------------

# (tier, criterion, bar in years): the 2-, 3- and 10-year bars of CN-2022.
BARS = [
    ("srdi_sme", "c1_niche_years", 2),
    ("little_giant", "niche_years", 3),
    ("single_champion", "years_in_field", 10),
]


@pytest.mark.parametrize(("tier", "code", "bar"), BARS)
def test_entry_year_only_counts_completed_years_after_it(api, tier, code, bar):
    """At the end of FY2024: entered in 2024 − bar has exactly ``bar`` years; a year later, one short."""
    enough = criterion(what_if(api, niche_since=2024 - bar), tier, code)
    short = criterion(what_if(api, niche_since=2024 - bar + 1), tier, code)
    assert (enough["status"], short["status"]) == ("met", "not_met")
    assert (enough["value"], short["value"]) in {(bar, bar - 1), (str(bar), str(bar - 1))}


@pytest.mark.parametrize(("tier", "code", "bar"), BARS)
def test_entry_month_counts_whole_months_after_it(api, tier, code, bar):
    """December of 2024 − bar: ``bar`` × 12 months by 2024-12-31; January a year later: one month short."""
    enough = criterion(what_if(api, niche_since=2024 - bar, niche_since_month=12), tier, code)
    short = criterion(what_if(api, niche_since=2024 - bar + 1, niche_since_month=1), tier, code)
    assert (enough["status"], short["status"]) == ("met", "not_met")


def test_entered_2023_has_one_completed_year_at_the_end_of_2024(api):
    found = criterion(what_if(api, niche_since=2023), "srdi_sme", "c1_niche_years")
    assert found["status"] == "not_met" and str(found["value"]) == "1"


@pytest.mark.parametrize(("month", "status"), [(7, "met"), (12, "met")])
def test_entered_july_2023_has_two_years_at_the_end_of_2025(api, month, status):
    """2023-07 → 2025-12-31 is 2 years 5 months: two completed years (as_of in 2026, CN-2022 by name)."""
    report = what_if(api, as_of="2026-06-30", niche_since=2023, niche_since_month=month)
    found = criterion(report, "srdi_sme", "c1_niche_years")
    assert (found["status"], str(found["value"])) == (status, "2")


def test_cn2026_three_year_bar_counts_completed_years(api):
    body = {"rule_set": "CN-2026", "as_of": "2026-06-30"}
    enough = criterion(what_if(api, niche_since=2022, **body), "little_giant", "niche_years")
    short = criterion(
        what_if(api, niche_since=2022, niche_since_month=1, **body), "little_giant", "niche_years"
    )
    later = criterion(what_if(api, niche_since=2023, **body), "little_giant", "niche_years")
    assert (enough["status"], short["status"], later["status"]) == ("met", "met", "not_met")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"niche_since_month": 7}, "niche_since_month"),
        ({"niche_since": 2020, "niche_since_month": 13}, "niche_since_month"),
        ({"niche_since": 2020, "niche_since_month": 0}, "niche_since_month"),
    ],
)
def test_bad_entry_months_are_refused(api, body, field):
    response = api.post("/api/eligibility/", {"as_of": AS_OF, **body}, format="json")
    assert response.status_code == 400
    assert field in json.dumps(response.json())


# --- 13. bad input stays small --------------------------------------------------------------------------


def test_ten_thousand_bad_years_answer_one_short_message(api):
    body = {"as_of": AS_OF, "years": [{"year": "x", "rd_expense": "y"}] * 10_000}
    response = api.post("/api/eligibility/", body, format="json")
    assert response.status_code == 400
    assert len(response.content) < 1024, len(response.content)
    assert "30" in response.content.decode()


def test_thirty_years_are_accepted_and_thirty_one_refused(api):
    rows = [{"year": year} for year in range(1995, 2026)]
    assert (
        api.post("/api/eligibility/", {"as_of": AS_OF, "years": rows[:30]}, format="json").status_code == 200
    )
    refused = api.post("/api/eligibility/", {"as_of": AS_OF, "years": rows}, format="json")
    assert refused.status_code == 400 and len(refused.content) < 1024


@pytest.mark.parametrize(
    "body",
    [
        {"designations": ["nope"] * 10_000},
        {"disqualifications": ["nope"] * 10_000},
        {"disqualification_records": [{"code": "nope"}] * 10_000},
        {"attested": {f"code{n}": "x" for n in range(10_000)}},
    ],
)
def test_other_long_lists_answer_one_short_message(api, body):
    response = api.post("/api/eligibility/", {"as_of": AS_OF, **body}, format="json")
    assert response.status_code == 400
    assert len(response.content) < 1024, len(response.content)
