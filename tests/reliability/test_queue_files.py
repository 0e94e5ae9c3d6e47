"""Without Redis, Celery's filesystem queue keeps every file it writes under var/, never in the working
directory.

kombu's filesystem transport writes its exchange table (``<exchange>.exchange``) to ``control_folder``,
which defaults to ``./control``; a publish binds the ``celery`` exchange and ``celery inspect`` binds its
reply exchange. The settings point the folder at ``var/celery/control``. Here the commands people run
(``celery -A config call`` and ``celery -A config inspect``) run from an empty folder, as the development
profile without ``REDIS_URL`` configures them, and every file they leave must be under that folder's var/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DROPPED = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def celery(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``celery -A config ...`` run from ``cwd`` on the filesystem transport, with var/ inside ``cwd``."""
    env = {
        **{name: value for name, value in os.environ.items() if name not in DROPPED},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "TIERMARK_VAR_DIR": str(cwd / "var"),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def files_under(folder: Path) -> set[Path]:
    return {path.relative_to(folder) for path in folder.rglob("*") if path.is_file()}


def test_publish_and_broadcast_write_only_under_var(tmp_path):
    published = celery("call", "registry.tasks.run_import_job", "--args=[0]", cwd=tmp_path)
    assert published.returncode == 0, published.stderr
    # No worker runs, so nobody answers; the broadcast and its reply binding still happen.
    inspected = celery("inspect", "ping", "--timeout=0.5", cwd=tmp_path)
    assert "No nodes replied" in inspected.stdout + inspected.stderr, inspected.stderr

    written = files_under(tmp_path)
    assert {path for path in written if path.parts[0] != "var"} == set()
    control = Path("var", "celery", "control")
    assert control / "celery.exchange" in written  # the publish's binding, in the configured folder
    assert control / "reply.celery.pidbox.exchange" in written  # the broadcast's reply binding
    assert any(path.parent == Path("var", "celery", "queue") for path in written)  # the message itself
