"""Run callables at the same moment, each in a thread with its own database connection.

The race tests (PostgreSQL, ``transaction=True``) prove that a read-check-write holds under real
concurrency: every attempt waits at one barrier, then runs; its result or the exception it raised is
returned in order, so a test asserts on what each person or script got.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def race(*attempts: Callable[[], object], timeout: float = 60) -> list[object]:
    """Each attempt's return value, or the exception it raised, in the order given."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[object] = [None] * len(attempts)

    def run(index: int, attempt: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcomes[index] = attempt()
        except Exception as error:  # a 500 raised through the test client lands here too
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes
