"""A reviewer works through the alert inbox in a real browser.

The night's scans are stood in for by ``raise_alerts`` (two promotion alerts, one expiry alert); the
reviewer signs in, sees the unread count in the navigation, filters by kind, marks one alert read,
then everything the filter shows, then the rest, until the count is gone; and chooses the daily digest.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cultivation.models.alerts import AlertDelivery, AlertKind, AlertPreference
from cultivation.services.alerts import AlertDraft, raise_alerts
from tests.factories import FirmFactory, UserFactory, district

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def alerts(db):
    """A city reviewer and the alerts the night's scans raised for them."""
    reviewer = UserFactory(username="zhuanjia", roles=["reviewer"])
    first = FirmFactory(name="重庆两江示范精密制造有限公司", district=district("500112"))
    second = FirmFactory(name="重庆渝中智能装备有限公司", district=district("500103"))
    raise_alerts(
        [
            AlertDraft(AlertKind.PROMOTION_DUE, "2026", first.pk, first.district_id, "innovative_sme"),
            AlertDraft(AlertKind.PROMOTION_DUE, "2026", second.pk, second.district_id, "innovative_sme"),
            AlertDraft(
                AlertKind.DESIGNATION_EXPIRING,
                "2026-12-31:90",
                first.pk,
                first.district_id,
                "srdi_sme",
                {"expires_on": "2026-12-31", "days": 90},
            ),
        ]
    )
    return {"reviewer": reviewer, "first": first, "second": second}


def test_a_reviewer_filters_and_reads_the_inbox(session, alerts):
    reviewer, first = alerts["reviewer"], alerts["first"]
    expert = session()
    page = expert.page
    expert.sign_in("zhuanjia")
    nav = page.get_by_role("navigation", name="主导航")
    badge = nav.locator(".nav-badge")
    expect(badge).to_have_text("3条未读")

    nav.get_by_role("link", name="提醒").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的提醒")
    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_role("row", name="称号即将到期")).to_contain_text("称号将于 2026-12-31 到期。")

    # Only the promotion alerts.
    page.get_by_label("类型").select_option("promotion_due")
    page.get_by_role("button", name="筛选", exact=True).click()
    expect(page).to_have_url(re.compile(r"kind=promotion_due"))
    expect(rows).to_have_count(2)

    # Mark one read: the filter stays, the row says so, the count drops.
    page.get_by_role("row", name=first.name).get_by_role("button", name="标为已读").click()
    expect(page).to_have_url(re.compile(r"kind=promotion_due"))
    expect(page.get_by_role("row", name=first.name)).to_contain_text("已读")
    expect(page.get_by_role("row", name=first.name).get_by_role("button")).to_have_count(0)
    expect(badge).to_have_text("2条未读")

    # Mark all shown read: only the filtered (promotion) alert; the expiry alert stays unread.
    page.get_by_role("button", name="筛选结果全部标为已读").click()
    expect(page.get_by_role("status")).to_contain_text("已标记 1 条为已读。")
    expect(badge).to_have_text("1条未读")
    page.get_by_role("link", name="清除").click()
    expect(rows).to_have_count(3)
    expect(page.locator("tbody tr.row--unread")).to_have_count(1)
    expert.shot("inbox")

    page.get_by_role("button", name="筛选结果全部标为已读").click()
    expect(page.get_by_role("status")).to_contain_text("已标记 1 条为已读。")
    expect(badge).to_have_count(0)
    expect(page.locator("tbody tr.row--unread")).to_have_count(0)
    assert not AlertDelivery.objects.filter(user=reviewer, channel="inbox", read_at__isnull=True).exists()

    # Email alerts once a day from now on.
    page.get_by_label("每日汇总").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text("每日汇总")
    assert AlertPreference.objects.get(user=reviewer).email == "daily"
