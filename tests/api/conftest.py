"""The shared programme of the API tests, built once per module (see ``tests/api/world.py``).

Building it takes most of a test's time, and the access matrix and the query counts run hundreds
of requests against the same rows. The world is created inside an outer transaction that is rolled
back when the module ends; each test still runs in its own savepoint (pytest-django's ``db``), so
a write in one test is undone before the next.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.api.world import World, build_world


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        yield world
        transaction.set_rollback(True)
    media.disable()


@pytest.fixture
def world(shared_world: World, db) -> World:
    return shared_world
