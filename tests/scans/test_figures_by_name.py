"""The figures the scan and the firm page read reach the rules under their own names (issue 20).

Every figure of the stored year gets a value no other figure has, so a list read in one order and
built in another (a swapped pair of columns) shows up as a wrong value on a named attribute.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cultivation.selectors import FirmSet, facts_for_firm, scan_facts
from registry.figures import COUNT, FIGURES
from tests.factories import FiguresFactory, FirmFactory

pytestmark = pytest.mark.django_db

YEAR = 2024
AS_OF = datetime.date(YEAR + 1, 6, 1)


def distinct_values() -> dict:
    """A different value for each figure, decreasing down the list: main-business revenue stays under
    operating revenue and R&D staff under employees, as the model's constraints require."""
    size = len(FIGURES)
    counts = {figure.name: 100 * (size - i) + i for i, figure in enumerate(FIGURES)}
    return {
        figure.name: counts[figure.name] if figure.kind == COUNT else Decimal(counts[figure.name]) / 100
        for figure in FIGURES
    }


def test_the_firm_pages_figures_keep_every_value_under_its_name():
    values = distinct_values()
    row = FiguresFactory(firm=FirmFactory(), year=YEAR, **values)
    figures = facts_for_firm(row.firm, AS_OF).years[YEAR]
    assert {name: getattr(figures, name) for name in values} == values


def test_the_scans_figures_keep_every_value_under_its_name():
    values = distinct_values()
    row = FiguresFactory(firm=FirmFactory(), year=YEAR, **values)
    [scanned] = scan_facts(FirmSet.of([row.firm_id]), AS_OF)
    assert {name: getattr(scanned.facts.years[YEAR], name) for name in values} == values


def test_the_firms_own_facts_reach_the_rules_under_their_names_on_both_paths():
    """The firm's own fields (founding date, niche entry, sector, flags, cluster) read off a model
    instance and off a scan's plain rows give the same, correctly named facts."""
    firm = FirmFactory(
        founded_on=datetime.date(2012, 3, 4),
        niche_since=2015,
        niche_since_month=7,
        sector="software",
        strategic_emerging=True,
        is_listed=True,
    )
    expected = {
        "founded_on": datetime.date(2012, 3, 4),
        "niche_since": 2015,
        "niche_since_month": 7,
        "sector": "software",
        "strategic_emerging": True,
        "listed": True,
        "cluster": firm.cluster.code if firm.cluster_id else None,
    }
    [scanned] = scan_facts(FirmSet.of([firm.pk]), AS_OF)
    for facts in (facts_for_firm(firm, AS_OF), scanned.facts):
        assert {name: getattr(facts, name) for name in expected} == expected
