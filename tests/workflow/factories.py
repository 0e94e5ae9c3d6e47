"""Builders for workflow tests: eligible firms, the people who act, and applications in any stage.

``application_in`` puts an application straight into a stage (rows written directly, as a fixture),
for permission tests that need one stage at a time; path tests walk the real service instead.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from cultivation.models import Application, Designation, Objection, Review, ReviewAssignment
from cultivation.tiers import INNOVATIVE_SME, expiry_for
from cultivation.workflow import Status
from registry.models import AnnualFigures
from tests.factories import FirmFactory, UserFactory, district, on_time

YUBEI, JIANGBEI = "500112", "500105"


def today() -> datetime.date:
    return timezone.localdate()


def figures(firm, year: int, revenue: str) -> AnnualFigures:
    """A year of figures that meets the 创新型 bars comfortably (R&D 5%, main business 90%)."""
    revenue_d = Decimal(revenue)
    return AnnualFigures.objects.create(
        firm=firm,
        year=year,
        operating_revenue=revenue_d,
        main_business_revenue=revenue_d * Decimal("0.9"),
        rd_expense=revenue_d * Decimal("0.05"),
        net_profit=revenue_d * Decimal("0.08"),
        total_assets=Decimal("9000"),
        total_liabilities=Decimal("4000"),
        employees=150,
        rd_staff=30,
        class1_ip=3,
        class2_ip=8,
        filed_on=on_time(year),  # in time for the 30 April rule (P9)
    )


def eligible_firm(district_code: str = YUBEI, **kwargs):
    """A firm eligible for 创新型中小企业 under the rule set in force today."""
    firm = FirmFactory(district=district(district_code), strategic_emerging=True, **kwargs)
    last = today().year - 1
    for offset, revenue in enumerate(("9200", "8000", "7000")):
        figures(firm, last - offset, revenue)
    return firm


def firm_user(firm, name: str | None = None):
    return UserFactory(username=name or f"firm-{firm.pk}", roles=["firm"], firm=firm)


def caseworker(district_code: str | None = None, name: str | None = None):
    """A caseworker of a district, or city-level when ``district_code`` is None."""
    name = name or f"cw-{district_code or 'city'}"
    area = district(district_code) if district_code else None
    return UserFactory(username=name, roles=["caseworker"], district=area, is_staff=True)


def reviewer(district_code: str | None = None, name: str | None = None):
    name = name or f"expert-{district_code or 'city'}"
    area = district(district_code) if district_code else None
    return UserFactory(username=name, roles=["reviewer"], district=area, is_staff=True)


def designation(firm, tier: str = INNOVATIVE_SME, granted_on: datetime.date | None = None, **kwargs):
    granted_on = granted_on or today() - datetime.timedelta(days=400)
    return Designation.objects.create(
        firm=firm, tier=tier, granted_on=granted_on, expires_on=expiry_for(tier, granted_on), **kwargs
    )


def application_in(status: str, firm=None, *, tier: str = INNOVATIVE_SME, reviewers=(), reviewed=False):
    """An application placed directly in ``status`` with what that stage implies.

    City review comes with the given experts assigned (and their reviews when ``reviewed``); a
    notice with dates around today; a paused notice with an open objection.
    """
    firm = firm or eligible_firm()
    submitted = status != Status.DRAFT
    application = Application.objects.create(
        firm=firm,
        tier=tier,
        status=status,
        revision=1 if submitted else 0,
        submitted_at=timezone.now() if submitted else None,
    )
    for expert in reviewers:
        assignment = ReviewAssignment.objects.create(
            application=application, reviewer=expert, due_at=today() + datetime.timedelta(days=7)
        )
        if reviewed:
            Review.objects.create(assignment=assignment, revision=1, score=80, recommendation="approve")
    if status in (Status.PUBLIC_NOTICE, Status.NOTICE_PAUSED):
        Application.objects.filter(pk=application.pk).update(
            notice_starts_on=today() - datetime.timedelta(days=2),
            notice_ends_on=today() + datetime.timedelta(days=5),
            notice_paused_on=today() if status == Status.NOTICE_PAUSED else None,
        )
        application.refresh_from_db()
    if status == Status.NOTICE_PAUSED:
        Objection.objects.create(application=application, text="对研发费用真实性有异议")
    return application
