"""Issue 15 items 4, 7 and 10 through the application service.

Item 4: 单项冠军 through the revenue ≥ 4亿 route needs no 小巨人 (the service's ladder check and the scan
read the same ``tiers.missing_prerequisite``); 小巨人 still needs 专精特新.
Item 7: a 复核 is judged as one: the application's kind goes into the facts it is judged on.
Item 10: the 30 April rule: last year's figures filed after 30 April, or not at all, cost this year's 复核.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cultivation.models import Attestation
from cultivation.services import application_transition, create_application, refusals_to_apply
from cultivation.tiers import INNOVATIVE_SME, LITTLE_GIANT, SINGLE_CHAMPION, expiry_for
from cultivation.workflow import Action, Status
from registry.models import AnnualFigures
from tests.factories import FiguresFactory, FirmFactory, designation, eligible_firm, firm_user, today

pytestmark = pytest.mark.django_db

CHAMPION_ATTESTED = (
    "global_top3_share",
    "profitability_above_industry",
    "energy_use_advanced",
    "product_on_market_3y",
)


def manufacturer(main_business_revenue: str):
    """A large manufacturer ten years and more in its field, never an SME, so never a 小巨人."""
    firm = FirmFactory(niche_since=2005, founded_on=datetime.date(2004, 1, 1))
    revenue = Decimal(main_business_revenue)
    for year in range(today().year - 3, today().year):
        AnnualFigures.objects.create(
            firm=firm,
            year=year,
            operating_revenue=revenue + Decimal("2000"),
            main_business_revenue=revenue,
            rd_expense=Decimal("1500"),
            net_profit=Decimal("3000"),
            total_assets=Decimal("60000"),
            total_liabilities=Decimal("20000"),
            employees=2000,
            rd_staff=300,
            class1_ip=20,
            class2_ip=40,
        )
    for code in CHAMPION_ATTESTED:  # decided earlier by a caseworker
        Attestation.objects.create(firm=firm, code=code, status="confirmed", evidence=f"{code}.pdf")
    return firm


def submit(application, actor):
    return application_transition(application=application, action=Action.SUBMIT, actor=actor)


def test_a_4yi_manufacturer_without_little_giant_may_apply_for_single_champion():
    firm = manufacturer("40000")
    user = firm_user(firm)
    assert refusals_to_apply(firm=firm, tier=SINGLE_CHAMPION, kind="new", on=today()) == []
    application = create_application(firm=firm, tier=SINGLE_CHAMPION, actor=user)
    assert submit(application, user).status == Status.SUBMITTED


def test_a_3_99yi_manufacturer_without_little_giant_is_refused_single_champion_with_the_reason():
    firm = manufacturer("39900")
    user = firm_user(firm)
    application = create_application(firm=firm, tier=SINGLE_CHAMPION, actor=user)  # no ladder refusal
    with pytest.raises(ValidationError) as error:
        submit(application, user)
    assert "近3年主营业务收入均值" in " ".join(error.value.messages)
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_little_giant_without_srdi_is_still_refused():
    firm = eligible_firm()
    designation(firm, INNOVATIVE_SME)
    with pytest.raises(ValidationError, match="须先持有有效的“专精特新中小企业”称号"):
        create_application(firm=firm, tier=LITTLE_GIANT, actor=firm_user(firm))


# --- item 7: a 复核 is judged as a 复核 ------------------------------------------------------------------


def renewable(firm):
    """The firm holds 创新型, expiring in four months: its 复核 window is open."""
    expires = today() + datetime.timedelta(days=120)
    granted = expires.replace(year=expires.year - 3) + datetime.timedelta(days=1)
    assert expiry_for(INNOVATIVE_SME, granted) == expires
    return designation(firm, INNOVATIVE_SME, granted_on=granted)


def test_a_renewal_is_submitted_and_snapshotted_as_a_renewal():
    firm = eligible_firm()
    renewable(firm)
    user = firm_user(firm)
    application = create_application(firm=firm, tier=INNOVATIVE_SME, kind="renewal", actor=user)
    submitted = submit(application, user)
    assert submitted.snapshot["facts"]["application_kind"] == "renewal"
    assert submitted.snapshot["report"]["tiers"][INNOVATIVE_SME]["application_kind"] == "renewal"


def test_a_new_application_is_snapshotted_as_new():
    firm = eligible_firm()
    user = firm_user(firm)
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=user)
    assert submit(application, user).snapshot["facts"]["application_kind"] == "new"


# --- item 10: the 30 April rule ---------------------------------------------------------------------------

ON = datetime.date(2026, 6, 1)  # a 复核 filed in June 2026 needs the 2025 figures filed by 2026-04-30


def renewal_refusals(firm):
    return refusals_to_apply(firm=firm, tier=INNOVATIVE_SME, kind="renewal", on=ON)


def firm_renewing_in_june_2026(filed_2025_on: datetime.date | None):
    """A 创新型 granted 2023-09-01 (expires 2026-08-31: its 复核 window opened on 2026-02-28)."""
    firm = FirmFactory()
    designation(firm, INNOVATIVE_SME, granted_on=datetime.date(2023, 9, 1))
    FiguresFactory(firm=firm, year=2024, filed_on=datetime.date(2025, 3, 1))
    if filed_2025_on is not None:
        FiguresFactory(firm=firm, year=2025, filed_on=filed_2025_on)  # the day first filed
    return firm


def test_figures_filed_on_30_april_keep_the_renewal():
    assert renewal_refusals(firm_renewing_in_june_2026(datetime.date(2026, 4, 30))) == []


def test_figures_filed_on_1_may_lose_this_years_renewal_with_the_reason():
    assert renewal_refusals(firm_renewing_in_june_2026(datetime.date(2026, 5, 1))) == [
        "上年度（2025 年度）数据未在 2026-04-30 前报送（实际报送：2026-05-01），本年度不能申请复核。"
    ]


def test_figures_never_filed_lose_this_years_renewal_with_the_reason():
    assert renewal_refusals(firm_renewing_in_june_2026(None)) == [
        "上年度（2025 年度）数据未在 2026-04-30 前报送（实际报送：未报送），本年度不能申请复核。"
    ]


def test_before_1_may_the_deadline_has_not_passed_yet():
    firm = firm_renewing_in_june_2026(None)
    assert (
        refusals_to_apply(firm=firm, tier=INNOVATIVE_SME, kind="renewal", on=datetime.date(2026, 4, 30)) == []
    )
