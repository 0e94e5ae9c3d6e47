"""Everything a firm types is shown as text: a firm named like a script or a spreadsheet formula is
escaped in the portal, the staff pages, the admin, the alert inbox, emails and CSV/XLSX/HTML exports."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from cultivation.models.alerts import AlertDelivery, AlertKind
from cultivation.services import application_transition, create_application
from cultivation.services.alerts import AlertDraft, raise_alerts, send_email_deliveries, set_email_preference
from tests.factories import UserFactory, district, eligible_firm

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>\"'&"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&amp;"
FORMULA = '=HYPERLINK("http://evil.example/","点击")'
RAW_TAG = "<script>alert(1)"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def firm(db):
    """The shared ``firm`` with hostile text wherever a firm carries text."""
    return eligible_firm(name=HOSTILE, contact_name=HOSTILE, address=HOSTILE)


@pytest.fixture
def district_caseworker(db):
    return UserFactory(
        username="yubei-cw", roles=["caseworker"], district=district("500112"), email="cw@example.com"
    )


@pytest.fixture
def application(firm, firm_user):
    draft = create_application(firm=firm, tier="innovative_sme", actor=firm_user)
    return application_transition(application=draft, action="submit", actor=firm_user)


@pytest.fixture
def alert(firm):
    """A promotion alert (staff inboxes) and an expiry alert (the firm's inbox too)."""
    payload = {"expires_on": "2026-12-31", "days": 90}
    return raise_alerts(
        [
            AlertDraft(AlertKind.PROMOTION_DUE, "2026", firm.pk, firm.district_id, "innovative_sme", {}),
            AlertDraft(
                AlertKind.DESIGNATION_EXPIRING,
                "2026-12-31:90",
                firm.pk,
                firm.district_id,
                "srdi_sme",
                payload,
            ),
        ]
    )


def assert_escaped(response) -> None:
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert RAW_TAG not in page
    assert ESCAPED in page


@pytest.mark.parametrize(
    "name",
    ["home", "figures", "self-check", "attestations", "applications", "apply", "inbox"],
)
def test_the_firms_own_pages_escape_its_name(client, firm_user, application, alert, name):
    client.force_login(firm_user)
    assert_escaped(client.get(reverse(f"portal:{name}")))


@pytest.mark.parametrize("page", ["case-queue", "staff-application", "inbox"])
def test_staff_pages_escape_the_name(client, district_caseworker, application, alert, page):
    client.force_login(district_caseworker)
    args = [application.pk] if page == "staff-application" else []
    assert_escaped(client.get(reverse(f"portal:{page}", args=args)))


@pytest.mark.parametrize(
    "url",
    [
        "/admin/registry/firm/",
        "/admin/registry/firm/{firm}/change/",
        "/admin/registry/firm/{firm}/history/",
        "/admin/registry/annualfigures/",
        "/admin/cultivation/application/",
        "/admin/cultivation/application/{application}/change/",
    ],
)
def test_admin_pages_escape_the_name(client, superuser, firm, application, url):
    client.force_login(superuser)
    assert_escaped(client.get(url.format(firm=firm.pk, application=application.pk)))


def test_alert_emails_carry_the_name_as_plain_text(firm, district_caseworker, alert):
    mail.outbox.clear()
    send_email_deliveries(AlertDelivery.objects.filter(channel="email", user=district_caseworker))
    messages = [m for m in mail.outbox if m.to == ["cw@example.com"]]
    assert len(messages) == 2
    for message in messages:
        assert HOSTILE in message.subject and HOSTILE in message.body  # text mail: shown as typed, not run
        assert "&lt;" not in message.body and "&amp;" not in message.body  # and not double-escaped
        assert not message.alternatives  # no HTML part that could run it


def test_a_name_with_a_line_break_cannot_inject_mail_headers(firm, district_caseworker):
    firm.name = "重庆甲公司\r\nBcc: victim@example.com"
    firm.save()
    set_email_preference(user=district_caseworker, mode="immediate")
    raise_alerts(
        [AlertDraft(AlertKind.PROMOTION_DUE, "2027", firm.pk, firm.district_id, "innovative_sme", {})]
    )
    mail.outbox.clear()
    counts = send_email_deliveries(AlertDelivery.objects.filter(channel="email", user=district_caseworker))
    assert counts == {"sent": 1, "failed": 0, "digest": 0}
    [message] = [m for m in mail.outbox if m.to == ["cw@example.com"]]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.recipients() == ["cw@example.com"]
    assert "Bcc" not in str(message.message()).split("\n\n", 1)[0].replace(message.subject, "")


def export(client, file_format: str) -> bytes:
    response = client.post(
        "/admin/registry/firm/export/",
        {
            "resource": "0",
            "format": file_format,
            "firmresource_credit_code": "on",
            "firmresource_name": "on",
            "firmresource_contact_name": "on",
        },
    )
    assert response.status_code == 200
    return response.content


@pytest.fixture
def formula_firm(db):
    return eligible_firm(name=FORMULA, contact_name="@SUM(A1:A9)")


def test_csv_export_makes_formulas_inert(client, superuser, formula_firm):
    client.force_login(superuser)
    rows = list(csv.reader(io.StringIO(export(client, "0").decode("utf-8-sig"))))
    assert rows[1][1:] == ["'" + FORMULA, "'@SUM(A1:A9)"]


def test_xlsx_export_makes_formulas_inert(client, superuser, formula_firm):
    client.force_login(superuser)
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, "1"))).active
    cells = [cell.value for cell in sheet[2]]
    assert cells[1:] == ["'" + FORMULA, "'@SUM(A1:A9)"]
    assert all(cell.data_type != "f" for cell in sheet[2])  # stored as text, not as a formula


def test_html_export_escapes_the_name(client, superuser, firm):
    client.force_login(superuser)
    page = export(client, "5").decode()
    assert RAW_TAG not in page
