"""Production settings pass Django's deployment checks with no warning, and refuse a missing secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",  # not the suite's development profile (tests/settings.py)
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "x9" * 40 + "-production-secret-for-the-check-only",
    "ALLOWED_HOSTS": "tiermark.example.gov.cn",
}


def manage(*args: str, env: dict[str, str], unset: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    # A production process never has the browser tests' async-safety switch (set in tests/e2e).
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", *unset}
    inherited = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_forgotten_debug_variable_means_production():
    """Fail closed: with DJANGO_DEBUG unset, DEBUG is off and the production defaults apply."""
    probe = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.ALLOWED_HOSTS)"
    )
    result = manage("shell", "-c", probe, env=PRODUCTION, unset=("DJANGO_DEBUG",))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["False", "True", "True", "['tiermark.example.gov.cn']"]


def test_no_debug_variable_and_no_secret_refuses_to_start_with_a_clear_message():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env, unset=("DJANGO_DEBUG",))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "DJANGO_DEBUG=true" in result.stderr  # says how to get the development profile
