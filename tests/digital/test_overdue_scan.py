"""The overdue 技改 project scan: who is told, once, and when a re-planned project is told again."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from cultivation.models import UpgradeProject
from cultivation.models.alerts import Alert, AlertDelivery, AlertKind
from cultivation.scanning import Chunk, ScanKind, firm_id_ranges
from cultivation.scans import NIGHTLY, SCANS
from cultivation.services.alerts import alert_text
from cultivation.services.digital import advance_upgrade
from tests.factories import caseworker, firm_user, make_firm, reviewer

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 30)


def run(as_of: datetime.date = AS_OF) -> int:
    scan = SCANS[ScanKind.UPGRADE_OVERDUE]
    return sum(scan.judge(Chunk.between(as_of, low, high)).acted for low, high in firm_id_ranges(50))


def project(firm, name: str, finish: datetime.date, **fields) -> UpgradeProject:
    return UpgradeProject.objects.create(
        firm=firm,
        name=name,
        kind="digital",
        investment=Decimal("500"),
        planned_start=finish - datetime.timedelta(days=300),
        planned_finish=finish,
        **fields,
    )


def test_the_scan_is_registered_and_runs_nightly():
    assert ScanKind.UPGRADE_OVERDUE in SCANS and ScanKind.UPGRADE_OVERDUE in NIGHTLY


def test_overdue_projects_alert_their_district_caseworkers_once():
    yubei, yuzhong = make_firm("500112"), make_firm("500103")
    in_district, other, city = caseworker("500112"), caseworker("500103"), caseworker(None)
    expert, own = reviewer(), firm_user(yubei)
    late = project(yubei, "产线数字化改造", AS_OF - datetime.timedelta(days=5))
    started = project(yubei, "能耗在线监测", AS_OF - datetime.timedelta(days=1), status="under_way",
                      actual_start=AS_OF - datetime.timedelta(days=200))  # fmt: skip
    project(yubei, "按期项目", AS_OF)  # due today: not late yet
    project(yubei, "已完工项目", AS_OF - datetime.timedelta(days=30), status="completed",
            actual_start=AS_OF - datetime.timedelta(days=300),
            actual_finish=AS_OF - datetime.timedelta(days=31))  # fmt: skip
    project(yuzhong, "渝中项目", AS_OF - datetime.timedelta(days=2))
    assert run() == 3
    alerts = Alert.objects.filter(kind=AlertKind.UPGRADE_OVERDUE)
    assert {a.payload["name"] for a in alerts} == {"产线数字化改造", "能耗在线监测", "渝中项目"}
    mine = alerts.get(payload__project=late.pk)
    readers = set(AlertDelivery.objects.filter(alert=mine, channel="inbox").values_list("user_id", flat=True))
    assert readers == {in_district.pk}  # not the other district, the city, the expert or the firm
    assert not {other.pk, city.pk, expert.pk, own.pk} & readers
    assert mine.payload["days_late"] == 5
    assert "产线数字化改造" in alert_text(mine)[1] and "逾期 5 天" in alert_text(mine)[1]
    assert run() == 0  # told once per planned finish
    assert run(AS_OF + datetime.timedelta(days=1)) == 1  # only the project due on AS_OF, late the day after
    assert Alert.objects.filter(kind=AlertKind.UPGRADE_OVERDUE).count() == 4
    # The other district's project goes to that district's caseworker.
    yuzhong_alert = alerts.get(payload__name="渝中项目")
    assert set(yuzhong_alert.deliveries.filter(channel="inbox").values_list("user_id", flat=True)) == {
        other.pk
    }
    assert started.pk in {a.payload["project"] for a in alerts}


def test_a_district_without_caseworkers_falls_back_to_the_city():
    firm = make_firm("500105")
    city = caseworker(None)
    project(firm, "江北项目", AS_OF - datetime.timedelta(days=1))
    assert run() == 1
    alert = Alert.objects.get(kind=AlertKind.UPGRADE_OVERDUE)
    assert set(alert.deliveries.filter(channel="inbox").values_list("user_id", flat=True)) == {city.pk}


def test_a_replanned_project_missed_again_is_told_again_and_a_completed_one_never():
    firm = make_firm("500112")
    worker = caseworker("500112")
    item = project(firm, "绿色工厂改造", AS_OF - datetime.timedelta(days=3))
    assert run() == 1
    item.planned_finish = AS_OF + datetime.timedelta(days=10)
    item.save()
    assert run() == 0
    assert run(AS_OF + datetime.timedelta(days=11)) == 1
    advance_upgrade(project=item, to="under_way", on=AS_OF - datetime.timedelta(days=100), actor=worker)
    advance_upgrade(project=item, to="completed", on=AS_OF - datetime.timedelta(days=1), actor=worker)
    assert run(AS_OF + datetime.timedelta(days=40)) == 0


def test_run_scans_command_runs_it(capsys):
    project(make_firm("500112"), "命令行项目", AS_OF - datetime.timedelta(days=1))
    caseworker("500112")
    call_command("run_scans", "--only", ScanKind.UPGRADE_OVERDUE, "--as-of", AS_OF.isoformat())
    assert Alert.objects.filter(kind=AlertKind.UPGRADE_OVERDUE).count() == 1
