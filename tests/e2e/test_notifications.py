"""Notifications people act on, in a real browser.

A firm's clerk finds the 受理 and 退回补充材料 notices of its application in the inbox, the reason
with the second, and follows the link to the application. A reviewer whose first scan raised dozens
of alerts sees them grouped by kind and tier, opens a group and marks it read in one click.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cultivation.models.alerts import AlertDelivery, AlertKind
from cultivation.services import application_transition, create_application
from cultivation.services.alerts import AlertDraft, raise_alerts
from cultivation.tiers import INNOVATIVE_SME
from cultivation.workflow import Action
from tests.factories import YUBEI, FirmFactory, UserFactory, caseworker, district, eligible_firm, firm_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REASON = "请补充近三年审计报告"


@pytest.fixture
def returned(db):
    """An application accepted, then returned for more documents, by the district's caseworker."""
    firm = eligible_firm(name="重庆两江示范精密制造有限公司")
    clerk = firm_user(firm, "qiye-clerk")
    officer = caseworker(YUBEI, "jingban-yubei")
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=clerk)
    for action, actor, reason in (
        (Action.SUBMIT, clerk, ""),
        (Action.ACCEPT, officer, ""),
        (Action.RETURN, officer, REASON),
    ):
        application = application_transition(
            application=application, action=action, actor=actor, reason=reason
        )
    return application


def test_a_firm_reads_its_notices_and_opens_the_application(session, returned):
    clerk = session()
    page = clerk.page
    clerk.sign_in("qiye-clerk")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.locator(".nav-badge")).to_have_text("2条未读")
    nav.get_by_role("link", name="提醒").click()

    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("您的申请已受理")
    returned_row = rows.nth(0)
    expect(returned_row).to_contain_text("申请进展")
    expect(returned_row).to_contain_text(f"退回理由：{REASON}")
    expect(page.locator("main")).not_to_contain_text("return")
    clerk.shot("inbox-firm")

    returned_row.get_by_role("link", name="查看申请").click()
    expect(page).to_have_url(re.compile(rf"/applications/{returned.pk}/$"))
    expect(page.locator("main")).to_contain_text("退回补充材料")


@pytest.fixture
def flood(db):
    """A reviewer's first scan: 30 promotion alerts for one tier and two expiry alerts."""
    UserFactory(username="zhuanjia", roles=["reviewer"])
    firms = [FirmFactory(name=f"重庆示范企业{n:02d}有限公司", district=district(YUBEI)) for n in range(15)]
    drafts = [
        AlertDraft(AlertKind.PROMOTION_DUE, year, f.pk, f.district_id, INNOVATIVE_SME)
        for f in firms
        for year in ("2025", "2026")
    ]
    drafts += [
        AlertDraft(
            AlertKind.DESIGNATION_EXPIRING,
            "2026-12-31:90",
            f.pk,
            f.district_id,
            "srdi_sme",
            {"expires_on": "2026-12-31", "days": 90},
        )
        for f in firms[:2]
    ]
    raise_alerts(drafts)


def test_a_reviewer_reads_a_group_of_alerts_at_once(session, flood):
    expert = session()
    page = expert.page
    expert.sign_in("zhuanjia")
    badge = page.get_by_role("navigation", name="主导航").locator(".nav-badge")
    expect(badge).to_have_text("32条未读")
    page.goto("/inbox/")

    groups = page.locator("table.inbox-groups tbody tr")
    expect(groups).to_have_count(2)
    promotion = groups.filter(has_text="可申报更高称号")
    expect(promotion).to_contain_text("创新型中小企业")
    expect(promotion.locator("td").nth(1)).to_have_text("30")
    expert.shot("inbox-groups")

    promotion.get_by_role("link", name="查看").click()
    expect(page).to_have_url(re.compile(r"kind=promotion_due&tier=innovative_sme"))
    expect(page.locator("table.inbox tbody tr")).to_have_count(25)  # the first page of the group

    page.goto("/inbox/")
    groups.filter(has_text="可申报更高称号").get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_role("status")).to_contain_text("已标记 30 条为已读。")
    expect(badge).to_have_text("2条未读")
    assert AlertDelivery.objects.filter(channel="inbox", read_at__isnull=True).count() == 2
