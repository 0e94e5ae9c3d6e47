"""Bad input to the admin forms of recognitions, platforms and 技改 projects, and to the project's 推进项目
page: each answer is the form again with an error on the field, never a 500, and nothing changes."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cultivation.models import DigitalRecognition, UpgradeProject
from tests.factories import make_firm

from .corpus import HUGE, THIS_YEAR, TOMORROW
from .test_pages_corpus import bad, run_table

pytestmark = pytest.mark.django_db

LAST_YEAR = THIS_YEAR - 1
NOT_A_PDF = b"MZ\x90\x00 an executable"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def firm(db):
    return make_firm("500112")


def test_admin_recognition_form(client, superuser, firm):
    client.force_login(superuser)
    DigitalRecognition.objects.create(
        firm=firm, site_name="一号车间", level="digital_workshop", year=LAST_YEAR
    )
    base = {"firm": str(firm.pk), "site_name": "二号车间", "level": "smart_factory", "year": str(LAST_YEAR)}
    cases = [
        *bad(base, "firm", ["999999", "abc", ""]),
        *bad(base, "site_name", ["", HUGE, "nul\x00"]),
        *bad(base, "level", ["black_light", ""]),
        *bad(base, "year", [str(THIS_YEAR + 1), "1900", "abc", "9" * 20]),
        *bad(base, "valid_until", ["2025-13-40", f"{LAST_YEAR - 1}-01-01", HUGE]),
        *bad(base, "batch", [HUGE]),
        *bad(base, "note", [HUGE]),
        *bad(base, "change_reason", ["x" * 101]),
        ("__all__", {**base, "site_name": "一号车间", "level": "digital_workshop"}),  # on file already
    ]
    url = "/admin/cultivation/digitalrecognition/add/"
    assert run_table(lambda data: client.post(url, data), cases, ok_status=200) == []
    evidence = {**base, "evidence": SimpleUploadedFile("x.pdf", NOT_A_PDF, "application/pdf")}
    assert run_table(lambda data: client.post(url, data), [("evidence", evidence)], ok_status=200) == []


def test_admin_project_form(client, superuser, firm):
    client.force_login(superuser)
    base = {
        "firm": str(firm.pk),
        "name": "能耗在线监测",
        "kind": "green",
        "investment": "320",
        "planned_start": f"{LAST_YEAR}-03-01",
        "planned_finish": f"{LAST_YEAR}-12-31",
    }
    cases = [
        *bad(base, "name", ["", HUGE, "nul\x00"]),
        *bad(base, "kind", ["magic", ""]),
        *bad(base, "investment", ["0", "-1", "abc", "1e400", "1.234", "9" * 40]),
        *bad(base, "planned_start", ["2025-13-40", "", HUGE]),
        *bad(base, "planned_finish", [f"{LAST_YEAR}-01-01", "tomorrow"]),
    ]
    url = "/admin/cultivation/upgradeproject/add/"
    assert run_table(lambda data: client.post(url, data), cases, ok_status=200) == []


def test_advance_page(client, superuser, firm):
    client.force_login(superuser)
    today = datetime.date.today()
    project = UpgradeProject.objects.create(
        firm=firm,
        name="焊接产线智能化改造",
        kind="intelligent",
        investment="1800",
        planned_start=today - datetime.timedelta(days=100),
        planned_finish=today + datetime.timedelta(days=100),
        status="completed",
        actual_start=today - datetime.timedelta(days=90),
        actual_finish=today - datetime.timedelta(days=5),
    )
    base = {"to": "accepted", "on": str(today), "productivity_change": "58.6"}
    cases = [
        *bad(base, "to", ["under_way", "planned", "", HUGE]),
        *bad(base, "on", ["2025-13-40", TOMORROW, "", HUGE]),
        ("on", {**base, "on": str(today - datetime.timedelta(days=10))}),  # before the finish
        *bad(base, "productivity_change", ["abc", "1001", "-101", "1.23", "1e400"]),
        ("productivity_change", {**base, "productivity_change": ""}),  # acceptance needs it
        *bad(base, "reason", ["x" * 101]),
    ]
    url = f"/admin/cultivation/upgradeproject/{project.pk}/advance/"
    assert run_table(lambda data: client.post(url, data), cases, ok_status=200) == []
    project.refresh_from_db()
    assert project.status == "completed"
