"""Issue 15 item 7: a new application or a 复核 (renewal), and the renewal waivers as rule-set data.

A criterion that differs for a 复核 says so in its params (``waived_for_renewal``, ``for_renewal``);
``Facts.application_kind`` says which kind is judged. CN-2026's 小巨人 does not check the 2-year
growth for a 复核, and accepts a score ≥ 60 in either of the last two years.
"""

from __future__ import annotations

from datetime import date

import pytest

from cultivation.rules import CN_2026, Facts, FactsError, RuleError, evaluate_tier
from cultivation.rules.checks import build_check
from cultivation.rules.doc import describe
from cultivation.rules.metrics import Context
from cultivation.rules.parse import facts_from_dict
from cultivation.rules.results import Meta
from cultivation.rules.ruleset import RuleSet
from cultivation.tiers import LITTLE_GIANT, SRDI_SME

from .builders import D, confirmed, firm, with_year

AS_OF = date(2026, 6, 30)


def little_giant(revenue_2023: str = "10000", **attested_codes) -> Facts:
    """Meets CN-2026 小巨人 except, with ``revenue_2023`` high, the 5% growth (2023 → 2025)."""
    codes = [
        "niche_share_10",
        "key_chain_product",
        *attested_codes.get("extra", ["srdi_evaluation_60"]),
    ]
    facts = firm(
        as_of=AS_OF, niche_since=2015, designations=frozenset({SRDI_SME}), attested=confirmed(*codes)
    )
    for year, revenue in ((2023, revenue_2023), (2024, "10500"), (2025, "11025")):
        facts = with_year(
            facts,
            year,
            operating_revenue=D(revenue),
            main_business_revenue=D(revenue) * D("0.95"),
            rd_expense=D(revenue) * D("0.06"),
            total_assets=D("20000"),
            total_liabilities=D("8000"),
            class1_ip=5,
            employees=200,
            rd_staff=40,
        )
    return facts


def outcome(facts: Facts, code: str):
    return evaluate_tier(facts, CN_2026, LITTLE_GIANT).criterion(code)


def test_growth_exactly_five_percent_passes_a_new_application():
    report = evaluate_tier(little_giant("10000"), CN_2026, LITTLE_GIANT)
    assert report.criterion("revenue_cagr").status == "met"
    assert report.eligible is True
    assert report.application_kind == "new"


def test_growth_below_five_percent_fails_a_new_application_but_not_a_renewal():
    slow = little_giant("10000.01")  # 10000.01 × 1.05² > 11025
    assert evaluate_tier(slow, CN_2026, LITTLE_GIANT).eligible is False
    assert outcome(slow, "revenue_cagr").status == "not_met"

    renewal = evaluate_tier(slow.with_changes(application_kind="renewal"), CN_2026, LITTLE_GIANT)
    assert renewal.eligible is True
    assert renewal.application_kind == "renewal"
    waived = renewal.criterion("revenue_cagr")
    assert waived.status == "met"
    assert waived.explain() == "（2）近2年营业收入复合增长率：复核申请不检查此项"


def test_the_growth_waiver_is_data_in_the_rule_set():
    params = CN_2026.tiers[LITTLE_GIANT].criterion("revenue_cagr").params
    assert params["waived_for_renewal"] is True
    assert "复核 (renewal): not checked" in describe("cagr_at_least", params)
    stored = RuleSet.from_dict(CN_2026.to_dict())  # the form a derived version is stored in
    assert stored.tiers[LITTLE_GIANT].criterion("revenue_cagr").params["waived_for_renewal"] is True


def test_score_in_either_of_the_last_two_years_counts_for_a_renewal_only():
    last_two = little_giant(extra=["srdi_evaluation_60_last2"])
    assert outcome(last_two, "srdi_evaluation").status == "not_met"
    assert outcome(last_two.with_changes(application_kind="renewal"), "srdi_evaluation").status == "met"
    this_year = little_giant(extra=["srdi_evaluation_60"])
    assert outcome(this_year.with_changes(application_kind="renewal"), "srdi_evaluation").status == "met"


def test_application_kind_defaults_to_new_round_trips_and_refuses_anything_else():
    facts = firm(as_of=AS_OF)
    assert facts.application_kind == "new"
    renewal = facts.with_changes(application_kind="renewal")
    assert renewal.to_dict()["application_kind"] == "renewal"
    assert facts_from_dict(renewal.to_dict()) == renewal
    assert facts_from_dict({"as_of": "2026-06-30"}).application_kind == "new"
    with pytest.raises(FactsError) as error:
        facts_from_dict({"as_of": "2026-06-30", "application_kind": "re-review"})
    assert "application_kind" in error.value.errors
    with pytest.raises(ValueError, match="application_kind"):
        firm(as_of=AS_OF, application_kind="other")


def test_a_waiver_runs_the_check_as_usual_for_a_new_application():
    params = {"metric": "operating_revenue", "year": 0, "threshold": "5000", "waived_for_renewal": True}
    small = with_year(firm(as_of=AS_OF), 2025, operating_revenue=D("4999.99"))
    at_least = build_check("at_least", params, Meta("check", "check", "measurable"))
    assert at_least(Context(small)).status == "not_met"
    assert at_least(Context(small.with_changes(application_kind="renewal"))).status == "met"


@pytest.mark.parametrize(
    ("check", "params", "message"),
    [
        ("at_least", {"metric": "class1_ip", "threshold": 1, "waived_for_renewal": "yes"}, "true or false"),
        ("at_least", {"metric": "class1_ip", "threshold": 1, "for_renewal": 2}, "an object"),
        ("banded_points", {"metric": "class1_ip", "bands": [["1", 5]], "waived_for_renewal": True}, "scored"),
    ],
)
def test_malformed_renewal_params_are_refused_when_the_set_is_built(check, params, message):
    with pytest.raises(RuleError, match=message):
        build_check(check, params, Meta("x", "x", "measurable"))
