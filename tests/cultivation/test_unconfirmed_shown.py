"""Unconfirmed rules are shown as such on the screens people read (issue 15, items 8 and 11).

The admin's rule-set page gives a provisional criterion's reason; the portal's self-check marks it 待核实
and names the base rung as the programme calls it on the day (科技和创新型中小企业 from 2026-04-01).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cultivation.models import RuleSet
from cultivation.rules import CN_2022
from cultivation.tiers import INNOVATIVE_SME, SINGLE_CHAMPION, label_on
from tests.factories import FiguresFactory, FirmFactory, UserFactory

pytestmark = pytest.mark.django_db

PRODUCT_YEARS = CN_2022.tiers[SINGLE_CHAMPION].criterion("product_on_market")


def test_admin_rule_set_page_gives_the_reason_of_a_provisional_criterion(client, caseworker):
    client.force_login(caseworker)
    record = RuleSet.objects.get(code="CN-2022")
    page = client.get(f"/admin/cultivation/ruleset/{record.pk}/change/").content.decode()
    assert "product_on_market" in page
    assert escape(PRODUCT_YEARS.note) in page
    assert f"(待核实：{escape(PRODUCT_YEARS.provisional_reason)})" in page
    floor = CN_2022.tiers[SINGLE_CHAMPION].criterion("main_business_revenue_mean")
    assert escape(floor.note) in page
    settled = CN_2022.tiers[SINGLE_CHAMPION].criterion("global_top3")
    assert settled.note == "" and not settled.provisional


def test_portal_self_check_marks_unconfirmed_criteria_and_names_the_base_rung_of_the_day(client):
    firm = FirmFactory()
    FiguresFactory(firm=firm, year=timezone.localdate().year - 1)
    client.force_login(UserFactory(roles=["firm"], firm=firm))
    page = client.get(reverse("portal:self-check")).content.decode()
    marked = (
        re.escape(PRODUCT_YEARS.label)
        + r"\s*<small[^>]*>\(待核实："
        + re.escape(PRODUCT_YEARS.provisional_reason)
    )
    assert re.search(marked, page)
    assert str(label_on(INNOVATIVE_SME, timezone.localdate())) in page
