"""Digital maturity and the road to listing in the browser (issue 18): the firm reads its level, the next
one and its road on the portal, a caseworker moves a track forward in the admin, and none of these pages
scrolls sideways on a phone or a laptop (the measure of ``test_fits_screen``)."""

from __future__ import annotations

import datetime

import pytest

from cultivation.models import ListingTrack, PoolMembership
from cultivation.services import advance_listing, record_maturity
from tests.e2e.test_fits_screen import overflows, signed_in
from tests.factories import YUBEI, caseworker, eligible_firm, firm_user, today

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def records(transactional_db):
    firm = eligible_firm(YUBEI, name="重庆两江示范精密制造有限公司（上市培育）")
    worker = caseworker(YUBEI)
    record_maturity(
        firm=firm, level=2, assessed_on=datetime.date(2025, 5, 6), evidence="渝数评〔2025〕8号", actor=worker
    )
    track = advance_listing(
        firm=firm, stage="tutoring", on=today() - datetime.timedelta(days=30), actor=worker, board="star"
    )
    PoolMembership.objects.create(firm=firm, cohort_year=2025, baseline_year=2024, baseline_revenue=6000)
    return {"firm": firm, "user": firm_user(firm), "caseworker": worker, "track": track}


def test_the_firm_reads_its_level_and_its_road(browser, live_server, records, screenshots):
    context = signed_in(browser, live_server, records["user"], width=390)
    page = context.new_page()
    try:
        problems = [*overflows(page, "/"), *overflows(page, "/self-check/")]
        page.goto("/")
        card = page.locator("#maturity")
        assert "二级" in card.inner_text() and "下一目标：三级" in card.inner_text()
        road = page.locator("#listing")
        assert "科创板" in road.inner_text() and road.locator("[aria-current=step]").inner_text().startswith(
            "辅导备案"
        )
        page.screenshot(path=str(screenshots / "portal-maturity-listing.png"), full_page=True)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_a_caseworker_moves_a_track_forward_in_the_admin(browser, live_server, records):
    track = records["track"]
    context = signed_in(browser, live_server, records["caseworker"], width=1366)
    page = context.new_page()
    pages = [
        "/admin/cultivation/listingtrack/",
        "/admin/cultivation/listingtrack/add/",
        f"/admin/cultivation/listingtrack/{track.pk}/change/",
        "/admin/cultivation/maturityassessment/",
        "/admin/cultivation/poolmembership/",
    ]
    try:
        problems = [line for url in pages for line in overflows(page, url)]
        page.goto(f"/admin/cultivation/listingtrack/{track.pk}/change/")
        page.select_option("select[name=advance_to]", "accepted")
        page.fill("input[name=advance_on]", today().isoformat())
        page.fill("input[name=change_reason]", "交易所受理")
        page.click("input[name=_save]")
        page.wait_for_url("**/admin/cultivation/listingtrack/")
        page.goto("/admin/cultivation/poolmembership/")
        assert "申报受理（科创板）" in page.content()
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    assert ListingTrack.objects.get(pk=track.pk).stage == "accepted"
