"""Impact reports, one hand-worked case per tier (issue 16, "How well / Correct").

Each test builds a few firms by hand whose facts sit just either side of one numeric threshold of one
tier, derives a draft that moves that threshold, runs the report and checks, against numbers worked
out here by hand, exactly which firms (by credit code) the tier gains or loses, that the deciding
criterion is the moved one, and the tier's counts: eligible under A and B, gained, lost, unchanged and
lost-while-held (their 复核 would fail). Every firm is on the register as the suite writes firms
(``tests.factories``); attested conditions are claimed and confirmed through the attestation
services; the rule sets are the shipped ones (A is the set in force today: CN-2026 and CQ-2024).
创新型 and the hard-tech pool have theirs in ``test_impact.py``; every other tier is covered here.

"Exactly on a threshold meets it" (docs/RULES.md), so the firm at the new bar stays or comes in and
the one a cent (or 0.01 percentage point) short does not.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cultivation.impact import Impact, impact, versions
from cultivation.models import RuleSet
from cultivation.rules.evaluator import evaluate
from cultivation.rules.status import MET
from cultivation.selectors import facts_for_firm
from cultivation.services import claim_attestation, decide_attestation, derive_rule_set
from cultivation.tiers import (
    GAZELLE,
    INNOVATIVE_SME,
    LITTLE_GIANT,
    POTENTIAL_UNICORN,
    SINGLE_CHAMPION,
    SRDI_SME,
    UNICORN,
)
from registry.models import Firm
from tests.factories import EVIDENCE_PDF, add_figures, designation, make_firm, today

pytestmark = pytest.mark.django_db

LAST = today().year - 1  # the last fiscal year completed: the one "上年度" criteria read


def draft(superuser, base: str, path: str, param: str, value: str) -> str:
    """A draft derived from ``base`` with one threshold moved: version B of the report."""
    record = derive_rule_set(
        base=RuleSet.objects.get(code=base),
        code=f"D-{path.split('.')[0]}",
        effective_from=datetime.date(2030, 1, 1),
        overrides={path: {param: value}},
        draft=True,
        actor=superuser,
    )
    return record.code


def attest(firm: Firm, codes: Iterable[str], confirmer) -> None:
    """Claim each attested condition with evidence and have ``confirmer`` confirm it (the services)."""
    for code in codes:
        evidence = SimpleUploadedFile(f"{code}.pdf", EVIDENCE_PDF)
        claim = claim_attestation(firm=firm, code=code, evidence=evidence, actor=confirmer)
        decide_attestation(attestation=claim, confirm=True, actor=confirmer)


def on_register(years: dict[int, dict], *, holds=(), attested=(), confirmer=None, **fields) -> Firm:
    """A 渝北 firm (cluster 智能装备, a "33618" cluster) with the given figures per fiscal year, the
    tiers it holds today (granted 400 days ago, still valid) and its confirmed attestations."""
    firm = make_firm(**fields)
    for year, figures in years.items():
        add_figures(firm, year, **figures)
    for tier in holds:
        designation(firm, tier)
    attest(firm, attested, confirmer)
    return firm


def assert_flips(found: Impact, tier: str, criterion: str, counts: dict, gained=(), lost=(), held=()):
    """The tier's counts are ``counts``; exactly ``gained`` and ``lost`` change (by credit code), each
    decided by ``criterion``; ``held`` are the lost ones that hold it today; no other tier moves."""
    assert found.tiers[tier].as_dict() == counts
    rows = [row for row in found.changes if row["tier"] == tier]
    assert {row["credit_code"] for row in rows if row["b"]} == {firm.credit_code for firm in gained}
    assert {row["credit_code"] for row in rows if row["a"]} == {firm.credit_code for firm in lost}
    assert {row["credit_code"] for row in rows if row["held"]} == {firm.credit_code for firm in held}
    assert {row["criterion"] for row in rows} == {criterion}
    assert all(row["a"] != row["b"] for row in rows)
    assert found.changed == len(rows) == len(gained) + len(lost)
    assert all(t.gained == t.lost == 0 for name, t in found.tiers.items() if name != tier)


def fails_under_both(firm: Firm, tier: str, code: str, criterion: str) -> bool:
    """The firm (holding nothing of ``tier``) is judged "no" for it under A and under B, with
    ``criterion`` among the criteria it does not meet: it is in neither count, for that reason.

    Read the firm page's way (``facts_for_firm``), not the report's; B through ``versions`` since a
    draft is in no self-check."""
    facts = facts_for_firm(firm, today())
    for rules in (versions(today(), None), versions(today(), code)):
        report = evaluate(facts, rules, [tier]).tiers[tier]
        if report.eligible is not False or criterion not in {
            c.code for c in report.criteria if c.status != MET
        }:
            return False
    return True


def counts(a: int, b: int, gained: int, lost: int, unchanged: int, lost_held: int) -> dict[str, int]:
    return {"a": a, "b": b, "gained": gained, "lost": lost, "unchanged": unchanged, "lost_held": lost_held}


# --- 专精特新中小企业: last year's R&D 100万 → 400万 (stricter) ------------------------------------------


def srdi_candidate(rd_last_year: str, holds: tuple[str, ...], confirmer) -> Firm:
    """The demo profile (revenue 5200/6100/7300万, in its niche since 2015) with last year's R&D
    ``rd_last_year`` (400万 is 5.48% of 7300, well over the 3% intensity bar), through the 专精特新
    direct route (a top-ranked provincial S&T award) so the score does not enter;
    the ladder asks it to hold 创新型."""
    years = {
        LAST - 2: {"revenue": "5200", "main_business_revenue": Decimal("4700"), "rd_expense": Decimal("300")},
        LAST - 1: {"revenue": "6100", "main_business_revenue": Decimal("5500"), "rd_expense": Decimal("360")},
        LAST: {
            "revenue": "7300",
            "main_business_revenue": Decimal("6650"),
            "rd_expense": Decimal(rd_last_year),
        },
    }
    for figures in years.values():
        figures.update(employees=180, rd_staff=42, class1_ip=4)
    return on_register(
        years, holds=holds, attested=["st_award_top_ranked"], confirmer=confirmer, niche_since=2015
    )


def test_srdi_a_400wan_rd_bar_drops_the_firms_a_cent_short_and_fails_a_holders_review(superuser):
    # R&D 400.00 (5.48% of 7300) meets both 100 and 400; 399.99 meets 100, not 400.
    at_bar = srdi_candidate("400.00", (INNOVATIVE_SME, SRDI_SME), superuser)  # held, kept
    holder_short = srdi_candidate("399.99", (INNOVATIVE_SME, SRDI_SME), superuser)  # held, lost: 复核 fails
    newcomer_short = srdi_candidate("399.99", (INNOVATIVE_SME,), superuser)  # new, lost
    off_ladder = srdi_candidate("500.00", (), superuser)  # over both bars, but holds no 创新型: in neither
    code = draft(superuser, "CN-2026", "srdi_sme.c2_rd_expense", "threshold", "400")

    found = impact(code, as_of=today())
    # A: at_bar, holder_short, newcomer_short = 3; B: at_bar = 1; lost 2, one of them a holder.
    assert_flips(
        found,
        SRDI_SME,
        "c2_rd_expense",
        counts(a=3, b=1, gained=0, lost=2, unchanged=1, lost_held=1),
        lost=[holder_short, newcomer_short],
        held=[holder_short],
    )
    assert fails_under_both(off_ladder, SRDI_SME, code, "prerequisite")
    assert at_bar.credit_code not in {row["credit_code"] for row in found.changes}


# --- 专精特新"小巨人": last year's revenue 5000万 → 8000万 (stricter) -------------------------------------


LITTLE_GIANT_ATTESTED = ("niche_share_10", "key_chain_product", "srdi_evaluation_60")


def little_giant_candidate(revenue_last_year: str, holds: tuple[str, ...], confirmer) -> Firm:
    """A 专精特新 firm meeting the seven 2026 indicators: revenue 7000/7500万 then ``revenue_last_year``
    (2-year CAGR ≥ 5%: 7000 × 1.05² = 7717.5), main business 95%, R&D 600 + 640 = 1240万 over two
    years at 8% each, debt 50%, four Ⅰ类 IP, and the three attested indicators confirmed."""
    years = {}
    rows = ((LAST - 2, "7000", "560"), (LAST - 1, "7500", "600"), (LAST, revenue_last_year, "640"))
    for year, revenue, rd in rows:
        amount = Decimal(revenue)
        years[year] = {
            "operating_revenue": amount,
            "main_business_revenue": (amount * Decimal("0.95")).quantize(Decimal("0.01")),
            "rd_expense": Decimal(rd),
            "net_profit": Decimal("800"),
            "total_assets": Decimal("10000"),
            "total_liabilities": Decimal("5000"),
            "employees": 300,
            "rd_staff": 60,
            "class1_ip": 4,
        }
    return on_register(
        years, holds=holds, attested=LITTLE_GIANT_ATTESTED, confirmer=confirmer, niche_since=2015
    )


def test_little_giant_an_8000wan_revenue_bar_drops_the_firms_a_cent_short(superuser):
    # Last year's revenue 8000.00 meets 5000 and 8000; 7999.99 meets 5000 only.
    at_bar = little_giant_candidate("8000.00", (SRDI_SME, LITTLE_GIANT), superuser)  # held, kept
    holder_short = little_giant_candidate("7999.99", (SRDI_SME, LITTLE_GIANT), superuser)  # held, lost
    newcomer_short = little_giant_candidate("7999.99", (SRDI_SME,), superuser)  # new, lost
    code = draft(superuser, "CN-2026", "little_giant.operating_revenue", "threshold", "8000")

    found = impact(code, as_of=today())
    # A: all three; B: at_bar only; the 小巨人 holder a cent short would fail its 复核.
    assert_flips(
        found,
        LITTLE_GIANT,
        "operating_revenue",
        counts(a=3, b=1, gained=0, lost=2, unchanged=1, lost_held=1),
        lost=[holder_short, newcomer_short],
        held=[holder_short],
    )
    assert at_bar.credit_code not in {row["credit_code"] for row in found.changes}


# --- 制造业单项冠军: 3-year mean main-business revenue 4亿 → 3.9亿 (looser) --------------------------------


CHAMPION_ATTESTED = (
    "global_top3_share",
    "profitability_above_industry",
    "energy_use_advanced",
    "product_on_market_3y",
)


def champion_candidate(main_business: tuple[str, str, str], holds: tuple[str, ...], confirmer) -> Firm:
    """A large manufacturer twenty years in its field (never an SME, so the 小巨人 route is closed),
    with the four attested conditions confirmed and main-business revenue ``main_business`` over the
    last three years."""
    years = {
        year: {
            "operating_revenue": Decimal(main) + 2000,
            "main_business_revenue": Decimal(main),
            "rd_expense": Decimal("1500"),
            "net_profit": Decimal("3000"),
            "total_assets": Decimal("60000"),
            "total_liabilities": Decimal("20000"),
            "employees": 2000,
            "rd_staff": 300,
            "class1_ip": 20,
        }
        for year, main in zip((LAST - 2, LAST - 1, LAST), main_business, strict=True)
    }
    return on_register(
        years,
        holds=holds,
        attested=CHAMPION_ATTESTED,
        confirmer=confirmer,
        founded_on=datetime.date(2004, 1, 1),
        niche_since=2005,
    )


def test_single_champion_a_39000wan_mean_bar_brings_in_the_firm_on_it_only(superuser):
    holder = champion_candidate(("40000", "40000", "40000"), (SINGLE_CHAMPION,), superuser)  # mean 40000
    on_new_bar = champion_candidate(("38000", "39000", "40000"), (), superuser)  # mean 39000.00: gained
    short = champion_candidate(("38000", "39000", "39999.97"), (), superuser)  # mean 38999.99: in neither
    code = draft(superuser, "CN-2026", "single_champion.main_business_revenue_mean", "threshold", "39000")

    found = impact(code, as_of=today())
    # A: holder = 1; B: holder and on_new_bar = 2; a looser bar loses no one.
    assert_flips(
        found,
        SINGLE_CHAMPION,
        "main_business_revenue_mean",
        counts(a=1, b=2, gained=1, lost=0, unchanged=1, lost_held=0),
        gained=[on_new_bar],
    )
    assert holder.credit_code not in {row["credit_code"] for row in found.changes}
    assert fails_under_both(short, SINGLE_CHAMPION, code, "main_business_revenue_mean")


# --- 瞪羚: R&D intensity in each of the last 3 years 3% → 5% (stricter) ------------------------------------


def gazelle_candidate(rd_first_of_three: str, holds: tuple[str, ...]) -> Firm:
    """Revenue 2000 → 2800 → 3600 → 4500万 over four years (start band 1000万+: 2000 × 1.3³ = 4394 ≤
    4500, growing last year), one Ⅰ类 IP, R&D 5% of revenue in the last two years and
    ``rd_first_of_three`` in the first of the last three (of 2800万)."""
    revenue = {LAST - 3: "2000", LAST - 2: "2800", LAST - 1: "3600", LAST: "4500"}
    rd = {LAST - 3: "100", LAST - 2: rd_first_of_three, LAST - 1: "180", LAST: "225"}
    years = {
        year: {"revenue": revenue[year], "rd_expense": Decimal(rd[year]), "class1_ip": 1, "employees": 80}
        for year in revenue
    }
    return on_register(years, holds=holds)


def test_gazelle_a_5pct_rd_bar_in_each_year_drops_the_firms_with_one_year_just_under(superuser):
    # 140.00 of 2800 is exactly 5%; 139.72 is 4.99% (over 3%, under 5%).
    at_bar = gazelle_candidate("140.00", (GAZELLE,))  # held, kept
    holder_short = gazelle_candidate("139.72", (GAZELLE,))  # held, lost: its 复核 would fail
    newcomer_short = gazelle_candidate("139.72", ())  # new, lost
    code = draft(superuser, "CQ-2024", "gazelle.rd_intensity_3y", "threshold", "5")

    found = impact(code, as_of=today())
    assert_flips(
        found,
        GAZELLE,
        "rd_intensity_3y",
        counts(a=3, b=1, gained=0, lost=2, unchanged=1, lost_held=1),
        lost=[holder_short, newcomer_short],
        held=[holder_short],
    )
    assert at_bar.credit_code not in {row["credit_code"] for row in found.changes}


# --- 潜在独角兽: latest valuation 1亿美元 → 9000万美元 (looser) ---------------------------------------------


def young_firm(valuation: str, holds: tuple[str, ...], founded: datetime.date, financing: str) -> Firm:
    """An unlisted firm founded on ``founded`` with last year's valuation and cumulative financing
    (million USD) recorded."""
    years = {LAST: {"valuation_usd_m": Decimal(valuation), "cumulative_financing_usd_m": Decimal(financing)}}
    return on_register(years, holds=holds, founded_on=founded, niche_since=founded.year)


def test_potential_unicorn_a_90m_usd_valuation_bar_brings_in_the_firm_on_it_only(superuser):
    founded = datetime.date(2020, 6, 1)  # well within 9 years
    holder = young_firm("100.00", (POTENTIAL_UNICORN,), founded, "20")  # meets 100 and 90
    on_new_bar = young_firm("90.00", (), founded, "20")  # meets 90 only: gained
    short = young_firm("89.99", (), founded, "20")  # meets neither
    code = draft(superuser, "CQ-2024", "potential_unicorn.valuation", "threshold", "90")

    found = impact(code, as_of=today())
    assert_flips(
        found,
        POTENTIAL_UNICORN,
        "valuation",
        counts(a=1, b=2, gained=1, lost=0, unchanged=1, lost_held=0),
        gained=[on_new_bar],
    )
    assert holder.credit_code not in {row["credit_code"] for row in found.changes}
    assert fails_under_both(short, POTENTIAL_UNICORN, code, "valuation")


# --- 独角兽: latest valuation 10亿美元 → 30亿美元 (stricter) -----------------------------------------------


def test_unicorn_a_3bn_usd_valuation_bar_drops_the_firms_just_under_and_fails_a_holders_review(superuser):
    founded = datetime.date(2019, 3, 1)  # within 10 years (and 9: they are potential unicorns too)
    at_bar = young_firm("3000.00", (UNICORN,), founded, "300")  # held, kept
    holder_short = young_firm("2999.99", (UNICORN,), founded, "300")  # held, lost
    newcomer_short = young_firm("2999.99", (), founded, "300")  # new, lost
    code = draft(superuser, "CQ-2024", "unicorn.valuation", "threshold", "3000")

    found = impact(code, as_of=today())
    assert_flips(
        found,
        UNICORN,
        "valuation",
        counts(a=3, b=1, gained=0, lost=2, unchanged=1, lost_held=1),
        lost=[holder_short, newcomer_short],
        held=[holder_short],
    )
    assert at_bar.credit_code not in {row["credit_code"] for row in found.changes}
    # The same three stay potential unicorns under both: that tier's rules did not move.
    assert found.tiers[POTENTIAL_UNICORN].as_dict() == counts(
        a=3, b=3, gained=0, lost=0, unchanged=3, lost_held=0
    )
