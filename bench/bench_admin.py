"""Server time of the caseworkers' admin lists on a large register (issue 2), median of 5 requests.

Run against a seeded database, e.g.::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiermark_bench \\
        .venv/bin/python manage.py seed_demo --firms 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiermark_bench .venv/bin/python bench/bench_admin.py

The baseline is the admin index page in the same run (same login, middleware and templates, no list).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

import django

django.setup()

from django.test import Client  # noqa: E402

from registry.models import District, Firm, User  # noqa: E402

RUNS = 5


def median_ms(client: Client, url: str) -> float:
    client.get(url)  # warm caches and connections
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    client = Client()
    client.force_login(User.objects.get(username="demo-caseworker"))
    yubei = District.objects.get(code="500112").pk
    pages = [
        ("admin index (baseline)", "/admin/"),
        ("firms, unfiltered", "/admin/registry/firm/"),
        ("firms, district filter", f"/admin/registry/firm/?district__id__exact={yubei}"),
        ("firms, tier filter", "/admin/registry/firm/?tier=srdi_sme"),
        ("firms, name search", "/admin/registry/firm/?q=%E5%B7%B4%E5%B1%B1"),
        ("figures, year filter", "/admin/registry/annualfigures/?year=2025"),
    ]
    print(f"{Firm.objects.count():,} firms; median of {RUNS} requests")
    print(f"{'page':<26}{'ms':>9}{'× baseline':>12}")
    baseline = None
    for label, url in pages:
        ms = median_ms(client, url)
        baseline = baseline or ms
        print(f"{label:<26}{ms:>9.1f}{ms / baseline:>12.1f}")


if __name__ == "__main__":
    main()
