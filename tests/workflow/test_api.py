"""The applications API: create, list with labels and available actions, transitions with 200/400/403/409,
designations by firm, flat query counts and a clean OpenAPI schema."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cultivation.models import Application
from cultivation.tiers import INNOVATIVE_SME
from cultivation.workflow import Status
from tests.factories import JIANGBEI, application_in, designation, eligible_firm

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def transition(user, application, **body):
    return client_for(user).post(f"/api/applications/{application.pk}/transition/", body, format="json")


def test_a_firm_opens_and_submits_an_application(firm, people):
    api = client_for(people.firm_user)
    response = api.post(
        "/api/applications/", {"firm": firm.credit_code.lower(), "tier": INNOVATIVE_SME}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["kind"], body["firm"]) == ("draft", "new", firm.credit_code)
    assert body["status_label"] == "草稿" and body["tier_label"] == "创新型中小企业"
    assert set(body["available_actions"]) == {"submit", "withdraw"}

    response = api.post(f"/api/applications/{body['id']}/transition/", {"action": "submit"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["revision"] == 1
    assert body["snapshot"]["report"]["tiers"][INNOVATIVE_SME]["eligible"] is True
    assert body["available_actions"] == ["withdraw"]
    assert body["reviews"] == [] and body["objections"] == []


def test_creation_errors_use_the_api_error_shape(firm, people):
    api = client_for(people.firm_user)
    response = api.post(
        "/api/applications/", {"firm": firm.credit_code, "tier": "hardtech_pool"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "fields"} and "tier" in response.json()["fields"]
    designation(firm)
    response = api.post(
        "/api/applications/", {"firm": firm.credit_code, "tier": INNOVATIVE_SME}, format="json"
    )
    assert response.status_code == 400 and "已持有该称号" in response.json()["fields"]["tier"][0]


def test_a_firm_cannot_apply_for_another_firm(firm, people):
    other = people.other_firm_user.firm
    response = client_for(people.firm_user).post(
        "/api/applications/", {"firm": other.credit_code, "tier": INNOVATIVE_SME}, format="json"
    )
    assert response.status_code == 400 and "firm" in response.json()["fields"]


def test_reviewers_cannot_open_applications(firm, people):
    response = client_for(people.expert).post(
        "/api/applications/", {"firm": firm.credit_code, "tier": INNOVATIVE_SME}, format="json"
    )
    assert response.status_code == 403


def test_labels_fit_the_user(firm, people):
    application = application_in(Status.DISTRICT_REVIEW, firm)
    firm_view = client_for(people.firm_user).get(f"/api/applications/{application.pk}/").json()
    staff_view = client_for(people.district_cw).get(f"/api/applications/{application.pk}/").json()
    assert (firm_view["status"], firm_view["status_label"]) == ("district_review", "审核中")
    assert staff_view["status_label"] == "区县初审"
    assert set(staff_view["available_actions"]) == {"return", "reject", "recommend"}
    assert firm_view["available_actions"] == ["withdraw"]


def test_transition_answers_200_403_409_and_400(firm, people):
    application = application_in(Status.SUBMITTED, firm)
    forbidden = transition(people.firm_user, application, action="accept")
    assert forbidden.status_code == 403 and forbidden.json()["detail"]
    ok = transition(people.district_cw, application, action="accept")
    assert ok.status_code == 200 and ok.json()["status"] == "district_review"
    conflict = transition(people.city_cw, application, action="accept")
    assert conflict.status_code == 409
    assert "区县初审" in conflict.json()["detail"] and conflict.json()["fields"] == {}
    missing_reason = transition(people.district_cw, application, action="return")
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()["fields"]
    bad_score = transition(people.expert, application, action="review", score=150, recommendation="approve")
    assert bad_score.status_code in (400, 404)


def test_other_districts_do_not_even_see_the_application(firm, people):
    application = application_in(Status.SUBMITTED, firm)
    response = transition(people.other_district_cw, application, action="accept")
    assert response.status_code == 404
    assert client_for(people.other_district_cw).get("/api/applications/").json()["count"] == 0


def test_an_expert_reviews_through_the_api_and_firms_never_see_it(firm, people):
    application = application_in(Status.CITY_REVIEW, firm, reviewers=[people.expert, people.home_expert])
    assert (
        transition(
            people.expert, application, action="review", score=101, recommendation="approve"
        ).status_code
        == 400
    )
    response = transition(
        people.expert, application, action="review", score=86, recommendation="approve", comment="好"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "city_review" and body["available_actions"] == []
    assert [r["score"] for r in body["reviews"]] == [86]
    assert [e["action"] for e in body["events"]] == ["review"]

    other = client_for(people.home_expert).get(f"/api/applications/{application.pk}/").json()
    assert other["reviews"] == [] and other["available_actions"] == ["review"]  # blind review
    staff = client_for(people.city_cw).get(f"/api/applications/{application.pk}/").json()
    assert len(staff["reviews"]) == 1 and staff["events"][0]["actor"] == people.expert.username
    firm_view = client_for(people.firm_user).get(f"/api/applications/{application.pk}/").json()
    assert firm_view["reviews"] == [] and firm_view["events"] == []


def test_objections_are_lodged_with_their_text(firm, people):
    application = application_in(Status.PUBLIC_NOTICE, firm)
    assert transition(people.district_cw, application, action="object").status_code == 400
    response = transition(people.district_cw, application, action="object", objection="研发人员数据不实")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "notice_paused" and body["objections"][0]["text"] == "研发人员数据不实"
    assert set(body["available_actions"]) == {"object", "dismiss_objection", "uphold_objection"}
    firm_view = client_for(people.firm_user).get(f"/api/applications/{application.pk}/").json()
    assert firm_view["status_label"] == "公示中" and firm_view["objections"] == []


def test_list_filters_by_status_and_firm(firm, people):
    application_in(Status.SUBMITTED, firm)
    application_in(Status.REJECTED, firm)
    api = client_for(people.city_cw)
    assert api.get("/api/applications/?status=submitted").json()["count"] == 1
    assert api.get(f"/api/applications/?firm={firm.credit_code}").json()["count"] == 2
    assert api.get("/api/applications/?status=submitted&status=rejected").json()["count"] == 2


def test_designations_by_firm(firm, people):
    designation(firm)
    other = eligible_firm(JIANGBEI)
    designation(other)
    api = client_for(people.city_cw)
    body = api.get(f"/api/designations/?firm={firm.credit_code}").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["firm"], row["tier"], row["status"]) == (firm.credit_code, INNOVATIVE_SME, "active")
    assert row["expires_on"] and row["tier_label"] == "创新型中小企业"
    assert client_for(people.firm_user).get("/api/designations/").json()["count"] == 1
    assert api.get("/api/designations/?active=true").json()["count"] == 2


def list_queries(user) -> int:
    api = client_for(type(user).objects.get(pk=user.pk))  # a fresh user, as in a real request
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/applications/")
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(people):
    def fill(count):
        for _ in range(count):
            firm = eligible_firm()
            application_in(Status.CITY_REVIEW, firm, reviewers=[people.expert], reviewed=True)

    fill(2)
    small = {role: list_queries(getattr(people, role)) for role in ("city_cw", "expert", "district_cw")}
    fill(18)
    assert Application.objects.count() == 20
    large = {role: list_queries(getattr(people, role)) for role in ("city_cw", "expert", "district_cw")}
    assert small == large


def test_the_schema_is_valid_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
