"""Fixtures that start real processes (Redis, Celery workers) and always stop them again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from config.celery import app

from .processes import PrivateRedis, Process, celery_worker, worker_env


@pytest.fixture
def mailbox(tmp_path) -> Path:
    folder = tmp_path / "mailbox"
    folder.mkdir()
    return folder


@pytest.fixture
def private_redis(tmp_path, settings) -> Iterator[PrivateRedis]:
    """A Redis of the test's own; this process's Celery app publishes to it and its dashboard cache lives in
    it, as in production, where one Redis is broker and cache."""
    server = PrivateRedis(tmp_path)
    server.start()
    dashboard = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url}
    settings.CACHES = {**settings.CACHES, "dashboard": {**settings.CACHES["dashboard"], **dashboard}}
    saved = app.conf.broker_url
    app.conf.broker_url = server.url
    _drop_connection_pools()
    yield server
    server.crash()
    app.conf.broker_url = saved
    _drop_connection_pools()


def _drop_connection_pools() -> None:
    """Celery caches its broker connections per app; forget them so the new URL is used."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def start_worker(tmp_path, private_redis, mailbox):
    """Start Celery workers on the private Redis; each is stopped when the test ends, however it ends."""
    started: list[Process] = []

    def start(**extra_env: str) -> Process:
        env = worker_env(private_redis.url, mailbox, extra_env)
        worker = celery_worker(tmp_path / f"worker{len(started)}.log", env)
        started.append(worker)
        return worker

    yield start
    for worker in started:  # nothing of theirs is needed any more: no graceful shutdown to wait for
        worker.kill()
        worker.stop()
