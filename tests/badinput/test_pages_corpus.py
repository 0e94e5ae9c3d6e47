"""Bad input to every portal and admin form: each answer is the page again with an error on the field
(400 on the portal; the admin's own 200 re-display), never a 500, and nothing in the database changes."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm
from django.urls import reverse

from cultivation.services import application_transition, create_application
from registry.credit_code import make_code
from tests.factories import UserFactory, district

from .corpus import (
    BAD_AMOUNTS,
    BAD_CODES,
    BAD_COUNTS,
    BAD_DATES,
    HUGE,
    THIS_YEAR,
    TOMORROW,
    case_id,
    row_counts,
    snapshot,
)

pytestmark = pytest.mark.django_db

LAST_YEAR = THIS_YEAR - 1
FORM_TEXT = ["abc", HUGE, "nul\x00byte"]  # forms post text: wrong types arrive as strings
AMOUNTS = [v for v in BAD_AMOUNTS if isinstance(v, str)]
COUNTS = [v for v in BAD_COUNTS if isinstance(v, str | int | float)]
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(firm, firm_user):
    return create_application(firm=firm, tier="innovative_sme", actor=firm_user)


def forms_in(response) -> list[BaseForm]:
    """Every bound form the page was rendered with (including the action forms of a workflow page)."""
    contexts = response.context if isinstance(response.context, list) else [response.context]
    found: list[BaseForm] = []

    def walk(value, depth: int = 0) -> None:
        if isinstance(getattr(value, "form", None), BaseForm):  # the admin's AdminForm wrapper
            value = value.form
        if isinstance(value, BaseForm):
            if value.is_bound and value not in found:
                found.append(value)
        elif isinstance(value, list | tuple) and depth < 3:
            for item in value:
                walk(item, depth + 1)

    for context in contexts:
        for value in context.flatten().values():
            walk(value)
    return found


def run_table(send, cases, ok_status: int = 400) -> list[str]:
    """Post every case; list each one that was not the form again with an error on its field."""
    problems = []
    start = snapshot()
    for field, data in cases:
        before = row_counts()
        response = send(data)
        label = f"{field}={case_id(data.get(field, data))}"
        if response.status_code != ok_status:
            problems.append(f"{label}: {response.status_code}")
            continue
        errors = {name: list(e) for form in forms_in(response) for name, e in form.errors.items()}
        notices = [str(m) for m in response.context.get("messages", []) if m.level_tag == "error"]
        if notices:
            errors["notice"] = notices
        if field not in errors:
            problems.append(f"{label}: error not on the field: {errors}")
        if row_counts() != before:
            problems.append(f"{label}: rows were added or removed")
    if snapshot() != start:
        problems.append("a value in the database changed during the table")
    return problems


def bad(base: dict, field: str, values) -> list[tuple[str, dict]]:
    return [(field, {**base, field: value}) for value in values]


FIGURES = {
    "operating_revenue": "8000.00",
    "main_business_revenue": "7200.00",
    "rd_expense": "400.00",
    "net_profit": "600.00",
    "total_assets": "9000.00",
    "total_liabilities": "4000.00",
    "employees": "150",
    "rd_staff": "30",
    "class1_ip": "3",
    "class2_ip": "8",
    "equity_financing": "0",
}
FIGURES_CASES = [
    *bad(FIGURES, "operating_revenue", AMOUNTS),
    *bad(FIGURES, "rd_expense", ["-1", "abc"]),
    *bad(FIGURES, "net_profit", ["abc", "1e400", "9" * 40]),
    *bad(FIGURES, "employees", COUNTS),
    *bad(FIGURES, "class1_ip", ["-1", "1.5"]),
    *bad(FIGURES, "valuation_usd_m", ["-1", "abc"]),
    ("rd_staff", {**FIGURES, "rd_staff": "151"}),
    ("main_business_revenue", {**FIGURES, "main_business_revenue": "8000.01"}),
    ("operating_revenue", {k: v for k, v in FIGURES.items() if k != "operating_revenue"}),
]


def test_portal_figures_form(client, firm_user):
    client.force_login(firm_user)
    url = reverse("portal:figures-edit", args=[LAST_YEAR - 3])
    assert run_table(lambda data: client.post(url, data), FIGURES_CASES) == []


def test_portal_figures_for_a_future_or_absurd_year(client, firm_user):
    client.force_login(firm_user)
    before = snapshot()
    future = client.post(reverse("portal:figures-edit", args=[THIS_YEAR + 1]), FIGURES)
    assert future.status_code == 400 and "year" in forms_in(future)[0].errors
    assert client.post(reverse("portal:figures-edit", args=[99999]), FIGURES).status_code == 404
    assert client.post(f"/figures/{'9' * 30}/", FIGURES).status_code == 404
    assert snapshot() == before


def test_portal_what_if_form(client, firm_user):
    client.force_login(firm_user)
    base = {**FIGURES, "year": str(LAST_YEAR)}
    cases = [
        *bad(base, "year", [str(THIS_YEAR + 1), "abc", HUGE]),
        *bad(base, "operating_revenue", ["-1", "1e400", "NaN"]),
        *bad(base, "employees", ["-1", "1.5"]),
        ("rd_staff", {**base, "rd_staff": "151"}),
    ]
    assert run_table(lambda data: client.post(reverse("portal:self-check"), data), cases) == []


def test_portal_attestation_form(client, firm_user):
    client.force_login(firm_user)

    def send(data):
        data = dict(data)
        if data.get("evidence") == "pdf":
            data["evidence"] = SimpleUploadedFile("a.pdf", PDF)
        elif data.get("evidence") == "exe":
            data["evidence"] = SimpleUploadedFile("a.pdf", b"MZ\x90\x00")
        return client.post(reverse("portal:attestations"), data)

    base = {"code": "own_brand", "evidence": "pdf", "note": ""}
    cases = [
        *bad(base, "code", ["bribery", "", HUGE]),
        *bad(base, "note", ["x" * 2001, "nul\x00"]),
        ("evidence", {"code": "own_brand"}),
        ("evidence", {**base, "evidence": "exe"}),
        ("evidence", {**base, "evidence": "not a file"}),
    ]
    assert run_table(send, cases) == []


def test_portal_apply_form(client, firm_user):
    client.force_login(firm_user)
    base = {"tier": "innovative_sme", "kind": "new"}
    cases = [*bad(base, "tier", ["emperor", "", HUGE]), *bad(base, "kind", ["forever", ""])]
    assert run_table(lambda data: client.post(reverse("portal:apply"), data), cases) == []


def test_portal_application_act(client, firm_user, draft):
    client.force_login(firm_user)
    url = reverse("portal:application-act", args=[draft.pk])
    cases = [
        *bad({"action": "withdraw"}, "reason", ["x" * 4001, "nul\x00"]),
        *[("notice", {"action": value}) for value in ["fly", "", HUGE]],  # not an action: a notice
        *bad({"action": "withdraw"}, "score", ["-1", "101", "abc"]),
    ]
    assert run_table(lambda data: client.post(url, data), cases) == []
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_staff_act_and_assign(client, draft, firm_user):
    submitted = application_transition(application=draft, action="submit", actor=firm_user)
    caseworker = UserFactory(username="cw", roles=["caseworker"], district=district("500112"))
    client.force_login(caseworker)
    act = reverse("portal:staff-application-act", args=[submitted.pk])
    cases = [
        ("reason", {"action": "return", "reason": ""}),  # returning needs a reason
        ("reason", {"action": "return", "reason": "x" * 4001}),
        *[("notice", {"action": value}) for value in ["fly", HUGE]],
        ("notice", {"action": "terminate", "reason": "伪造"}),  # a service-only row: nobody's to post
    ]
    assert run_table(lambda data: client.post(act, data), cases) == []
    application_transition(application=submitted, action="accept", actor=caseworker)
    application_transition(application=submitted, action="recommend", actor=caseworker)  # city review
    expert = UserFactory(username="expert", roles=["reviewer"])
    city = UserFactory(username="city-cw", roles=["caseworker"])
    client.force_login(city)
    assign = reverse("portal:staff-assign", args=[submitted.pk])
    cases = [
        *bad({"due_at": "2030-01-01"}, "reviewers", [["999999"], ["abc"], [HUGE]]),
        *bad(
            {"reviewers": [str(expert.pk)]},
            "due_at",
            ["2020-01-01", *[v for v in BAD_DATES if isinstance(v, str) and v != TOMORROW]],
        ),
    ]
    assert run_table(lambda data: client.post(assign, data), cases) == []


def test_inbox_preferences_form(client, firm_user):
    client.force_login(firm_user)
    cases = bad({}, "email", ["hourly", "", HUGE, "nul\x00"])
    assert run_table(lambda data: client.post(reverse("portal:inbox-preferences"), data), cases) == []


def test_sign_in_form(client, firm_user):
    cases = [
        ("__all__", {"username": HUGE, "password": "x"}),  # "enter a correct username and password"
        ("password", {"username": "firm-a"}),
        ("username", {"password": "x"}),
        ("username", {"username": "nul\x00", "password": "x"}),
    ]
    assert run_table(lambda data: client.post(reverse("login"), data), cases, ok_status=200) == []


FIRM_ADMIN = {
    "credit_code": "",
    "name": "重庆新建科技有限公司",
    "district": "",
    "founded_on": "2018-05-01",
    "niche_since": "2019",
    "sector": "industry",
}


def management_forms(client, url: str) -> dict:
    """The inline formsets' management fields of an admin add page, as the page itself sends them."""
    page = client.get(url).text
    return dict(
        re.findall(r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d+)"', page)
    )


def test_admin_firm_form(client, superuser, firm):
    client.force_login(superuser)
    url = "/admin/registry/firm/add/"
    base = {
        **FIRM_ADMIN,
        **management_forms(client, url),
        "credit_code": make_code("91500112MA0000009"),
        "district": str(firm.district_id),
    }
    cases = [
        *bad(base, "credit_code", [v for v in BAD_CODES if isinstance(v, str)][:6]),
        *bad(base, "name", ["", HUGE, "nul\x00"]),
        *bad(base, "district", ["999999"]),
        *bad(base, "founded_on", ["2025-13-40", TOMORROW, HUGE]),
        *bad(base, "niche_since", ["soon", "1900", "2017", str(THIS_YEAR + 1), "9" * 20]),
        *bad(base, "sector", ["mining"]),
        *bad(base, "contact_email", ["not-an-email"]),
        *bad(base, "change_reason", ["x" * 101]),
        ("credit_code", {**base, "credit_code": firm.credit_code}),  # already registered
    ]
    assert run_table(lambda data: client.post(url, data), cases, ok_status=200) == []


def test_admin_figures_form(client, superuser, firm):
    client.force_login(superuser)
    base = {**FIGURES, "firm": str(firm.pk), "year": str(LAST_YEAR - 4)}
    cases = [
        *bad(base, "firm", ["999999", "abc", ""]),
        *bad(base, "year", [str(THIS_YEAR + 1), "1900", "abc", "9" * 20]),
        *bad(base, "operating_revenue", ["-1", "1e400", "NaN", HUGE]),
        *bad(base, "employees", ["-1", "many"]),
        ("rd_staff", {**base, "rd_staff": "151"}),
        ("__all__", {**base, "year": str(LAST_YEAR)}),  # the firm already has this year
    ]
    url = "/admin/registry/annualfigures/add/"
    assert run_table(lambda data: client.post(url, data), cases, ok_status=200) == []
