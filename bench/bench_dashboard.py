"""Server time of the programme dashboard on a large register (issue 8), median of 5 requests.

Run against a seeded (and migrated) database::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiermark_bench .venv/bin/python bench/bench_dashboard.py

The baseline is a trivial authenticated page in the same run (the password-change form: same login,
middleware and base template, no figures). The figures are cached per scope, filters and data version
(``cultivation.dashboard_cache``, issue #9): every page is measured as served from the cache, and the API once
more as the first request after a change (the cache emptied before each request).
"""

from __future__ import annotations

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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cultivation.dashboard_cache import invalidate_dashboard  # noqa: E402
from registry.models import Firm, User  # noqa: E402

RUNS = 5
BUDGET_MS = 300


def median_ms(client: Client, url: str, uncached: bool = False) -> tuple[float, int]:
    client.get(url)  # warm caches and connections
    times = []
    for _ in range(RUNS):
        if uncached:
            invalidate_dashboard()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    if uncached:
        invalidate_dashboard()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries)


def main() -> None:
    client = Client()
    client.force_login(User.objects.get(username="demo-caseworker"))
    pages = [
        ("baseline (password change form)", "/accounts/password_change/"),
        ("/api/dashboard/", "/api/dashboard/"),
        ("/api/dashboard/, uncached (after a change)", "/api/dashboard/"),
        ("/api/dashboard/?year=2025", "/api/dashboard/?year=2025"),
        ("/dashboard/", "/dashboard/"),
        ("/dashboard/?district=500112", "/dashboard/?district=500112"),
        ("/dashboard/?cluster=intelligent-equipment", "/dashboard/?cluster=intelligent-equipment"),
        ("/dashboard/export.xlsx", "/dashboard/export.xlsx"),
    ]
    print(f"{Firm.objects.count():,} firms; median of {RUNS} requests")
    print(f"| {'page':<44} | {'ms':>7} | {'× baseline':>10} | {'queries':>7} |")
    print(f"|{'-' * 46}|{'-' * 9}|{'-' * 12}|{'-' * 9}|")
    baseline = None
    over = []
    for label, url in pages:
        ms, queries = median_ms(client, url, uncached="uncached" in label)
        baseline = baseline or ms
        print(f"| {label:<44} | {ms:>7.1f} | {ms / baseline:>10.1f} | {queries:>7} |")
        if ms > BUDGET_MS:
            over.append(label)
    if over:
        print(f"over {BUDGET_MS} ms: {', '.join(over)}")


if __name__ == "__main__":
    main()
