"""The multi-host walk of docs/OPERATIONS.md (*More machines*) as a benchmark: two Celery workers started as
two hosts would start them, one promotion scan shared between them, against one of them alone.

    .venv/bin/python bench/bench_hosts.py --database tiermark_bench_50k [--pairs 5]

Each "host" is a ``celery worker -n worker@host-a`` (and ``host-b``), one process, started from an empty
environment holding only what the documentation lists (production settings, ``DATABASE_URL``,
``REDIS_URL``, a ``HOME`` and ``TIERMARK_VAR_DIR`` of its own). The scan's chunks (``tasks.run_scan``'s) go
to the default queue. Runs are paired: ``host-b`` stops consuming (``cancel_consumer``) for the one-host
run and starts again (``add_consumer``) for the two-host run, so the machine's load drifts alike over both;
the speedup is the median of the paired ratios. Prints each pair, which host ran how many chunks, the load
average, and as its last line ``hosts_speedup_2=<x> one_host_s=<s> two_hosts_s=<s>``.

The database must exist and hold a register (``bench/run.py`` makes ``tiermark_bench_<N>k``); this script
changes nothing in it but the alerts a first scan raises. Environment: ``BENCH_PG`` (default
``postgres://postgres@127.0.0.1:5432``) and ``BENCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTS = ("host-a", "host-b")
CHUNK_DONE = re.compile(rb"Task cultivation\.tasks\.scan_chunk\[[0-9a-f-]+\] succeeded")


def host_environment(folder: Path, database_url: str, redis_url: str) -> dict[str, str]:
    """Everything a worker host is given (docs/OPERATIONS.md, *Worker hosts*), nothing inherited."""
    (folder / "var").mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "bench-hosts-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789",
        "ALLOWED_HOSTS": "tiermark.example.gov.cn",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TIERMARK_VAR_DIR": str(folder / "var"),
        "DB_CONN_MAX_AGE": "600",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def start_hosts(folder: Path, database_url: str, redis_url: str) -> dict:
    from tests.reliability.processes import celery_worker

    workers = {}
    for host in HOSTS:
        env = host_environment(folder / host, database_url, redis_url)
        workers[host] = celery_worker(folder / f"{host}.log", env, "-n", f"worker@{host}", "--concurrency=1")
    return workers


def scan_once(day: str, workers: dict) -> tuple[float, dict[str, int]]:
    """The full promotion scan's chunks on the default queue; seconds until all are done, chunks per host."""
    from celery import group

    from bench.bench_scan import wait_for
    from cultivation.scanning import ScanKind
    from cultivation.tasks import scan_signatures

    def done() -> dict[str, int]:
        return {host: len(CHUNK_DONE.findall(w.log_path.read_bytes())) for host, w in workers.items()}

    before = done()
    started = time.perf_counter()
    wait_for(group(scan_signatures(ScanKind.PROMOTION_DUE, day)).apply_async(), 3600)
    seconds = time.perf_counter() - started
    return seconds, {host: count - before[host] for host, count in done().items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="benchmark database, e.g. tiermark_bench_50k")
    parser.add_argument("--pairs", type=int, default=5, help="paired one-host/two-host runs (default 5)")
    args = parser.parse_args()
    database_url = f"{os.environ.get('BENCH_PG', 'postgres://postgres@127.0.0.1:5432')}/{args.database}"
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ.update(
        DATABASE_URL=database_url, REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE="config.settings"
    )
    os.environ.setdefault("DJANGO_DEBUG", "true")  # this process is the operator's shell, not a host
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.utils import timezone

    from config.celery import app

    day = timezone.localdate().isoformat()
    app.control.purge()
    with tempfile.TemporaryDirectory(prefix="bench-hosts-") as folder:
        workers = start_hosts(Path(folder), database_url, redis_url)
        try:
            answered = sorted(name for reply in app.control.ping(timeout=5) for name in reply)
            print(f"inspect ping: {', '.join(answered)}", flush=True)
            scan_once(day, workers)  # warm-up: rule sets parsed, connections open, this year's alerts raised
            one, two = [], []
            for _ in range(args.pairs):
                app.control.cancel_consumer("celery", destination=["worker@host-b"], reply=True)
                seconds, split = scan_once(day, workers)
                one.append(seconds)
                app.control.add_consumer("celery", destination=["worker@host-b"], reply=True)
                seconds, both = scan_once(day, workers)
                two.append(seconds)
                load = os.getloadavg()[0]
                print(f"one host {one[-1]:.2f} s {split} | two {two[-1]:.2f} s {both} | load {load:.1f}")
        finally:
            for worker in workers.values():
                worker.stop()
    speedup = statistics.median(a / b for a, b in zip(one, two, strict=True))
    print(
        f"hosts_speedup_2={speedup:.2f} one_host_s={statistics.median(one):.2f} "
        f"two_hosts_s={statistics.median(two):.2f}"
    )


if __name__ == "__main__":
    main()
