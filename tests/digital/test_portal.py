"""The firm's home shows its own recognitions, platforms and 技改 projects, and nobody else's."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cultivation.models import DigitalRecognition, IndustryBrain, UpgradeProject
from tests.factories import firm_user, make_firm

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_the_home_shows_the_firms_own_digital_records(client):
    firm, other = make_firm("500112"), make_firm("500103")
    DigitalRecognition.objects.create(firm=firm, site_name="一号车间", level="digital_workshop", year=2022)
    DigitalRecognition.objects.create(firm=firm, site_name="一号车间", level="smart_factory", year=2024)
    DigitalRecognition.objects.create(
        firm=other, site_name="别家的未来工厂", level="future_factory", year=2024
    )
    IndustryBrain.objects.create(name="智能装备行业产业大脑", industry="智能装备", firm=firm, year=2024)
    UpgradeProject.objects.create(
        firm=firm,
        name="焊接产线智能化改造",
        kind="intelligent",
        investment=Decimal("1800"),
        planned_start=TODAY - datetime.timedelta(days=300),
        planned_finish=TODAY - datetime.timedelta(days=3),
    )
    UpgradeProject.objects.create(
        firm=other,
        name="别家的技改",
        kind="green",
        investment=Decimal("10"),
        planned_start=TODAY,
        planned_finish=TODAY,
    )
    client.force_login(firm_user(firm))
    page = client.get("/").content.decode()
    assert "数字化认定" in page and "一号车间" in page and "智能工厂" in page
    assert "该场所已获更高等级认定" in page  # the superseded workshop is shown as such
    assert "智能装备行业产业大脑" in page
    assert "焊接产线智能化改造" in page and "已逾期" in page
    assert "别家" not in page


def test_the_home_without_records_says_who_records_them(client):
    firm = make_firm()
    client.force_login(firm_user(firm))
    page = client.get("/").content.decode()
    assert "认定结果由经办人录入" in page and "项目由经办人录入并跟进" in page


def test_the_digital_sections_cost_the_same_queries_for_any_number_of_records(client):
    firm = make_firm()
    user = firm_user(firm)
    client.force_login(user)
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    for n in range(5):
        DigitalRecognition.objects.create(
            firm=firm, site_name=f"车间{n}", level="digital_workshop", year=2024
        )
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    assert len(after) == len(before)
