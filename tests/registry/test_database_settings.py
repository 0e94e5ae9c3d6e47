"""How the app's PostgreSQL connections are set up (config/settings.py)."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_connections_run_without_jit():
    """The JIT compiler costs 20-100 ms per large aggregate (the dashboard's) and gains nothing back at a
    register's sizes, so the app's connections turn it off (``DATABASE_JIT``)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
