"""The road to listing (issue 18, item 4): a track moves forward only, with days neither in the future nor
before the current stage's; each move is audited and raises one alert to the firm's caseworkers; reaching
上市 on an exchange makes the firm listed and its life-cycle stage follows (P5), through the stage writer."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cultivation.models import ListingTrack, PoolMembership
from cultivation.models.alerts import Alert, AlertDelivery, AlertKind
from cultivation.services import advance_listing
from cultivation.services.alerts import alert_text, raise_alerts
from cultivation.services.listing import _alert
from registry.stages import Stage
from tests.factories import YUBEI, YUZHONG, caseworker, designation, firm_user, make_firm, reviewer, today

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def firm():
    return make_firm(YUBEI, name="重庆上市培育测试有限公司")


@pytest.fixture
def yubei():
    return caseworker(YUBEI)


def opened(firm, actor, stage="cultivating", on=None, board="star"):
    return advance_listing(firm=firm, stage=stage, on=on or today() - 300 * DAY, actor=actor, board=board)


def test_a_track_opens_and_moves_forward_with_each_day_kept(firm, yubei):
    start = today() - 300 * DAY
    opened(firm, yubei, on=start)
    track = advance_listing(firm=firm, stage="tutoring", on=start + 100 * DAY, actor=yubei)
    assert (track.stage, track.board) == ("tutoring", "star")
    assert (track.cultivating_on, track.tutoring_on, track.accepted_on) == (start, start + 100 * DAY, None)
    assert track.stage_since == start + 100 * DAY
    last = track.history.latest()
    assert last.history_user == yubei and "辅导备案" in last.history_change_reason


def test_a_stage_may_be_skipped_but_never_gone_back_to(firm, yubei):
    opened(firm, yubei)
    advance_listing(firm=firm, stage="accepted", on=today() - 10 * DAY, actor=yubei)
    for stage in ("tutoring", "accepted", "cultivating"):
        with pytest.raises(ValidationError) as refused:
            advance_listing(firm=firm, stage=stage, on=today(), actor=yubei)
        assert "只能向前推进" in str(refused.value.message_dict["stage"])
    track = ListingTrack.objects.get(firm=firm)
    assert (track.stage, track.tutoring_on) == ("accepted", None)


def test_a_day_in_the_future_or_before_the_current_stage_is_refused(firm, yubei):
    opened(firm, yubei, on=today() - 30 * DAY)
    with pytest.raises(ValidationError) as future:
        advance_listing(firm=firm, stage="tutoring", on=today() + DAY, actor=yubei)
    assert "不能晚于今天" in str(future.value.message_dict["on"])
    with pytest.raises(ValidationError) as earlier:
        advance_listing(firm=firm, stage="tutoring", on=today() - 31 * DAY, actor=yubei)
    assert "不能早于" in str(earlier.value.message_dict["on"])
    assert ListingTrack.objects.get(firm=firm).stage == "cultivating"


def test_opening_needs_a_board(firm, yubei):
    with pytest.raises(ValidationError) as refused:
        advance_listing(firm=firm, stage="cultivating", on=today(), actor=yubei)
    assert "board" in refused.value.message_dict
    assert not ListingTrack.objects.exists()


@pytest.mark.parametrize("who", ["other district", "reviewer", "firm user"])
def test_only_the_firms_caseworkers_move_it(firm, who):
    actor = {
        "other district": lambda: caseworker(YUZHONG),
        "reviewer": lambda: reviewer(),
        "firm user": lambda: firm_user(firm),
    }[who]()
    with pytest.raises(PermissionDenied):
        opened(firm, actor)
    assert not ListingTrack.objects.exists()


def test_listing_on_an_exchange_makes_the_firm_listed_and_its_stage_follows(firm, yubei):
    designation(firm, "innovative_sme")  # a startup-stage tier
    firm.stage = Stage.STARTUP
    firm.save()
    opened(firm, yubei, board="star", on=today() - 200 * DAY)
    with pytest.raises(ValidationError) as no_code:
        advance_listing(firm=firm, stage="listed", on=today() - DAY, actor=yubei)
    assert "stock_code" in no_code.value.message_dict
    advance_listing(firm=firm, stage="listed", on=today() - DAY, actor=yubei, stock_code="688999")
    firm.refresh_from_db()
    assert firm.is_listed and firm.stage == Stage.LEAP
    assert "上市" in firm.history.latest().history_change_reason
    moved = Alert.objects.get(kind=AlertKind.STAGE_CHANGED, firm=firm)
    assert moved.payload == {"from": "startup", "to": "leap"}


def test_quotation_on_the_neeq_records_the_road_but_leaves_the_stage(firm, yubei):
    opened(firm, yubei, board="neeq", on=today() - 60 * DAY)
    track = advance_listing(firm=firm, stage="listed", on=today() - DAY, actor=yubei, stock_code="873999")
    firm.refresh_from_db()
    assert track.stage == "listed" and not firm.is_listed and firm.stage == Stage.STARTUP
    assert not Alert.objects.filter(kind=AlertKind.STAGE_CHANGED, firm=firm).exists()


def test_each_new_stage_alerts_the_firms_caseworkers_once(firm, yubei):
    city, expert, other = caseworker(), reviewer(YUBEI), caseworker(YUZHONG)
    user = firm_user(firm)
    PoolMembership.objects.create(firm=firm, cohort_year=2025, baseline_year=2024, baseline_revenue=5000)
    opened(firm, yubei, on=today() - 20 * DAY)
    track = advance_listing(firm=firm, stage="tutoring", on=today() - 2 * DAY, actor=yubei)
    alerts = Alert.objects.filter(kind=AlertKind.LISTING_STAGE, firm=firm).order_by("pk")
    assert [a.period for a in alerts] == ["cultivating", "tutoring"]
    latest = alerts.last()
    assert latest.payload["pool_member"] is True and latest.payload["board"] == "star"
    inbox = set(AlertDelivery.objects.filter(alert=latest, channel="inbox").values_list("user_id", flat=True))
    assert inbox == {
        yubei.pk
    }  # the district's caseworkers; not the city, experts, another district or the firm
    assert not {city.pk, expert.pk, other.pk, user.pk} & inbox
    assert raise_alerts([_alert(track, firm)]) == []  # the same stage again: deduplicated
    assert alerts.count() == 2


def test_the_alert_reads_in_words(firm, yubei):
    opened(firm, yubei, on=datetime.date(2025, 3, 1))
    delivery = AlertDelivery.objects.get(alert__kind=AlertKind.LISTING_STAGE, user=yubei, channel="inbox")
    subject, body = alert_text(delivery.alert)
    assert "上市进程变化" in subject and "上市培育" in body and "科创板" in body and "2025-03-01" in body
