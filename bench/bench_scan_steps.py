"""What each optimisation of the promotion scan bought (docs/PERFORMANCE.md, issue 9).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiermark_bench_20k \
        .venv/bin/python bench/bench_scan_steps.py

Runs the promotion scan's read-and-judge loop over every firm of a seeded register (``bench/run.py``
seeds one) in four variants, each adding one optimisation to the previous, interleaved and repeated
(median of ``--runs``). Nothing is written: the loop stops where the scan would hand its drafts to
``raise_alerts``, which on a night after the first finds nothing new.

1. before (issue 5): ``Firm`` instances with their clusters, ``facts_for`` (``IN`` lists of 2,000
   ids), the full report for the next rung of each ladder, drafts matched by ``raise_alerts``;
2. reads as plain tuples over an id range (``selectors.scan_facts``);
3. tiers settled this year (alert raised, application open) not judged;
4. yes/no verdicts that try the cheapest criteria first and stop at the deciding one
   (``rules.evaluator.verdicts``);
5. the cyclic garbage collector paused for the chunk (``alert_scans.gc_paused``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")  # in-process: the development profile

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from cultivation.alert_scans import gc_paused, promotion_targets  # noqa: E402
from cultivation.models import Alert, Application  # noqa: E402
from cultivation.rules.evaluator import evaluate, verdicts  # noqa: E402
from cultivation.scanning import firm_id_ranges  # noqa: E402
from cultivation.selectors import FirmSet, facts_for, rule_set_on, scan_facts  # noqa: E402
from cultivation.services.alerts import AlertDraft, raise_alerts  # noqa: E402
from registry.models import Firm  # noqa: E402


def settled(as_of, lookup: dict) -> set[tuple[int, str]]:
    alerts = Alert.objects.filter(kind="promotion_due", period=str(as_of.year), **lookup)
    return set(alerts.values_list("firm_id", "tier")) | set(
        Application.objects.open().filter(**lookup).values_list("firm_id", "tier")
    )


def before(as_of, first: int, last: int, rule_set) -> int:
    """Issue 5's chunk: drafts for every due tier, which ``raise_alerts`` then matched against the alerts
    already raised (on a night after the first, all of them: nothing is written)."""
    firms = list(Firm.objects.filter(pk__range=(first, last)).select_related("cluster"))
    facts = facts_for(firms, as_of)
    applied = set(
        Application.objects.open().filter(firm_id__in=[f.pk for f in firms]).values_list("firm_id", "tier")
    )
    drafts = []
    for firm in firms:
        targets = promotion_targets(facts[firm.pk].designations)
        report = evaluate(facts[firm.pk], rule_set, tiers=targets)
        for tier in targets:
            if report[tier].eligible is not False and (firm.pk, tier) not in applied:
                payload = {"score": str(report[tier].score)}
                drafts.append(
                    AlertDraft("promotion_due", str(as_of.year), firm.pk, firm.district_id, tier, payload)
                )
    with transaction.atomic():
        return len(raise_alerts(drafts))


def tuples(as_of, first: int, last: int, rule_set) -> int:
    firms = FirmSet.between(first, last)
    applied = set(Application.objects.open().filter(**firms.lookup()).values_list("firm_id", "tier"))
    due = 0
    for firm in scan_facts(firms, as_of):
        targets = promotion_targets(firm.facts.designations)
        report = evaluate(firm.facts, rule_set, tiers=targets)
        due += sum(report[t].eligible is not False and (firm.id, t) not in applied for t in targets)
    return due


def skip_settled(as_of, first: int, last: int, rule_set) -> int:
    firms = FirmSet.between(first, last)
    done = settled(as_of, firms.lookup())
    due = 0
    for firm in scan_facts(firms, as_of):
        targets = [t for t in promotion_targets(firm.facts.designations) if (firm.id, t) not in done]
        report = evaluate(firm.facts, rule_set, tiers=targets)
        due += sum(report[t].eligible is not False for t in targets)
    return due


def with_verdicts(as_of, first: int, last: int, rule_set) -> int:
    firms = FirmSet.between(first, last)
    done = settled(as_of, firms.lookup())
    due = 0
    for firm in scan_facts(firms, as_of):
        targets = [t for t in promotion_targets(firm.facts.designations) if (firm.id, t) not in done]
        due += sum(v is not False for v in verdicts(firm.facts, rule_set, targets).values())
    return due


def gc_off(as_of, first: int, last: int, rule_set) -> int:
    with gc_paused():
        return with_verdicts(as_of, first, last, rule_set)


VARIANTS = {
    "1. before: model instances, IN lists, full reports": before,
    "2. + plain tuples over an id range": tuples,
    "3. + settled tiers not judged": skip_settled,
    "4. + yes/no verdicts, cheapest criteria first": with_verdicts,
    "5. + garbage collector paused per chunk (the scan now)": gc_off,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    as_of = timezone.localdate()
    rule_set = rule_set_on(as_of)
    ranges = firm_id_ranges()
    firms = Firm.objects.count()
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    cpu: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(args.runs):
        for name, variant in VARIANTS.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            for first, last in ranges:
                variant(as_of, first, last, rule_set)
            times[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    print(f"{firms:,} firms, as of {as_of}, median of {args.runs}, load average {os.getloadavg()[0]:.1f}")
    print("| variant | wall s | firms/s | client CPU µs/firm | × before |")
    print("|---|---|---|---|---|")
    first = statistics.median(next(iter(times.values())))
    for name in VARIANTS:
        wall = statistics.median(times[name])
        print(
            f"| {name} | {wall:.2f} | {firms / wall:,.0f} | {statistics.median(cpu[name]) / firms * 1e6:.0f} "
            f"| {first / wall:.1f} |"
        )


if __name__ == "__main__":
    main()
