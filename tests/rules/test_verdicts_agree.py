"""Property: the scans' yes/no path answers what the full report says, tier by tier (issue 21).

The promotion scan asks ``verdicts`` (criteria in cheapest-first order, stopped at the deciding one,
a score stopped once its mark is reached or out of reach, checks answering without building a
result) and reads its facts as ``Facts.of_records`` with ``FigureRow`` years. Explanations come from
``evaluate`` on checked ``Facts`` with ``YearFigures``. For random firms, new applications and 复核
alike, every shipped rule set and the sets in force on several days, both must agree on every tier,
and the reports built from either kind of facts must be the same.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cultivation.rules import RULE_SETS, Facts, YearFigures, evaluate, in_force
from cultivation.rules.evaluator import verdicts
from cultivation.rules.facts import NEW, RENEWAL, FigureRow
from cultivation.selectors import FIRM_FACT_COLUMNS

from .test_monotonic import facts

DAYS = (date(2023, 6, 30), date(2025, 6, 30), date(2026, 6, 30))
OWN = tuple(FIRM_FACT_COLUMNS)


def as_scanned(facts: Facts) -> Facts:
    """The same firm as the scan reads it: ``FigureRow`` years, facts set from records unchecked."""
    years = {
        year: FigureRow(*(getattr(y, f.name) for f in fields(YearFigures))) for year, y in facts.years.items()
    }
    return Facts.of_records(
        facts.as_of,
        {name: getattr(facts, name) for name in OWN},
        facts.designations,
        dict(facts.attested),
        facts.disqualifications,
        years,
    )


def test_records_fill_every_field_of_the_facts():
    """``Facts.of_records`` sets the firm's own columns, the records and the kind: every field."""
    given_by_records = {"as_of", "designations", "attested", "disqualifications", "years", "application_kind"}
    assert set(OWN) | given_by_records == {f.name for f in fields(Facts)}
    assert FigureRow._fields == tuple(f.name for f in fields(YearFigures))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(firm=facts(), kind=st.sampled_from([NEW, RENEWAL]), attested=st.booleans())
def test_verdicts_agree_with_the_reports_on_every_tier(firm, kind, attested):
    # Without attestations no direct condition carries a scored tier: its score decides.
    firm = firm.with_changes(application_kind=kind, attested=firm.attested if attested else {})
    for rule_set in RULE_SETS:
        tiers = list(rule_set.tiers)
        report = evaluate(firm, rule_set)
        assert verdicts(firm, rule_set, tiers) == {t: report[t].eligible for t in tiers}, rule_set.code


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(firm=facts(), day=st.sampled_from(DAYS), attested=st.booleans())
def test_scanned_facts_give_the_same_verdicts_and_reports(firm, day, attested):
    firm = firm.with_changes(as_of=day, attested=firm.attested if attested else {})
    scanned = as_scanned(firm)
    combined = in_force(day)
    tiers = [tier for tier in combined.all_tiers if combined.rates(tier)]
    report = evaluate(firm, combined, tiers)
    assert verdicts(scanned, combined, tiers) == {t: report[t].eligible for t in tiers}
    assert evaluate(scanned, combined, tiers).to_dict() == report.to_dict()
    assert scanned.to_dict() == firm.to_dict()
