"""``make run`` migrates the embedded SQLite database on a fresh machine: every migration must work there too,
not only on PostgreSQL (which CI and production use, and where several migrations do PostgreSQL-only work)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str, var_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL")}
    env.update(DJANGO_DEBUG="true", TIERMARK_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_fresh_sqlite_database_migrates_forwards_back_and_forwards(tmp_path):
    forwards = manage("migrate", "--no-input", var_dir=tmp_path)
    assert forwards.returncode == 0, forwards.stderr[-2000:]
    assert (tmp_path / "tiermark.sqlite3").exists()
    back = manage("migrate", "cultivation", "0021", "--no-input", var_dir=tmp_path)
    assert back.returncode == 0, back.stderr[-2000:]
    again = manage("migrate", "--no-input", var_dir=tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    pending = manage("migrate", "--check", var_dir=tmp_path)
    assert pending.returncode == 0, pending.stdout[-2000:]
