"""Scans through a real Celery worker process on Redis, including a worker killed mid-scan.

These run only against PostgreSQL and Redis (in CI always): the worker is a
separate process that must see the test's committed rows, so the tests use
``transaction=True`` and point the worker at the test database.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from cultivation.models import PoolMembership
from cultivation.models.alerts import Alert, AlertDelivery
from cultivation.scanning import Chunk, ScanKind, firm_id_ranges
from cultivation.scans import SCANS
from cultivation.tasks import run_scan
from registry.credit_code import make_code
from registry.models import AnnualFigures, Firm
from tests.factories import UserFactory, district

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AS_OF = datetime.date(2026, 6, 30)
ROOT = Path(__file__).resolve().parents[2]
D = Decimal


class Worker:
    """A `celery worker` subprocess (solo pool, one task at a time) on the test database."""

    def __init__(self, log_path: Path):
        db = connection.settings_dict
        user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        url = f"postgres://{user}@{host}:{port}/{db['NAME']}"
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL, "DB_CONN_MAX_AGE": "0"}
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready(log_path)

    def _wait_ready(self, log_path: Path, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b"ready." in log_path.read_bytes():
                return
            if self.process.poll() is not None:
                raise RuntimeError(log_path.read_text(errors="replace"))
            time.sleep(0.2)
        raise TimeoutError(log_path.read_text(errors="replace"))

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def broker():
    """An empty queue before and after each test (Redis database of REDIS_URL)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def start_worker(tmp_path, broker):
    workers: list[Worker] = []

    def start() -> Worker:
        worker = Worker(tmp_path / "worker.log")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def make_register(count: int) -> None:
    """``count`` firms that qualify for 创新型中小企业 (an alert each), written in bulk."""
    yubei = district("500112")
    firms = Firm.objects.bulk_create(
        Firm(
            credit_code=make_code(f"91500112{index:09d}"),
            name=f"测试企业{index}",
            district=yubei,
            founded_on=datetime.date(2014, 5, 20),
            niche_since=2015,
            strategic_emerging=True,
        )
        for index in range(count)
    )
    rows = []
    for firm in firms:
        for year, revenue, main, rd, ip1 in (
            (2023, 5200, 4700, 300, 2),
            (2024, 6100, 5500, 360, 3),
            (2025, 7300, 6650, 440, 4),
        ):
            rows.append(
                AnnualFigures(
                    firm=firm,
                    year=year,
                    operating_revenue=D(revenue),
                    main_business_revenue=D(main),
                    rd_expense=D(rd),
                    net_profit=D(revenue) / 10,
                    total_assets=D(revenue),
                    total_liabilities=D(revenue) / 2,
                    employees=180,
                    rd_staff=42,
                    class1_ip=ip1,
                    class2_ip=10,
                )
            )
    AnnualFigures.objects.bulk_create(rows)


def scanned_alerts():
    """The per-firm alerts (not the run's summary, whose key is the run's start time)."""
    return Alert.objects.exclude(kind="scan_summary")


def alert_keys() -> set[tuple]:
    return set(scanned_alerts().values_list("kind", "firm_id", "tier", "period"))


def wait_for(condition, timeout: float = 90, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise TimeoutError("condition not met in time")


def clean_run_keys() -> set[tuple]:
    """The alerts an undisturbed in-process run raises, then forgotten again."""
    for low, high in firm_id_ranges(50):
        SCANS[ScanKind.PROMOTION_DUE].judge(Chunk.between(AS_OF, low, high))
    keys = alert_keys()
    Alert.objects.all().delete()
    return keys


def test_promotion_scan_survives_a_worker_killed_mid_scan(start_worker):
    UserFactory(username="rev", roles=["reviewer"], is_staff=True)
    make_register(200)
    expected = clean_run_keys()
    assert len(expected) == 200

    worker = start_worker()
    run_scan.delay("promotion_due", AS_OF.isoformat(), chunk_size=4)  # 50 chunks
    wait_for(lambda: Alert.objects.exists())
    worker.kill()
    partial = scanned_alerts().count()
    assert 0 < partial < len(expected), "the kill must land mid-scan"

    start_worker()
    run_scan.delay("promotion_due", AS_OF.isoformat(), chunk_size=4)
    wait_for(lambda: scanned_alerts().count() >= len(expected))
    time.sleep(1)  # let any chunk still queued from the first run finish too
    assert alert_keys() == expected
    assert scanned_alerts().count() == len(expected)
    per_alert = AlertDelivery.objects.filter(channel="inbox", alert__in=scanned_alerts()).values_list(
        "alert_id", flat=True
    )
    assert len(per_alert) == len(set(per_alert)) == len(expected)  # one inbox row each, none doubled


def test_a_scan_run_through_the_worker_ends_with_one_summary_alert(start_worker):
    """The reviewer reads "本次扫描新增 N 条" once the worker has done the run's last chunk, as after
    ``manage.py run_scans``; asking for the same run's summary again adds nothing."""
    reviewer = UserFactory(username="rev", roles=["reviewer"], is_staff=True)
    make_register(20)
    start_worker()
    run_scan.delay("promotion_due", AS_OF.isoformat(), chunk_size=4)  # 5 chunks, then the summary
    wait_for(lambda: Alert.objects.filter(kind="scan_summary").exists())
    summary = Alert.objects.get(kind="scan_summary")
    assert summary.payload["total"] == Alert.objects.filter(kind="promotion_due").count() == 20
    assert summary.payload["counts"] == {str(reviewer.pk): 20}
    assert list(summary.deliveries.values_list("user_id", "channel")) == [(reviewer.pk, "inbox")]


def test_doubling_check_through_the_worker(start_worker):
    UserFactory(username="rev", roles=["reviewer"], is_staff=True)
    firms = []
    for index, check_revenue in enumerate(("2000.00", "1999.99")):
        firm = Firm.objects.create(
            credit_code=make_code(f"91500112{900000 + index:09d}"),
            name=f"帮扶库企业{index}",
            district=district("500112"),
            founded_on=datetime.date(2018, 1, 1),
        )
        for year, revenue in ((2023, "1000.00"), (2024, "1300.00"), (2025, "1650.00"), (2026, check_revenue)):
            AnnualFigures.objects.create(
                firm=firm,
                year=year,
                operating_revenue=D(revenue),
                main_business_revenue=D(revenue),
                rd_expense=D("80"),
                net_profit=D("1"),
                total_assets=D("1"),
                total_liabilities=D("0"),
                employees=50,
                rd_staff=10,
            )
        PoolMembership.objects.create(
            firm=firm, cohort_year=2024, baseline_year=2023, baseline_revenue=D("1000.00")
        )
        firms.append(firm)
    start_worker()
    run_scan.delay("pool_rating", "2027-03-01")
    wait_for(lambda: Alert.objects.filter(kind="pool_check").count() == 2)
    statuses = dict(PoolMembership.objects.values_list("firm_id", "status"))
    assert statuses == {firms[0].pk: "doubled", firms[1].pk: "missed"}
    run_scan.delay("pool_rating", "2027-03-02")
    time.sleep(2)
    assert Alert.objects.filter(kind="pool_check").count() == 2
