"""Impact reports as stored jobs (issue 16): the command, the API job, idempotence and restarts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from cultivation.impact_jobs import claim, request_report, run_report
from cultivation.models import ImpactReport, RuleSet
from cultivation.services import derive_rule_set
from cultivation.tiers import HARDTECH_POOL
from tests.factories import pool_entrant, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def stricter(superuser) -> str:
    """A draft of Chongqing's pool rule asking 6% R&D where 5% is in force; one firm at 5%, one at 7%."""
    year = today().year - 1
    pool_entrant(year, superuser)
    pool_entrant(year, superuser, rd_expense="210.00")
    return derive_rule_set(
        base=RuleSet.objects.get(code="CQ-2024"),
        code="CQ-D6",
        effective_from=datetime.date(2030, 1, 1),
        overrides={"hardtech_pool.rd_intensity": {"threshold": "6"}},
        draft=True,
        actor=superuser,
    ).code


def pool_row(result: dict) -> dict:
    return next(row for row in result["tiers"] if row["tier"] == HARDTECH_POOL)


def test_the_command_stores_the_report_it_prints(stricter, superuser, capsys):
    call_command("impact", "--to", stricter, "--district", "500112")
    out = capsys.readouterr().out
    report = ImpactReport.objects.get()
    assert report.status == "succeeded" and report.created_by == superuser
    assert (report.to_code, report.district, report.as_of) == (stricter, "500112", today())
    assert report.from_key == "CN-2026+CQ-2024"
    row = pool_row(report.result)
    assert (row["a"], row["b"], row["lost"]) == (2, 1, 1)
    assert "chunks" in out and "hardtech_pool" in out and "firms changing: 1" in out
    with pytest.raises(CommandError):
        call_command("impact", "--to", "NO-SUCH")


def test_the_command_sweeps_a_threshold(stricter, capsys):
    call_command("impact", "--to", stricter, "--sweep", "hardtech_pool.rd_intensity.threshold", "4", "8", "1")
    report = ImpactReport.objects.get(kind="sweep")
    counts = [point["eligible"][HARDTECH_POOL] for point in report.result["points"]]
    assert counts == [2, 2, 1, 1, 0]
    assert report.result["current"] == "6"


def test_the_api_runs_a_report_as_a_job_for_programme_admins_only(
    stricter, superuser, caseworker, celery_eager, django_capture_on_commit_callbacks
):
    api = APIClient()
    api.force_authenticate(caseworker)
    assert api.post("/api/impact-reports/", {"to": stricter}, format="json").status_code == 403
    assert api.get("/api/impact-reports/").status_code == 403
    api.force_authenticate(superuser)
    with pytest.raises(ValidationError):  # a bad version is refused before any job exists
        request_report(actor=superuser, to_code="NO-SUCH", as_of=today())
    bad = api.post("/api/impact-reports/", {"to": "NO-SUCH"}, format="json")
    assert bad.status_code == 400 and "to" in bad.json()["fields"]

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/impact-reports/", {"to": stricter, "as_of": today().isoformat()}, format="json"
        )
    assert response.status_code == 202
    job = api.get(response["Location"]).json()
    assert job["status"] == "succeeded" and job["percent"] == 100 and job["created_by"] == superuser.username
    assert pool_row(job["result"])["lost"] == 1 and job["result"]["changes"][0]["criterion"] == "rd_intensity"

    body = {"to": stricter, "sweep": {"path": "hardtech_pool.rd_intensity", "param": "threshold"}}
    body["sweep"].update(start="4", stop="7", step="0.5")
    with django_capture_on_commit_callbacks(execute=True):
        location = api.post("/api/impact-reports/", body, format="json")["Location"]
    sweep = api.get(location).json()
    assert [p["value"] for p in sweep["result"]["points"]][:2] == ["4.0000", "4.5000"]


def test_a_pending_request_is_not_run_twice_and_a_lost_worker_is_taken_over(stricter, superuser):
    first = request_report(actor=superuser, to_code=stricter, as_of=today(), queue_it=False)
    again = request_report(actor=superuser, to_code=stricter, as_of=today(), queue_it=False)
    assert again.pk == first.pk and ImpactReport.objects.count() == 1

    running = claim(first.pk)
    assert running.attempt == 1 and claim(first.pk) is None  # a duplicate message finds it running
    # The worker died: no progress for longer than STALE_AFTER, so a redelivered message takes it over.
    stale = timezone.now() - datetime.timedelta(minutes=30)
    ImpactReport.objects.filter(pk=first.pk).update(heartbeat_at=stale)
    done = run_report(first.pk)
    assert done.status == "succeeded" and done.attempt == 2
    assert run_report(first.pk) is None  # ended: a late duplicate does nothing
    assert pool_row(done.result)["lost"] == 1
    assert Decimal(done.result["tiers"][0]["a"]) >= 0


def test_a_sweep_of_a_threshold_the_version_has_not_is_refused_before_any_job(stricter, superuser):
    api = APIClient()
    api.force_authenticate(superuser)
    body = {"to": stricter, "sweep": {"path": "hardtech_pool.rd_intensity", "param": "nope"}}
    body["sweep"].update(start="1", stop="2", step="1")
    response = api.post("/api/impact-reports/", body, format="json")
    assert response.status_code == 400 and "sweep" in response.json()["fields"]
    assert not ImpactReport.objects.exists()
