"""Impact reports through a real Celery worker on Redis (issue 16): queued by the API, run by the worker,
and a report whose worker died taken over by the next attempt once the beat task requeues it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cultivation.impact_jobs import request_report, requeue_stale_reports
from cultivation.models import ImpactReport, RuleSet
from cultivation.services import derive_rule_set
from tests.factories import UserFactory, pool_entrant, today

from .processes import wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def programme_admin(db):
    admin = UserFactory(username="impact-admin", is_staff=True, is_superuser=True)
    pool_entrant(today().year - 1, admin)  # R&D exactly 5%: out under a 6% bar
    derive_rule_set(
        base=RuleSet.objects.get(code="CQ-2024"),
        code="CQ-D6",
        effective_from=datetime.date(2030, 1, 1),
        overrides={"hardtech_pool.rd_intensity": {"threshold": "6"}},
        draft=True,
        actor=admin,
    )
    return admin


def lost(report: dict) -> int:
    return next(row["lost"] for row in report["result"]["tiers"] if row["tier"] == "hardtech_pool")


def test_an_api_report_runs_on_the_worker(programme_admin, start_worker):
    start_worker()
    api = APIClient()
    api.force_authenticate(programme_admin)
    response = api.post("/api/impact-reports/", {"to": "CQ-D6"}, format="json")
    assert response.status_code == 202
    url = response["Location"]
    wait_for(lambda: api.get(url).json()["status"] in ("succeeded", "failed"), timeout=120, every=0.1)
    report = api.get(url).json()
    assert report["status"] == "succeeded" and report["percent"] == 100, report
    assert lost(report) == 1


def test_a_report_whose_worker_died_is_run_again_after_the_requeue(programme_admin, start_worker):
    report = request_report(actor=programme_admin, to_code="CQ-D6", as_of=today(), queue_it=False)
    # A worker took it and died: running, attempt 1, no progress for half an hour.
    stale = timezone.now() - datetime.timedelta(minutes=30)
    ImpactReport.objects.filter(pk=report.pk).update(status="running", attempt=1, heartbeat_at=stale)
    start_worker()
    assert requeue_stale_reports() == 1  # what the beat's requeue_impact_reports does every 10 minutes
    wait_for(lambda: ImpactReport.objects.get(pk=report.pk).finished, timeout=120, every=0.1)
    report.refresh_from_db()
    assert (report.status, report.attempt) == ("succeeded", 2)
    assert lost({"result": report.result}) == 1
