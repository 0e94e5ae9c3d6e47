"""Issue 15 items 7 and 10 on the portal: the self-check judges held tiers as a 复核 and says why a 复核
cannot be filed (the 30 April rule); the figures write path records the day a year was first filed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cultivation.models import Designation
from cultivation.rules.deadlines import figures_due_on, overdue_fiscal_year
from cultivation.tiers import INNOVATIVE_SME, expiry_for
from registry.models import AnnualFigures

from .test_figures import posted

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1


def hold_renewable(firm) -> Designation:
    """创新型 expiring in four months: the 复核 window is open today."""
    expires = TODAY + datetime.timedelta(days=120)
    granted = expires.replace(year=expires.year - 3) + datetime.timedelta(days=1)
    assert expiry_for(INNOVATIVE_SME, granted) == expires
    return Designation.objects.create(firm=firm, tier=INNOVATIVE_SME, granted_on=granted, expires_on=expires)


def test_a_year_entered_on_the_portal_is_stamped_filed_today_and_a_correction_keeps_the_day(
    firm_client, firm
):
    year = LAST_YEAR - 4
    template = firm.figures.get(year=LAST_YEAR)
    url = reverse("portal:figures-edit", args=[year])
    assert firm_client.post(url, posted(template)).status_code == 302
    row = firm.figures.get(year=year)
    assert row.filed_on == TODAY
    AnnualFigures.objects.filter(pk=row.pk).update(filed_on=datetime.date(2020, 4, 1))  # filed long ago
    assert firm_client.post(url, posted(row, employees=91)).status_code == 302
    row.refresh_from_db()
    assert row.employees == 91 and row.filed_on == datetime.date(2020, 4, 1)


def test_the_self_check_judges_a_held_tier_as_a_renewal(firm_client, firm):
    hold_renewable(firm)
    page = firm_client.get(reverse("portal:self-check")).content.decode()
    assert "按复核评估" in page
    assert "已持有称号的复核" in page


def test_the_self_check_says_why_a_late_filer_cannot_renew(firm_client, firm):
    hold_renewable(firm)
    AnnualFigures.objects.filter(firm=firm, year=LAST_YEAR).update(filed_on=figures_due_on(LAST_YEAR))
    page = firm_client.get(reverse("portal:self-check")).content.decode()
    assert "本年度不能申请复核" not in page and "今天可以申请复核" in page

    late = figures_due_on(LAST_YEAR) + datetime.timedelta(days=1)
    AnnualFigures.objects.filter(firm=firm, year=LAST_YEAR).update(filed_on=late)
    page = firm_client.get(reverse("portal:self-check")).content.decode()
    if overdue_fiscal_year(TODAY) is None:  # January to April: the deadline has not passed yet
        assert "今天可以申请复核" in page
    else:
        assert f"实际报送：{late.isoformat()}" in page and "本年度不能申请复核" in page
