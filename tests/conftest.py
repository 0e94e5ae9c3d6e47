"""Shared fixtures, and the rule that CI runs against the real services.

Outside CI a test marked ``postgres`` or ``redis`` is skipped when that
service is not configured; in CI (``CI=true``) the whole run stops instead,
so a missing service can never turn into a quietly skipped test.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from tests.factories import UserFactory, eligible_firm

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def using_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_configure(config):
    # Hashing passwords properly is slow by design; tests do not need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The suite sends thousands of API requests from one address: keep the throttles out of its way.
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.THROTTLE_RATES = {"anon": "100000/min", "user": "100000/min"}
    if not settings.REDIS_URL:
        # Without Redis, keep tasks queued by tests in memory rather than in the dev queue under var/.
        from config.celery import app

        app.conf.broker_url = "memory://"
    if not IN_CI:
        return
    if not using_postgres():
        raise pytest.UsageError("CI must run against PostgreSQL: set DATABASE_URL.")
    if not settings.REDIS_URL:
        raise pytest.UsageError("CI must run against Redis: set REDIS_URL.")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords and not using_postgres():
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="needs Redis (set REDIS_URL)"))


@pytest.fixture(autouse=True)
def fresh_data_version():
    """Each test starts with nothing cached under the data version (the dashboard's figures, the API lists'
    counts): the version lives in the cache (process memory, or Redis in CI), which a rolled-back test
    database does not reset."""
    from cultivation.dashboard_cache import bump_version

    bump_version()


@pytest.fixture(autouse=True)
def fresh_throttle_counters():
    """Each test starts with no password-reset requests counted (the ``throttle`` cache outlives a test:
    process memory, or Redis across runs); only that cache's own keys are deleted."""
    from django.core.cache import caches

    cache = caches["throttle"]
    if settings.REDIS_URL:
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=cache.make_key("*")))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture
def celery_eager():
    """Tasks queued during the test run at once, in this process: the task's own code without a worker
    (tests/scans and tests/reliability run real workers)."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def firm(db):
    """A firm of 渝北区 eligible for 创新型中小企业 (``tests.factories.eligible_firm``)."""
    return eligible_firm(name="重庆甲精密制造有限公司")


@pytest.fixture
def firm_user(firm):
    """The portal user of ``firm``."""
    return UserFactory(username="firm-a", roles=["firm"], firm=firm, email="a@example.com")


@pytest.fixture
def caseworker(db):
    """A city-level caseworker."""
    return UserFactory(username="city-caseworker", roles=["caseworker"], is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="programme-admin", is_staff=True, is_superuser=True)
