"""Property: the column-wise verdicts (``rules.columns``) answer what the evaluator answers, or "undecided".

An impact report and a sweep judge a chunk of firms column-wise first and ask the per-firm evaluator only
where the columns leave a (firm, tier) undecided. For random chunks of firms — new applications and
复核, firms on the bars and far from them, with and without attestations — every decided answer of
every shipped rule set and of the sets in force must equal ``verdicts``; and the columns must actually
decide most of them, or the fast path would silently be the slow one.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cultivation.impact import Judge, Views
from cultivation.rules import RULE_SETS, Facts, YearFigures, evaluate, in_force
from cultivation.rules.columns import (
    COLUMN_POINTS,
    VERDICT,
    Columns,
    F,
    T,
    U,
    compare,
    criterion_outcome,
    metric_column,
    tier_outcome,
)
from cultivation.rules.evaluator import verdicts
from cultivation.rules.facts import NEW, RENEWAL
from cultivation.rules.metrics import METRICS
from cultivation.rules.status import TRI
from cultivation.tiers import TIERS

from .builders import AS_OF, LAST, firm
from .test_monotonic import facts as random_facts
from .test_verdicts_agree import DAYS, as_scanned


@st.composite
def chunks(draw) -> list[Facts]:
    """A few firms judged on one day; some as 复核, some without attestations (their scores decide)."""
    day = draw(st.sampled_from(DAYS))
    found = []
    for one in draw(st.lists(random_facts(), min_size=1, max_size=8)):
        kind = draw(st.sampled_from([NEW, NEW, RENEWAL]))
        attested = one.attested if draw(st.booleans()) else {}
        found.append(one.with_changes(as_of=day, application_kind=kind, attested=attested))
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunk=chunks())
def test_every_decided_answer_is_the_evaluators_for_every_shipped_rule_set(chunk):
    cols = Columns(chunk)
    for rule_set in RULE_SETS:
        for tier in rule_set.tiers:
            outcome = tier_outcome(rule_set, tier)
            if outcome is None:
                continue
            for facts, code in zip(chunk, outcome(cols).tolist(), strict=True):
                if code != U:
                    assert VERDICT[code] == verdicts(facts, rule_set, [tier])[tier], (rule_set.code, tier)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunk=chunks())
def test_every_criterion_and_its_points_match_the_report(chunk):
    """Criterion by criterion (a score too), and points and potential of every scored criterion, as
    ``evaluate`` reports them for new applications: a criterion rarely decides its tier on its own."""
    new = [facts for facts in chunk if facts.application_kind == NEW]
    if not new:
        return
    cols = Columns(new)
    for rule_set in RULE_SETS:
        for tier, rule in rule_set.tiers.items():
            reports = [evaluate(facts, rule_set, [tier]).tiers[tier] for facts in new]
            for criterion in (*rule_set.common_for(tier), *rule.criteria):
                results = [next(r for r in report.criteria if r.code == criterion.code) for report in reports]
                if criterion.score_class:
                    points = COLUMN_POINTS[criterion.check](criterion.params)
                    got, could, unsure = (values.tolist() for values in points(cols))
                    for result, p, q, u in zip(results, got, could, unsure, strict=True):
                        if not u:
                            assert (p, q) == (result.points, result.potential), (tier, criterion.code)
                    continue
                outcome = criterion_outcome(criterion, rule.criteria)
                if outcome is None:
                    continue
                for result, code in zip(results, outcome(cols).tolist(), strict=True):
                    if code != U:
                        assert VERDICT[code] == TRI[result.status], (rule_set.code, tier, criterion.code)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunk=chunks())
def test_a_chunk_judged_column_wise_equals_each_firm_judged_alone(chunk):
    """What the impact report and the sweep do (``Judge.chunk``), on the scan's kind of facts too."""
    day = chunk[0].as_of
    combined = in_force(day)
    judge = Judge(combined, list(TIERS))
    for firms in (chunk, [as_scanned(facts) for facts in chunk]):
        views = [Views(facts) for facts in firms]
        assert judge.chunk(views, Columns(firms)) == [judge(facts) for facts in firms]


def test_the_columns_decide_most_answers():
    """Firms spread over the figures: at least nine answers in ten come from the columns."""
    base = firm()
    chunk = []
    for step in range(200):
        scale = Decimal(1 + step % 37) / 10
        years = [
            replace(
                y,
                operating_revenue=(y.operating_revenue * scale).quantize(Decimal("0.01")),
                rd_expense=(y.rd_expense * Decimal(step % 11) / 5).quantize(Decimal("0.01")),
                class1_ip=step % 6,
            )
            for y in base.years.values()
        ]
        chunk.append(base.with_changes(years=years, designations=frozenset(), attested={}))
    cols = Columns(chunk)
    combined = in_force(AS_OF)
    decided = total = 0
    for tier in combined.all_tiers:
        part = combined.part_for(tier)
        if part is None:
            continue
        outcome = tier_outcome(part, tier)
        codes = outcome(cols) if outcome else np.full(len(chunk), U)
        decided += int((codes != U).sum())
        total += len(chunk)
    assert decided >= 0.9 * total


def test_a_computed_value_on_its_bar_is_left_to_the_evaluator_and_a_count_is_not():
    bar = 3.0
    on_bar = (np.array([3.0, 2.0, 4.0, np.nan]), "computed")
    assert compare(on_bar, bar, "ge").tolist() == [U, F, T, F]
    counts = (np.array([3.0, 2.0, 4.0, np.nan]), "exact")
    assert compare(counts, bar, "ge").tolist() == [T, F, T, F]
    assert compare(counts, bar, "gt").tolist() == [F, F, T, F]
    assert compare(counts, bar, "le").tolist() == [T, T, F, F]
    rounded = (np.array([3.0]), "rounded")
    assert compare(rounded, bar, "ge").tolist() == [U]


def test_rd_intensity_exactly_on_the_bar_is_left_to_the_evaluator():
    """3.00% R&D intensity against a bar of 3: a float ratio may fall either side, so the columns do not
    answer; the evaluator, exact, says it is met."""
    base = firm(years={LAST: {"operating_revenue": Decimal("1000"), "rd_expense": Decimal("30")}})
    column = metric_column(METRICS["rd_intensity"], {"year": 0})(Columns([base]))
    assert compare(column, 3.0, "ge").tolist() == [U]
    assert compare(column, 2.9, "ge").tolist() == [T] and compare(column, 3.1, "ge").tolist() == [F]


def test_a_held_tier_is_left_to_the_evaluator_as_a_renewal():
    holder = firm(designations=frozenset({"innovative_sme"}))
    judge = Judge(in_force(AS_OF), ["innovative_sme"])
    decided = judge.columns.decided(Columns([holder]))
    assert decided["innovative_sme"] == [U]
    assert judge.chunk([Views(holder)], Columns([holder])) == [judge(holder)]


def test_figures_of_any_kind_read_the_same():
    """``YearFigures`` (checked facts) and the scan's ``FigureRow`` give the same columns."""
    base = firm()
    scanned = as_scanned(base)
    for name in ("operating_revenue", "employees", "valuation_usd_m"):
        for offset in range(3):
            left, right = Columns([base]).figure(name, offset), Columns([scanned]).figure(name, offset)
            assert np.array_equal(left, right, equal_nan=True)
    assert isinstance(next(iter(base.years.values())), YearFigures)


def test_a_count_on_the_sme_limit_is_not_under_it():
    """Employees exactly at the limit and revenue above it: not an SME, column-wise as in the evaluator."""
    rule_set = next(r for r in RULE_SETS if any(c.check == "sme_size" for c in r.common))
    criterion = next(c for c in rule_set.common if c.check == "sme_size")
    limits = criterion.params["sectors"]["industry"]
    staff, revenue = int(limits["employees_below"]), Decimal(limits["revenue_below"]) + 1
    on_limit = firm(years={LAST: {"employees": staff, "operating_revenue": revenue}})
    under = firm(years={LAST: {"employees": staff - 1, "operating_revenue": revenue}})
    outcome = criterion_outcome(criterion)
    assert outcome(Columns([on_limit, under])).tolist() == [F, T]
    tier = next(t for t in rule_set.tiers if criterion in rule_set.common_for(t))
    result = next(
        r for r in evaluate(on_limit, rule_set, [tier]).tiers[tier].criteria if r.code == criterion.code
    )
    assert TRI[result.status] is False
