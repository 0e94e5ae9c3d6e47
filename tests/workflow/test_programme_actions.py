"""The admin and the API take the programme's actions outside the table through the same services: taking an
expert off (``unassign_reviewer``), lifting a disqualification (``lift_disqualification``), leaving the pool
(``exit_pool``). Each refusal is the same on both paths."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cultivation.models import ApplicationEvent, Disqualification, PoolMembership, ReviewAssignment
from cultivation.workflow import Status
from tests.factories import application_in

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_admin_takes_an_expert_off_through_the_service_and_never_after_the_review(firm, people, client):
    application = application_in(Status.CITY_REVIEW, firm, reviewers=[people.expert, people.other_expert])
    pending = ReviewAssignment.objects.get(application=application, reviewer=people.other_expert)
    client.force_login(people.city_cw)
    response = client.post(
        reverse("admin:cultivation_reviewassignment_delete", args=[pending.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not ReviewAssignment.objects.filter(pk=pending.pk).exists()
    event = ApplicationEvent.objects.get(application=application, event="application.reviewer_unassigned")
    assert event.actor == people.city_cw and people.other_expert.username in event.reason

    api_as(people.expert).post(
        f"/api/applications/{application.pk}/transition/",
        {"action": "review", "score": 80, "recommendation": "approve"},
        format="json",
    )
    reviewed = ReviewAssignment.objects.get(application=application, reviewer=people.expert)
    page = client.get(reverse("admin:cultivation_reviewassignment_delete", args=[reviewed.pk]))
    assert page.status_code == 403
    refused = api_as(people.city_cw).delete(
        f"/api/applications/{application.pk}/assignments/{people.expert.username}/"
    )
    assert refused.status_code == 409 and ReviewAssignment.objects.filter(pk=reviewed.pk).exists()


def test_a_disqualification_is_lifted_once(firm, people):
    api = api_as(people.district_cw)
    recorded = api.post(
        "/api/disqualifications/",
        {
            "firm": firm.credit_code,
            "code": "abnormal_operations",
            "occurred_on": "2025-03-01",
            "reason": "列入",
        },
        format="json",
    )
    assert recorded.status_code == 201, recorded.content[:300]
    flag = Disqualification.objects.get(pk=recorded.json()["id"])
    assert flag.recorded_by == people.district_cw and flag.history.first().history_change_reason.startswith(
        "记录"
    )
    url = f"/api/disqualifications/{flag.pk}/lift/"
    assert api.post(url, {"reason": " "}, format="json").json()["fields"].keys() == {"reason"}
    assert api.post(url, {"reason": "已移出名录"}, format="json").status_code == 200
    assert api.post(url, {"reason": "再次解除"}, format="json").status_code == 409
    flag.refresh_from_db()
    assert flag.lifted_reason == "已移出名录" and flag.lifted_on is not None
    other = api_as(people.other_district_cw).post(url, {"reason": "越权"}, format="json")
    assert other.status_code == 404


def test_leaving_the_pool_is_the_programme_admins_on_both_paths(firm, people, client):
    member = PoolMembership.objects.create(
        firm=firm, cohort_year=2025, baseline_year=2024, baseline_revenue=Decimal("5000.00")
    )
    assert api_as(people.city_cw).post(f"/api/pool/{member.pk}/exit/", {}, format="json").status_code == 403
    client.force_login(people.city_cw)
    assert client.get(reverse("admin:cultivation_poolmembership_delete", args=[member.pk])).status_code == 403
    client.force_login(people.superuser)
    response = client.post(
        reverse("admin:cultivation_poolmembership_delete", args=[member.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and not PoolMembership.objects.filter(pk=member.pk).exists()
    last = PoolMembership.history.filter(id=member.pk).order_by("-history_date").first()
    assert last.history_type == "-" and last.history_user == people.superuser
    assert last.history_change_reason == "出库"
