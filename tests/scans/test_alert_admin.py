"""Alerts in the admin: the inbox is the signed-in person's own; schedules come from code."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from cultivation.models.alerts import AlertDelivery, AlertKind
from cultivation.schedules import SCHEDULES
from cultivation.services.alerts import AlertDraft, raise_alerts
from tests.factories import FirmFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_inbox_lists_and_marks_only_my_alerts(client):
    me = UserFactory(username="rev", roles=["reviewer"], is_staff=True)
    UserFactory(username="rev2", roles=["reviewer"], is_staff=True)
    firm = FirmFactory(name="提醒企业")
    raise_alerts([AlertDraft(AlertKind.PROMOTION_DUE, "2026", firm.pk, firm.district_id, "innovative_sme")])
    client.force_login(me)
    page = client.get("/admin/cultivation/alertdelivery/")
    assert page.status_code == 200 and "提醒企业" in page.text
    mine = AlertDelivery.objects.get(user=me, channel="inbox")
    client.post("/admin/cultivation/alertdelivery/", {"action": "mark_read", "_selected_action": [mine.pk]})
    read = dict(AlertDelivery.objects.filter(channel="inbox").values_list("user__username", "read_at"))
    assert read["rev"] is not None and read["rev2"] is None


def test_firm_users_have_no_admin_inbox(client):
    firm = FirmFactory()
    client.force_login(UserFactory(roles=["firm"], firm=firm))
    assert client.get("/admin/cultivation/alertdelivery/").status_code == 302


def test_setup_schedules_writes_every_schedule_and_keeps_a_pause(capsys):
    call_command("setup_schedules")
    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= {s.name for s in SCHEDULES}
    PeriodicTask.objects.filter(name="nightly-scans").update(enabled=False)
    call_command("setup_schedules")
    assert PeriodicTask.objects.get(name="nightly-scans").enabled is False
    assert PeriodicTask.objects.filter(name__in=[s.name for s in SCHEDULES]).count() == len(SCHEDULES)
    assert "paused" in capsys.readouterr().out
