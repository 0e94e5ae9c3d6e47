"""Real processes for the reliability tests: a private Redis, Celery workers, a web server.

Every process is started in its own session and stopped by its process group,
through fixtures whose finalizers run even when a test fails, so nothing
outlives the test run.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout: float = 60, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise TimeoutError("condition not met in time")


def current_database_url() -> str:
    """The URL of the database this test runs on, for processes that must see its committed rows."""
    db = connection.settings_dict
    user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Process:
    """A subprocess in its own session, its output appended to ``log_path``."""

    def __init__(self, command: list[str], log_path: Path, env: dict[str, str]):
        self.log_path = log_path
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up, no acknowledgement, as when a machine loses power."""
        if self.running:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.running:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def wait_for_output(self, marker: bytes, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.log_path.read_bytes():
                return
            if not self.running:
                raise RuntimeError(self.log_path.read_text(errors="replace"))
            time.sleep(0.1)
        raise TimeoutError(self.log_path.read_text(errors="replace"))


class PrivateRedis:
    """A redis-server of the test's own on a free port, without persistence: stopping it loses the queue."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.server: Process | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.folder)]
        self.server = Process(command, self.folder / "redis.log", dict(os.environ))
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_for(lambda: self._answers(client), timeout=10)

    def crash(self) -> None:
        """Gone at once, with whatever it held (SIGKILL, no persistence)."""
        if self.server:
            self.server.kill()
            self.server.stop()

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False


def worker_env(broker_url: str, mailbox: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": current_database_url(),
        "REDIS_URL": broker_url,
        "DB_CONN_MAX_AGE": "0",
        "EMAIL_BACKEND": "tests.reliability.mailbox.Backend",
        "TIERMARK_TEST_MAILBOX": str(mailbox),
        **(extra or {}),
    }


def celery_worker(log_path: Path, env: dict[str, str], *options: str) -> Process:
    """A `celery worker` (solo pool: one task at a time), ready to consume when this returns; ``options``
    are more command-line options (e.g. ``-n name@host``)."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
    command += options
    worker = Process(command, log_path, env)
    worker.wait_for_output(b"ready.")
    return worker


def accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def gunicorn_server(log_path: Path, env: dict[str, str]) -> Process:
    """gunicorn as production runs it, with the shipped configuration (``config/gunicorn.conf.py``);
    ``GUNICORN_BIND`` and ``WEB_CONCURRENCY`` in ``env`` say where and how many workers."""
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
    return Process(command, log_path, env)


NGINX_SITE = ROOT / "deploy" / "nginx" / "tiermark.conf"

# What Debian's /etc/nginx/nginx.conf gives the site, with every path (pid, logs, buffers spooled to disk)
# inside the test's folder: nginx then runs as any user and touches nothing under /etc, /run or /var.
NGINX_MAIN = """
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{
    worker_connections 256;
}}
http {{
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/tiermark.conf;
}}
"""


def nginx_binary() -> str | None:
    """Debian installs nginx in /usr/sbin, which is not on every user's PATH."""
    return shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")


class Nginx:
    """nginx with the shipped site (``deploy/nginx/tiermark.conf``) rendered as an operator would: free ports,
    a self-signed certificate for 127.0.0.1, gunicorn's address as the upstream."""

    def __init__(self, folder: Path, upstream: str):
        self.folder = folder
        self.upstream = upstream
        self.http_port = free_port()
        self.https_port = free_port()
        self.server: Process | None = None

    def render_site(self, certificate: Path, key: Path) -> str:
        values = {
            "@SERVER_NAME@": "127.0.0.1",
            "@HTTP_PORT@": f"127.0.0.1:{self.http_port}",
            "@HTTPS_PORT@": f"127.0.0.1:{self.https_port}",
            "@UPSTREAM@": self.upstream,
            "@TLS_CERTIFICATE@": str(certificate),
            "@TLS_CERTIFICATE_KEY@": str(key),
        }
        site = NGINX_SITE.read_text()
        for placeholder, value in values.items():
            site = site.replace(placeholder, value)
        assert not re.search(r"@[A-Z_]+@", site), "a placeholder of the template was not rendered"
        return site

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        certificate, key = self.folder / "cert.pem", self.folder / "key.pem"
        openssl = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        openssl += ["-nodes", "-keyout", str(key), "-out", str(certificate), "-days", "2"]
        openssl += ["-subj", "/CN=127.0.0.1"]
        subprocess.run(openssl, check=True, capture_output=True)
        (self.folder / "tiermark.conf").write_text(self.render_site(certificate, key))
        # As root, nginx would hand its workers to "nobody", who cannot write to a private temporary folder.
        user = ""
        if os.geteuid() == 0:
            user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"
        (self.folder / "nginx.conf").write_text(NGINX_MAIN.format(user=user, folder=self.folder))
        command = [nginx_binary() or "nginx", "-p", f"{self.folder}/", "-c", str(self.folder / "nginx.conf")]
        command += ["-e", str(self.folder / "error.log"), "-g", "daemon off;"]
        self.server = Process(command, self.folder / "nginx.log", dict(os.environ))
        try:
            wait_for(lambda: not self.server.running or accepts_connections(self.https_port), timeout=10)
        finally:
            if not self.server.running:
                log = (self.folder / "nginx.log").read_text(errors="replace")
                errors = self.folder / "error.log"
                log += errors.read_text(errors="replace") if errors.exists() else ""
                raise RuntimeError(f"nginx did not start:\n{log}")

    def stop(self) -> None:
        if self.server:
            self.server.stop()
