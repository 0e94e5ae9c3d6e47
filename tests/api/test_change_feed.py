"""The change feed (``GET /api/changes/``, issue 19): what changed in the caller's scope, in order, with a
cursor to continue; scoped like every list; pruned after a retention, with a 410 for a cursor behind it.

The feed numbers its entries when the writing transaction commits. These tests run inside a transaction
that never commits, so ``numbered()`` fires the deferred numbering the way a commit would
(``SET CONSTRAINTS ALL IMMEDIATE``, Django's ``check_constraints``); the race test in
``test_change_feed_race.py`` commits for real.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from cultivation.services.applications import application_transition, create_application
from cultivation.workflow import Status
from registry.change_feed import prune_change_feed
from registry.models import Change, Firm
from registry.services import delete_figures, save_figures, save_firm
from tests.factories import (
    FiguresFactory,
    FirmFactory,
    application_in,
    caseworker,
    designation,
    eligible_firm,
    firm_user,
    reviewer,
)

pytestmark = pytest.mark.django_db
YUBEI, YUZHONG = "500112", "500103"


def numbered() -> None:
    """Number the entries written so far, as the commit of their transaction would."""
    connection.check_constraints()


def feed(user, since: str | int = 0, **params) -> dict:
    numbered()
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/changes/", {"since": since, **params})
    assert response.status_code == 200, response.content[:300]
    return response.json()


def entries(user, since: str | int = 0) -> list[tuple]:
    return [(e["kind"], e["key"], e["change"], e["status"]) for e in feed(user, since)["results"]]


@pytest.fixture
def city(db):
    return caseworker(None, "feed-city")


def test_changes_come_in_order_with_the_record_key_and_what_happened(city):
    start = feed(city, "latest")["next"]
    firm = eligible_firm(YUBEI, name="重庆变更测试有限公司")
    firm.contact_name = "王五"
    save_firm(firm, user=city)
    year = timezone.localdate().year - 8  # older than the years eligible_firm files
    row = save_figures(FiguresFactory.build(firm=firm, year=year), user=city)
    delete_figures(row, user=city)
    granted = designation(firm)
    application = create_application(firm=firm, tier="srdi_sme", actor=city)
    code = firm.credit_code
    changes = entries(city, start)
    assert changes[0] == ("firm", code, "created", None)
    assert ("firm", code, "updated", None) in changes
    assert changes[-4:] == [
        ("figures", f"{code}/{year}", "created", None),
        ("figures", f"{code}/{year}", "deleted", None),
        ("designation", str(granted.pk), "created", None),
        ("application", str(application.pk), "created", Status.DRAFT),
    ]


def test_an_application_appears_when_its_status_moves(city):
    application = application_in(Status.SUBMITTED, eligible_firm(YUBEI))
    start = feed(city, "latest")["next"]
    application_transition(application=application, action="accept", actor=city)
    [change] = entries(city, start)
    assert change == ("application", str(application.pk), "updated", Status.DISTRICT_REVIEW)


def test_the_cursor_continues_and_an_empty_page_keeps_it(city):
    start = feed(city, "latest")["next"]
    firms = [FirmFactory(name=f"翻页公司{n}") for n in range(5)]
    first = feed(city, start, limit=3)
    assert first["has_more"] and len(first["results"]) == 3
    rest = feed(city, first["next"], limit=3)
    assert not rest["has_more"] and len(rest["results"]) == 2
    keys = [e["key"] for e in first["results"] + rest["results"] if e["kind"] == "firm"]
    assert keys == [firm.credit_code for firm in firms]
    cursors = [int(e["cursor"]) for e in first["results"] + rest["results"]]
    assert cursors == sorted(set(cursors))
    idle = feed(city, rest["next"])
    assert idle == {"results": [], "next": rest["next"], "has_more": False}


def test_each_caller_sees_the_changes_of_their_scope_only(db):
    ours, theirs = eligible_firm(YUBEI, name="本区企业"), eligible_firm(YUZHONG, name="外区企业")
    for firm in (ours, theirs):
        designation(firm)
    city, district_staff = caseworker(None, "scope-city"), caseworker(YUBEI, "scope-yubei")
    own_user = firm_user(ours, "scope-firm")
    seen = {
        name: {e[1] for e in entries(user) if e[0] == "firm"}
        for name, user in (("city", city), ("district", district_staff), ("firm", own_user))
    }
    assert seen["city"] >= {ours.credit_code, theirs.credit_code}
    assert ours.credit_code in seen["district"] and theirs.credit_code not in seen["district"]
    assert seen["firm"] == {ours.credit_code}


def test_an_expert_sees_the_statuses_of_assigned_applications_only(db):
    expert = reviewer(YUBEI, "feed-expert")
    assigned = application_in(Status.CITY_REVIEW, eligible_firm(YUBEI, name="已分配"), reviewers=[expert])
    other = application_in(Status.CITY_REVIEW, eligible_firm(YUBEI, name="未分配"))
    applications = {e[1] for e in entries(expert) if e[0] == "application"}
    assert applications == {str(assigned.pk)}
    assert str(other.pk) not in applications
    firms = {e[1] for e in entries(expert) if e[0] == "firm"}
    assert {assigned.firm.credit_code, other.firm.credit_code} <= firms  # the register stays in scope


def test_a_cursor_older_than_the_retention_is_gone(city, settings):
    settings.CHANGE_FEED_RETENTION_DAYS = 30
    eligible_firm(YUBEI, name="更早变更")
    start = feed(city, "latest")["next"]
    eligible_firm(YUBEI, name="早已变更")
    middle = feed(city, start)["next"]
    eligible_firm(YUBEI, name="新近变更")
    numbered()
    old = Change.objects.filter(seq__gt=start, seq__lte=middle)
    assert old.update(changed_at=timezone.now() - datetime.timedelta(days=31))
    behind_middle = Change.objects.filter(seq__lte=middle).count()  # older rows go with the old ones
    assert prune_change_feed() == behind_middle > 0
    client = APIClient()
    client.force_authenticate(city)
    for behind in (start, 0):  # a cursor before the pruned entries; the whole history is incomplete too
        gone = client.get("/api/changes/", {"since": behind})
        assert gone.status_code == 410 and "重新全量同步" in gone.json()["detail"]
    kept = feed(city, middle)
    assert [e["change"] for e in kept["results"]] and not Change.objects.filter(seq__lte=middle).exists()


def test_bad_cursors_and_limits_are_refused(city):
    client = APIClient()
    client.force_authenticate(city)
    for params in ({"since": "abc"}, {"since": "-1"}, {"limit": 0}, {"limit": 5000}):
        response = client.get("/api/changes/", params)
        assert response.status_code == 400, params


def test_bulk_stage_moves_are_logged(city):
    from cultivation.services.stages import StageMove, settle_stages

    firm = eligible_firm(YUBEI, name="阶段变化")
    start = feed(city, "latest")["next"]
    settle_stages([StageMove(firm.pk, firm.district_id, firm.stage, "growth")], on=timezone.localdate())
    assert entries(city, start) == [("firm", firm.credit_code, "updated", None)]


def test_nothing_is_logged_for_what_did_not_happen(city):
    """A refused write leaves no entry (the log is written in the writer's own transaction)."""
    firm = eligible_firm(YUBEI, name="未改动")
    start = feed(city, "latest")["next"]
    outsider = caseworker(YUZHONG, "feed-outsider")
    with pytest.raises(PermissionDenied), transaction.atomic():
        save_firm(Firm.objects.get(pk=firm.pk), user=outsider)
    assert entries(city, start) == []


def test_designations_lapsed_by_the_nightly_scan_are_logged(city):
    from cultivation.alert_scans import designation_expiring
    from cultivation.selectors import FirmSet

    lapsing = designation(eligible_firm(YUBEI, name="称号到期"))
    start = feed(city, "latest")["next"]
    designation_expiring(lapsing.expires_on + datetime.timedelta(days=1), FirmSet.of([lapsing.firm_id]))
    assert ("designation", str(lapsing.pk), "updated", None) in entries(city, start)
