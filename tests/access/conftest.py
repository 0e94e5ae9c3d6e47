"""One cast per test module, written once and rolled back at the end of the module.

The access matrix sends well over a thousand requests; building two firms with all their records for
each of them would take minutes. So the module-scoped ``world`` writes them once inside an outer
transaction; every test still runs in its own savepoint (pytest-django's ``db``), so a POST that an
allowed role makes is undone before the next test, and the outer transaction is rolled back when the
module ends. Each role signs in once; a test gets a fresh client carrying that role's session cookie.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from .world import ROLES, World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    media = tmp_path_factory.mktemp("access-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        built = build_world()
        built.sessions = {}
        for role in ROLES:
            user = built.users[role]
            if user is not None:
                client = Client()
                client.force_login(user)  # no password check, so django-axes never counts these
                built.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def client_for(world: World, db) -> Callable[[str], Client]:
    """A fresh test client signed in as ``role`` (anonymous for "anon")."""

    def make(role: str) -> Client:
        client = Client()
        if role in world.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        return client

    return make
