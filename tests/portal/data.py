"""Test data shared by the portal and browser tests: a firm that qualifies for 创新型中小企业."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from cultivation.demo import DEMO_FIGURES
from registry.models import Firm
from tests.factories import FiguresFactory, FirmFactory

CENT = Decimal("0.01")


def qualifying_firm(**kwargs) -> Firm:
    """A growing, R&D-intensive manufacturer (the demo firm's profile): eligible for innovative_sme."""
    attrs = {"strategic_emerging": True, "founded_on": datetime.date(2014, 5, 20), "niche_since": 2015}
    firm = FirmFactory(**{**attrs, **kwargs})
    last_year = timezone.localdate().year - 1
    for offset, revenue, main, rd, ip1 in DEMO_FIGURES:
        amount = Decimal(revenue)
        FiguresFactory(
            firm=firm,
            year=last_year + offset,
            operating_revenue=amount,
            main_business_revenue=Decimal(main),
            rd_expense=Decimal(rd),
            net_profit=(amount * Decimal("0.09")).quantize(CENT),
            total_assets=(amount * Decimal("1.2")).quantize(CENT),
            total_liabilities=(amount * Decimal("0.5")).quantize(CENT),
            employees=180,
            rd_staff=42,
            class1_ip=ip1,
            class2_ip=11,
            audited=True,
        )
    return firm
