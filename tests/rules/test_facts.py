"""Facts: the evaluator's frozen input, its helpers and its JSON form (docs/API.md, "Evaluate the firm")."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from cultivation.rules import Attest, Facts, FactsError, YearFigures
from cultivation.rules.parse import facts_from_dict

from .builders import firm


def test_last_year_and_year_lookup():
    facts = firm()
    assert facts.last_year == 2024
    assert facts.back(0) is facts.year(2024)
    assert facts.back(1).year == 2023
    assert facts.year(1999) is None


@pytest.mark.parametrize(
    ("since", "years"), [(2013, 11), (2022, 2), (2023, 1), (2024, 0), (2025, 0), (None, None)]
)
def test_years_in_niche_counts_completed_years_after_the_entry_year(since, years):
    """Issue 15: entered in 2023, one completed year at the end of FY2024, not two (as_of in 2025)."""
    assert firm(niche_since=since).years_in_niche() == years


@pytest.mark.parametrize(
    ("since", "month", "years"),
    [
        (2023, 7, 1),  # 2023-07 → 2024-12-31: 1 year 5 months
        (2022, 7, 2),  # 2022-07 → 2024-12-31: 2 years 5 months
        (2022, 12, 2),  # 24 whole months after December 2022
        (2023, 1, 1),  # 23 months: one short of two years
        (2024, 1, 0),  # 11 months
        (2013, 1, 11),
    ],
)
def test_years_in_niche_counts_whole_months_after_the_entry_month(since, month, years):
    assert firm(niche_since=since, niche_since_month=month).years_in_niche() == years


def test_a_known_month_never_lowers_the_count():
    for since in range(2010, 2025):
        year_only = firm(niche_since=since).years_in_niche()
        assert all(
            firm(niche_since=since, niche_since_month=m).years_in_niche() >= year_only for m in range(1, 13)
        )


def test_the_entry_month_survives_a_snapshot_and_is_checked():
    facts = firm(niche_since=2023, niche_since_month=7)
    assert facts_from_dict(facts.to_dict()) == facts
    with pytest.raises(FactsError) as caught:
        facts_from_dict({"as_of": "2025-06-30", "niche_since": 2023, "niche_since_month": 13})
    assert set(caught.value.errors) == {"niche_since_month"}


def test_facts_are_frozen_and_normalised():
    facts = Facts(
        as_of=date(2025, 1, 1),
        designations=["srdi_sme"],
        attested={"own_brand": "claimed", "x": False},
        years=[YearFigures(2024, operating_revenue="1")],
    )
    assert facts.designations == frozenset({"srdi_sme"})
    assert facts.attested == {"own_brand": Attest.CLAIMED}
    assert facts.holds("srdi_sme")
    with pytest.raises(FrozenInstanceError):
        facts.listed = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        facts.attested["own_brand"] = Attest.CONFIRMED  # type: ignore[index]
    with pytest.raises(ValueError):
        Facts(as_of=date(2025, 1, 1), sector="farming")
    with pytest.raises(ValueError):
        Facts(as_of=date(2025, 1, 1), years=[YearFigures(2024), YearFigures(2024)])


def test_dict_round_trip():
    facts = firm(
        attested={"own_brand": Attest.CLAIMED, "chain_role": Attest.CONFIRMED}, disqualifications={"x"}
    )
    assert facts_from_dict(facts.to_dict()) == facts


def test_from_dict_reports_each_bad_field():
    with pytest.raises(FactsError) as caught:
        facts_from_dict(
            {
                "as_of": "2025-13-01",
                "sector": "farming",
                "listed": "yes",
                "attested": {"own_brand": "maybe"},
                "years": [
                    {"year": 2024, "rd_expense": "lots", "employees": 1.5, "colour": "red"},
                    {"year": 2024},
                ],
                "designations": "srdi_sme",
            }
        )
    errors = caught.value.errors
    for key in (
        "as_of",
        "sector",
        "listed",
        "attested.own_brand",
        "years[0].rd_expense",
        "years[0].employees",
        "years[0].colour",
        "designations",
    ):
        assert key in errors, key


def test_from_dict_defaults():
    facts = facts_from_dict({"years": []}, as_of=date(2025, 6, 30))
    assert facts.as_of == date(2025, 6, 30)
    assert facts.sector == "industry"
    assert facts.attested == {}
