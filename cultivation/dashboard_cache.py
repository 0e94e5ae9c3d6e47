"""A short-lived cache of the dashboard's figures, keyed by a data version (issue #9).

At 100,000 firms the dashboard is two full passes over the register (120–300 ms depending on the machine's
load); the figures change only when the register does, and many staff open the same city-wide view. So the
result is cached per (scope, filters, day, language) under a *data version*:

* every save or delete of a row the dashboard counts bumps the version, so the next request recomputes;
* writes that bypass model signals (``QuerySet.update``, ``bulk_update`` in the nightly scans) call
  ``invalidate_dashboard()`` or, at worst, show after ``CACHE_SECONDS``; so does the rare request that
  computes the figures between another request's write and its commit (it reads the rows before the
  write and stores them under the bumped version), and the one that computes them on a read replica that
  has not received the write yet (``registry.read_replica``).

The API's big lists keep their page-number counts under the same version (``api.pagination``): a count
of a million firms is the same kind of figure, and goes out of date on the same writes.

The cache is the ``dashboard`` alias in ``settings.CACHES``: Redis when ``REDIS_URL`` is set, so every
gunicorn worker and Celery process shares one version; process memory otherwise (a single ``runserver``).
The cache is an optimisation only: if it is unreachable the figures are computed as if nothing was cached.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.core.cache import caches
from django.db.models.signals import post_delete, post_save

from registry.models import AnnualFigures, Cluster, District, Firm
from registry.signals import figures_saved_in_bulk

from .models import (
    Application,
    ApplicationEvent,
    Designation,
    DigitalRecognition,
    IndustryBrain,
    ListingTrack,
    MaturityAssessment,
    PoolMembership,
    Target,
    UpgradeProject,
)

logger = logging.getLogger(__name__)

CACHE_ALIAS = "dashboard"
CACHE_SECONDS = 60
VERSION_KEY = "dashboard:version"


def _cache():
    return caches[CACHE_ALIAS]


def data_version() -> int:
    """The current version; a missing one (first use, evicted) starts from the clock so it can never
    collide with a version an older cached entry was stored under."""
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_version() -> None:
    cache = _cache()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: the next reader starts a fresh one
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # an unreachable cache must not fail the write that triggered this
        logger.warning("could not bump the dashboard data version", exc_info=True)


def invalidate_dashboard(**_signal_kwargs) -> None:
    """Every cached dashboard is out of date (a receiver for ``post_save``/``post_delete``).

    No second bump on commit: it would add an on-commit callback to every write transaction (the workflow
    pins the ones it leaves); ``CACHE_SECONDS`` bounds the uncommitted-read window instead."""
    bump_version()


def cached(key: tuple, compute: Callable[[], dict]) -> dict:
    """``compute()`` once per ``key`` and data version for ``CACHE_SECONDS``."""
    try:
        cache = _cache()
        full_key = f"dashboard:{data_version()}:{hash_key(key)}"
        hit = cache.get(full_key)
    except Exception:  # the cache is an optimisation; compute as if it were empty
        logger.warning("dashboard cache unavailable; computing the figures", exc_info=True)
        return compute()
    if hit is not None:
        return hit
    result = compute()
    try:
        cache.set(full_key, result, CACHE_SECONDS)
    except Exception:
        logger.warning("could not store the dashboard figures", exc_info=True)
    return result


def hash_key(key: tuple) -> str:
    """A readable key part without spaces (the parts are codes, ids, flags and dates)."""
    return ":".join("-" if part is None else str(part) for part in key)


def connect_invalidation() -> None:
    """Bump the version when any row the dashboard counts is saved or deleted (called from ``ready``)."""
    for model in (
        Firm,
        AnnualFigures,
        District,
        Cluster,
        Designation,
        PoolMembership,
        Application,
        ApplicationEvent,
        Target,
        DigitalRecognition,
        IndustryBrain,
        UpgradeProject,
        MaturityAssessment,
        ListingTrack,
    ):
        uid = f"dashboard-invalidate-{model._meta.label_lower}"
        post_save.connect(invalidate_dashboard, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(invalidate_dashboard, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
    # The figures import writes a chunk in bulk (no post_save): one bump for the chunk.
    figures_saved_in_bulk.connect(
        invalidate_dashboard, dispatch_uid="dashboard-invalidate-figures-bulk", weak=False
    )
