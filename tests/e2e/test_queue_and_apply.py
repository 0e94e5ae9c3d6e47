"""A caseworker searches the queue in their own terms; a firm tries a tier it does not meet.

The caseworker (city level, also sitting as an expert) finds a firm by part of its name, picks a
district by name and ticks 分配给我. The firm sees why a tier is not met, goes on only through a
confirmation page, and discards the draft after being asked.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cultivation.models import Application
from cultivation.selectors import eligibility_of_firm
from cultivation.services import refusals_to_apply
from cultivation.tiers import TIERS
from cultivation.workflow import Status
from tests.factories import YUZHONG, UserFactory, application_in, eligible_firm, today

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def queue(db):
    """Three applications waiting for caseworkers; the third is assigned to the caseworker to score."""
    caseworker = UserFactory(username="shi-jingban", roles=["caseworker", "reviewer"])
    liangjiang = eligible_firm(name="重庆两江示范精密制造有限公司")
    yuzhong = eligible_firm(YUZHONG, name="重庆渝中智能装备有限公司")
    yubei = eligible_firm(name="重庆渝北新材料有限公司")
    application_in(Status.SUBMITTED, liangjiang)
    application_in(Status.SUBMITTED, yuzhong)
    application_in(Status.CITY_REVIEW, yubei, reviewers=[caseworker])
    return {"liangjiang": liangjiang, "yuzhong": yuzhong, "yubei": yubei}


def test_a_caseworker_searches_by_name_district_and_assignment(session, queue):
    worker = session()
    page = worker.page
    worker.sign_in("shi-jingban")
    expect(page.get_by_role("heading", level=1)).to_have_text("办理队列")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    district = page.get_by_label("区县", exact=True)
    expect(district.locator("option:checked")).to_have_text("全部")
    expect(page.get_by_label("申请称号").locator("option:checked")).to_have_text("全部")

    page.get_by_label("企业名称或统一社会信用代码").fill("两江示范")
    page.get_by_role("button", name="筛选", exact=True).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(queue["liangjiang"].name)

    page.get_by_label("企业名称或统一社会信用代码").fill("")
    district.select_option(label="渝北区")
    page.get_by_role("button", name="筛选", exact=True).click()
    expect(page).to_have_url(re.compile(r"district=500112"))
    expect(rows).to_have_count(2)
    expect(page.locator("table tbody")).not_to_contain_text(queue["yuzhong"].name)

    page.get_by_label("分配给我").check()
    page.get_by_role("button", name="筛选", exact=True).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(queue["yubei"].name)
    expect(page.get_by_label("分配给我")).to_be_checked()
    expect(page.locator(".errorlist")).to_have_count(0)
    worker.shot("case-queue")


@pytest.fixture
def applicant(db):
    """A firm that meets 创新型中小企业 but not some tier it may apply for, and its user."""
    firm = eligible_firm(name="重庆两江示范精密制造有限公司")
    UserFactory(username="qiye", roles=["firm"], firm=firm)
    report = eligibility_of_firm(firm).to_dict()["tiers"]
    code = next(
        code
        for code, answer in report.items()
        if answer["eligible"] is False
        and code in TIERS
        and not refusals_to_apply(firm=firm, tier=code, kind="new", on=today())
    )
    return {"firm": firm, "tier": code, "label": str(TIERS[code].label)}


def test_a_firm_sees_why_goes_on_deliberately_and_discards_the_draft(session, applicant):
    firm, label = applicant["firm"], applicant["label"]
    qiye = session()
    page = qiye.page
    qiye.sign_in("qiye")
    page.get_by_role("link", name="称号申请").first.click()
    page.get_by_role("link", name="申请称号或复核").click()
    card = page.locator(f"#tier-{applicant['tier']}")
    expect(card).to_contain_text("按目前的数据，以下条件尚未满足：")
    qiye.shot("apply")

    card.get_by_role("button", name=f"申请：{label}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"确认申请：{label}")
    expect(page.locator("main")).to_contain_text("仍不符合条件的申请无法提交")
    assert not Application.objects.filter(firm=firm).exists()  # asking created nothing
    page.get_by_role("button", name="仍要申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)
    expect(page.locator(".page-head .badge")).to_have_text("草稿")
    assert Application.objects.get(firm=firm).status == "draft"

    expect(page.get_by_role("button", name="撤回申请")).to_have_count(0)
    page.get_by_role("link", name="删除草稿…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("确定删除这份草稿吗？")
    assert Application.objects.get(firm=firm).status == "draft"  # asking changed nothing
    page.get_by_role("button", name="删除草稿").click()
    expect(page.get_by_role("status")).to_contain_text("已完成：删除草稿。")
    assert Application.objects.get(firm=firm).status == "withdrawn"
