"""Issue 9's benchmarks in one command: ``make bench`` (100,000 firms) and ``make bench-quick`` (20,000).

    .venv/bin/python bench/run.py --firms 20000 [--years 5] [--runs 3] [--naive-sample 500]

Creates the database ``tiermark_bench_<N>k`` on the local PostgreSQL when it is missing, migrates it,
seeds it with ``seed_demo --firms N --years 5`` (every firm with five fiscal years of figures),
runs the scan benchmark (``bench/bench_scan.py``), the impact benchmark (``bench/bench_impact.py``:
``impact_vs_scan`` and ``sweep_vs_impact``, issue 16; ``--impact-only`` runs it alone), then the web benchmark
``bench/bench_web.py:measure(database_url, redis_url, firms)`` when that module is present, prints a
table, and prints as its LAST line the summary of ``name=value`` pairs. A figure that could not be
measured is printed as ``missing``.

Environment: ``BENCH_PG`` (default ``postgres://postgres@127.0.0.1:5432``) and ``BENCH_REDIS_URL``
(default ``redis://127.0.0.1:6379/15``; the benchmark empties that Redis database's queue).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY_KEYS = (
    "scan_firms_per_s",
    "scan_vs_floor",
    "scan_vs_naive",
    "scan_peak_mb",
    "scan_speedup_2w",
    "api_p95_ms",
    "api_vs_floor",
    "dashboard_ms",
    "admin_changelist_ms",
    "impact_vs_scan",
    "sweep_vs_impact",
)
WEB_KEYS = SUMMARY_KEYS[5:9]
IMPACT_KEYS = SUMMARY_KEYS[9:]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--firms", type=int, default=20000, help="generated firms (default 20000)")
    parser.add_argument("--years", type=int, default=5, help="fiscal years of figures per firm (default 5)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure; medians (default 3)")
    parser.add_argument("--naive-sample", type=int, default=500, help="firms timed for the naive scan")
    parser.add_argument("--skip-web", action="store_true", help="do not run bench/bench_web.py")
    parser.add_argument(
        "--impact-only",
        action="store_true",
        help="only bench/bench_impact.py (impact report and sweep against the promotion scan)",
    )
    return parser.parse_args()


def ensure_database(server: str, name: str) -> bool:
    """Create the database when missing; True when it was created."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def prepare(args: argparse.Namespace, database_url: str) -> None:
    """Migrate, and seed unless the register is already there (seeding is idempotent, but redrawing
    100,000 firms to find them all present takes a minute)."""
    import psycopg

    started = time.perf_counter()
    manage("migrate", "--no-input", "-v", "0")
    with psycopg.connect(database_url) as conn:
        present = conn.execute("SELECT count(*) FROM registry_firm").fetchone()[0]
    if present < args.firms:
        manage("seed_demo", "--firms", str(args.firms), "--years", str(args.years), "--seed", "1")
    print(f"database ready in {time.perf_counter() - started:.1f} s ({present:,} firms before)", flush=True)


def web_figures(database_url: str, redis_url: str, firms: int) -> dict[str, float]:
    """Helper H5's web benchmark, when present; missing figures are reported, never invented."""
    try:
        from bench.bench_web import measure
    except ImportError as error:
        print(f"web benchmark not available ({error}); its figures are missing", flush=True)
        return {}
    try:
        return dict(measure(database_url, redis_url, firms))
    except Exception:
        traceback.print_exc()
        print("web benchmark failed; its figures are missing", flush=True)
        return {}


def fmt(value: float | None) -> str:
    if value is None:
        return "missing"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}"


def main() -> None:
    args = parse_args()
    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    name = f"tiermark_bench_{args.firms // 1000}k" if args.firms >= 1000 else f"tiermark_bench_{args.firms}"
    database_url = f"{server}/{name}"
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    # Django, the Celery workers and the web benchmark all read these.
    os.environ.update(
        DATABASE_URL=database_url, REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE="config.settings"
    )
    # In-process clients and the workers run the development profile (settings default to production);
    # the web benchmark's gunicorn sets DJANGO_DEBUG=false itself.
    os.environ.setdefault("DJANGO_DEBUG", "true")
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    print(
        f"benchmark database {name}: {'created' if ensure_database(server, name) else 'exists'}", flush=True
    )
    prepare(args, database_url)

    import django

    django.setup()
    from bench import bench_impact, bench_scan

    log_dir = ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    if args.impact_only:
        scan = bench_scan.ScanFigures()
    else:
        scan = bench_scan.measure(database_url, args.firms, args.runs, args.naive_sample, log_dir)
    figures: dict[str, float] = dict(scan.figures)
    impact = bench_impact.measure(args.runs)
    scan.rows += impact.rows
    figures.update({k: v for k, v in impact.figures.items() if k in IMPACT_KEYS})
    if not args.skip_web and not args.impact_only:
        from django.db import connections

        connections.close_all()
        figures.update(
            {k: v for k, v in web_figures(database_url, redis_url, args.firms).items() if k in WEB_KEYS}
        )

    print()
    title = f"{args.firms:,} firms, {args.years} years each, median of {args.runs}"
    print(f"| measurement ({title}) | value | note |")
    print("|---|---|---|")
    for measurement, value, note in scan.rows:
        print(f"| {measurement} | {value} | {note} |")
    for key in SUMMARY_KEYS:
        print(f"| {key} | {fmt(figures.get(key))} | |")
    total, load = time.perf_counter() - started, os.getloadavg()[0]
    print(f"| total benchmark time | {total:.0f} s | load average {load:.1f} |")
    print(" ".join(f"{key}={fmt(figures.get(key))}" for key in SUMMARY_KEYS))


if __name__ == "__main__":
    main()
