"""``make bench-national``: issue 21's figures on a national register, 1,000,000 firms × 5 years of figures.

    .venv/bin/python bench/national.py [--firms 1000000] [--runs 2] [--api-seconds 15]

Creates ``tiermark_bench_1000k`` on the local PostgreSQL once (migrate, ``seed_demo --firms N --years 5``,
``VACUUM ANALYZE``) and reuses it; the seeding time is stored in the benchmark database itself
(``bench_seeding``), so a later run on a fresh clone still reports it. Then, each against a baseline in the
same run where there is one:

* the promotion scan in one process against the raw-read floor (``bench/bench_scan.py``), ``runs`` pairs;
  the first scan of the year (which raises the year's alerts) is reported apart;
* the full scan on 2 Celery worker processes (one prefork worker, ``--concurrency=2``) and the peak RSS of
  its processes;
* the incremental scan after 1% of firms changed, as a share of the full scan;
* database size (``pg_database_size``) and the largest tables, read after the scans (with the year's alerts);
* one impact report (every tier, a draft against the sets in force) against the one-process scan;
* the caseworkers' admin firm list with a district filter and with a name search, the dashboard cached
  and uncached, and the city reviewer's inbox (every promotion alert of the year) (server time,
  ``bench/bench_web.py --server-times``);
* ``GET /api/firms/`` p95 at 4 clients against gunicorn: the first page, the busiest district × cluster
  page, and cursor pages at random places in the register ("any page").

Prints a table (figure, value, target, met) and, as its LAST line, the summary of ``name=value`` pairs.
Environment as ``bench/run.py``: ``BENCH_PG``, ``BENCH_REDIS_URL``.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_web  # noqa: E402
from bench.run import ensure_database, manage  # noqa: E402

MB = 1024 * 1024
SEEDING_TABLE = "bench_seeding"
# (summary key, target, True when smaller is better) — the targets.
TARGETS = {
    "seed_min": (10, True),
    "scan_2w_s": (150, True),
    "scan_vs_floor": (4, True),
    "incremental_pct": (5, True),
    "admin_district_ms": (300, True),
    "admin_search_ms": (300, True),
    "api_p95_ms": (50, True),
    "dashboard_uncached_ms": (2000, True),
    "dashboard_ms": (20, True),
    "impact_vs_scan": (1.5, True),
    "inbox_ms": (300, True),
    "worker_peak_mb": (300, True),
}
SUMMARY_KEYS = ("firms", "db_gb", *TARGETS)


@dataclass
class Table:
    """The printed rows (measurement, value, note) and the summary figures."""

    figures: dict[str, float] = field(default_factory=dict)
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def row(self, name: str, value: str, note: str = "") -> None:
        self.rows.append((name, value, note))
        print(f"  {name}: {value} {note}".rstrip(), flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--firms", type=int, default=1_000_000, help="generated firms (default 1000000)")
    parser.add_argument("--runs", type=int, default=2, help="timed scan runs; medians (default 2)")
    parser.add_argument("--api-seconds", type=float, default=15, help="load time per API case (default 15)")
    return parser.parse_args()


# --- The register: seeded once, its seeding time kept beside it. ---


def seed_once(database_url: str, firms: int) -> dict:
    """Migrate; seed and analyse when the register is short of ``firms``; the stored seeding record."""
    manage("migrate", "--no-input", "-v", "0")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {SEEDING_TABLE} "
            "(firms integer, seconds double precision, load double precision, seeded_at timestamptz)"
        )
        present = conn.execute("SELECT count(*) FROM registry_firm").fetchone()[0]
        if present < firms:
            started = time.perf_counter()
            manage("seed_demo", "--firms", str(firms), "--years", "5", "--seed", "1")
            vacuum(database_url)  # what any bulk load is followed by
            seconds = time.perf_counter() - started
            conn.execute(
                f"INSERT INTO {SEEDING_TABLE} VALUES (%s, %s, %s, now())",
                (firms, seconds, os.getloadavg()[0]),
            )
        row = conn.execute(
            f"SELECT firms, seconds, load, seeded_at FROM {SEEDING_TABLE} ORDER BY seeded_at DESC LIMIT 1"
        ).fetchone()
    if row is None:
        return {}
    return {"firms": row[0], "seconds": row[1], "load": row[2], "at": row[3]}


def vacuum(database_url: str) -> None:
    """``VACUUM ANALYZE``: fresh statistics and visibility maps after a bulk write. A default PostgreSQL's
    autovacuum does this by itself; this machine's runs with autovacuum off, so the benchmark does it."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def database_size(database_url: str, out: Table) -> None:
    with psycopg.connect(database_url) as conn:
        total = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        largest = conn.execute(
            "SELECT relname, pg_total_relation_size(relid) FROM pg_statio_user_tables ORDER BY 2 DESC LIMIT 4"
        ).fetchall()
        figures = conn.execute("SELECT count(*) FROM registry_annualfigures").fetchone()[0]
    out.figures["db_gb"] = total / 1024**3
    parts = ", ".join(f"{name} {size / MB:,.0f} MB" for name, size in largest)
    out.row("database size", f"{total / 1024**3:.2f} GB", f"{figures:,} figure rows; {parts}")


# --- Scans. ---


def measure_scans(database_url: str, runs: int, out: Table, log_dir: Path) -> float:
    """Floor and one-process scan interleaved, 2 worker processes, incremental; returns the scan's median."""
    from django.utils import timezone

    from bench.bench_scan import Worker, celery_scan_seconds, change_firms, floor_seconds, timed, warm_up
    from config.celery import app
    from cultivation.models import Alert
    from cultivation.scanning import ScanKind
    from cultivation.scans import SCANS

    promotion, as_of = SCANS[ScanKind.PROMOTION_DUE], timezone.localdate()
    if not Alert.objects.filter(kind=ScanKind.PROMOTION_DUE, period=str(as_of.year)).exists():
        seconds, result = timed(lambda: promotion.run(as_of))
        out.row("first scan of the year (raises its alerts)", f"{seconds:.1f} s", f"{result.acted:,} alerts")
        vacuum(database_url)  # after a million rows written, what autovacuum does on a default server
    app.control.purge()  # the first run's alert emails are not this benchmark's work
    floors, scans = [], []
    for _ in range(runs):
        floors.append(floor_seconds(database_url, as_of))
        seconds, result = timed(lambda: promotion.run(as_of))
        scans.append(seconds)
    scan, floor = statistics.median(scans), statistics.median(floors)
    out.row("floor: one raw query over the same firms and figures", f"{floor:.1f} s")
    out.row("promotion scan, one process", f"{scan:.1f} s", f"{result.examined / scan:,.0f} firms/s")
    out.figures["scan_vs_floor"] = statistics.median(s / f for s, f in zip(scans, floors, strict=True))

    worker = Worker(2, log_dir / "national-worker.log", "national")
    try:
        warm_up(as_of, 2, "national")
        times = []
        worker.start_sampling()
        for _ in range(runs):
            times.append(celery_scan_seconds(as_of, "national"))
        peak = worker.stop_sampling()
    finally:
        worker.stop()
    out.figures["scan_2w_s"] = statistics.median(times)
    out.figures["worker_peak_mb"] = peak / MB
    out.row("promotion scan, Celery, 2 worker processes", f"{statistics.median(times):.1f} s")
    out.row("peak RSS of a worker process", f"{peak / MB:.0f} MB", "sampled every 50 ms")

    changed = change_firms(0.01, random.Random(21))
    seconds, result = timed(lambda: promotion.run(as_of, incremental=True))
    out.figures["incremental_pct"] = seconds / scan * 100
    out.row(
        f"incremental scan after 1% of firms changed ({changed:,})",
        f"{seconds:.2f} s",
        f"{result.examined:,} firms judged, {seconds / scan * 100:.1f}% of the full scan",
    )
    app.control.purge()
    return scan


def measure_impact(scan: float, out: Table) -> None:
    """One impact report (every tier, the benchmark draft against the sets in force) ÷ the scan's median."""
    from django.utils import timezone

    from bench.bench_impact import ensure_draft
    from cultivation.impact import impact

    as_of = timezone.localdate()
    code = ensure_draft(as_of)
    started = time.perf_counter()
    impact(code, as_of=as_of)
    seconds = time.perf_counter() - started
    out.figures["impact_vs_scan"] = seconds / scan
    out.row(
        "impact report, every tier, draft vs in force", f"{seconds:.1f} s", f"{seconds / scan:.2f}× the scan"
    )


# --- Web: admin lists and dashboard (server time), API under load. ---


def measure_pages(database_url: str, redis_url: str, out: Table) -> None:
    # The pages render with production settings, which name the hashed static files collectstatic writes.
    bench_web.collect_static(bench_web.server_env(database_url, redis_url, 0))
    times = bench_web.child("--server-times", database_url, redis_url)
    out.figures["admin_district_ms"] = times["admin_changelist_ms"]
    out.figures["admin_search_ms"] = max(times["admin_name_search_ms"], times["admin_name_search_4_ms"])
    out.figures["dashboard_ms"] = times["dashboard_ms"]
    out.figures["dashboard_uncached_ms"] = times["dashboard_uncached_ms"]
    out.row("admin firm list, district filter (median)", f"{times['admin_changelist_ms']:.0f} ms")
    out.row("admin firm list, name search 巴山 (median)", f"{times['admin_name_search_ms']:.0f} ms")
    out.row("admin firm list, name search 巴山仪器 (median)", f"{times['admin_name_search_4_ms']:.0f} ms")
    out.figures["inbox_ms"] = times["inbox_ms"]
    inbox = f"the city reviewer's inbox, {times['inbox_alerts']:,} alerts (median)"
    out.row(inbox, f"{times['inbox_ms']:.0f} ms")
    out.row("dashboard, cached (median)", f"{times['dashboard_ms']:.1f} ms")
    out.row("dashboard, uncached (median)", f"{times['dashboard_uncached_ms']:.0f} ms")


def cursor_at(code: str) -> str:
    """DRF's cursor for "the page after ``code``" in the firm list's credit-code order."""
    return base64.b64encode(urlencode({"p": code}).encode("ascii")).decode("ascii")


def measure_api(database_url: str, redis_url: str, seconds: float, out: Table) -> None:
    info = bench_web.child("--prepare", database_url, redis_url)
    codes, rng = info["sample_codes"], random.Random(21)
    cases = {
        "first page (page numbers, with count)": "/api/firms/?page_size=50",
        "busiest district × cluster": (
            f"/api/firms/?cluster={info['cluster']}&district={info['district']}&page_size=50"
        ),
        "cursor page at a random place": lambda: (
            f"/api/firms/?page_size=50&cursor={cursor_at(rng.choice(codes))}"
        ),
    }
    p95s = {}
    with bench_web.serving(database_url, redis_url, info["token"]) as port:
        for name, path in cases.items():
            api, floor = bench_web.against_floor(port, info["token"], path, seconds, 4)
            p95s[name] = bench_web.p95(api)
            out.row(
                f"GET /api/firms/, {name}, p95",
                f"{p95s[name]:.1f} ms",
                f"median {statistics.median(api):.1f}, {len(api):,} requests; "
                f"GET /api/me/ p95 {bench_web.p95(floor):.1f}",
            )
    out.figures["api_p95_ms"] = max(p95s.values())


# --- The table. ---


def met(key: str, value: float | None) -> str:
    if key not in TARGETS or value is None:
        return ""
    limit, lower = TARGETS[key]
    return "yes" if (value <= limit if lower else value >= limit) else "NO"


def fmt(value: float | None) -> str:
    if value is None:
        return "missing"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}"


def main() -> None:
    args = parse_args()
    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    name = f"tiermark_bench_{args.firms // 1000}k"
    database_url = f"{server}/{name}"
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ.update(
        DATABASE_URL=database_url, REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE="config.settings"
    )
    os.environ.setdefault("DJANGO_DEBUG", "true")
    started, loads = time.perf_counter(), [os.getloadavg()[0]]
    print(
        f"benchmark database {name}: {'created' if ensure_database(server, name) else 'exists'}", flush=True
    )
    out = Table()
    seeding = seed_once(database_url, args.firms)
    if seeding:
        out.figures["seed_min"] = seeding["seconds"] / 60
        out.row(
            f"seeding {seeding['firms']:,} firms × 5 years, then VACUUM ANALYZE",
            f"{seeding['seconds'] / 60:.1f} min",
            f"on {seeding['at']:%Y-%m-%d %H:%M} UTC, load average {seeding['load']:.1f}",
        )
    import django

    django.setup()
    from registry.models import Firm

    out.figures["firms"] = Firm.objects.count()
    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    scan = measure_scans(database_url, args.runs, out, log_dir)
    database_size(database_url, out)  # after the year's first scan, whose alerts a register in use holds
    loads.append(os.getloadavg()[0])
    measure_impact(scan, out)
    from django.db import connections

    connections.close_all()
    measure_pages(database_url, redis_url, out)
    measure_api(database_url, redis_url, args.api_seconds, out)
    loads.append(os.getloadavg()[0])

    print()
    print(f"| measurement ({out.figures['firms']:,.0f} firms, 5 years each) | value | note |")
    print("|---|---|---|")
    for measurement, value, note in out.rows:
        print(f"| {measurement} | {value} | {note} |")
    print()
    print("| figure | value | target | met |")
    print("|---|---|---|---|")
    for key in SUMMARY_KEYS:
        value = out.figures.get(key)
        target = f"≤ {TARGETS[key][0]}" if key in TARGETS else "report"
        print(f"| {key} | {fmt(value)} | {target} | {met(key, value)} |")
    total = time.perf_counter() - started
    print(
        f"| total benchmark time | {total / 60:.1f} min | load average "
        f"{' → '.join(f'{load:.1f}' for load in loads)} | |"
    )
    print(f"finished {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(" ".join(f"{key}={fmt(out.figures.get(key))}" for key in SUMMARY_KEYS))


if __name__ == "__main__":
    main()
