"""Every page fits the screen: on a 390 px phone and a 1366 px laptop nothing scrolls sideways.

The pages are the access matrix's (tests/access): every non-API URL of the URL configuration and every
admin page of every registered model, resolved against the same world of records, and asked of every
role. A page a role may open (the table says 200) is loaded in that role's browser context and measured
at both widths; a page that redirects (the sign-in, the case queue) is measured where it lands.

Sideways scrolling is allowed only inside a container marked ``data-scroll-x`` (a wide table in its own
box, with a visible cue): the document must not be wider than the window, and no element outside such
a container may reach past the window's edges.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client

from registry.models import User
from tests.access.expectations import OK
from tests.access.matrix import cases, expectation, url_of
from tests.access.world import ROLES, World, build_world
from tests.dashboard.test_dashboard import make_register
from tests.factories import YUBEI, UserFactory, eligible_firm, firm_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (390, 1366)
MARK = "[data-scroll-x]"

# What sticks out of the window at the current width: the document itself, and every element (with a
# box) whose edges pass the window's that is not inside a marked scroll container.
OVERFLOW_JS = """
(mark) => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const found = [];
  if (root.scrollWidth > width) found.push(`document ${root.scrollWidth}px`);
  const describe = (el) => {
    const id = el.id ? `#${el.id}` : "";
    const cls = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${id}${cls}`;
  };
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right <= width + 1 && box.left >= -1) continue;
    const parent = el.parentElement;
    if (parent && parent.closest(mark)) continue;
    // report the outermost offender only: its children stick out with it
    const pbox = parent.getBoundingClientRect();
    const parentOut = pbox.right > width + 1 || pbox.left < -1;
    if (parent !== document.body && parentOut) continue;
    found.push(`${describe(el)} ${Math.round(box.left)}..${Math.round(box.right)}px`);
  }
  return found;
}
"""


def pages_for(role: str, world: World) -> list[str]:
    """The URLs the access table lets ``role`` open (200), each once."""
    urls = [url_of(case, world) for case in cases() if expectation(case, role) == OK]
    return list(dict.fromkeys(urls))


@pytest.fixture
def world(transactional_db) -> World:
    return build_world()


def signed_in(browser, live_server, user: User | None, width: int = WIDTHS[0]):
    """A browser context carrying ``user``'s session (no password typed: django-axes never counts it)."""
    viewport = {"width": width, "height": 800}
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


def overflows(page, url: str) -> Iterator[str]:
    """Load ``url`` and measure it at each width; what sticks out, as readable lines."""
    try:
        response = page.goto(url)
    except Exception as error:  # a file download (CSV, Excel, evidence) is not a page
        if "Download is starting" in str(error):
            return
        raise
    if response is None or not response.headers.get("content-type", "").startswith("text/html"):
        return
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for line in page.evaluate(OVERFLOW_JS, MARK):
            yield f"{width}px {url} -> {page.url}: {line}"


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways(role, browser, live_server, world):
    context = signed_in(browser, live_server, world.users[role])
    page = context.new_page()
    problems = []
    try:
        for url in pages_for(role, world):
            problems.extend(overflows(page, url))
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_wide_tables_scroll_in_their_own_box_with_the_first_column_in_view(
    browser, live_server, screenshots, transactional_db
):
    """On a phone the dashboard's district table scrolls inside its card, its first column staying put;
    on a laptop the firm's figures in the admin wrap in a grid, every one an input."""
    make_register()
    firm = eligible_firm(YUBEI, name="重庆两江示范精密制造有限公司")
    admin = UserFactory(username="fit-admin", is_staff=True, is_superuser=True)

    phone = signed_in(browser, live_server, admin, width=390)
    page = phone.new_page()
    page.goto("/dashboard/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("[data-scroll-x]", has=page.locator("table.dash-breakdown")).last
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # it has more to show, in its box
    first = box.locator("tbody th").first
    before = first.bounding_box()
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert first.bounding_box()["x"] == pytest.approx(before["x"], abs=1)  # the district name stays
    assert box.locator("tbody td").last.bounding_box()["x"] < 390  # the last column came into view
    page.screenshot(path=str(screenshots / "dashboard-mobile.png"), full_page=True)
    phone.close()

    laptop = signed_in(browser, live_server, admin, width=1366)
    page = laptop.new_page()
    page.goto(f"/admin/registry/firm/{firm.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    years = page.locator("#figures-group .inline-related.has_original")
    assert years.count() == firm.figures.count()
    for field in ("operating_revenue", "rd_expense", "cumulative_financing_usd_m"):
        box = years.first.locator(f"input[name$='-{field}']").bounding_box()
        assert box["x"] + box["width"] <= 1366  # every figure an input, in the window
    page.locator("#figures-group").screenshot(path=str(screenshots / "admin-firm-figures.png"))
    page.screenshot(path=str(screenshots / "admin-firm.png"), full_page=True)
    laptop.close()


# Every verdict badge of the self-check's summary and its card: where each ends, to the pixel.
BADGES_JS = """
() => [...document.querySelectorAll(".verdict-strip li")].map((card) => {
  const badge = card.querySelector(".badge").getBoundingClientRect();
  const box = card.getBoundingClientRect();
  return {name: card.querySelector(".tier-name").textContent, badge: badge.right, card: box.right,
          left: badge.left, cardLeft: box.left};
})
"""


def test_verdict_badges_stay_inside_their_cards_in_english(browser, live_server, transactional_db):
    """English tier names are long ("Manufacturing single champion enterprise"): the verdict badge
    beside each ("Not yet eligible") stays inside its card at both widths, in both languages."""
    user = firm_user(eligible_firm(YUBEI), name="fit-firm")
    for language in ("en", "zh-hans"):
        for width in WIDTHS:
            context = signed_in(browser, live_server, user, width=width)
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            )
            page = context.new_page()
            page.goto("/self-check/")
            cards = page.evaluate(BADGES_JS)
            assert len(cards) == 8, (language, width)
            outside = [c for c in cards if c["badge"] > c["card"] + 0.5 or c["left"] < c["cardLeft"]]
            assert not outside, (language, width, outside)
            context.close()
