"""Celery workers on several hosts against one PostgreSQL and one Redis (docs/OPERATIONS.md, *More
machines*), followed on one machine: two worker processes started as two hosts would start them, each
with an environment of its own built from nothing but what that section lists (no variable inherited from
this test, its own ``TIERMARK_VAR_DIR`` and ``HOME``, its own node name ``-n``), sharing only the database
and the broker. A promotion scan sent once is shared between them, and each chunk is judged once.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest

from config.celery import app
from cultivation.models.alerts import Alert
from cultivation.tasks import run_scan
from tests.factories import UserFactory
from tests.scans.test_celery_worker import make_register

from .processes import Process, celery_worker, current_database_url, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AS_OF = datetime.date(2026, 6, 30)
CHUNK_DONE = re.compile(rb"Task cultivation\.tasks\.scan_chunk\[[0-9a-f-]+\] succeeded")


def host_environment(folder: Path, broker_url: str) -> dict[str, str]:
    """Everything a worker host is given, as docs/OPERATIONS.md lists it: production settings, the shared
    PostgreSQL and Redis, a place of its own for local files."""
    (folder / "var").mkdir(parents=True)
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "more-machines-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "tiermark.example.gov.cn",
        "DATABASE_URL": current_database_url(),
        "REDIS_URL": broker_url,
        "TIERMARK_VAR_DIR": str(folder / "var"),
        "DB_CONN_MAX_AGE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


@pytest.fixture
def two_hosts(tmp_path, private_redis):
    """Worker ``scan@host-a`` and worker ``scan@host-b`` on the one broker; both stopped however the test
    ends."""
    workers: dict[str, Process] = {}
    try:
        for host in ("host-a", "host-b"):
            env = host_environment(tmp_path / host, private_redis.url)
            workers[f"scan@{host}"] = celery_worker(tmp_path / f"{host}.log", env, "-n", f"scan@{host}")
        yield workers
    finally:
        for worker in workers.values():
            worker.stop()


def test_a_scan_is_shared_by_workers_on_two_hosts(two_hosts):
    UserFactory(username="rev", roles=["reviewer"], is_staff=True)
    make_register(200)

    answered = {name for reply in app.control.ping(timeout=5) for name in reply}
    assert answered == {"scan@host-a", "scan@host-b"}  # `celery -A config inspect ping` sees both

    run_scan.delay("promotion_due", AS_OF.isoformat(), chunk_size=4)  # 50 chunks
    wait_for(lambda: Alert.objects.count() >= 200, timeout=120)

    def chunks_done() -> dict[str, int]:
        return {name: len(CHUNK_DONE.findall(w.log_path.read_bytes())) for name, w in two_hosts.items()}

    wait_for(lambda: sum(chunks_done().values()) == 50, timeout=30)
    done = chunks_done()
    assert all(count > 0 for count in done.values()), done  # both hosts took work
    assert Alert.objects.count() == 200  # and no chunk was judged twice into a second alert
    print(f"chunks judged per host: {done}")
