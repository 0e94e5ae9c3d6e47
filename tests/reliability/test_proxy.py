"""Production serving (issue 14): the shipped nginx site in front of gunicorn with its shipped configuration.

gunicorn's sync workers each belong to whoever is sending them a request: a few sockets that send one
header line every 4 s hold both workers and queue everyone else behind them, until gunicorn kills the
workers a minute later (the negative control below, against gunicorn directly). nginx
(``deploy/nginx/tiermark.conf``) reads requests itself and hands gunicorn only complete ones, so the same
sockets against it leave ``/api/me/`` answering well within a second. With DEBUG off, static files are
served by the app (WhiteNoise) from what ``collectstatic`` wrote, through nginx; uploads are not served.

Everything runs as production does: ``config.settings`` with DJANGO_DEBUG=false, HTTPS (nginx terminates
TLS with a throw-away certificate and says so in X-Forwarded-Proto; ``BEHIND_PROXY=true``), the SSL
redirect, HSTS and secure cookies on.
"""

from __future__ import annotations

import http.client
import os
import re
import select
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from bench.load_mixed import collect_static
from tests.conftest import IN_CI
from tests.factories import UserFactory

from .processes import (
    Nginx,
    Process,
    current_database_url,
    free_port,
    gunicorn_server,
    nginx_binary,
    wait_for,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ATTACKERS = 8  # slow-header sockets
LINE_EVERY_S = 4.0  # one header line per socket this often
ANSWER_WITHIN_S = 1.0
WORKERS = 2

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate


@dataclass
class Stack:
    nginx: Nginx
    gunicorn: Process
    gunicorn_port: int


@dataclass
class Answer:
    status: int
    seconds: float
    headers: http.client.HTTPMessage
    body: bytes


def get(port: int, path: str, *, tls: bool, timeout: float, headers: dict[str, str] | None = None) -> Answer:
    """One GET on a fresh connection; raises ``TimeoutError`` when no answer comes within ``timeout``."""
    started = time.perf_counter()
    if tls:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=TLS)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return Answer(response.status, time.perf_counter() - started, response.msg, body)


class SlowHeaders:
    """Sockets that send a request line, then one header line each every ``LINE_EVERY_S``, never finishing."""

    def __init__(self, port: int, *, tls: bool):
        self.port, self.tls = port, tls
        self.sockets: list[socket.socket] = []
        self.lines_sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> SlowHeaders:
        for _ in range(ATTACKERS):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            if self.tls:
                sock = TLS.wrap_socket(sock)
            sock.sendall(b"GET /api/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.sockets.append(sock)
        self._thread.start()
        return self

    def _trickle(self) -> None:
        while not self._stop.wait(LINE_EVERY_S):
            for sock in self.sockets:
                try:
                    sock.sendall(f"X-Slow-{self.lines_sent}: 1\r\n".encode())
                    self.lines_sent += 1
                except OSError:
                    pass  # closed by the server: counted by closed()

    def closed(self) -> int:
        """How many of the sockets the server has closed (end of stream waiting to be read)."""
        count = 0
        for sock in self.sockets:
            if not select.select([sock], [], [], 0)[0]:
                continue
            try:
                sock.setblocking(False)
                count += sock.recv(1024) == b""
            except (ssl.SSLWantReadError, BlockingIOError):
                pass
            except OSError:
                count += 1
            finally:
                sock.setblocking(True)
        return count

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        for sock in self.sockets:
            sock.close()


def production_env(static_root: Path, database_url: str, gunicorn_port: int) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",  # explicitly production, whatever the suite's own profile
        "SECRET_KEY": "proxy-test-only-" + "s" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_PROXY": "true",
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "0",
        "STATIC_ROOT": str(static_root),
        "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}",
        "WEB_CONCURRENCY": str(WORKERS),
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture(scope="module")
def stack(tmp_path_factory, django_db_setup):
    """collectstatic, gunicorn and nginx as a deploy leaves them, once for the module; both servers stopped
    however the tests end."""
    if nginx_binary() is None:
        if IN_CI:
            pytest.fail("nginx is not installed; .ci/run installs it (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    folder = tmp_path_factory.mktemp("proxy")
    gunicorn_port = free_port()
    env = production_env(folder / "static", current_database_url(), gunicorn_port)
    collect_static(env)
    gunicorn = gunicorn_server(folder / "gunicorn.log", env)
    nginx = Nginx(folder / "nginx", upstream=f"127.0.0.1:{gunicorn_port}")
    try:
        nginx.start()
        wait_for(lambda: _answers(nginx.https_port), timeout=60, every=0.2)
        yield Stack(nginx, gunicorn, gunicorn_port)
    finally:
        nginx.stop()
        gunicorn.stop()


def _answers(port: int) -> bool:
    try:
        return get(port, "/accounts/login/", tls=True, timeout=2).status == 200
    except OSError:
        return False


@pytest.fixture
def auth() -> dict[str, str]:
    """A caseworker's API token, committed, so gunicorn sees it."""
    user = UserFactory(username="proxy-caseworker", roles=["caseworker"], is_staff=True)
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


def _warm_every_worker(port: int, auth: dict[str, str]) -> None:
    """A worker's first API request imports the API's views (a few hundred ms on a busy machine): send
    requests four at a time, so both workers have served one before anything is timed."""
    def status(_: int) -> int:
        return get(port, "/api/me/", tls=True, timeout=10, headers=auth).status

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(status, range(8))) == {200}


def test_slow_header_sockets_do_not_keep_the_api_from_answering_behind_nginx(stack, auth):
    """While eight sockets trickle headers at nginx, /api/me/ answers within a second, every time; nginx
    drops the sockets after client_header_timeout (10 s), without a worker ever seeing them."""
    port = stack.nginx.https_port
    _warm_every_worker(port, auth)
    answers: list[Answer] = []
    with SlowHeaders(port, tls=True) as attack:
        started = time.monotonic()
        while attack.closed() < ATTACKERS and time.monotonic() - started < 10 + 2 * LINE_EVERY_S:
            answers.append(get(port, "/api/me/", tls=True, timeout=5, headers=auth))
            time.sleep(0.5)
        dropped_after = time.monotonic() - started
        assert attack.lines_sent >= 2 * ATTACKERS, "the attack was live across two rounds of header lines"
        assert attack.closed() == ATTACKERS, "nginx closes a client whose headers do not arrive in time"
    assert 9 < dropped_after < 10 + LINE_EVERY_S
    assert len(answers) >= 10
    assert [a.status for a in answers] == [200] * len(answers)
    slowest = max(a.seconds for a in answers)
    print({"answers": len(answers), "slowest_s": round(slowest, 3), "dropped_s": round(dropped_after, 1)})
    assert slowest < ANSWER_WITHIN_S, f"slowest /api/me/ answer {slowest:.2f} s"
    assert b'"username":"proxy-caseworker"' in answers[-1].body.replace(b" ", b"")
    # Production settings answered: HTTPS as nginx reported it (no redirect), with HSTS.
    assert "max-age=" in answers[-1].headers["Strict-Transport-Security"]


def test_the_same_sockets_against_gunicorn_directly_stall_it(stack, auth):
    """The negative control: without nginx the two sync workers are held and /api/me/ does not answer."""
    port = stack.gunicorn_port
    headers = {**auth, "X-Forwarded-Proto": "https"}
    assert get(port, "/api/me/", tls=False, timeout=5, headers=headers).status == 200
    with SlowHeaders(port, tls=False), pytest.raises(TimeoutError):
        get(port, "/api/me/", tls=False, timeout=2 * ANSWER_WITHIN_S, headers=headers)
    # Once the sockets close, the workers are free again.
    assert get(port, "/api/me/", tls=False, timeout=5, headers=headers).status == 200


def test_static_files_are_served_with_debug_off_and_uploads_are_not(stack):
    port = stack.nginx.https_port
    login = get(port, "/accounts/login/", tls=True, timeout=5)
    assert login.status == 200
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', login.body.decode())
    assert stylesheets, "the sign-in page names its stylesheets"
    for path in stylesheets:
        assert re.search(r"\.[0-9a-f]{12}\.css$", path), f"{path}: a hashed name from the manifest"
        answer = get(port, path, tls=True, timeout=5, headers={"Accept-Encoding": "gzip"})
        assert answer.status == 200, path
        assert answer.headers["Content-Encoding"] == "gzip"  # compressed once, at collectstatic
        assert "immutable" in answer.headers["Cache-Control"]  # its name changes with its content
    assert get(port, "/static/admin/css/base.css", tls=True, timeout=5).status == 200
    assert get(port, "/static/no-such-file.css", tls=True, timeout=5).status == 404
    # Evidence is private: MEDIA_ROOT is never served, only the access-checked download view.
    assert get(port, "/media/evidence/any.pdf", tls=True, timeout=5).status == 404
