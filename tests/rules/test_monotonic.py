"""Property: more R&D or more IP, all else equal, never costs a firm an eligibility it had.

Eligibility is ordered False < None (pending) < True and must not go down. This holds because every
criterion reading R&D expense or IP counts is non-decreasing in them (ratios have revenue or staff as
denominator, never R&D; net profit is its own figure and is held equal), and the pass rules combine
criteria with Kleene AND/OR, which are monotone. Generation keeps R&D expense <= operating revenue and
R&D staff <= employees, as real figures do.

No rule is non-monotone in R&D by policy. Some are in revenue (小巨人 G1 asks 6% of a 5000万-1亿 firm
but only 3% from 1亿, and higher revenue lowers intensity), which is why revenue is held equal here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cultivation.rules import RULE_SETS, Attest, Facts, YearFigures, evaluate
from cultivation.rules.attestations import ATTESTATION_CODES
from cultivation.tiers import TIERS

from .builders import firm

AS_OF = date(2025, 6, 30)
RANK = {False: 0, None: 1, True: 2}


CENT = Decimal("0.01")


def money(high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, high * 100).map(lambda cents: Decimal(cents) / 100)


def share(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """A fraction drawn in basis points, so generated firms often sit near the policy thresholds."""
    return st.integers(low * 100, high * 100).map(lambda bp: Decimal(bp) / 10000)


@st.composite
def year_figures(draw, year: int, revenue: Decimal) -> YearFigures:
    employees = draw(st.integers(1, 1_500))
    assets = (revenue * draw(share(50, 200))).quantize(CENT)
    return YearFigures(
        year,
        operating_revenue=revenue,
        main_business_revenue=(revenue * draw(share(40, 100))).quantize(CENT),
        rd_expense=(revenue * draw(share(0, 12))).quantize(CENT),
        net_profit=(revenue * (draw(share(0, 20)) - Decimal("0.05"))).quantize(CENT),
        total_assets=assets,
        total_liabilities=(assets * draw(share(20, 95))).quantize(CENT),
        employees=employees,
        rd_staff=draw(st.integers(0, employees)),
        class1_ip=draw(st.integers(0, 6)),
        class2_ip=draw(st.integers(0, 6)),
        equity_financing=draw(money(9_000)),
        valuation_usd_m=draw(st.none() | money(2_000)),
        cumulative_financing_usd_m=draw(st.none() | money(100)),
    )


@st.composite
def figures_series(draw) -> list[YearFigures]:
    """Five years of revenue compounding at drawn growth rates (−10%…+60%), a year sometimes missing."""
    revenue = draw(st.integers(20_000, 6_000_000).map(lambda cents: Decimal(cents) / 100))  # 200万–6亿
    series = []
    for year in range(2020, 2025):
        if draw(st.integers(0, 19)) > 0:
            series.append(draw(year_figures(year, revenue)))
        revenue = (revenue * (1 + draw(share(-10, 60)))).quantize(CENT)
    return series


@st.composite
def near_baseline(draw) -> Facts:
    """The builders' strong firm, figures nudged around the bars (3%, 5%, 6% R&D; 70%, 90% share; IP 1-4)."""
    base = firm(
        designations=frozenset(t for t in sorted(TIERS) if draw(st.integers(0, 4)) > 0),
        attested={
            code: Attest.CONFIRMED for code in sorted(ATTESTATION_CODES) if draw(st.integers(0, 9)) > 0
        },
        founded_on=draw(st.dates(date(2014, 1, 1), date(2020, 12, 31))),
        niche_since=draw(st.integers(2012, 2024)),
    )
    years = []
    for figures in base.years.values():
        revenue = (figures.operating_revenue * draw(share(85, 115))).quantize(CENT)
        years.append(
            replace(
                figures,
                operating_revenue=revenue,
                main_business_revenue=(revenue * draw(share(60, 100))).quantize(CENT),
                rd_expense=(revenue * draw(share(2, 8))).quantize(CENT),
                class1_ip=draw(st.integers(0, 5)),
                equity_financing=draw(money(5_000)),
                valuation_usd_m=draw(money(1_500)),
                cumulative_financing_usd_m=draw(money(80)),
            )
        )
    return base.with_changes(years=years)


def facts() -> st.SearchStrategy[Facts]:
    return st.one_of(random_firms(), near_baseline())


@st.composite
def random_firms(draw) -> Facts:
    # Most items confirmed, some claimed, some absent: the attested criteria rarely hide the measurable ones.
    states = st.sampled_from([Attest.CONFIRMED] * 6 + [Attest.CLAIMED, None])
    return Facts(
        as_of=AS_OF,
        founded_on=draw(st.dates(date(2010, 1, 1), date(2024, 12, 31))),
        niche_since=None if draw(st.integers(0, 19)) == 0 else draw(st.integers(2005, 2025)),
        sector=draw(st.sampled_from(["industry", "software"])),
        strategic_emerging=draw(st.booleans()),
        listed=draw(st.integers(0, 9)) == 0,
        cluster=draw(st.sampled_from([None, "C01", "C02"])),
        designations=frozenset(t for t in sorted(TIERS) if draw(st.integers(0, 4)) > 0),
        attested={code: state for code in sorted(ATTESTATION_CODES) if (state := draw(states)) is not None},
        disqualifications=frozenset({"tax_evasion"}) if draw(st.integers(0, 19)) == 0 else frozenset(),
        years=draw(figures_series()),
    )


@st.composite
def raised(draw, base: Facts) -> Facts:
    """``base`` with more R&D expense (up to revenue) and/or more IP in some years."""
    years = dict(base.years)
    for year in draw(st.lists(st.sampled_from(sorted(years)), max_size=3)) if years else []:
        figures = years[year]
        room = (figures.operating_revenue or 0) - (figures.rd_expense or 0)
        extra = draw(money(int(room))).min(room) if room > 0 else Decimal(0)
        years[year] = replace(
            figures,
            rd_expense=(figures.rd_expense or 0) + extra,
            class1_ip=(figures.class1_ip or 0) + draw(st.integers(0, 3)),
            class2_ip=(figures.class2_ip or 0) + draw(st.integers(0, 3)),
        )
    return base.with_changes(years=list(years.values()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_more_rd_or_ip_never_loses_an_eligibility(data):
    before = data.draw(facts())
    after = data.draw(raised(before))
    for rule_set in RULE_SETS:
        old, new = evaluate(before, rule_set), evaluate(after, rule_set)
        for tier in rule_set.tiers:
            assert RANK[new[tier].eligible] >= RANK[old[tier].eligible], (rule_set.code, tier)
            if new[tier].score is not None:
                assert new[tier].score >= old[tier].score, (rule_set.code, tier)


@settings(max_examples=150, deadline=None)
@given(base=facts())
def test_evaluation_never_raises_and_always_serialises(base):
    for rule_set in RULE_SETS:
        answer = evaluate(base, rule_set).to_dict()
        assert set(answer["tiers"]) == set(rule_set.tiers)
