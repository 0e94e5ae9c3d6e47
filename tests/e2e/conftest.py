"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Chromium comes from the system (``apt-get install -y chromium``), never from ``playwright install``.
Outside CI the tests are skipped with a reason when it is missing; in CI (``CI=true``) they fail.

Screenshots go to a temporary folder unless ``E2E_SCREENSHOTS`` names one; the README's images
are refreshed with ``E2E_SCREENSHOTS=docs/screenshots .venv/bin/pytest tests/e2e``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import IN_CI

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make for
# their setup are ordinary synchronous calls, which Django would otherwise refuse in that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "pw-for-tests-123"  # tests.factories.UserFactory


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    wrappers = {alias: connections[alias] for alias in connections}
    playwright = sync_api.sync_playwright().start()
    # With Playwright's loop running in this thread, Django keeps connections per context instead of
    # per thread and would hand the tests new ones, without the state the test database was set up
    # with (``serialized_rollback`` needs it). Keep the thread's own connections, as the live server does.
    for alias, wrapper in wrappers.items():
        connections[alias] = wrapper
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = os.environ.get("E2E_SCREENSHOTS")
    path = Path(folder).resolve() if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Session:
    """One person's browser session: a context of its own (cookies), with helpers for the journeys."""

    def __init__(self, browser, base_url: str, screenshots: Path, **context_options) -> None:
        options = {"viewport": {"width": 1280, "height": 860}, "locale": "zh-CN", **context_options}
        self.context = browser.new_context(base_url=base_url, **options)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.screenshots = screenshots

    def shot(self, name: str, *, full_page: bool = True) -> None:
        self.page.screenshot(path=str(self.screenshots / f"{name}.png"), full_page=full_page)

    def sign_in(self, username: str, *, shot: str | None = None) -> None:
        page = self.page
        page.goto("/accounts/login/")
        if shot:
            self.shot(shot)
        page.get_by_label("用户名", exact=True).fill(username)
        page.get_by_label("密码", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="退出登录").click()
        self.page.wait_for_load_state()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser, live_server, screenshots):
    """A factory of sessions against the live server; every session is closed after the test."""
    opened: list[Session] = []

    def open_session(**context_options) -> Session:
        opened.append(Session(browser, live_server.url, screenshots, **context_options))
        return opened[-1]

    yield open_session
    for item in opened:
        item.close()
