"""The 发展阶段变化 alert is raised once whichever way the stage moves: a designation the notice scan
grants, one a caseworker revokes, one the expiry scan lapses; the nightly scan then has nothing to add.

Designations here come only from the workflow (an elapsed notice closed by its scan), never from rows
written directly: the alert used to be raised only by the scan noticing a stage it had not written.
"""

from __future__ import annotations

import datetime

import pytest

from cultivation.models import Designation
from cultivation.models.alerts import Alert, AlertKind, Channel
from cultivation.scanning import ScanKind
from cultivation.scans import SCANS, run_scans
from cultivation.services import revoke_designation
from cultivation.tiers import GAZELLE
from cultivation.workflow import Status
from registry.models import Firm
from registry.stages import Stage
from tests.factories import application_in

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TO_GROWTH = {"from": Stage.STARTUP.value, "to": Stage.GROWTH.value}
BACK_TO_STARTUP = {"from": Stage.GROWTH.value, "to": Stage.STARTUP.value}


def stage_alerts(firm) -> list[tuple[str, dict]]:
    alerts = Alert.objects.filter(kind=AlertKind.STAGE_CHANGED, firm=firm).order_by("pk")
    return list(alerts.values_list("period", "payload"))


def nightly_promotion_scan(day: datetime.date) -> None:
    SCANS[ScanKind.PROMOTION_DUE].run(day)


def granted_gazelle(firm) -> tuple[Designation, datetime.date]:
    """A 瞪羚 designation (growth stage) granted as the programme grants one: its notice elapses and
    the notice-closing scan designates the application."""
    application = application_in(Status.PUBLIC_NOTICE, firm, tier=GAZELLE)
    day = application.notice_ends_on + DAY
    [closed] = run_scans(day, only=[ScanKind.NOTICE_CLOSING])
    assert closed.acted == 1
    return Designation.objects.get(firm=firm, tier=GAZELLE), day


def test_a_designation_granted_through_the_workflow_raises_the_stage_alert_once(firm, people):
    assert Firm.objects.get(pk=firm.pk).stage == Stage.STARTUP
    _granted, day = granted_gazelle(firm)
    assert Firm.objects.get(pk=firm.pk).stage == Stage.GROWTH
    assert stage_alerts(firm) == [(f"{day.isoformat()}:growth", TO_GROWTH)]

    alert = Alert.objects.get(kind=AlertKind.STAGE_CHANGED, firm=firm)
    told = set(alert.deliveries.filter(channel=Channel.INBOX).values_list("user_id", flat=True))
    assert people.district_cw.pk in told and people.expert.pk in told  # the scan's recipients
    assert people.firm_user.pk not in told and people.other_district_cw.pk not in told

    nightly_promotion_scan(day)
    nightly_promotion_scan(day + DAY)
    assert len(stage_alerts(firm)) == 1, "the scan finds the stage already settled"


def test_a_revocation_raises_the_stage_alert_back(firm, people):
    designation, day = granted_gazelle(firm)
    revoke_designation(designation=designation, reason="数据造假", actor=people.district_cw, on=day + DAY)
    assert Firm.objects.get(pk=firm.pk).stage == Stage.STARTUP
    assert stage_alerts(firm)[1:] == [(f"{(day + DAY).isoformat()}:startup", BACK_TO_STARTUP)]

    nightly_promotion_scan(day + 2 * DAY)
    assert len(stage_alerts(firm)) == 2


def test_an_expiry_raises_the_stage_alert_in_the_expiry_scan(firm, people):
    designation, _day = granted_gazelle(firm)
    lapsed = designation.expires_on + DAY
    SCANS[ScanKind.DESIGNATION_EXPIRING].run(lapsed)
    designation.refresh_from_db()
    assert designation.status == Designation.Status.EXPIRED
    assert Firm.objects.get(pk=firm.pk).stage == Stage.STARTUP
    assert stage_alerts(firm)[1:] == [(f"{lapsed.isoformat()}:startup", BACK_TO_STARTUP)]

    SCANS[ScanKind.DESIGNATION_EXPIRING].run(lapsed)  # a rerun of the same night
    nightly_promotion_scan(lapsed)
    assert len(stage_alerts(firm)) == 2
