"""Two caseworkers start one 技改 project at the same moment: one moves it, the other is told it has
moved on (a 400 on ``to``), and its history holds one step, not two."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from cultivation.models import UpgradeProject
from tests.concurrency import race
from tests.factories import caseworker, make_firm

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_concurrent_advances_move_a_project_once(monkeypatch):
    firm = make_firm("500112")
    today = datetime.date.today()
    project = UpgradeProject.objects.create(
        firm=firm,
        name="焊接产线智能化改造",
        kind="intelligent",
        investment=Decimal("1800"),
        planned_start=today - datetime.timedelta(days=10),
        planned_finish=today + datetime.timedelta(days=100),
    )
    workers = [caseworker("500112", "cw-a"), caseworker(None, "cw-b")]
    clean = UpgradeProject.full_clean

    def slowly(self, *args, **kwargs):  # both requests have read the project before either writes
        clean(self, *args, **kwargs)
        time.sleep(0.2)

    monkeypatch.setattr(UpgradeProject, "full_clean", slowly)

    def start(user):
        def attempt():
            client = APIClient()
            client.force_authenticate(user)
            url = f"/api/upgrade-projects/{project.pk}/advance/"
            return client.post(url, {"to": "under_way", "on": str(today)}, format="json")

        return attempt

    outcomes = race(*(start(user) for user in workers))
    assert sorted(response.status_code for response in outcomes) == [200, 400]
    refused = next(response for response in outcomes if response.status_code == 400)
    assert "to" in refused.json()["fields"]
    project.refresh_from_db()
    assert project.status == "under_way"
    assert list(project.history.values_list("status", flat=True)) == ["under_way", "planned"]
