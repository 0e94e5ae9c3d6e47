"""The evaluator: one firm's Facts against a rule set, every tier explained (P4).

Pure Python, no queries. A rule set is compiled once (``RuleSet.compiled``, see ``compiler.py``) into
check closures and pass-rule closures; an evaluation then runs closures over a per-call context that
caches derived figures, so judging one firm against all eight tiers takes a few hundred microseconds
(bench/bench_evaluator.py).

Three-valued outcome: True, False, or None when the answer depends on attestations that are
claimed but not yet confirmed (P3). Missing figures make a criterion ``missing`` and count as not
met: the firm cannot be judged eligible on data it has not given.
"""

from __future__ import annotations

from collections.abc import Iterable

from .compiler import CommonOutcomes
from .facts import Facts
from .metrics import Context
from .results import EligibilityReport, TierReport
from .ruleset import InForce, RuleSet
from .status import Tri


def evaluate(
    facts: Facts, rule_set: RuleSet | InForce, tiers: Iterable[str] | None = None
) -> EligibilityReport:
    """Judge ``facts`` against every tier of ``rule_set`` (or only ``tiers``).

    ``rule_set`` may be the combination in force on a day (``InForce``): each part rates its own
    tiers, and a tier not yet in force answers so (``TierReport.not_in_force``).
    """
    if isinstance(rule_set, InForce):
        return _evaluate_in_force(facts, rule_set, tiers)
    compiled = rule_set.compiled
    wanted = list(compiled.tiers) if tiers is None else list(tiers)
    unknown = [t for t in wanted if t not in compiled.tiers]
    if unknown:
        raise KeyError(f"rule set {rule_set.code} has no tiers {unknown}")
    ctx = Context(facts)
    needed = set(wanted)
    common = {code: run(ctx) for code, run, applies in compiled.common if applies & needed}
    reports = {tier: compiled.tiers[tier].run(ctx, common) for tier in wanted}
    for report in reports.values():
        report.rule_set, report.jurisdiction = rule_set.code, rule_set.jurisdiction
    return EligibilityReport(rule_set.code, facts.as_of, rule_set.provisional, reports)


def _evaluate_in_force(facts: Facts, combined: InForce, tiers: Iterable[str] | None) -> EligibilityReport:
    wanted = list(combined.all_tiers) if tiers is None else list(tiers)
    unknown = [t for t in wanted if not combined.rates(t) and t not in combined.not_yet]
    if unknown:
        raise KeyError(f"rule sets {combined.key} have no tiers {unknown}")
    reports: dict[str, TierReport] = {}
    for part in combined.parts:
        mine = [t for t in wanted if t in part.tiers]
        if mine:
            reports.update(evaluate(facts, part, mine).tiers)
    for tier in wanted:
        later = combined.not_yet.get(tier)
        if tier not in reports and later is not None:
            reports[tier] = TierReport.not_in_force(
                tier, later.code, later.effective_from, later.jurisdiction
            )
    ordered = {tier: reports[tier] for tier in wanted}
    return EligibilityReport(combined.code, facts.as_of, combined.provisional, ordered, combined.codes)


def verdicts(
    facts: Facts, rule_set: RuleSet | InForce, tiers: Iterable[str], ctx: Context | None = None
) -> dict[str, Tri]:
    """``evaluate(facts, rule_set, tiers)[tier].eligible`` for each tier, without building reports.

    What a scan asks when it only needs yes / no / pending: a firm failing its first criterion
    costs one check, not the whole tier (bench/bench_scan.py and docs/PERFORMANCE.md). A tier not
    yet in force answers None, as in the report: callers ask ``InForce.rates`` before raising anything.
    The parts of an ``InForce`` share one ``Context`` (``ctx``): a metric depends on the facts only,
    so the national and Chongqing's rules compute last year's R&D intensity once between them.
    """
    ctx = ctx or Context(facts)
    if isinstance(rule_set, InForce):
        tiers = list(tiers)
        found: dict[str, Tri] = {}
        for part in rule_set.parts:
            mine = [tier for tier in tiers if tier in part.tiers]
            if mine:
                compiled = part.compiled
                common = CommonOutcomes(compiled.common_by_code, ctx)
                for tier in mine:
                    found[tier] = compiled.tiers[tier].verdict(ctx, common)
        for tier in tiers:
            if tier not in found and tier not in rule_set.not_yet:
                raise KeyError(f"rule sets {rule_set.key} have no tier {tier!r}")
        return {tier: found.get(tier) for tier in tiers}
    compiled = rule_set.compiled
    common = CommonOutcomes(compiled.common_by_code, ctx)
    return {tier: compiled.tiers[tier].verdict(ctx, common) for tier in tiers}


def evaluate_tier(facts: Facts, rule_set: RuleSet, tier: str) -> TierReport:
    """Judge ``facts`` against one tier."""
    return evaluate(facts, rule_set, (tier,)).tiers[tier]
