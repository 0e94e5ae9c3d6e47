"""Stored files that follow their row's transaction.

A ``FileField`` writes its file to storage while the row is being saved, before the ``INSERT``. If the
transaction then rolls back (a unique constraint lost to a concurrent request, any later error), the row
is gone but the file stays on disk with nothing pointing at it. ``files_removed_on_rollback`` runs the
block in a transaction and deletes the files it stored when that transaction does not commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models, transaction


@contextmanager
def files_removed_on_rollback(instance: models.Model, *fields: str) -> Iterator[None]:
    """Run the block in ``transaction.atomic``; if it raises, delete the files of ``instance``'s
    ``fields`` that were stored inside it (files stored before the block are left alone).

    Use it as the outermost transaction of the write: a rollback of an enclosing transaction after this
    block has finished cannot be seen here (Django has no rollback hook).
    """
    before = {name: getattr(instance, name).name for name in fields}
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for name in fields:
            stored = getattr(instance, name)
            if stored.name and stored._committed and stored.name != before[name]:
                stored.storage.delete(stored.name)
        raise
