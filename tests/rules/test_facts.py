"""Facts: the evaluator's frozen input, its helpers and its JSON form (DESIGN §6)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from cultivation.rules import Attest, Facts, FactsError, YearFigures

from .builders import firm


def test_last_year_and_year_lookup():
    facts = firm()
    assert facts.last_year == 2024
    assert facts.back(0) is facts.year(2024)
    assert facts.back(1).year == 2023
    assert facts.year(1999) is None


@pytest.mark.parametrize(("since", "years"), [(2013, 12), (2023, 2), (2024, 1), (2025, 0), (None, None)])
def test_years_in_niche_counts_fiscal_years_to_last_year_end(since, years):
    assert firm(niche_since=since).years_in_niche() == years


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
    assert Facts.from_dict(facts.to_dict()) == facts


def test_from_dict_reports_each_bad_field():
    with pytest.raises(FactsError) as caught:
        Facts.from_dict(
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
    facts = Facts.from_dict({"years": []}, as_of=date(2025, 6, 30))
    assert facts.as_of == date(2025, 6, 30)
    assert facts.sector == "industry"
    assert facts.attested == {}
