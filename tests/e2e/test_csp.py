"""Every screen works under the Content-Security-Policy, and the policy really blocks inline script.

Chromium enforces the header the server sends: a page that still needed an inline script or
handler would log a CSP violation and its button would do nothing.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.dashboard.test_dashboard import make_register
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def csp_violations(page) -> list[str]:
    """Collect the console's CSP reports for this page from now on."""
    seen: list[str] = []

    def record(message) -> None:
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", record)
    return seen


def test_swagger_ui_renders_with_no_inline_script(session, db):
    visitor = session()
    page = visitor.page
    violations = csp_violations(page)
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/api/firms/")
    assert violations == []


def test_the_print_button_and_the_admin_export_toggle_work_under_the_policy(session, db):
    make_register()
    UserFactory(username="csp-admin", is_superuser=True, is_staff=True)
    admin = session()
    page = admin.page
    violations = csp_violations(page)
    admin.sign_in("csp-admin")

    page.goto("/dashboard/print/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed === true")

    page.goto("/admin/registry/firm/export/")
    fields = page.locator("input[type=checkbox][name$='firm_name'], input[type=checkbox][id*='name']").first
    toggle = page.locator("input[onchange='onSelectToggleChange(event)']").first
    expect(toggle).to_be_checked()
    toggle.uncheck()
    expect(fields).not_to_be_checked()  # the hashed handler ran
    assert violations == []


def test_an_injected_inline_script_is_blocked(session, db):
    UserFactory(username="csp-caseworker", roles=["caseworker"], is_staff=True)
    caseworker = session()
    page = caseworker.page
    violations = csp_violations(page)
    caseworker.sign_in("csp-caseworker")
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__owned = true';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("window.__owned === undefined")
    assert any("inline script" in text for text in violations)
