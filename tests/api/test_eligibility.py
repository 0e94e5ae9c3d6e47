"""The eligibility contract (docs/API.md): what-if and stored firms, clusters and rule sets."""

from __future__ import annotations

import copy
import json

import pytest
from rest_framework.test import APIClient

from api.examples import WHAT_IF_EXAMPLE
from cultivation.models import Attestation
from registry.models import AnnualFigures, Firm
from tests.factories import FiguresFactory, FirmFactory, UserFactory, district

pytestmark = pytest.mark.django_db

TIERS = {
    "innovative_sme",
    "srdi_sme",
    "little_giant",
    "single_champion",
    "gazelle",
    "potential_unicorn",
    "unicorn",
    "hardtech_pool",
}


@pytest.fixture
def api(caseworker) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


def post(api, body):
    return api.post("/api/eligibility/", body, format="json")


def test_design_example_answers_every_tier(api):
    response = post(api, WHAT_IF_EXAMPLE)
    assert response.status_code == 200, response.json()
    tiers = response.json()["tiers"]
    assert set(tiers) == TIERS
    for report in tiers.values():
        assert report["eligible"] in (True, False)  # what-if: absent attestations are simply not met
        for criterion in report["criteria"]:
            assert {"code", "status", "value", "threshold", "gap"} <= set(criterion)
            assert criterion["status"] in {"met", "not_met", "pending", "missing"}
    assert response.json()["rule_set"] == "CN-2022"


def test_attested_true_counts_as_met_and_absent_as_not(api):
    body = copy.deepcopy(WHAT_IF_EXAMPLE)
    without = post(api, {**body, "attested": {}}).json()["tiers"]["srdi_sme"]
    with_brand = post(api, body).json()["tiers"]["srdi_sme"]
    assert without.get("score") is not None and with_brand.get("score") is not None
    assert float(with_brand["score"]) > float(without["score"])


def test_a_claimed_attestation_is_pending_not_met(api):
    """P3 in the what-if: "claimed" is a claim awaiting confirmation; "confirmed" (or true) counts as met."""
    states = {}
    for state in ("claimed", "confirmed", True, False):
        body = {**WHAT_IF_EXAMPLE, "attested": {**WHAT_IF_EXAMPLE["attested"], "own_brand": state}}
        response = post(api, body)
        assert response.status_code == 200, response.json()
        criteria = response.json()["tiers"]["little_giant"]["criteria"]
        states[state] = next(c["status"] for c in criteria if c["code"] == "own_brand")
    assert states == {"claimed": "pending", "confirmed": "met", True: "met", False: "not_met"}


def test_cluster_meets_the_33618_criterion_only_when_given(api):
    body = copy.deepcopy(WHAT_IF_EXAMPLE)
    inside = post(api, body).json()["tiers"]["gazelle"]["criteria"]
    outside = post(api, {**body, "cluster": None}).json()["tiers"]["gazelle"]["criteria"]
    status = {c["code"]: c["status"] for c in inside}
    status_out = {c["code"]: c["status"] for c in outside}
    changed = [code for code in status if status[code] != status_out.get(code)]
    assert changed and all(status[c] == "met" and status_out[c] == "not_met" for c in changed)


def with_year(**changes):
    body = copy.deepcopy(WHAT_IF_EXAMPLE)
    body["years"][0].update(changes)
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (with_year(rd_expense="-1.00"), "years[0].rd_expense"),
        (with_year(operating_revenue="-5", main_business_revenue="-6"), "years[0].operating_revenue"),
        (with_year(rd_staff=200), "years[0].rd_staff"),
        (with_year(main_business_revenue="9000.00"), "years[0].main_business_revenue"),
        (with_year(year="last year"), "years[0].year"),
        (with_year(employees="many"), "years[0].employees"),
        ({**WHAT_IF_EXAMPLE, "years": WHAT_IF_EXAMPLE["years"] * 2}, "years"),
        ({**WHAT_IF_EXAMPLE, "rule_set": "XX-1999"}, "rule_set"),
        ({**WHAT_IF_EXAMPLE, "cluster": "no-such-cluster"}, "cluster"),
        ({**WHAT_IF_EXAMPLE, "sector": "mining"}, "sector"),
        ({**WHAT_IF_EXAMPLE, "as_of": "2025-13-40"}, "as_of"),
        ({**WHAT_IF_EXAMPLE, "attested": {"bribery": True}}, "attested"),
        ({**WHAT_IF_EXAMPLE, "attested": {"own_brand": "maybe"}}, "attested.own_brand"),
        ({**WHAT_IF_EXAMPLE, "designations": ["emperor"]}, "designations[0]"),
    ],
)
def test_bad_input_answers_400_per_field_and_stores_nothing(api, body, field):
    before = (Firm.objects.count(), AnnualFigures.objects.count())
    response = post(api, body)
    assert response.status_code == 400
    payload = response.json()
    assert field in payload["fields"], payload
    assert all(isinstance(m, str) and m for m in payload["fields"][field])
    assert (Firm.objects.count(), AnnualFigures.objects.count()) == before


def test_malformed_json_is_a_400(api):
    response = api.post("/api/eligibility/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_body_over_one_megabyte_is_refused(api):
    body = json.dumps({**WHAT_IF_EXAMPLE, "padding": "x" * (1024 * 1024)})
    response = api.post("/api/eligibility/", body, content_type="application/json")
    assert response.status_code == 413


def test_messages_follow_the_language(api):
    zh = post(api, with_year(rd_staff=200)).json()["fields"]["years[0].rd_staff"][0]
    en = api.post(
        "/api/eligibility/", with_year(rd_staff=200), format="json", HTTP_ACCEPT_LANGUAGE="en"
    ).json()["fields"]["years[0].rd_staff"][0]
    assert "研发人员" in zh and "R&D" in en


def test_anonymous_is_refused():
    response = APIClient().post("/api/eligibility/", WHAT_IF_EXAMPLE, format="json")
    assert response.status_code in (401, 403)


def test_stored_firm_eligibility_uses_its_records(api):
    firm = FirmFactory()
    FiguresFactory(firm=firm, year=2024)
    response = api.get(f"/api/firms/{firm.credit_code}/eligibility/", {"as_of": "2025-06-30"})
    assert response.status_code == 200
    body = response.json()
    assert set(body["tiers"]) == TIERS and body["rule_set"] == "CN-2022-R2025"  # the 2025 round's version
    assert body["rule_sets"] == ["CN-2022-R2025", "CQ-2024"]


def test_claimed_attestation_is_pending_not_met(api, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    firm = FirmFactory()
    FiguresFactory(firm=firm, year=2024)
    Attestation.objects.create(firm=firm, code="own_brand", evidence="evidence/x.pdf")
    body = api.get(f"/api/firms/{firm.credit_code}/eligibility/", {"as_of": "2025-06-30"}).json()
    statuses = {
        c["code"]: c["status"]
        for tier in body["tiers"].values()
        for c in tier["criteria"]
        if "brand" in c["code"]
    }
    assert statuses and set(statuses.values()) == {"pending"}


def test_other_firms_eligibility_is_not_found_for_a_firm_user():
    mine, other = FirmFactory(), FirmFactory()
    client = APIClient()
    client.force_authenticate(UserFactory(roles=["firm"], firm=mine))
    assert client.get(f"/api/firms/{mine.credit_code}/eligibility/").status_code == 200
    assert client.get(f"/api/firms/{other.credit_code}/eligibility/").status_code == 404


def test_district_caseworker_sees_only_district_firms():
    inside = FirmFactory(district=district("500112"))
    outside = FirmFactory(district=district("500105"))
    client = APIClient()
    client.force_authenticate(UserFactory(roles=["caseworker"], district=district("500112"), is_staff=True))
    assert client.get(f"/api/firms/{inside.credit_code}/eligibility/").status_code == 200
    assert client.get(f"/api/firms/{outside.credit_code}/eligibility/").status_code == 404


def test_clusters_list_all_thirty_with_provisional_flags(api):
    page = api.get("/api/clusters/").json()
    clusters = page["results"]
    assert page["count"] == len(clusters) == 30
    assert {c["code"] for c in clusters if not c["provisional"]} >= {
        "satellite-internet",
        "advanced-materials",
    }
    assert sum(c["provisional"] for c in clusters) == 19  # 17 "new star" + 轻纺 + 生物医药 ([U])


def test_rule_sets_list_versions_and_the_one_in_force(api):
    sets = api.get("/api/rule-sets/").json()["results"]
    assert [s["code"] for s in sets] == ["CN-2022", "CQ-2023", "CQ-2024", "CN-2022-R2025", "CN-2026"]
    assert [s["code"] for s in sets if s["in_force"]] == ["CQ-2024", "CN-2026"]  # national and Chongqing
    detail = api.get("/api/rule-sets/CN-2026/").json()
    assert detail["provisional"] is True and detail["based_on"] == "CN-2022"
    assert "little_giant" in detail["definition"]["tiers"]
