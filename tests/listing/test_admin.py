"""Caseworkers record digital maturity and listing tracks in the admin (issue 18): scoped by district,
through the services (a track only moves forward), audited, importable with Chinese headers (all or
nothing), and the pool's member list shows each member's listing stage."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from cultivation.models import ListingTrack, MaturityAssessment, PoolMembership
from cultivation.models.alerts import Alert, AlertKind
from cultivation.services import advance_listing, record_maturity
from registry.stages import Stage
from tests.factories import YUBEI, YUZHONG, caseworker, make_firm, reviewer, today
from tests.registry.import_files import upload

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
MATURITY_HEADERS = ["企业统一社会信用代码", "数字化水平等级", "评测日期", "评测依据"]
LISTING_HEADERS = [
    "企业统一社会信用代码",
    "拟上市板块",
    "纳入上市培育日期",
    "辅导备案日期",
    "证券代码",
    "备注",
]


@pytest.fixture
def firm():
    return make_firm(YUBEI, name="重庆后台测试有限公司")


@pytest.fixture
def yubei():
    return caseworker(YUBEI)


def signed_in(client, user):
    client.force_login(user)
    return client


# --- maturity ------------------------------------------------------------------------------------------


def test_a_caseworker_records_a_level_with_a_reason_in_its_history(client, firm, yubei):
    data = {
        "firm": firm.pk,
        "level": 3,
        "assessed_on": "2025-04-01",
        "evidence": "渝数评1号",
        "change_reason": "首评",
    }
    response = signed_in(client, yubei).post(reverse("admin:cultivation_maturityassessment_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = MaturityAssessment.objects.get(firm=firm)
    assert saved.level == 3 and saved.history.latest().history_change_reason == "首评"
    assert saved.history.latest().history_user == yubei


def test_a_future_day_is_refused_on_the_form(client, firm, yubei):
    tomorrow = (today() + DAY).isoformat()
    data = {"firm": firm.pk, "level": 2, "assessed_on": tomorrow, "evidence": "x"}
    response = signed_in(client, yubei).post(reverse("admin:cultivation_maturityassessment_add"), data)
    assert response.status_code == 200 and "评测日期不能晚于今天" in response.content.decode()
    assert not MaturityAssessment.objects.exists()


def test_another_districts_caseworker_neither_sees_nor_records(client, firm, yubei):
    saved = record_maturity(
        firm=firm, level=2, assessed_on=datetime.date(2025, 1, 1), evidence="x", actor=yubei
    )
    other = signed_in(client, caseworker(YUZHONG))
    listing = other.get(reverse("admin:cultivation_maturityassessment_changelist")).content.decode()
    assert firm.name not in listing
    url = reverse("admin:cultivation_maturityassessment_change", args=[saved.pk])
    assert (
        other.post(url, {"level": 4, "evidence": "y"}).status_code == 302
    )  # "no such record", back to the index
    add = {"firm": firm.pk, "level": 1, "assessed_on": "2025-02-01", "evidence": "y"}
    assert (
        other.post(reverse("admin:cultivation_maturityassessment_add"), add).status_code == 200
    )  # refused on the form
    assert list(MaturityAssessment.objects.values_list("level", flat=True)) == [2]


def test_a_reviewer_reads_but_does_not_record(client, firm, yubei):
    record_maturity(firm=firm, level=2, assessed_on=datetime.date(2025, 1, 1), evidence="x", actor=yubei)
    expert = signed_in(client, reviewer())
    assert expert.get(reverse("admin:cultivation_maturityassessment_changelist")).status_code == 200
    assert expert.get(reverse("admin:cultivation_maturityassessment_add")).status_code == 403
    assert expert.get(reverse("admin:cultivation_maturityassessment_import")).status_code == 403


def test_maturity_imports_with_chinese_headers_and_words(client, firm, yubei):
    rows = [
        [firm.credit_code.lower(), "二级", "2024-06-01", "渝数评2号"],
        [firm.credit_code, 3, "2025-06-01", "渝数评3号"],
    ]
    signed = signed_in(client, yubei)
    preview = signed.post(
        reverse("admin:cultivation_maturityassessment_import"), upload(MATURITY_HEADERS, rows)
    )
    assert preview.status_code == 200 and not preview.context["result"].has_validation_errors()
    confirm = preview.context["confirm_form"].initial
    assert (
        signed.post(reverse("admin:cultivation_maturityassessment_process_import"), confirm).status_code
        == 302
    )
    assert list(MaturityAssessment.objects.order_by("assessed_on").values_list("level", flat=True)) == [2, 3]


def test_a_file_with_one_bad_row_imports_nothing_and_names_it(client, firm, yubei):
    other = make_firm(YUZHONG)
    rows = [
        [firm.credit_code, "二级", "2024-06-01", "好"],
        [firm.credit_code, "五级", "2025-06-01", "坏等级"],
        [other.credit_code, "一级", "2025-06-01", "他区"],
    ]
    response = signed_in(client, yubei).post(
        reverse("admin:cultivation_maturityassessment_import"), upload(MATURITY_HEADERS, rows, fmt="csv")
    )
    lines = response.context["error_lines"]
    assert {line["row"] for line in lines} == {2, 3}
    assert not MaturityAssessment.objects.exists()


def test_maturity_exports_in_chinese(client, firm, yubei):
    record_maturity(firm=firm, level=2, assessed_on=datetime.date(2025, 1, 1), evidence="渝数评", actor=yubei)
    fields = {f"maturityresource_{name}": "on" for name in ("firm", "level", "assessed_on", "evidence")}
    response = signed_in(client, yubei).post(
        reverse("admin:cultivation_maturityassessment_export"), {"resource": "0", "format": "0", **fields}
    )
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[:2]
    assert header == MATURITY_HEADERS and row == [firm.credit_code, "二级", "2025-01-01", "渝数评"]


# --- listing tracks ------------------------------------------------------------------------------------


def test_opening_and_advancing_a_track_in_the_admin_goes_through_the_service(client, firm, yubei):
    signed = signed_in(client, yubei)
    start = today() - 100 * DAY
    opening = {"firm": firm.pk, "board": "star", "stage": "cultivating", "on": start.isoformat()}
    assert signed.post(reverse("admin:cultivation_listingtrack_add"), opening).status_code == 302
    track = ListingTrack.objects.get(firm=firm)
    change = reverse("admin:cultivation_listingtrack_change", args=[track.pk])
    back = {"board": "star", "advance_to": "cultivating", "advance_on": today().isoformat()}
    refused = signed.post(change, back)
    assert refused.status_code == 200 and "只能向前推进" in refused.content.decode()
    forward = {"board": "star", "note": "已辅导", "advance_to": "tutoring", "advance_on": today().isoformat()}
    assert signed.post(change, {**forward, "change_reason": "证监局备案"}).status_code == 302
    track.refresh_from_db()
    assert (track.stage, track.tutoring_on, track.note) == ("tutoring", today(), "已辅导")
    assert track.history.latest().history_change_reason == "证监局备案"
    assert Alert.objects.filter(kind=AlertKind.LISTING_STAGE, firm=firm).count() == 2


def test_listing_through_the_admin_makes_the_firm_listed_in_the_leap_stage(client, firm, yubei):
    advance_listing(firm=firm, stage="approved", on=today() - 10 * DAY, actor=yubei, board="main")
    track = ListingTrack.objects.get(firm=firm)
    change = reverse("admin:cultivation_listingtrack_change", args=[track.pk])
    data = {
        "board": "main",
        "stock_code": "601999",
        "advance_to": "listed",
        "advance_on": today().isoformat(),
    }
    assert signed_in(client, yubei).post(change, data).status_code == 302
    firm.refresh_from_db()
    assert firm.is_listed and firm.stage == Stage.LEAP


def test_the_stage_and_its_days_are_not_typed(client, firm, yubei):
    track = advance_listing(firm=firm, stage="cultivating", on=today() - DAY, actor=yubei, board="star")
    change = reverse("admin:cultivation_listingtrack_change", args=[track.pk])
    data = {"board": "star", "stage": "listed", "listed_on": today().isoformat()}
    assert signed_in(client, yubei).post(change, data).status_code == 302
    track.refresh_from_db()
    assert (track.stage, track.listed_on) == ("cultivating", None)


def test_listing_tracks_import_stage_by_stage(client, firm, yubei):
    rows = [[firm.credit_code, "科创板", "2023-03-01", "2024-05-01", "", "导入"]]
    signed = signed_in(client, yubei)
    preview = signed.post(reverse("admin:cultivation_listingtrack_import"), upload(LISTING_HEADERS, rows))
    assert not preview.context["result"].has_validation_errors(), preview.context.get("error_lines")
    confirm = preview.context["confirm_form"].initial
    assert signed.post(reverse("admin:cultivation_listingtrack_process_import"), confirm).status_code == 302
    track = ListingTrack.objects.get(firm=firm)
    assert (track.board, track.stage, track.tutoring_on) == ("star", "tutoring", datetime.date(2024, 5, 1))
    periods = set(
        Alert.objects.filter(kind=AlertKind.LISTING_STAGE, firm=firm).values_list("period", flat=True)
    )
    assert periods == {"cultivating", "tutoring"}


def test_an_import_cannot_rewrite_a_days_history(client, firm, yubei):
    advance_listing(firm=firm, stage="tutoring", on=datetime.date(2024, 5, 1), actor=yubei, board="star")
    rows = [[firm.credit_code, "科创板", "", "2024-06-01", "", ""]]
    response = signed_in(client, yubei).post(
        reverse("admin:cultivation_listingtrack_import"), upload(LISTING_HEADERS, rows)
    )
    assert response.context["result"].has_validation_errors()
    assert ListingTrack.objects.get(firm=firm).tutoring_on == datetime.date(2024, 5, 1)


def test_pool_members_show_their_listing_stage_in_the_pool_list(client, firm, yubei):
    PoolMembership.objects.create(firm=firm, cohort_year=2025, baseline_year=2024, baseline_revenue=3000)
    advance_listing(firm=firm, stage="accepted", on=today() - DAY, actor=yubei, board="chinext")
    page = signed_in(client, yubei).get(reverse("admin:cultivation_poolmembership_changelist"))
    assert "申报受理（创业板）" in page.content.decode()
    filtered = client.get(
        reverse("admin:cultivation_poolmembership_changelist") + "?firm__listing_track__stage=accepted"
    )
    assert filtered.status_code == 200 and firm.name in filtered.content.decode()


def test_listing_tracks_export_in_chinese(client, firm, yubei):
    advance_listing(firm=firm, stage="tutoring", on=datetime.date(2025, 2, 3), actor=yubei, board="bse")
    names = ("firm", "board", "stage", "cultivating_on", "tutoring_on")
    fields = {f"listingtrackresource_{name}": "on" for name in names}
    response = signed_in(client, yubei).post(
        reverse("admin:cultivation_listingtrack_export"), {"resource": "0", "format": "0", **fields}
    )
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[:2]
    assert header == [*LISTING_HEADERS[:2], "上市进程阶段", *LISTING_HEADERS[2:4]]
    assert row == [firm.credit_code, "北交所", "辅导备案", "", "2025-02-03"]


def test_an_imported_day_in_the_future_is_named_by_its_column(client, firm, yubei):
    future = (today() + 5 * DAY).isoformat()
    rows = [[firm.credit_code, "创业板", "2024-01-02", future, "", ""]]
    response = signed_in(client, yubei).post(
        reverse("admin:cultivation_listingtrack_import"), upload(LISTING_HEADERS, rows, fmt="csv")
    )
    [line] = response.context["error_lines"]
    assert (line["row"], line["column"]) == (1, "辅导备案日期") and "不能晚于今天" in line["messages"][0]
    assert not ListingTrack.objects.exists()
