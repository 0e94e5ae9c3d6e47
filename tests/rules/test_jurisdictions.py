"""Issue 15 items 9, 6 and 11: Chongqing's own rule sets next to the national one, the 2025 小巨人 round
(CN-2022-R2025), and the growth formulas marked provisional with their reason.

Every effective date is tested on the day before and the day itself.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import replace

import pytest

from cultivation.rules import (
    CN_2022,
    CN_2022_R2025,
    CN_2026,
    CQ_2023,
    CQ_2024,
    RULE_SETS,
    RuleSet,
    evaluate,
    evaluate_tier,
    in_force,
)
from cultivation.rules.evaluator import verdicts
from cultivation.rules.reasons import GROWTH_FORMULA
from cultivation.rules.ruleset import effective_until
from cultivation.tiers import (
    GAZELLE,
    HARDTECH_POOL,
    INNOVATIVE_SME,
    LITTLE_GIANT,
    POTENTIAL_UNICORN,
    SINGLE_CHAMPION,
    SRDI_SME,
    UNICORN,
)

from .builders import LITTLE_GIANT_ATTESTED as GIANT_ATTESTED
from .builders import confirmed, firm, giant, last_year

DAY = datetime.timedelta(days=1)
GROWTH_FROM, POOL_FROM = datetime.date(2023, 12, 31), datetime.date(2024, 12, 18)
ROUND_FROM, V2026_FROM = datetime.date(2025, 5, 15), datetime.date(2026, 4, 1)


# --- which sets apply on a day -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "codes", "not_yet"),
    [
        (GROWTH_FROM - DAY, ("CN-2022",), {GAZELLE, POTENTIAL_UNICORN, UNICORN, HARDTECH_POOL}),
        (GROWTH_FROM, ("CN-2022", "CQ-2023"), {HARDTECH_POOL}),
        (POOL_FROM - DAY, ("CN-2022", "CQ-2023"), {HARDTECH_POOL}),
        (POOL_FROM, ("CN-2022", "CQ-2024"), set()),
        (ROUND_FROM - DAY, ("CN-2022", "CQ-2024"), set()),
        (ROUND_FROM, ("CN-2022-R2025", "CQ-2024"), set()),
        (V2026_FROM - DAY, ("CN-2022-R2025", "CQ-2024"), set()),
        (V2026_FROM, ("CN-2026", "CQ-2024"), set()),
    ],
)
def test_the_national_and_the_chongqing_set_in_force_are_combined(day, codes, not_yet):
    combined = in_force(day, RULE_SETS)
    assert combined.codes == codes
    assert set(combined.not_yet) == not_yet
    assert combined.code == codes[0]  # reports call the national set ``rule_set``


def test_jurisdictions_and_dates_of_the_shipped_sets():
    assert {s.code: s.jurisdiction for s in RULE_SETS} == {
        "CN-2022": "CN",
        "CN-2022-R2025": "CN",
        "CN-2026": "CN",
        "CQ-2023": "CQ",
        "CQ-2024": "CQ",
    }
    assert (CQ_2023.effective_from, CQ_2024.effective_from) == (GROWTH_FROM, POOL_FROM)
    assert CQ_2023.date_provisional and CQ_2024.date_provisional and CN_2022_R2025.date_provisional
    assert not CN_2022.date_provisional
    assert set(CN_2022.tiers).isdisjoint({GAZELLE, POTENTIAL_UNICORN, UNICORN, HARDTECH_POOL})
    assert set(CQ_2024.tiers) == {GAZELLE, POTENTIAL_UNICORN, UNICORN, HARDTECH_POOL}
    assert effective_until(RULE_SETS) == {
        "CN-2022": ROUND_FROM - DAY,
        "CN-2022-R2025": V2026_FROM - DAY,
        "CN-2026": None,
        "CQ-2023": POOL_FROM - DAY,
        "CQ-2024": None,
    }


def test_jurisdiction_survives_json_and_derivation():
    again = RuleSet.from_dict(json.loads(json.dumps(CQ_2024.to_dict())))
    assert again == CQ_2024
    derived = CQ_2024.derive("CQ-2027", datetime.date(2027, 1, 1), {"gazelle.class1_ip": {"threshold": 2}})
    assert derived.jurisdiction == "CQ" and derived.based_on == "CQ-2024"
    assert derived.date_confidence == "C"  # an admin's version has the date the admin chose
    old = CN_2022.to_dict()
    for key in ("jurisdiction", "source", "date_confidence", "date_note"):
        old.pop(key)
    assert RuleSet.from_dict(old).jurisdiction == "CN"  # stored before issue 15: national


def test_a_named_set_replaces_only_its_own_line():
    day = datetime.date(2025, 6, 30)
    assert in_force(day, RULE_SETS, named=CN_2022).codes == ("CN-2022", "CQ-2024")
    assert in_force(day, RULE_SETS, named=CQ_2023).codes == ("CN-2022-R2025", "CQ-2023")
    assert in_force(day, RULE_SETS, named=CN_2026).codes == ("CN-2026", "CQ-2024")
    with pytest.raises(LookupError):
        in_force(datetime.date(2022, 7, 31), RULE_SETS)


# --- a tier before its rules exist ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "starts"),
    [(GAZELLE, GROWTH_FROM), (UNICORN, GROWTH_FROM), (HARDTECH_POOL, POOL_FROM)],
)
def test_a_chongqing_tier_is_not_in_force_the_day_before_and_judged_on_the_day(tier, starts):
    before = evaluate(firm(as_of=starts - DAY), in_force(starts - DAY, RULE_SETS))[tier]
    assert before.in_force is False and before.eligible is None and before.criteria == []
    assert before.message == f"该称号的重庆市认定标准自 {starts.isoformat()} 起施行"
    answer = before.to_dict()
    assert answer["in_force"] is False and answer["eligible"] is None
    assert answer["effective_from"] == starts.isoformat() and answer["message"] == before.message
    on = evaluate(firm(as_of=starts), in_force(starts, RULE_SETS))[tier]
    assert on.in_force is True and on.eligible in (True, False, None) and on.criteria
    assert on.rule_set in ("CQ-2023", "CQ-2024") and on.to_dict()["in_force"] is True


def test_verdicts_agree_with_the_report_for_tiers_not_in_force():
    day = GROWTH_FROM - DAY
    combined = in_force(day, RULE_SETS)
    facts = firm(as_of=day)
    tiers = [INNOVATIVE_SME, GAZELLE, HARDTECH_POOL]
    report = evaluate(facts, combined, tiers)
    assert verdicts(facts, combined, tiers) == {t: report[t].eligible for t in tiers}
    assert report.eligible_tiers() == [t for t in tiers if report[t].eligible is True]
    assert not combined.rates(GAZELLE) and combined.part_for(INNOVATIVE_SME) is CN_2022


def test_each_tier_names_the_set_that_judged_it():
    report = evaluate(firm(), in_force(datetime.date(2025, 6, 30), RULE_SETS)).to_dict()
    assert report["rule_set"] == "CN-2022-R2025"
    assert report["rule_sets"] == ["CN-2022-R2025", "CQ-2024"]
    assert report["tiers"][LITTLE_GIANT]["rule_set"] == "CN-2022-R2025"
    assert report["tiers"][GAZELLE]["rule_set"] == "CQ-2024"


# --- the 2025 小巨人 round ------------------------------------------------------------------------------


def _round(facts):
    """小巨人 judged on the round's first day and on the day before."""
    before, on = ROUND_FROM - DAY, ROUND_FROM
    return (
        evaluate_tier(facts.with_changes(as_of=before), in_force(before, RULE_SETS), LITTLE_GIANT),
        evaluate_tier(facts.with_changes(as_of=on), in_force(on, RULE_SETS), LITTLE_GIANT),
    )


def test_the_round_starts_on_its_day_and_a_strong_firm_passes_both():
    before, on = _round(giant())
    assert (before.rule_set, on.rule_set) == ("CN-2022", "CN-2022-R2025")
    assert before.eligible is True and on.eligible is True
    codes = {c.code for c in on.criteria}
    assert {"not_single_champion", "no_little_giant_affiliation", "revenue_2025"} <= codes
    assert "revenue_2025" not in {c.code for c in before.criteria}


def test_a_single_champion_is_excluded_from_the_round_only():
    before, on = _round(giant(designations=frozenset({SRDI_SME, SINGLE_CHAMPION})))
    assert before.eligible is True
    assert on.eligible is False and on.criterion("not_single_champion").status == "not_met"
    assert "已持有该称号" in on.criterion("not_single_champion").explain()


@pytest.mark.parametrize(
    ("state", "status", "eligible"),
    [(None, "met", True), ("claimed", "pending", None), ("confirmed", "not_met", False)],
)
def test_an_affiliation_is_a_negative_attested_condition(state, status, eligible):
    attested = dict(confirmed(*GIANT_ATTESTED))
    if state:
        attested["little_giant_affiliation"] = state
    before, on = _round(giant(attested=attested))
    assert before.eligible is True  # CN-2022 has no such exclusion
    assert on.criterion("no_little_giant_affiliation").status == status
    assert on.eligible is eligible


@pytest.mark.parametrize(("revenue", "expected"), [("5000", True), ("4999.99", False)])
def test_the_round_refuses_revenue_below_5000(revenue, expected):
    facts = last_year(giant(), operating_revenue=revenue, main_business_revenue="4500", rd_expense="400")
    before, on = _round(facts)
    criterion = on.criterion("revenue_2025")
    assert criterion.met is expected and criterion.provisional is True
    assert criterion.to_dict()["provisional_reason"].startswith("2025年申报营业收入")
    assert "revenue_2025" not in {c.code for c in before.criteria}  # the 2022 rules have no such floor
    if not expected:
        assert on.eligible is False


def test_the_growth_rule_is_waived_for_a_renewal_in_the_round_only():
    years = dict(giant().years)
    for year in (2022, 2023, 2024):  # main business flat: 0% growth, below the 5% bar
        years[year] = replace(years[year], main_business_revenue=years[2021].main_business_revenue)
    flat = giant().with_changes(years=list(years.values()))
    new_before, new_on = _round(flat)
    assert new_before.criterion("main_business_growth").met is False
    assert new_on.criterion("main_business_growth").met is False
    renewal_before, renewal_on = _round(flat.with_changes(application_kind="renewal"))
    assert renewal_before.criterion("main_business_growth").met is False  # CN-2022: no waiver
    waived = renewal_on.criterion("main_business_growth")
    assert waived.met is True and waived.message_key == "waived"


def test_naming_cn_2022_still_gives_the_unmodified_set():
    day = datetime.date(2025, 6, 30)
    facts = giant(as_of=day, designations=frozenset({SRDI_SME, SINGLE_CHAMPION}))
    named = evaluate_tier(facts, in_force(day, RULE_SETS, named=CN_2022), LITTLE_GIANT)
    assert named.rule_set == "CN-2022" and named.eligible is True
    assert CN_2022_R2025.based_on == "CN-2022"
    assert CN_2022.tiers[LITTLE_GIANT] != CN_2022_R2025.tiers[LITTLE_GIANT]


# --- growth formulas shown as provisional, with the reason (item 11) -------------------------------------


@pytest.mark.parametrize(
    ("rule_set", "tier", "code"),
    [
        (CN_2022, SRDI_SME, "main_business_growth"),
        (CN_2022, LITTLE_GIANT, "main_business_growth"),
        (CQ_2024, GAZELLE, "revenue_cagr"),
        (CQ_2024, GAZELLE, "revenue_growth"),
    ],
)
def test_growth_formulas_are_provisional_with_the_reason_shown(rule_set, tier, code):
    criterion = rule_set.tiers[tier].criterion(code)
    assert criterion.provisional is True and criterion.provisional_reason == GROWTH_FORMULA
    shown = evaluate_tier(firm(), rule_set, tier).criterion(code).to_dict()
    assert shown["provisional"] is True
    assert shown["provisional_reason"].startswith("增长率计算口径")


def test_a_criterion_that_is_not_provisional_carries_no_reason():
    shown = evaluate_tier(firm(), CQ_2024, GAZELLE).criterion("class1_ip").to_dict()
    assert shown["provisional"] is False and "provisional_reason" not in shown
