"""Benchmark: judging synthetic firms against every tier of a rule set (cultivation.rules.evaluate).

Run from the project root::

    .venv/bin/python bench/bench_evaluator.py [--firms 20000] [--runs 5] [--seed 7]

Prints, per scenario, the median of ``--runs`` timed passes over the same firms: firms per second and
microseconds per firm, plus a same-run baseline (a loop that only reads the figures the rules read)
and the ratio to it, so the figure can be compared across machines.

Scenarios: every tier of CN-2022 / CN-2026 as a scan does it (judge, keep the outcome, drop the
report); the quality ladder alone; the full JSON answer of docs/API.md (every message formatted); and
every report kept in a list, which shows what the cyclic garbage collector costs when a caller holds
on to tens of thousands of reports at once.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")  # in-process: the development profile

import django

django.setup()  # translation machinery for the JSON scenario's messages

from cultivation.rules import CN_2022, CN_2026, Attest, Facts, YearFigures, evaluate, in_force  # noqa: E402
from cultivation.rules.attestations import ATTESTATION_CODES  # noqa: E402
from cultivation.tiers import TIERS  # noqa: E402

AS_OF = date(2026, 6, 30)
CENT = Decimal("0.01")
CODES = sorted(ATTESTATION_CODES)


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(CENT)


def synthetic_firm(rng: random.Random) -> Facts:
    """A plausible firm: five years of compounding revenue, ratios spread around the policy bars."""
    revenue = rng.uniform(300, 60000)
    growth = rng.uniform(-0.1, 0.5)
    years = []
    for year in range(AS_OF.year - 5, AS_OF.year):
        if rng.random() < 0.03:  # the odd year not entered
            revenue *= 1 + growth
            continue
        employees = rng.randint(5, 1500)
        assets = revenue * rng.uniform(0.5, 2.0)
        years.append(
            YearFigures(
                year,
                operating_revenue=_money(revenue),
                main_business_revenue=_money(revenue * rng.uniform(0.5, 1.0)),
                rd_expense=_money(revenue * rng.uniform(0.0, 0.12)),
                net_profit=_money(revenue * rng.uniform(-0.05, 0.18)),
                total_assets=_money(assets),
                total_liabilities=_money(assets * rng.uniform(0.2, 0.9)),
                employees=employees,
                rd_staff=rng.randint(0, employees),
                class1_ip=rng.randint(0, 8),
                class2_ip=rng.randint(0, 20),
                equity_financing=_money(rng.choice([0, 0, 0, rng.uniform(0, 8000)])),
                valuation_usd_m=_money(rng.uniform(10, 2000)) if rng.random() < 0.2 else None,
                cumulative_financing_usd_m=_money(rng.uniform(1, 100)) if rng.random() < 0.2 else None,
            )
        )
        revenue *= 1 + growth + rng.uniform(-0.05, 0.05)
    attested = {
        code: rng.choice([Attest.CONFIRMED, Attest.CLAIMED]) for code in rng.sample(CODES, rng.randint(0, 12))
    }
    return Facts(
        as_of=AS_OF,
        founded_on=date(rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28)),
        niche_since=rng.randint(2005, 2025),
        sector=rng.choice(["industry", "industry", "industry", "software"]),
        strategic_emerging=rng.random() < 0.5,
        listed=rng.random() < 0.05,
        cluster=rng.choice([None, "C01", "C07", "C21"]),
        designations=frozenset(t for t in TIERS if rng.random() < 0.3),
        attested=attested,
        disqualifications=frozenset({"tax_evasion"}) if rng.random() < 0.02 else frozenset(),
        years=years,
    )


def baseline(firms: list[Facts]) -> None:
    """Reads every figure the rules read, once, and does nothing with them: the cost of touching the data."""
    total = Decimal(0)
    for facts in firms:
        for figures in facts.years.values():
            total += (
                (figures.operating_revenue or 0) + (figures.rd_expense or 0) + (figures.total_assets or 0)
            )
        _ = facts.attested.get("chain_role"), facts.designations, facts.cluster


QUALITY = ("innovative_sme", "srdi_sme", "little_giant")


def judge(firms: list[Facts], rule_set, tiers=None) -> int:
    """What a scan does: judge each firm, keep what it needs (here a count), let the report go."""
    eligible = 0
    for facts in firms:
        for report in evaluate(facts, rule_set, tiers).tiers.values():
            eligible += report.eligible is True
    return eligible


def timed(work: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    firms = [synthetic_firm(rng) for _ in range(args.firms)]
    json_firms = firms[: max(1, args.firms // 10)]
    # Every tier: the national set with Chongqing's in force on the firms' day (issue 15: two lines).
    cn_2022 = in_force(firms[0].as_of, named=CN_2022)
    cn_2026 = in_force(firms[0].as_of, named=CN_2026)
    for rule_set in (cn_2022, cn_2026):  # compile once, outside the timings
        evaluate(firms[0], rule_set)

    base = timed(lambda: baseline(firms), args.runs)
    scenarios = [
        ("CN-2022 + CQ, all 8 tiers", firms, lambda: judge(firms, cn_2022)),
        ("CN-2026 + CQ, all 8 tiers", firms, lambda: judge(firms, cn_2026)),
        ("CN-2022, quality ladder only", firms, lambda: judge(firms, CN_2022, QUALITY)),
        (
            "CN-2022, full JSON answer",
            json_firms,
            lambda: [evaluate(f, cn_2022).to_dict() for f in json_firms],
        ),
        # Keeping every report alive makes the cyclic GC rescan them over and over; scans should not.
        ("CN-2022, all reports kept", firms, lambda: [evaluate(f, cn_2022) for f in firms]),
    ]
    print(f"Python {sys.version.split()[0]}, {args.firms} synthetic firms, median of {args.runs} runs")
    print(f"baseline (read the same figures): {base / len(firms) * 1e6:8.2f} µs/firm")
    print()
    print(f"{'scenario':32} {'firms':>7} {'firms/s':>10} {'µs/firm':>9} {'× baseline':>11}")
    base_per_firm = base / len(firms)
    for name, population, work in scenarios:
        seconds = timed(work, args.runs) / len(population)
        ratio = seconds / base_per_firm
        print(f"{name:32} {len(population):>7} {1 / seconds:>10,.0f} {seconds * 1e6:>9.1f} {ratio:>11.1f}")
    eligible = sum(1 for f in firms[:2000] for t in evaluate(f, cn_2022).tiers.values() if t.eligible)
    print()
    print(f"sanity: {eligible} eligible (firm, tier) pairs among the first 2000 firms under CN-2022")


if __name__ == "__main__":
    main()
