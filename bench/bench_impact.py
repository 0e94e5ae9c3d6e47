"""Benchmark (issue 16): an impact report and a 20-point threshold sweep against the promotion scan.

* ``impact_vs_scan`` — one impact report over the whole register, every tier, version B (a draft with
  the 专精特新 R&D-expense bar raised) against the sets in force, divided by one full promotion scan
  (``run``, all chunks, one process) on the same register. Target: at most 1.5.
* ``sweep_vs_impact`` — a 20-point sweep of that threshold divided by the impact report. Target: at
  most 5.

Medians of ``runs``. The draft is stored once in the benchmark database (a draft applies to nothing).
"""

from __future__ import annotations

import datetime
import statistics
import time
from decimal import Decimal

from bench.bench_scan import ScanFigures

DRAFT = "BENCH-IMPACT"
PATH, PARAM = "srdi_sme.c2_rd_expense", "threshold"


def ensure_draft(as_of: datetime.date) -> str:
    """The benchmark's draft version, derived from the national set in force once."""
    from cultivation.models import RuleSet
    from cultivation.selectors import rule_set_on
    from cultivation.services import derive_rule_set
    from registry.models import User

    if RuleSet.objects.filter(code=DRAFT).exists():
        return DRAFT
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    derive_rule_set(
        base=RuleSet.objects.get(code=rule_set_on(as_of).code),
        code=DRAFT,
        effective_from=datetime.date(2099, 1, 1),
        overrides={PATH: {PARAM: "150"}},
        draft=True,
        actor=admin,
    )
    return DRAFT


def median_seconds(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(runs: int) -> ScanFigures:
    """Time the scan, the report and the sweep on the register Django is set up on."""
    from django.utils import timezone

    from cultivation.impact import impact, sweep, sweep_values
    from cultivation.scanning import ScanKind
    from cultivation.scans import SCANS
    from registry.models import Firm

    out = ScanFigures()
    as_of = timezone.localdate()
    code = ensure_draft(as_of)
    firms = Firm.objects.count()
    print(f"impact benchmark, as of {as_of}, {firms:,} firms", flush=True)
    promotion = SCANS[ScanKind.PROMOTION_DUE]
    promotion.run(as_of)  # warm: rule sets compiled, this year's alerts already raised
    scan = median_seconds(lambda: promotion.run(as_of), runs)
    report = median_seconds(lambda: impact(code, as_of=as_of), runs)
    values = sweep_values(Decimal("60"), Decimal("155"), Decimal("5"))
    assert len(values) == 20
    swept = median_seconds(lambda: sweep(code, PATH, PARAM, values, as_of=as_of), runs)
    out.row("promotion scan, full, one process", f"{scan:.2f} s", f"{firms / scan:,.0f} firms/s")
    out.row("impact report, every tier, B vs in force", f"{report:.2f} s", f"{firms / report:,.0f} firms/s")
    out.row("threshold sweep, 20 points", f"{swept:.2f} s", f"{firms * 20 / swept:,.0f} firm-points/s")
    out.figures["impact_vs_scan"] = report / scan
    out.figures["sweep_vs_impact"] = swept / report
    return out
