"""Server time of the caseworkers' admin lists on a large register (issue 2), median of 5 requests.

Run against a seeded database, e.g.::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiermark_bench \\
        .venv/bin/python manage.py seed_demo --firms 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiermark_bench .venv/bin/python bench/bench_admin.py

The baseline is the admin index page in the same run (same login, middleware and templates, no list).
The second table measures what each of issue #9's optimisations bought: the same page with that one
optimisation switched off and on, alternately, in the same run (``registry/admin_lists.py``).
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

from contextlib import contextmanager  # noqa: E402
from types import MethodType  # noqa: E402

from django.contrib import admin  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from registry.models import AnnualFigures, District, Firm, User  # noqa: E402

RUNS = 5
FIGURES_2025 = "/admin/registry/annualfigures/?year=2025"


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
        ("firms, name search (2 characters)", "/admin/registry/firm/?q=%E5%B7%B4%E5%B1%B1"),
        ("firms, name search (4 characters)", "/admin/registry/firm/?q=巴山仪器"),
        ("figures, year filter", "/admin/registry/annualfigures/?year=2025"),
    ]
    print(f"{Firm.objects.count():,} firms; median of {RUNS} requests")
    print(f"{'page':<36}{'ms':>9}{'× baseline':>12}")
    baseline = None
    for label, url in pages:
        ms = median_ms(client, url)
        baseline = baseline or ms
        print(f"{label:<36}{ms:>9.1f}{ms / baseline:>12.1f}")


@contextmanager
def django_search():
    """Django's own search over ``search_fields`` (``=credit_code`` compares ``UPPER(code)``)."""
    firms = admin.site._registry[Firm]
    firms.get_search_results = MethodType(admin.ModelAdmin.get_search_results, firms)
    yield
    del firms.get_search_results


@contextmanager
def without_index(name: str):
    """An index dropped inside a transaction that is rolled back."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        yield
        transaction.set_rollback(True)


@contextmanager
def distinct_years():
    """The figures list's year filter as Django's field filter (``SELECT DISTINCT year`` each view)."""
    figures = admin.site._registry[AnnualFigures]
    figures.list_filter = ("year", *figures.list_filter[1:])
    yield
    del figures.list_filter


def with_and_without(client: Client, url: str, switch_off) -> tuple[float, float]:
    """Median ms without and with the optimisation, alternating so load drifts hit both alike."""
    off, on = [], []
    for _ in range(3):
        with switch_off():
            off.append(median_ms(client, url))
        on.append(median_ms(client, url))
    return statistics.median(off), statistics.median(on)


def optimisations(client: Client) -> None:
    cases = [
        ("search: exact credit code, no UPPER()", "/admin/registry/firm/?q=巴山仪器", django_search),
        (
            "trigram index on UPPER(name)",
            "/admin/registry/firm/?q=巴山仪器",
            lambda: without_index("firm_name_trgm"),
        ),
        ("index on figures (year, firm)", FIGURES_2025, lambda: without_index("figures_year_firm")),
        ("year choices from MIN/MAX", FIGURES_2025, distinct_years),
    ]
    print()
    print("| optimisation | page | off ms | on ms | bought |")
    print("|---|---|---|---|---|")
    for label, url, switch_off in cases:
        off, on = with_and_without(client, url, switch_off)
        print(f"| {label} | `{url}` | {off:.1f} | {on:.1f} | {off / on:.1f}× |")


if __name__ == "__main__":
    main()
    if connection.vendor == "postgresql":
        client = Client()
        client.force_login(User.objects.get(username="demo-caseworker"))
        optimisations(client)
