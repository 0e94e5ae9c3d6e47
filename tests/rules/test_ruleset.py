"""Rule sets as data (P1): choosing by date, deriving versions, JSON round trips, validation."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from cultivation.rules import (
    CHECKS,
    CN_2022,
    CN_2026,
    CQ_2024,
    RULE_SETS,
    RuleError,
    RuleSet,
    evaluate,
    rule_set_for,
)
from cultivation.rules.attestations import ATTESTATION_CHOICES, ATTESTATION_CODES, DISQUALIFICATION_CODES
from cultivation.rules.ruleset import Criterion, ScoreClass, TierRule
from cultivation.tiers import GAZELLE, HARDTECH_POOL, INNOVATIVE_SME, LITTLE_GIANT, SRDI_SME, TIERS

from .builders import D, claimed, confirmed, firm, last_year


def sample_firms():
    """A handful of firms exercising met, not met, pending and missing paths."""
    base = firm(designations={INNOVATIVE_SME, SRDI_SME})
    return [
        base,
        last_year(base, rd_expense=D("299.99"), total_liabilities=D(8000)),
        base.with_changes(
            attested={**confirmed("chain_role"), **claimed("future_industry_field", "own_brand")}
        ),
        base.with_changes(years=[]),
        base.with_changes(disqualifications={"tax_evasion"}),
    ]


# --- which set is in force ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2022, 8, 1), "CN-2022"),
        (date(2025, 5, 14), "CN-2022"),
        (date(2025, 5, 15), "CN-2022-R2025"),
        (date(2026, 3, 31), "CN-2022-R2025"),
        (date(2026, 4, 1), "CN-2026"),
        (date(2030, 1, 1), "CN-2026"),
    ],
)
def test_rule_set_for(day, code):
    assert rule_set_for(day, RULE_SETS).code == code
    assert rule_set_for(day).code == code


def test_no_rule_set_before_the_first():
    with pytest.raises(LookupError):
        rule_set_for(date(2022, 7, 31))


def test_two_sets_on_one_day_are_refused():
    twin = CN_2022.derive("CN-2022b", CN_2022.effective_from)
    with pytest.raises(ValueError, match="share the effective date"):
        rule_set_for(date(2023, 1, 1), [CN_2022, twin])


def test_cn_2026_is_provisional_and_inherits():
    assert CN_2026.provisional is True
    assert CN_2026.based_on == "CN-2022"
    # 科技和创新型 (issue 15 item 8): CN-2022's 创新型 criteria, all provisional, plus the 科技型 route.
    carried = [
        replace(c, provisional=False, confidence="C", note="", provisional_reason="")
        for c in CN_2026.tiers[INNOVATIVE_SME].criteria
    ]
    assert carried[:-1] == [replace(c, note="") for c in CN_2022.tiers[INNOVATIVE_SME].criteria]
    assert carried[-1].code == "d5_tech_sme"
    assert CN_2026.tiers[LITTLE_GIANT] != CN_2022.tiers[LITTLE_GIANT]
    assert set(CN_2026.tiers) | set(CQ_2024.tiers) == set(TIERS)  # the growth tiers are Chongqing's


# --- new versions ---------------------------------------------------------------------------------------


def test_derive_changes_one_threshold_and_leaves_the_original_alone():
    before = CQ_2024.to_dict()
    stricter = CQ_2024.derive("CQ-2027", date(2027, 1, 1), {"hardtech_pool.rd_intensity": {"threshold": "6"}})
    assert CQ_2024.to_dict() == before
    assert CQ_2024.criterion("hardtech_pool.rd_intensity").params["threshold"] == Decimal(5)
    assert stricter.criterion("hardtech_pool.rd_intensity").params["threshold"] == Decimal(6)
    assert stricter.based_on == "CQ-2024" and stricter.jurisdiction == "CQ"
    facts = last_year(firm(attested=confirmed("chain_role", "future_industry_field")), rd_expense=D(550))
    assert evaluate(facts, CQ_2024, [HARDTECH_POOL])[HARDTECH_POOL].eligible is True
    assert evaluate(facts, stricter, [HARDTECH_POOL])[HARDTECH_POOL].eligible is False


def test_derive_common_and_nested_params():
    derived = CN_2022.derive(
        "X-1",
        date(2027, 1, 1),
        {
            "sme_size": {
                "sectors": {
                    "industry": {"employees_below": 500, "revenue_below": "20000"},
                    "software": {"employees_below": 300, "revenue_below": "10000"},
                }
            },
            "innovative_sme.score": {"total": 70},
        },
    )
    assert derived.criterion("common.sme_size").params["sectors"]["industry"]["employees_below"] == 500
    assert derived.criterion("innovative_sme.score").params["total"] == 70
    assert CN_2022.criterion("innovative_sme.score").params["total"] == 60


def test_derive_refuses_unknown_params_ambiguous_codes_and_bad_data():
    with pytest.raises(RuleError, match="no such params"):
        CQ_2024.derive("X", date(2027, 1, 1), {"hardtech_pool.rd_intensity": {"treshold": "6"}})
    with pytest.raises(KeyError, match="ambiguous"):
        CN_2022.derive("X", date(2027, 1, 1), {"debt_ratio": {"else": 1}})
    with pytest.raises(KeyError, match="unknown"):
        CQ_2024.derive("X", date(2027, 1, 1), {"gazelle.nope": {"threshold": 1}})
    with pytest.raises(RuleError):
        CN_2022.derive(
            "X", date(2027, 1, 1), {"innovative_sme.rd_intensity": {"bands": [["3", 15], ["5", 20]]}}
        )
    with pytest.raises(RuleError, match="new code"):
        CN_2022.derive("CN-2022", date(2027, 1, 1))


def test_params_are_immutable():
    criterion = CQ_2024.criterion("gazelle.class1_ip")
    with pytest.raises(TypeError):
        criterion.params["threshold"] = 2  # type: ignore[index]


# --- JSON round trip ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule_set", RULE_SETS, ids=lambda s: s.code)
def test_round_trip_through_json_gives_identical_evaluations(rule_set):
    text = json.dumps(rule_set.to_dict(), ensure_ascii=False)
    restored = RuleSet.from_dict(json.loads(text))
    assert restored == rule_set
    assert restored.to_dict() == rule_set.to_dict()
    for facts in sample_firms():
        assert evaluate(facts, restored).to_dict() == evaluate(facts, rule_set).to_dict()


# --- validation -----------------------------------------------------------------------------------------


def _tier(*criteria, **extra):
    return TierRule(GAZELLE, criteria=criteria, **extra)


@pytest.mark.parametrize(
    "rule",
    [
        _tier(Criterion("x", "x", "measurable", "no_such_check", {})),
        _tier(Criterion("x", "x", "measurable", "at_least", {"metric": "no_such_metric", "threshold": 1})),
        _tier(Criterion("x", "x", "measurable", "at_least", {"metric": "class1_ip", "threshold": "many"})),
        _tier(Criterion("x", "x", "attested", "attested", {"any_of": ["no_such_code"]})),
        _tier(
            Criterion("x", "x", "measurable", "at_least", {"metric": "class1_ip", "threshold": 1}),
            pass_rule={"all": ["x", "y"]},
        ),
        _tier(
            Criterion("x", "x", "measurable", "at_least", {"metric": "class1_ip", "threshold": 1}),
            pass_rule={"some": ["x"]},
        ),
        _tier(
            Criterion(
                "x",
                "x",
                "measurable",
                "banded_points",
                {"metric": "class1_ip", "bands": [["1", 5]]},
                score_class="c",
            ),
            classes=(ScoreClass("c", "c", 10),),
        ),
    ],
)
def test_bad_rule_data_fails_when_the_set_is_built(rule):
    with pytest.raises(RuleError):
        RuleSet("BAD", date(2030, 1, 1), "bad", tiers=[rule]).validate()


def test_criterion_codes_are_validated():
    with pytest.raises(RuleError):
        Criterion("a.b", "x", "measurable", "at_least", {})
    with pytest.raises(RuleError):
        Criterion("a", "x", "guess", "at_least", {})
    with pytest.raises(RuleError):
        Criterion("a", "x", "measurable", "at_least", {}, confidence="X")


def test_every_criterion_names_a_known_check_and_a_confidence():
    for rule_set in RULE_SETS:
        for rule in rule_set.tiers.values():
            for criterion in (*rule_set.common_for(rule.tier), *rule.criteria):
                assert criterion.check in CHECKS
                assert criterion.confidence in ("C", "P", "U")
                if criterion.confidence == "U":
                    assert criterion.provisional


def test_attestation_catalogue():
    assert ATTESTATION_CODES.isdisjoint(DISQUALIFICATION_CODES)
    assert {"quality_certification", "own_brand"} <= ATTESTATION_CODES
    assert len(ATTESTATION_CHOICES) == len(ATTESTATION_CODES)
    used = set()
    for rule_set in RULE_SETS:
        text = json.dumps(rule_set.to_dict())
        used |= {code for code in ATTESTATION_CODES if f'"{code}"' in text}
    assert used == ATTESTATION_CODES  # every attestation is asked for by some criterion


def test_tier_rule_replace_keeps_validation():
    rule = CQ_2024.tiers[GAZELLE]
    with pytest.raises(RuleError):
        replace(rule, criteria=(*rule.criteria, rule.criteria[0]))  # duplicate code


def test_scored_tier_needs_a_score_and_codes_must_not_clash_with_common():
    scored = _tier(
        Criterion(
            "x",
            "x",
            "measurable",
            "banded_points",
            {"metric": "class1_ip", "bands": [["1", 5]]},
            score_class="c",
        ),
        classes=(ScoreClass("c", "c", 5),),
    )
    with pytest.raises(RuleError, match="score criterion"):
        RuleSet("BAD", date(2030, 1, 1), "bad", tiers=[scored]).validate()
    common = CN_2022.criterion("common.no_disqualification")
    clashing = _tier(Criterion("no_disqualification", "x", "measurable", "cluster_given", {}))
    with pytest.raises(RuleError, match="clash"):
        RuleSet(
            "BAD", date(2030, 1, 1), "bad", common=[replace(common, applies_to=(GAZELLE,))], tiers=[clashing]
        ).validate()
