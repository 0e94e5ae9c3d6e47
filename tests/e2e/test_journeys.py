"""The portal's main journeys in a real browser.

A firm signs in, corrects last year's figures (after seeing the model's message), runs the
self-check and a what-if, and applies; a district caseworker, a city caseworker and a reviewer move
the application on the staff pages up to public notice; the notice closes (the scan, called here:
time passing is not browser work); the firm sees itself designated. Then the language switch, and
the firm home on a phone. Each page visited is photographed (see ``conftest.screenshots``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from cultivation.models import Application, Designation
from cultivation.notice_closing import close_elapsed_notices
from registry.models import AnnualFigures
from tests.factories import UserFactory, district, eligible_firm

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def people(db):
    """The firm (eligible for 创新型中小企业) and the people who handle its application."""
    firm = eligible_firm(name="重庆两江示范精密制造有限公司")
    return {
        "firm": firm,
        "firm_user": UserFactory(username="qiye", roles=["firm"], firm=firm),
        "district": UserFactory(username="yubei-jingban", roles=["caseworker"], district=district("500112")),
        "city": UserFactory(username="shi-jingban", roles=["caseworker"], is_staff=True),
        "reviewer": UserFactory(username="zhuanjia", roles=["reviewer"]),
    }


def test_a_firm_applies_staff_move_it_and_the_firm_is_designated(session, people):
    firm = people["firm"]
    last_year = timezone.localdate().year - 1

    # 1. The firm signs in, corrects last year's figures, checks itself and applies.
    qiye = session()
    page = qiye.page
    qiye.sign_in("qiye", shot="login")
    expect(page.get_by_role("heading", level=1)).to_have_text(firm.name)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    qiye.shot("firm-home")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="年度数据").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("年度数据")
    qiye.shot("figures")
    page.get_by_role("link", name=f"修改 {last_year} 年度").click()
    page.get_by_label("研发人员（人）").fill("500")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("研发人员不能多于从业人员。")
    expect(page.get_by_label("研发人员（人）")).to_have_attribute("aria-invalid", "true")
    qiye.shot("figures-error")
    page.get_by_label("研发人员（人）").fill("45")
    page.get_by_label("研发费用（万元）").fill("460.00")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text(f"{last_year} 年度数据已保存。")
    corrected = AnnualFigures.objects.get(firm=firm, year=last_year)
    assert (corrected.rd_staff, corrected.rd_expense) == (45, Decimal("460.00"))

    page.get_by_role("link", name="资格自评").first.click()
    innovative = page.locator(".verdict-strip li", has_text="创新型中小企业")
    expect(innovative).to_contain_text("符合")
    expect(page.locator("details.tier--no").first).to_be_visible()
    qiye.shot("self-check")
    page.get_by_label("研发费用（万元）").fill("1200.00")
    page.get_by_label("Ⅰ类知识产权（件）").fill("0")
    page.get_by_role("button", name="重新测算（不保存）").click()
    expect(page.get_by_role("heading", name="测算结果（未保存）")).to_be_visible()
    qiye.shot("what-if")
    assert AnnualFigures.objects.get(firm=firm, year=last_year).rd_expense == Decimal("460.00")

    page.get_by_role("link", name="称号申请").click()
    page.get_by_role("link", name="申请称号或复核").click()
    qiye.shot("apply")
    page.get_by_role("button", name="申请：创新型中小企业").click()
    expect(page.get_by_role("heading", name="核对评估结果")).to_be_visible()
    qiye.shot("application-draft")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".page-head .badge")).to_have_text("已提交")
    expect(page.get_by_role("heading", name="提交时的评估结果（已冻结）")).to_be_visible()
    qiye.shot("application")
    application = Application.objects.get(firm=firm)
    assert application.status == "submitted"
    qiye.sign_out()

    # 2. The district caseworker accepts and recommends it from the queue.
    district_session = session()
    page = district_session.page
    district_session.sign_in("yubei-jingban")
    expect(page.get_by_role("heading", level=1)).to_have_text("办理队列")
    district_session.shot("case-queue")
    row = page.get_by_role("row", name=firm.name)
    row.get_by_role("button", name="受理").click()
    expect(page.get_by_role("status")).to_contain_text("已完成：受理。")
    page.get_by_role("row", name=firm.name).get_by_role("button", name="初审通过，报市级复审").click()
    expect(page.get_by_role("status")).to_contain_text("初审通过")

    # The city caseworker asks an expert for a score.
    city = session()
    page = city.page
    city.sign_in("shi-jingban")
    page.get_by_role("row", name=firm.name).get_by_role("link", name=f"#{application.pk}").click()
    page.get_by_label("zhuanjia").check()
    page.get_by_label("截止日期").fill((timezone.localdate() + datetime.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="分配", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已分配评审专家。")
    city.shot("staff-application")

    # The reviewer scores the frozen snapshot.
    expert = session()
    page = expert.page
    expert.sign_in("zhuanjia")
    expect(page.get_by_role("heading", level=1)).to_have_text("评审任务")
    expert.shot("review-queue")
    page.get_by_role("link", name=f"#{application.pk}").click()
    expect(page.get_by_role("heading", name="提交时冻结的评估结果")).to_be_visible()
    page.get_by_label("评分").fill("86")
    page.get_by_label("评审建议").select_option("approve")
    page.get_by_label("评审意见").fill("研发投入强度高，成长性良好，建议通过。")
    expert.shot("review")
    page.get_by_role("button", name="提交评审意见").click()
    expect(page.get_by_role("status")).to_contain_text("已完成：提交评审意见。")

    # The city caseworker opens the public notice.
    page = city.page
    page.reload()
    page.get_by_role("button", name="复审通过，进入公示").click()
    expect(page.locator(".page-head .badge")).to_have_text("公示中")
    application.refresh_from_db()
    assert application.status == "public_notice"

    # The notice runs its five working days; the scan then designates (time passing is not browser work).
    today = timezone.localdate()
    Application.objects.filter(pk=application.pk).update(
        notice_starts_on=today - datetime.timedelta(days=10),
        notice_ends_on=today - datetime.timedelta(days=1),
    )
    assert close_elapsed_notices(today).acted == 1

    # 3. The firm sees itself designated.
    page = qiye.page
    qiye.sign_in("qiye")
    designations = page.get_by_role("region", name="有效称号")
    expect(designations).to_contain_text("创新型中小企业")
    designation = Designation.objects.get(firm=firm)
    expect(designations).to_contain_text(f"有效期至 {date_format(designation.expires_on)}")
    qiye.shot("firm-home-designated")
    page.goto(f"/applications/{application.pk}/")
    expect(page.locator(".page-head .badge")).to_have_text("已认定")


def test_the_language_switch_and_the_browsers_language(session, people):
    qiye = session()
    page = qiye.page
    qiye.sign_in("qiye")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/figures/")
    expect(page.locator("table").first).to_contain_text("Year")
    expect(page.locator("table").first).to_contain_text("Operating revenue")
    qiye.shot("figures-en")
    page.goto("/self-check/")
    expect(page.locator(".verdict-strip")).to_contain_text("SRDI SME")
    qiye.shot("self-check-en", full_page=False)
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    visitor = session(locale="en-GB")
    visitor.page.goto("/accounts/login/")
    expect(visitor.page.locator("html")).to_have_attribute("lang", "en")
    visitor.shot("login-en")


def test_the_firm_home_works_on_a_phone_and_by_keyboard(session, people):
    phone = session(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.page
    phone.sign_in("qiye")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.shot("firm-home-mobile")
    page.goto("/self-check/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.shot("self-check-mobile", full_page=False)

    desk = session()
    page = desk.page
    desk.sign_in("qiye")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("跳到主要内容")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
