"""Benchmark: the nightly promotion scan against its floor, a naive scan, real Celery workers, and the
incremental scan (issue 9). Called by ``bench/run.py``, which creates and seeds the database first.

Every figure is a ratio against a baseline measured in the same run, interleaved with it, and the
median of ``runs`` passes, because the machine is shared and noisy:

* floor — one raw psycopg query reading the firm columns and the figures the scan reads, doing
  nothing with them;
* ours — the promotion scan's ``run`` in this process: every firm, the next rung of each ladder,
  this year's alerts already raised (what a night looks like; the first run is reported apart);
* naive — per firm: fetch the firm, its figures (model instances), designations, attestations and
  flags through the ORM, evaluate its next rungs, look up its open applications and alerts. Timed on
  a sample of firms spread over the register and extrapolated per firm to the whole register;
* Celery — the same chunks as ``tasks.run_scan`` sends, on real ``celery worker``s (prefork) on Redis:
  one with one process and one with two, each on its own queue, runs alternating between them; the
  speedup is the median of the paired ratios; peak RSS of the worker processes sampled with psutil;
* incremental — 1% of firms change (their last figures saved through the ORM, as the admin and the
  API do), then its ``run(incremental=True)``.
"""

from __future__ import annotations

import datetime
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import psycopg

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024

# The firm columns and the figures the scan reads (selectors.SCAN_FIRM_FIELDS, FIGURE_FIELDS).
FLOOR_SQL = """
SELECT f.id, f.district_id, f.stage, f.founded_on, f.niche_since, f.sector, f.strategic_emerging,
       f.is_listed, c.code, a.year, {figures}
FROM registry_firm f
LEFT JOIN registry_cluster c ON c.id = f.cluster_id
LEFT JOIN registry_annualfigures a ON a.firm_id = f.id AND a.year >= %s AND a.year < %s
"""


@dataclass
class ScanFigures:
    """What ``measure`` found: the summary figures and the rows of the printed table."""

    figures: dict[str, float] = field(default_factory=dict)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (measurement, value, note)

    def row(self, name: str, value: str, note: str = "") -> None:
        self.rows.append((name, value, note))
        print(f"  {name}: {value} {note}".rstrip(), flush=True)


def timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    out = function()
    return time.perf_counter() - started, out


def floor_seconds(database_url: str, as_of: datetime.date) -> float:
    """One raw query over the same firms and figures, rows fetched and dropped."""
    from cultivation.selectors import YEARS_LOOKED_BACK
    from registry.figures import FIGURE_FIELDS

    sql = FLOOR_SQL.format(figures=", ".join(f"a.{name}" for name in FIGURE_FIELDS))
    with psycopg.connect(database_url) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, (as_of.year - YEARS_LOOKED_BACK, as_of.year))
        for _row in cursor:
            pass
        return time.perf_counter() - started


def naive_seconds_per_firm(as_of: datetime.date, sample: list[int]) -> float:
    """The scan written the obvious way, one firm at a time (see the module docstring)."""
    from cultivation.alert_scans import promotion_targets
    from cultivation.models import Alert, Application, Attestation, Designation, Disqualification
    from cultivation.rules.evaluator import evaluate
    from cultivation.rules.facts import Attest, Facts, YearFigures
    from cultivation.selectors import YEARS_LOOKED_BACK, rule_set_on
    from registry.models import FIGURE_FIELDS, AnnualFigures, Firm

    rule_set = rule_set_on(as_of)
    started = time.perf_counter()
    for firm_id in sample:
        firm = Firm.objects.select_related("cluster").get(pk=firm_id)
        figures = AnnualFigures.objects.filter(
            firm=firm, year__gte=as_of.year - YEARS_LOOKED_BACK, year__lt=as_of.year
        )
        held = {d.tier for d in Designation.objects.active(as_of).filter(firm=firm)}
        attested = {
            a.code: Attest.CONFIRMED if a.status == Attestation.Status.CONFIRMED else Attest.CLAIMED
            for a in Attestation.objects.live().filter(firm=firm)
        }
        facts = Facts(
            as_of=as_of,
            founded_on=firm.founded_on,
            niche_since=firm.niche_since,
            sector=firm.sector,
            strategic_emerging=firm.strategic_emerging,
            listed=firm.is_listed,
            cluster=firm.cluster.code if firm.cluster else None,
            designations=held,
            attested=attested,
            disqualifications={d.code for d in Disqualification.objects.in_force(as_of).filter(firm=firm)},
            years=[YearFigures(year=f.year, **{n: getattr(f, n) for n in FIGURE_FIELDS}) for f in figures],
        )
        targets = promotion_targets(facts.designations)
        report = evaluate(facts, rule_set, tiers=targets)
        for tier in targets:
            if report[tier].eligible is not False:
                Application.objects.open().filter(firm=firm, tier=tier).exists()
                Alert.objects.filter(
                    kind="promotion_due", firm=firm, tier=tier, period=str(as_of.year)
                ).exists()
    return (time.perf_counter() - started) / len(sample)


class Worker:
    """A real ``celery worker`` (prefork pool of ``processes``) on the benchmark database and Redis."""

    def __init__(self, processes: int, log: Path, queue: str) -> None:
        env = {**os.environ, "DB_CONN_MAX_AGE": "600"}
        self.log = log.open("wb")
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
            f"--concurrency={processes}", "--loglevel=INFO", f"--hostname={queue}@%h", f"--queues={queue}",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.log_path = log
        self._wait_ready()
        self.peak_rss = 0
        self._sampling = False
        self._thread: threading.Thread | None = None

    def _wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b"ready." in self.log_path.read_bytes():
                return
            if self.process.poll() is not None:
                raise RuntimeError(self.log_path.read_text(errors="replace"))
            time.sleep(0.2)
        raise TimeoutError(self.log_path.read_text(errors="replace"))

    def start_sampling(self) -> None:
        """Sample every worker process's RSS every 50 ms; ``peak_rss`` keeps the largest seen."""
        self.peak_rss, self._sampling = 0, True

        def sample() -> None:
            parent = psutil.Process(self.process.pid)
            while self._sampling:
                try:
                    for proc in (parent, *parent.children(recursive=True)):
                        self.peak_rss = max(self.peak_rss, proc.memory_info().rss)
                except psutil.Error:
                    pass
                time.sleep(0.05)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()

    def stop_sampling(self) -> int:
        self._sampling = False
        if self._thread:
            self._thread.join()
        return self.peak_rss

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log.close()


def celery_scan_seconds(as_of: datetime.date, queue: str) -> float:
    """Send the full promotion scan's chunks to one worker's queue and wait until every one is done."""
    from celery import group

    from cultivation.scanning import ScanKind
    from cultivation.tasks import scan_signatures

    signatures = [s.set(queue=queue) for s in scan_signatures(ScanKind.PROMOTION_DUE, as_of.isoformat())]
    started = time.perf_counter()
    wait_for(group(signatures).apply_async(), 3600)
    return time.perf_counter() - started


def wait_for(result, timeout: float) -> None:
    """Poll the result store until every task is done (waiting on its pub/sub channel hung with the
    project's short Redis timeouts), then raise a task's error, if any."""
    deadline = time.perf_counter() + timeout
    while not result.ready():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the workers did not finish within {timeout:.0f} s")
        time.sleep(0.02)
    result.get(timeout=10)
    result.forget()


def warm_up(as_of: datetime.date, processes: int, queue: str) -> None:
    """A few ten-firm chunks per process, so each has parsed the rule sets and opened its connection."""
    from celery import group

    from cultivation.scanning import ScanKind
    from cultivation.tasks import scan_chunk
    from registry.models import Firm

    first = Firm.objects.order_by("pk").values_list("pk", flat=True).first()
    day = as_of.isoformat()
    chunk = scan_chunk.si(ScanKind.PROMOTION_DUE, day, first, first + 9).set(queue=queue)
    wait_for(group(chunk.clone() for _ in range(4 * processes)).apply_async(), 120)


def measure_workers(as_of: datetime.date, runs: int, log_dir: Path) -> dict[str, float]:
    """Scan time with 1 and with 2 worker processes, interleaved run by run so that the machine's load
    drifts alike over both; peak RSS of the worker processes. Both workers run at once, each on its own
    queue (an idle worker costs nothing), after a warm-up."""
    from config.celery import app

    app.control.purge()  # e.g. alert emails queued by the first run: not this benchmark's work
    workers = {n: Worker(n, log_dir / f"worker-{n}.log", f"bench{n}") for n in (1, 2)}
    times: dict[int, list[float]] = {1: [], 2: []}
    peak = 0
    try:
        for n in workers:
            warm_up(as_of, n, f"bench{n}")
        for _ in range(runs):
            for n, worker in workers.items():
                worker.start_sampling()
                times[n].append(celery_scan_seconds(as_of, f"bench{n}"))
                peak = max(peak, worker.stop_sampling())
    finally:
        for worker in workers.values():
            worker.stop()
    return {
        "one": statistics.median(times[1]),
        "two": statistics.median(times[2]),
        "speedup": statistics.median(one / two for one, two in zip(times[1], times[2], strict=True)),
        "peak_rss": peak,
    }


def change_firms(share: float, rng: random.Random) -> int:
    """Save the last figures of ``share`` of the firms through the ORM (flip ``audited``, which the
    rules do not read, so the register does not drift between runs); returns how many firms."""
    from registry.models import AnnualFigures, Firm

    ids = list(Firm.objects.values_list("pk", flat=True))
    chosen = rng.sample(ids, max(1, int(len(ids) * share)))
    last = {}
    for figures in AnnualFigures.objects.filter(firm__in=chosen, frozen=False).order_by("firm_id", "year"):
        last[figures.firm_id] = figures
    for figures in last.values():
        figures.audited = not figures.audited
        figures.save()
    return len(last)


def measure(database_url: str, firms: int, runs: int, naive_sample: int, log_dir: Path) -> ScanFigures:
    """Run every scan measurement; Django must be set up on ``database_url`` already."""
    from django.utils import timezone

    from cultivation.models import Alert
    from cultivation.scanning import Chunk, ScanKind
    from cultivation.scans import SCANS
    from registry.models import Firm

    promotion = SCANS[ScanKind.PROMOTION_DUE]

    out = ScanFigures()
    as_of = timezone.localdate()  # the day the demo register was drawn relative to
    print(f"promotion scan, as of {as_of}, {Firm.objects.count():,} firms", flush=True)

    if not Alert.objects.filter(kind=ScanKind.PROMOTION_DUE, period=str(as_of.year)).exists():
        seconds, result = timed(lambda: promotion.run(as_of))
        out.row("first run (raises this year's alerts)", f"{seconds:.1f} s", f"{result.acted:,} alerts")
    else:  # warm-up: rule sets parsed and compiled, the connection open
        first = Firm.objects.order_by("pk").values_list("pk", flat=True).first()
        promotion.judge(Chunk.between(as_of, first, first + 99))
    floors, scans, ratios = [], [], []
    for _ in range(runs):
        floor = floor_seconds(database_url, as_of)
        seconds, result = timed(lambda: promotion.run(as_of))
        floors.append(floor)
        scans.append(seconds)
        ratios.append(seconds / floor)
    examined = result.examined
    scan = statistics.median(scans)
    out.row("floor: one raw query, same firms and figures", f"{statistics.median(floors):.2f} s")
    out.row("promotion scan, one process (rerun)", f"{scan:.2f} s", f"{examined / scan:,.0f} firms/s")
    out.figures["scan_firms_per_s"] = examined / scan
    out.figures["scan_vs_floor"] = statistics.median(ratios)

    ids = sorted(Firm.objects.values_list("pk", flat=True))
    step = max(1, len(ids) // naive_sample)
    per_firm = naive_seconds_per_firm(as_of, ids[::step][:naive_sample])
    naive_total = per_firm * examined
    out.row(
        "naive scan (per firm ORM), extrapolated",
        f"{naive_total:.1f} s",
        f"{per_firm * 1e3:.2f} ms/firm on {min(naive_sample, len(ids)):,} firms",
    )
    out.figures["scan_vs_naive"] = naive_total / scan

    workers = measure_workers(as_of, runs, log_dir)
    out.row(
        "Celery, 1 worker process", f"{workers['one']:.2f} s", f"{examined / workers['one']:,.0f} firms/s"
    )
    out.row(
        "Celery, 2 worker processes", f"{workers['two']:.2f} s", f"{examined / workers['two']:,.0f} firms/s"
    )
    out.row("peak RSS of a worker process", f"{workers['peak_rss'] / MB:.0f} MB", "sampled every 50 ms")
    out.figures["scan_peak_mb"] = workers["peak_rss"] / MB
    out.figures["scan_speedup_2w"] = workers["speedup"]

    rng = random.Random(9)
    incremental, examined_inc = [], 0
    for _ in range(runs):
        changed = change_firms(0.01, rng)
        seconds, result = timed(lambda: promotion.run(as_of, incremental=True))
        incremental.append(seconds)
        examined_inc = result.examined
    inc = statistics.median(incremental)
    out.row(
        f"incremental scan after 1% of firms changed ({changed:,})",
        f"{inc:.2f} s",
        f"{examined_inc:,} firms judged, {scan / inc:.0f}× faster than full",
    )
    out.figures["scan_incremental_s"] = inc
    app_purge()
    return out


def app_purge() -> None:
    """Drop what the scans queued (alert emails) so the benchmark Redis database is left empty."""
    from config.celery import app

    app.control.purge()
