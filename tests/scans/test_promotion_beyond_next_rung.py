"""Issue 15 item 4 (P6 revised): the promotion scan flags every tier a firm meets and may apply for.

A 独角兽 that never was a 瞪羚 is flagged for 独角兽; a manufacturer with 4亿 of main-business revenue
and no 小巨人 is flagged for 单项冠军 (3.99亿 is not); 小巨人 is never judged without 专精特新. One
alert per firm, tier and year, as before.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cultivation.models import Attestation
from cultivation.models.alerts import Alert
from cultivation.scanning import Chunk, ScanKind, firm_id_ranges
from cultivation.scans import SCANS
from tests.factories import FiguresFactory, FirmFactory

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 30)
D = Decimal


def run(as_of: datetime.date = AS_OF) -> int:
    scan = SCANS[ScanKind.PROMOTION_DUE]
    return sum(scan.judge(Chunk.between(as_of, low, high)).acted for low, high in firm_id_ranges(50))


def flagged(firm) -> set[str]:
    return set(Alert.objects.filter(kind="promotion_due", firm=firm).values_list("tier", flat=True))


def unicorn_firm():
    """Founded 2020, valued at 20亿 USD with 1亿 USD raised, unlisted, in a 33618 cluster; small revenue."""
    firm = FirmFactory(founded_on=datetime.date(2020, 3, 1))
    FiguresFactory(
        firm=firm,
        year=2025,
        valuation_usd_m=D("2000"),
        cumulative_financing_usd_m=D("100"),
        rd_expense=D("1"),
    )
    return firm


def manufacturer(main_business_revenue: str):
    firm = FirmFactory(niche_since=2005, founded_on=datetime.date(2004, 1, 1))
    for year in (2023, 2024, 2025):
        FiguresFactory(
            firm=firm,
            year=year,
            operating_revenue=D(main_business_revenue) + D("2000"),
            main_business_revenue=D(main_business_revenue),
            employees=2000,
            rd_staff=300,
            total_assets=D("60000"),
            total_liabilities=D("20000"),
        )
    for code in (
        "global_top3_share",
        "profitability_above_industry",
        "energy_use_advanced",
        "product_on_market_3y",
    ):
        Attestation.objects.create(firm=firm, code=code, status="confirmed", evidence=f"{code}.pdf")
    return firm


def test_a_unicorn_that_never_was_a_gazelle_is_flagged_for_unicorn_once_a_year():
    firm = unicorn_firm()
    run()
    assert "unicorn" in flagged(firm)
    assert "gazelle" not in flagged(firm)
    count = Alert.objects.count()
    assert run() == 0 and Alert.objects.count() == count  # one alert per firm, tier and year


def test_a_4yi_manufacturer_without_little_giant_is_flagged_for_single_champion():
    firm = manufacturer("40000")
    run()
    assert "single_champion" in flagged(firm)


def test_a_3_99yi_manufacturer_without_little_giant_is_not():
    firm = manufacturer("39900")
    run()
    assert "single_champion" not in flagged(firm)
