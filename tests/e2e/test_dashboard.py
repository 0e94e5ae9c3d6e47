"""A city caseworker opens the programme dashboard in a real browser, reads its charts and switches year."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.dashboard.test_dashboard import Y, intensity_register, make_register
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def register(db):
    UserFactory(username="shiji", roles=["caseworker"], is_staff=True)
    firms = make_register()
    intensity_register(firms)
    return firms


def test_a_city_caseworker_reads_the_dashboard(session, register):
    caseworker = session()
    page = caseworker.page
    caseworker.sign_in("shiji")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据看板").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"数据看板 · {Y}")

    pyramid = page.locator("svg.chart--pyramid")
    expect(pyramid).to_be_visible()
    expect(pyramid.locator("g.pyramid-row")).to_have_count(4)
    expect(pyramid).to_contain_text("初创期")
    expect(pyramid).to_contain_text("跨越期")
    progress = page.locator("svg.chart--progress")
    expect(progress.locator("g.progress-row")).to_have_count(9)
    expect(progress).to_contain_text("瞪羚企业")
    trajectory = page.locator("svg.chart--trajectory")
    expect(trajectory).to_contain_text("目标 2×")
    expect(trajectory.locator(f'g[data-cohort="{Y - 1}"]')).to_have_count(1)
    expect(page.locator("table.dash-breakdown").last.locator("tbody tr")).to_have_count(2)
    intensity = page.locator("#rd-intensity")
    expect(intensity).to_contain_text("专精特新中小企业平均研发强度 8.0%，全部在库企业 3.8%")
    expect(intensity.locator(".dash-meter")).to_have_count(5)
    widths = intensity.locator(".dash-meter").evaluate_all(
        "bars => bars.map(b => b.getBoundingClientRect().width)"
    )
    assert (
        widths[2] == max(widths) > widths[0] > 0
    )  # 专精特新's 8% bar is the longest, the register's shorter
    digital = page.get_by_role("region", name="数字化转型", exact=True)
    expect(digital.locator('tr[data-measure="smart_factory"] td').first).to_have_text("1")
    expect(digital.locator('tr[data-measure="transformed_sme"] td').nth(2)).to_have_text("4000 (2027)")
    listing = page.get_by_role("region", name="上市培育", exact=True)
    expect(listing.locator("table.dash-listing-stages .dash-meter")).to_have_count(5)
    expect(listing).to_contain_text("在上市进程中的企业 4 家，其中硬科技帮扶库成员 2 家。")
    caseworker.shot("dashboard")

    page.get_by_label("年度", exact=True).select_option(str(Y - 1))
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"数据看板 · {Y - 1}")
    expect(page.locator('tr[data-tier="innovative_sme"] td').nth(1)).to_have_text(
        "2"
    )  # f2 and f4, granted last year

    page.get_by_role("link", name="会议打印版").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{Y - 1} 年度数据摘要")
