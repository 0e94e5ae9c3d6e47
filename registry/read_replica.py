"""Reads that may go to a PostgreSQL streaming replica, and everything else that must not.

A replica lags the primary by a fraction of a second to seconds, so only reads that can bear that are sent
to it, and only when a view asks: the dashboard's figures, the API's lists and its change feed
(``reads_from_replica``, or ``from_replica_or_primary``, which reads the primary when the replica fails).
Everything else reads the primary: writes; anything inside a transaction (``select_for_update`` needs one);
the rest of a request once it has written anything (read your own writes); the admin, the portal's pages,
authentication and permission checks (they never ask); Celery tasks and management commands (no request);
and, for ``DATABASE_REPLICA_PIN_SECONDS`` after a request that wrote, every request of the same person, so
a list read right after a save shows the save (``ReadReplicaMiddleware`` in ``config.middleware`` records
it in a shared cache).

Without ``DATABASE_REPLICA_URL`` the setting ``READ_REPLICA`` is ``None`` and every read goes to the
primary, as before. The mechanism is described in docs/ARCHITECTURE.md (*Read replica*).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PIN_CACHE = "replica_pins"
T = TypeVar("T")


@dataclass
class ReadState:
    """What the current request (or block of code) allows: replica reads asked for, and whether it wrote."""

    allowed: bool = True  # False for a request that may write (POST, PUT, PATCH, DELETE)
    opted_in: int = 0  # depth of ``reads_from_replica`` blocks
    wrote: bool = False  # a write was routed: every later read of this request goes to the primary


_state: ContextVar[ReadState | None] = ContextVar("tiermark_read_state", default=None)


def replica_alias() -> str | None:
    """The database alias replica reads go to, or ``None`` when there is no replica."""
    alias = getattr(settings, "READ_REPLICA", None)
    return alias if alias and alias in settings.DATABASES else None


@contextmanager
def request_reads(method: str) -> Iterator[ReadState]:
    """One request's read state: a request that may write never reads the replica."""
    token = _state.set(ReadState(allowed=method.upper() in SAFE_METHODS))
    try:
        yield _state.get()
    finally:
        _state.reset(token)


@contextmanager
def reads_from_replica(user=None) -> Iterator[None]:
    """Inside this block, reads may go to the replica (see the module docstring for when they do not).

    A view calls it around the queries whose answer may lag: after authentication and permission checks,
    which must see the primary (a token deleted a moment ago must not still open the API). ``user`` is the
    person asking: one who wrote within ``DATABASE_REPLICA_PIN_SECONDS`` reads the primary."""
    state = _state.get()
    token = None
    if state is None:  # outside a request (a script, a benchmark): a state of its own
        token = _state.set(state := ReadState())
    if user is not None and recently_wrote(user):
        state.wrote = True
    state.opted_in += 1
    try:
        yield
    finally:
        state.opted_in -= 1
        if token is not None:
            _state.reset(token)


def from_replica_or_primary(read: Callable[[], T], user=None) -> T:
    """``read()`` inside ``reads_from_replica(user)``; if the replica fails it (down, unreachable, a query
    cancelled by recovery: ``OperationalError``), ``read()`` again on the primary. A replica that is gone
    costs a connection timeout per request (``connect_timeout``, 3 s), never the answer."""
    try:
        with reads_from_replica(user):
            return read()
    except OperationalError:
        alias = replica_alias()
        if alias is None:
            raise
        # Django closes the broken connection when the request finishes (``close_old_connections``).
        log.warning("the read replica failed a read; reading the primary", exc_info=True)
        return read()


def _pin_key(user) -> str:
    return f"replica-pin:{user.pk}"


def pin_to_primary(user) -> None:
    """Send this person's reads to the primary for ``DATABASE_REPLICA_PIN_SECONDS``: they just wrote."""
    if replica_alias() is None or not getattr(user, "is_authenticated", False):
        return
    try:
        caches[PIN_CACHE].set(_pin_key(user), 1, timeout=settings.DATABASE_REPLICA_PIN_SECONDS)
    except Exception:  # the cache is down: the next reads may lag, which is all a pin prevents
        log.warning("could not pin user %s to the primary database", user.pk, exc_info=True)


def recently_wrote(user) -> bool:
    """True when ``user`` wrote within the pin window, or when that cannot be told (the cache is down)."""
    if replica_alias() is None or not getattr(user, "is_authenticated", False):
        return False
    try:
        return caches[PIN_CACHE].get(_pin_key(user)) is not None
    except Exception:
        log.warning("could not read the replica pin of user %s; reading the primary", user.pk, exc_info=True)
        return True


def _in_transaction() -> bool:
    """Inside ``transaction.atomic`` on the primary: the block may have written, or locks rows
    (``select_for_update``), and must see its own snapshot. The test runner's own wrapping transaction
    (``_from_testcase``) is not the code's and does not count."""
    blocks = connections[DEFAULT_DB_ALIAS].atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


class ReadReplicaRouter:
    """The database router (``DATABASE_ROUTERS``): the replica for reads that asked for it, else the
    primary. It names the primary explicitly, so a row read from the replica is saved to the primary."""

    def db_for_read(self, model, **hints) -> str:
        alias = replica_alias()
        state = _state.get()
        if alias is None or state is None or not state.opted_in:
            return DEFAULT_DB_ALIAS
        if not state.allowed or state.wrote or _in_transaction():
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints) -> str:
        state = _state.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        """The replica holds the same rows as the primary: a row read from either may refer to the other."""
        dbs = {obj1._state.db, obj2._state.db}
        return True if dbs <= {DEFAULT_DB_ALIAS, replica_alias()} else None

    def allow_migrate(self, db, app_label, **hints) -> bool | None:
        """No opinion: ``migrate`` is run against the primary only, and a real replica copies its schema."""
        return None
