"""Backups restore every row: the demo register through pg_dump and pg_restore into a fresh database.

The procedure is the one ``docs/OPERATIONS.md`` gives operators (custom format,
``--no-owner``). Every table is compared by row count and by an md5 of its rows
in a fixed order, and every sequence by its position, so a restored database
both holds the same data and hands out new ids without colliding.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TABLES = """
    SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
"""
ROWS = "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t"
SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"


def client_args() -> list[str]:
    db = connection.settings_dict
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]


def conninfo(name: str) -> str:
    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname=name,
    )


def fingerprint(name: str) -> tuple[dict[str, tuple[int, str]], list[tuple]]:
    """Per table (rows, md5 of the rows as text in sorted order); and every sequence's position."""
    tables = {}
    with psycopg.connect(conninfo(name)) as db:
        for (table,) in db.execute(TABLES).fetchall():
            tables[table] = db.execute(ROWS.format(table=table)).fetchone()
        sequences = db.execute(SEQUENCES).fetchall()
    return tables, sequences


def major(text: str) -> int:
    return int(re.search(r"(\d+)", text).group(1))


@pytest.fixture
def fresh_database():
    """An empty database next to the test database, dropped afterwards whatever happens."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_dump_of_the_demo_register_restores_every_row(tmp_path, fresh_database):
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "PostgreSQL client tools are installed"
    server = connection.cursor().connection.info.server_version // 10000
    assert major(subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout) >= server

    call_command("seed_demo", firms=150, seed=5, verbosity=0)
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "tiermark.dump"
    env = {"PGPASSWORD": connection.settings_dict["PASSWORD"] or ""}
    subprocess.run(
        ["pg_dump", *client_args(), "--format=custom", "--file", str(dump), source],
        check=True,
        env={**env, "PATH": "/usr/bin:/bin"},
    )
    subprocess.run(
        [
            "pg_restore",
            *client_args(),
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            fresh_database,
            str(dump),
        ],
        check=True,
        env={**env, "PATH": "/usr/bin:/bin"},
    )

    tables, sequences = fingerprint(source)
    restored_tables, restored_sequences = fingerprint(fresh_database)
    assert restored_tables == tables
    assert restored_sequences == sequences
    assert tables["registry_firm"][0] == 151  # 150 generated + the demo firm
    total = sum(rows for rows, _md5 in tables.values())
    assert total > 1000
    print(f"restored {len(tables)} tables, {total} rows, {len(sequences)} sequences; {dump.stat().st_size} B")
