"""Real processes for the reliability tests: a private Redis, Celery workers, a web server.

Every process is started in its own session and stopped by its process group,
through fixtures whose finalizers run even when a test fails, so nothing
outlives the test run.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout: float = 60, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise TimeoutError("condition not met in time")


def current_database_url() -> str:
    """The URL of the database this test runs on, for processes that must see its committed rows."""
    db = connection.settings_dict
    user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Process:
    """A subprocess in its own session, its output appended to ``log_path``."""

    def __init__(self, command: list[str], log_path: Path, env: dict[str, str]):
        self.log_path = log_path
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up, no acknowledgement, as when a machine loses power."""
        if self.running:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.running:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def wait_for_output(self, marker: bytes, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.log_path.read_bytes():
                return
            if not self.running:
                raise RuntimeError(self.log_path.read_text(errors="replace"))
            time.sleep(0.1)
        raise TimeoutError(self.log_path.read_text(errors="replace"))


class PrivateRedis:
    """A redis-server of the test's own on a free port, without persistence: stopping it loses the queue."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.server: Process | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.folder)]
        self.server = Process(command, self.folder / "redis.log", dict(os.environ))
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_for(lambda: self._answers(client), timeout=10)

    def crash(self) -> None:
        """Gone at once, with whatever it held (SIGKILL, no persistence)."""
        if self.server:
            self.server.kill()
            self.server.stop()

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False


def worker_env(broker_url: str, mailbox: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": current_database_url(),
        "REDIS_URL": broker_url,
        "DB_CONN_MAX_AGE": "0",
        "EMAIL_BACKEND": "tests.reliability.mailbox.Backend",
        "TIERMARK_TEST_MAILBOX": str(mailbox),
        **(extra or {}),
    }


def celery_worker(log_path: Path, env: dict[str, str]) -> Process:
    """A `celery worker` (solo pool: one task at a time), ready to consume when this returns."""
    command = [sys.executable, "-m", "celery", "-A", "registry", "worker", "--pool=solo", "--loglevel=INFO"]
    worker = Process(command, log_path, env)
    worker.wait_for_output(b"ready.")
    return worker
