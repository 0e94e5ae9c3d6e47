"""Issue 17 item 6 in a real browser: a firm's clerk reads the self-check at 1366 px and on a phone.

Alternatives read "满足任一即可": the 创新型 firm met by its score sees the direct conditions as not
needed, with no money "missing"; the 瞪羚 report names the firm's cluster; the growth row shows the
rate against its bar; the 还差 header sits on one line and nothing scrolls sideways.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registry.models import Cluster
from tests.factories import UserFactory, add_figures, eligible_firm

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def clerk(db):
    firm = eligible_firm(name="重庆两江示范精密制造有限公司")
    # A fourth year, so 瞪羚's three-year growth has its start year (3000 → 7300 万元: 34.5% a year).
    add_figures(firm, timezone.localdate().year - 4, revenue="3000.00", audited=True)
    UserFactory(username="qiye", roles=["firm"], firm=firm)
    return firm


def open_tier(page, label: str):
    """The tier's details element, opened (a tier the firm is far from starts closed)."""
    tier = page.locator("details.tier", has=page.locator(".tier-name", has_text=label)).first
    if tier.get_attribute("open") is None:
        tier.locator("summary").click()
    return tier


@pytest.mark.parametrize("width", WIDTHS)
def test_the_self_check_reads_right(session, clerk, width):
    phone = width == "phone"
    options = {"viewport": WIDTHS[width]}
    if phone:
        options.update(is_mobile=True, has_touch=True)
    qiye = session(**options)
    page = qiye.page
    qiye.sign_in("qiye")
    page.goto("/self-check/")

    innovative = open_tier(page, "创新型中小企业")
    expect(innovative.locator(".criteria-group")).to_contain_text("满足任一即可")
    score = innovative.locator("tr.criterion", has_text="评分")
    expect(score.locator(".status")).to_have_text("满足")
    financing = innovative.locator("tr.criterion", has_text="新增股权融资")
    expect(financing.locator(".status")).to_have_text("无需满足")
    expect(financing).not_to_contain_text("需新增股权融资")
    expect(financing.locator(".gap")).to_have_count(0)

    gazelle = open_tier(page, "瞪羚企业")
    name = Cluster.objects.get(code="intelligent-equipment").name_zh
    expect(gazelle.locator("tr.criterion", has_text="集群")).to_contain_text(f"所属集群 {name}")
    expect(page.locator(".report").first).not_to_contain_text("intelligent-equipment")
    growth = gazelle.locator("tr.criterion", has_text="近三年营业收入复合增长率")
    expect(growth.locator("td.num").first).to_contain_text("%")
    expect(growth.locator("td.num").nth(1)).to_contain_text("≥")

    if not phone:  # on a phone the header row is hidden; each card labels its 还差 itself
        header = innovative.locator("th.col-gap")
        first = innovative.locator("thead th").first
        assert header.bounding_box()["height"] <= first.bounding_box()["height"] + 1  # one line
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    innovative.locator(".criteria-group").scroll_into_view_if_needed()  # the phone's shot: the grouped rows
    qiye.shot("self-check-mobile" if phone else "self-check", full_page=not phone)
