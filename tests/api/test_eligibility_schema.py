"""The eligibility answer matches its typed components in /api/schema/, key for key (issue 19 item 5).

Real answers (stored firms and what-ifs, across every tier and status) are validated against the
``EligibilityReport`` component with every object closed: a key ``to_dict`` starts sending, a status it
starts using or a type it changes fails here until ``api/serializers/eligibility_report.py`` says so.
"""

from __future__ import annotations

import copy

import pytest
from jsonschema import Draft7Validator
from rest_framework.test import APIClient

from api.examples import WHAT_IF_EXAMPLE
from cultivation.models import Attestation
from tests.factories import FiguresFactory, FirmFactory, eligible_firm

from .test_schema import documented_schema, json_schema

pytestmark = pytest.mark.django_db

REPORT = {"$ref": "#/components/schemas/EligibilityReport"}


@pytest.fixture
def api(caseworker) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


def answers(api, tmp_path, settings) -> dict[str, dict]:
    """Answers that between them use every status, gaps, scores, parts and a provisional rule set."""
    settings.MEDIA_ROOT = tmp_path
    strong = eligible_firm(last_year=2024)
    thin = FirmFactory()  # one year of figures: growth criteria cannot be judged
    FiguresFactory(firm=thin, year=2024)
    Attestation.objects.create(firm=thin, code="own_brand", evidence="evidence/x.pdf")  # claimed: pending
    claimed = copy.deepcopy(WHAT_IF_EXAMPLE)
    claimed["attested"]["own_brand"] = "claimed"
    requests = {
        "strong firm": lambda: api.get(
            f"/api/firms/{strong.credit_code}/eligibility/", {"as_of": "2025-06-30"}
        ),
        "thin firm": lambda: api.get(f"/api/firms/{thin.credit_code}/eligibility/", {"as_of": "2025-06-30"}),
        "what-if": lambda: api.post("/api/eligibility/", WHAT_IF_EXAMPLE, format="json"),
        "what-if, claimed": lambda: api.post("/api/eligibility/", claimed, format="json"),
        "what-if, no figures": lambda: api.post(
            "/api/eligibility/", {**WHAT_IF_EXAMPLE, "years": []}, format="json"
        ),
        "what-if, CN-2026": lambda: api.post(
            "/api/eligibility/", {**WHAT_IF_EXAMPLE, "rule_set": None, "as_of": "2026-04-01"}, format="json"
        ),
    }
    out = {}
    for name, request in requests.items():
        response = request()
        assert response.status_code == 200, (name, response.content[:300])
        out[name] = response.json()
    return out


def criteria(answer: dict):
    for tier in answer["tiers"].values():
        for criterion in tier["criteria"]:
            yield criterion
            yield from criterion.get("parts", [])


def test_both_eligibility_operations_answer_the_report_component():
    paths = documented_schema()["paths"]
    for path, method in (("/api/eligibility/", "post"), ("/api/firms/{credit_code}/eligibility/", "get")):
        assert paths[path][method]["responses"]["200"]["content"]["application/json"]["schema"] == REPORT


def test_real_answers_validate_against_the_closed_components(api, tmp_path, settings):
    components = documented_schema()["components"]["schemas"]
    assert components["CriterionStatusEnum"]["enum"] == ["met", "not_met", "pending", "missing"]
    validator = Draft7Validator(json_schema(REPORT, components))
    problems = []
    seen = answers(api, tmp_path, settings)
    for name, answer in seen.items():
        for error in validator.iter_errors(answer):
            problems.append(f"{name}: {'/'.join(map(str, error.absolute_path))}: {error.message[:200]}")
    assert problems == []
    # The answers cover what the components describe, so the validation above proves something.
    every = [c for answer in seen.values() for c in criteria(answer)]
    assert {c["status"] for c in every} == {"met", "not_met", "pending", "missing"}
    assert any(c["gap"] is not None and c["gap_unit"] for c in every)
    assert any(c.get("parts") for c in every)
    assert any(c.get("provisional_reason") for c in every)
    tiers = [tier for answer in seen.values() for tier in answer["tiers"].values()]
    assert len(seen["strong firm"]["tiers"]) > 5
    assert {tier["eligible"] for tier in tiers} >= {True, False}
    assert any(tier.get("class_scores") for tier in tiers)


def test_a_stale_or_misspelt_key_would_fail(api, tmp_path, settings):
    """The check is closed: an answer with a key the components do not declare is refused."""
    components = documented_schema()["components"]["schemas"]
    validator = Draft7Validator(json_schema(REPORT, components))
    answer = answers(api, tmp_path, settings)["what-if"]
    tier = next(iter(answer["tiers"].values()))
    tier["criteria"][0]["statu"] = tier["criteria"][0].pop("status")
    assert not validator.is_valid(answer)
    tier["criteria"][0]["status"] = "almost"
    assert not validator.is_valid(answer)
