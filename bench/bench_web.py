"""The web figures of issue #9 on a seeded register: API latency under load, dashboard and admin server time.

Run against an already seeded and migrated database::

    .venv/bin/python bench/bench_web.py --database-url postgres://postgres@127.0.0.1:5432/tiermark_bench \\
        --redis-url redis://127.0.0.1:6379/5

or from the orchestrator: ``measure(database_url, redis_url, firms)``. What is measured:

* ``api_p95_ms``: p95 latency of ``GET /api/firms/?cluster=…&district=…&page_size=50`` (the busiest
  district × cluster pair) from 4 concurrent clients for 30 s against gunicorn with 2 sync workers on a free
  127.0.0.1 port, token auth as the city caseworker ``demo-caseworker``;
* ``api_vs_floor``: that p95 ÷ the p95 of ``GET /api/me/`` (the cheapest authenticated endpoint) under the
  same load. The two run in alternating slices so a noisy neighbour hits both alike;
* ``dashboard_ms``: server time of ``/api/dashboard/`` (Django test client, median of 7 after the first
  request; the selector's result is cached per scope and data version, see ``cultivation.dashboard``);
  the standalone table also shows the uncached time (the first request after a change);
* ``admin_changelist_ms``: server time of the firm changelist filtered by district (median of 7).

Django runs in child processes (``--prepare`` and ``--server-times``), so ``measure`` can be called from any
process whatever database that process is configured for.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
USERNAME = "demo-caseworker"
REVIEWER = "demo-reviewer"
FLOOR_PATH = "/api/me/"
RUNS = 7
SLICE_S = 5.0


# --- Child-process parts (need Django). ---


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")  # in-process: the development profile
    import django

    django.setup()


def prepare() -> dict:
    """A token for the city caseworker and the busiest district × cluster pair (a full page of 50)."""
    _setup_django()
    from django.db.models import Count, Max, Min
    from rest_framework.authtoken.models import Token

    from registry.models import Firm, User

    user = User.objects.get(username=USERNAME)
    token, _created = Token.objects.get_or_create(user=user)
    pair = (
        Firm.objects.filter(cluster__isnull=False)
        .values("district__code", "cluster__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    firm_ids = Firm.objects.aggregate(first=Min("id"), last=Max("id"))
    rng = random.Random(21)
    picks = [rng.randint(firm_ids["first"], firm_ids["last"]) for _ in range(500)]
    return {
        "token": token.key,
        "sample_codes": list(Firm.objects.filter(pk__in=picks).values_list("credit_code", flat=True)),
        "district": pair["district__code"],
        "cluster": pair["cluster__code"],
        "pair_firms": pair["n"],
        "firms": Firm.objects.count(),
    }


def _median_ms(client, url: str, before=None) -> float:
    times = []
    for _ in range(RUNS):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def server_times() -> dict:
    """Server time (no network) of the dashboard and the admin lists, test client signed in as staff."""
    _setup_django()
    from django.test import Client

    from cultivation.dashboard_cache import invalidate_dashboard
    from registry.models import District, User

    client = Client()
    client.force_login(User.objects.get(username=USERNAME))
    yubei = District.objects.get(code="500112").pk
    pages = {
        "baseline_ms": "/accounts/password_change/",
        "dashboard_ms": "/api/dashboard/",
        "admin_changelist_ms": f"/admin/registry/firm/?district__id__exact={yubei}",
        "admin_tier_filter_ms": "/admin/registry/firm/?tier=srdi_sme",
        "admin_name_search_ms": "/admin/registry/firm/?q=%E5%B7%B4%E5%B1%B1",
        "admin_name_search_4_ms": "/admin/registry/firm/?q=%E5%B7%B4%E5%B1%B1%E4%BB%AA%E5%99%A8",
        "admin_figures_year_ms": "/admin/registry/annualfigures/?year=2025",
    }
    figures = {}
    for key, url in pages.items():
        client.get(url)  # warm connections, templates and (for the dashboard) the cache
        figures[key] = _median_ms(client, url)
    figures["dashboard_uncached_ms"] = _median_ms(client, "/api/dashboard/", before=invalidate_dashboard)
    reviewer = Client()  # the city reviewer receives every promotion alert: the largest inbox
    reviewer.force_login(User.objects.get(username=REVIEWER))
    reviewer.get("/inbox/")
    figures["inbox_ms"] = _median_ms(reviewer, "/inbox/")
    inbox = User.objects.get(username=REVIEWER).alert_deliveries.filter(channel="inbox")
    figures["inbox_alerts"] = inbox.count()
    return figures


# --- The load test (no Django in this process). ---


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, redis_url: str, port: int) -> dict[str, str]:
    """Production settings with plain HTTP on loopback and throttles out of the benchmark's way."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "API_THROTTLE_USER": "1000000/min",
        "API_THROTTLE_ANON": "1000000/min",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }


def get(port: int, path: str, token: str) -> tuple[int, float]:
    """One request on a fresh connection (sync workers close it after each response); status and ms."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Authorization": f"Token {token}"})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, (time.perf_counter() - started) * 1000


def wait_until_up(port: int, token: str, server: subprocess.Popen, limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            status, _ms = get(port, FLOOR_PATH, token)
            if status == 200:
                return
            raise RuntimeError(f"{FLOOR_PATH} answered {status}")
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in time")


def load(port: int, path: str | Callable[[], str], token: str, clients: int, seconds: float) -> list[float]:
    """``clients`` threads, each sending requests back to back for ``seconds``; every latency in ms.
    ``path`` is one path, or a function that draws the next request's path (e.g. a random page)."""
    latencies: list[float] = []
    failures: list[int] = []
    stop = time.monotonic() + seconds
    draw = path if callable(path) else lambda: path

    def client() -> None:
        while time.monotonic() < stop:
            status, ms = get(port, draw(), token)
            if status != 200:
                failures.append(status)
            latencies.append(ms)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{draw()}: {len(failures)} requests failed, e.g. status {failures[0]}")
    return latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


@contextmanager
def serving(database_url: str, redis_url: str, token: str) -> Iterator[int]:
    """gunicorn (2 sync workers, production settings) on a free loopback port, up and answering; its port."""
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=server_env(database_url, redis_url, port),
        start_new_session=True,
    )
    try:
        wait_until_up(port, token, server)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def against_floor(
    port: int, token: str, path: str | Callable[[], str], seconds: float, clients: int
) -> tuple[list[float], list[float]]:
    """Latencies of ``path`` and of the floor, in alternating slices after a warm-up of both."""
    load(port, path, token, clients, 2)  # warm both workers' connections and caches
    load(port, FLOOR_PATH, token, clients, 1)
    api, floor = [], []
    for _ in range(max(1, round(seconds / SLICE_S))):
        api += load(port, path, token, clients, SLICE_S)
        floor += load(port, FLOOR_PATH, token, clients, SLICE_S)
    return api, floor


def api_load(database_url: str, redis_url: str, info: dict, seconds: float, clients: int) -> dict:
    path = f"/api/firms/?cluster={info['cluster']}&district={info['district']}&page_size=50"
    with serving(database_url, redis_url, info["token"]) as port:
        api, floor = against_floor(port, info["token"], path, seconds, clients)
    return {
        "api_p95_ms": p95(api),
        "api_median_ms": statistics.median(api),
        "api_requests": len(api),
        "floor_p95_ms": p95(floor),
        "floor_median_ms": statistics.median(floor),
        "floor_requests": len(floor),
        "api_vs_floor": p95(api) / p95(floor),
        "path": path,
    }


def child(mode: str, database_url: str, redis_url: str) -> dict:
    # The same production settings as the server; the test client calls itself "testserver".
    env = {**server_env(database_url, redis_url, 0), "ALLOWED_HOSTS": "testserver"}
    out = subprocess.run(
        [PYTHON, __file__, mode, "--database-url", database_url, "--redis-url", redis_url],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def collect_static(env: dict[str, str]) -> None:
    """What a deploy runs first: with DEBUG off, pages name the hashed copies ``collectstatic`` writes."""
    command = [PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def measure_all(database_url: str, redis_url: str, seconds: float = 30, clients: int = 4) -> dict:
    """Every figure, with the details the standalone table shows."""
    collect_static(server_env(database_url, redis_url, 0))
    info = child("--prepare", database_url, redis_url)
    figures = {"firms": info["firms"], "pair_firms": info["pair_firms"], "load_before": os.getloadavg()[0]}
    figures.update(api_load(database_url, redis_url, info, seconds, clients))
    figures.update(child("--server-times", database_url, redis_url))
    figures["load_after"] = os.getloadavg()[0]
    return figures


def measure(database_url: str, redis_url: str, firms: int, *, seconds: float = 30) -> dict[str, float]:
    """The four summary figures for the orchestrator (``firms``: how many the register was seeded with;
    ``seconds``: load time per endpoint, 30 as issue #9 asks; the whole call takes about 2 × that + 25 s)."""
    figures = measure_all(database_url, redis_url, seconds)
    if figures["firms"] < firms:
        raise RuntimeError(f"expected {firms:,} firms, the database holds {figures['firms']:,}")
    return {key: round(figures[key], 1) for key in REQUIRED}


REQUIRED = ("api_p95_ms", "api_vs_floor", "dashboard_ms", "admin_changelist_ms")
BUDGETS = {"api_p95_ms": 50, "dashboard_ms": 300, "admin_changelist_ms": 300}


def print_table(figures: dict, seconds: float, clients: int) -> None:
    print(f"{figures['firms']:,} firms; {figures['path']} ({figures['pair_firms']} firms match)")
    print(
        f"load: {clients} clients, {seconds:.0f} s per endpoint ({SLICE_S:.0f} s slices), 2 gunicorn workers"
    )
    print(
        f"load average {figures['load_before']:.1f} before, {figures['load_after']:.1f} after "
        f"({os.cpu_count()} CPUs)"
    )
    print("| figure | value | required |")
    print("|---|---|---|")
    rows = [
        (
            "api_p95_ms",
            f"{figures['api_p95_ms']:.1f} (median {figures['api_median_ms']:.1f}, "
            f"{figures['api_requests']:,} requests)",
        ),
        (
            "floor p95 ms (GET /api/me/)",
            f"{figures['floor_p95_ms']:.1f} (median "
            f"{figures['floor_median_ms']:.1f}, {figures['floor_requests']:,} requests)",
        ),
        ("api_vs_floor", f"{figures['api_vs_floor']:.2f}"),
        ("baseline: password-change form, ms", f"{figures['baseline_ms']:.1f}"),
        ("dashboard_ms (cached)", f"{figures['dashboard_ms']:.1f}"),
        ("dashboard, uncached, ms", f"{figures['dashboard_uncached_ms']:.1f}"),
        ("admin_changelist_ms (district filter)", f"{figures['admin_changelist_ms']:.1f}"),
        ("admin firms, tier filter, ms", f"{figures['admin_tier_filter_ms']:.1f}"),
        (
            "admin firms, name search (巴山: 2 characters, no trigram), ms",
            f"{figures['admin_name_search_ms']:.1f}",
        ),
        (
            "admin firms, name search (巴山仪器: trigram index), ms",
            f"{figures['admin_name_search_4_ms']:.1f}",
        ),
        ("admin figures, year filter, ms", f"{figures['admin_figures_year_ms']:.1f}"),
        (f"the city reviewer's inbox ({figures['inbox_alerts']:,} alerts), ms", f"{figures['inbox_ms']:.1f}"),
    ]
    for label, value in rows:
        key = label.split(" ")[0]
        budget = f"≤ {BUDGETS[key]}" if key in BUDGETS else "report"
        print(f"| {label} | {value} | {budget} |")
    print(" ".join(f"{key}={figures[key]:.1f}" for key in REQUIRED))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--seconds", type=float, default=30, help="load time per endpoint (default 30)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--server-times", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["REDIS_URL"] = args.redis_url
    if args.prepare:
        print(json.dumps(prepare()))
    elif args.server_times:
        print(json.dumps(server_times()))
    else:
        print_table(
            measure_all(args.database_url, args.redis_url, args.seconds, args.clients),
            args.seconds,
            args.clients,
        )


if __name__ == "__main__":
    main()
