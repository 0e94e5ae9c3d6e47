"""A script drives an application from draft to designation through the API alone (issue 19, item 1).

Every step is an HTTP request with a token, as an integrator's system sends it: the firm opens and submits
its draft, the district accepts and recommends, the city assigns two experts through the assignment route,
both score it, the city approves, and once the notice has elapsed the notice-closing scan (the scheduled
task's entry point, run for a day after the notice) designates the firm. The designation is then read back
through the API. Nothing is set up in the database beyond the firm, its figures and the people.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cultivation.notice_closing import close_elapsed_notices
from cultivation.tiers import INNOVATIVE_SME
from tests.factories import caseworker, eligible_firm, firm_user, reviewer

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"  # the factories' password


def signed_in(user) -> APIClient:
    """A client holding a token obtained the way a script obtains it."""
    client = APIClient()
    response = client.post("/api/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content[:300]
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def act(client: APIClient, application_id: int, **body) -> dict:
    response = client.post(f"/api/applications/{application_id}/transition/", body, format="json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def test_from_draft_to_designation_through_the_api_only():
    firm = eligible_firm()
    company = signed_in(firm_user(firm))
    district = signed_in(caseworker(firm.district.code))
    city = signed_in(caseworker())
    experts = [reviewer(name="expert-zhao"), reviewer(name="expert-qian")]

    created = company.post(
        "/api/applications/", {"firm": firm.credit_code, "tier": INNOVATIVE_SME}, format="json"
    )
    assert created.status_code == 201, created.content[:500]
    application_id = created.json()["id"]
    assert act(company, application_id, action="submit")["status"] == "submitted"
    assert act(district, application_id, action="accept")["status"] == "district_review"
    assert act(district, application_id, action="recommend")["status"] == "city_review"

    due_on = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    names = [expert.username for expert in experts]
    assigned = city.post(
        f"/api/applications/{application_id}/assignments/",
        {"reviewers": names, "due_on": due_on},
        format="json",
    )
    assert assigned.status_code == 201, assigned.content[:500]
    assert sorted(row["reviewer"] for row in assigned.json()) == sorted(names)
    assert {row["due_on"] for row in assigned.json()} == {due_on}

    for expert, score in zip(experts, (86, 78), strict=True):
        act(signed_in(expert), application_id, action="review", score=score, recommendation="approve")
    notice = act(city, application_id, action="approve")
    assert notice["status"] == "public_notice"

    ends_on = datetime.date.fromisoformat(notice["notice_ends_on"])
    close_elapsed_notices(ends_on + datetime.timedelta(days=1))

    detail = city.get(f"/api/applications/{application_id}/")
    assert detail.json()["status"] == "designated"
    designations = city.get("/api/designations/", {"firm": firm.credit_code}).json()["results"]
    assert [(row["tier"], row["status"]) for row in designations] == [(INNOVATIVE_SME, "active")]


def test_assignment_refusals_through_the_api():
    """The route answers with the service's refusals: a past due day and a firm user as expert are 400s,
    a district caseworker 403, and an expert who has scored cannot be taken off (409)."""
    firm = eligible_firm()
    company = signed_in(firm_user(firm))
    district = signed_in(caseworker(firm.district.code))
    city = signed_in(caseworker())
    expert = reviewer(name="expert-sun")
    application_id = company.post(
        "/api/applications/", {"firm": firm.credit_code, "tier": INNOVATIVE_SME}, format="json"
    ).json()["id"]
    act(company, application_id, action="submit")
    act(district, application_id, action="accept")
    act(district, application_id, action="recommend")
    url = f"/api/applications/{application_id}/assignments/"
    today = timezone.localdate()

    past = city.post(
        url,
        {"reviewers": [expert.username], "due_on": str(today - datetime.timedelta(days=1))},
        format="json",
    )
    assert past.status_code == 400 and "due_on" in past.json()["fields"], past.content[:300]
    not_expert = city.post(url, {"reviewers": [f"firm-{firm.pk}"], "due_on": str(today)}, format="json")
    assert not_expert.status_code == 400 and "reviewers" in not_expert.json()["fields"]
    unknown = city.post(url, {"reviewers": ["nobody-at-all"], "due_on": str(today)}, format="json")
    assert unknown.status_code == 400 and "reviewers" in unknown.json()["fields"]
    refused = district.post(url, {"reviewers": [expert.username], "due_on": str(today)}, format="json")
    assert refused.status_code == 403

    assert (
        city.post(url, {"reviewers": [expert.username], "due_on": str(today)}, format="json").status_code
        == 201
    )
    act(signed_in(expert), application_id, action="review", score=80, recommendation="approve")
    taken_off = city.delete(f"{url}{expert.username}/")
    assert taken_off.status_code == 409, taken_off.content[:300]
    assert len(city.get(f"/api/applications/{application_id}/").json()["reviews"]) == 1
