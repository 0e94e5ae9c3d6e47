"""Mixed portal and API load (issue #10, "under load"): zero 5xx, and every acknowledged write is stored once.

Half the clients are firm users in the portal (session login, CSRF tokens read from each form as a browser
does); half are city caseworkers on the API (token). Every client works on its own firm, so the writes it
was told succeeded can be checked one by one afterwards:

* portal: home, figures list, figures form → save this year's revenue, apply (new draft), submit, withdraw;
* API: firm list, the firm's applications, its eligibility, PATCH this year's figures, open an application,
  submit, accept (受理), reject with a reason.

Afterwards ``verify`` counts in the database: every acknowledged application exists, every acknowledged
transition has exactly one event row, and each firm-year holds the last acknowledged figure with one history
row per acknowledged save — nothing lost, nothing doubled. Only 127.0.0.1 is ever contacted.

Full form (gunicorn with 2 sync workers, 8 clients for 60 s), on a database of its own::

    createdb -h 127.0.0.1 -U postgres tiermark_load
    .venv/bin/python bench/load_mixed.py --database-url postgres://postgres@127.0.0.1:5432/tiermark_load

The short CI form is ``tests/reliability/test_load.py`` (8 clients for about 10 s), which calls ``prepare``,
``run_load`` and ``verify`` directly. ``prepare`` and ``verify`` need Django; ``run_load`` only HTTP.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-Passw0rd"
TIER = "innovative_sme"
YUBEI = "500112"
TIMEOUT_S = 30


# --- Data: one firm per client, eligible for 创新型中小企业 (needs Django). ---------------------------------


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")  # in-process: the development profile
    import django

    django.setup()


def prepare(clients: int) -> dict:
    """Create the clients' firms and accounts; returns what the clients need (JSON-friendly)."""
    import datetime
    from decimal import Decimal

    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from registry.credit_code import make_code
    from registry.models import AnnualFigures, District, Firm, User

    run = int(time.time()) % 100_000
    this_year = timezone.localdate().year
    district = District.objects.get(code=YUBEI)
    portal, api = [], []
    # The server's hasher (Django's default), whatever this process uses (the tests' fast MD5); hashed once.
    hasher = PBKDF2PasswordHasher()
    password = hasher.encode(PASSWORD, hasher.salt())
    for index in range(clients):
        firm = Firm.objects.create(
            credit_code=make_code(f"91500112{run:05d}{index:04d}"),
            name=f"压测企业{run}-{index}",
            district=district,
            founded_on=datetime.date(2014, 5, 20),
            strategic_emerging=True,
        )
        for offset, revenue in enumerate(("9200", "8000", "7000", "6000")):
            revenue_d = Decimal(revenue)
            AnnualFigures.objects.create(
                firm=firm,
                year=this_year - offset,
                operating_revenue=revenue_d,
                main_business_revenue=revenue_d * Decimal("0.9"),
                rd_expense=revenue_d * Decimal("0.05"),
                net_profit=revenue_d * Decimal("0.08"),
                total_assets=Decimal("9000"),
                total_liabilities=Decimal("4000"),
                employees=150,
                rd_staff=30,
                class1_ip=3,
                class2_ip=8,
            )
        account = {"firm_id": firm.pk, "code": firm.credit_code, "year": this_year}
        if index % 2 == 0:
            user = User.objects.create(username=f"load-firm-{run}-{index}", password=password, firm=firm)
            user.groups.add(Group.objects.get(name="firm"))
            portal.append({**account, "username": user.username, "password": PASSWORD})
        else:
            user = User.objects.create(username=f"load-cw-{run}-{index}", password=password, is_staff=True)
            user.groups.add(Group.objects.get(name="caseworker"))
            api.append({**account, "token": Token.objects.create(user=user).key})
    return {"portal": portal, "api": api}


# --- What the clients saw. -----------------------------------------------------------------------------


@dataclass
class Tally:
    """One client's responses and the writes it was told succeeded."""

    statuses: Counter = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    unexpected: list[str] = field(default_factory=list)
    applications: list[int] = field(default_factory=list)
    events: list[tuple[int, str]] = field(default_factory=list)
    figures: list[tuple[int, int, str]] = field(default_factory=list)  # firm id, year, revenue

    def merge(self, other: Tally) -> None:
        self.statuses.update(other.statuses)
        for name, values in other.latencies.items():
            self.latencies[name].extend(values)
        self.unexpected += other.unexpected
        self.applications += other.applications
        self.events += other.events
        self.figures += other.figures


class Client:
    """A session against the server that times and tallies every request."""

    def __init__(self, base_url: str, tally: Tally):
        self.base_url = base_url
        self.session = requests.Session()
        self.tally = tally

    def call(self, name: str, method: str, path: str, expect: int, **kwargs) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = self.session.request(
                method, self.base_url + path, timeout=TIMEOUT_S, allow_redirects=False, **kwargs
            )
        except requests.RequestException as error:
            self.tally.statuses["no answer"] += 1
            self.tally.unexpected.append(f"{name}: {type(error).__name__}")
            return None
        self.tally.latencies[name].append(time.perf_counter() - started)
        self.tally.statuses[f"{response.status_code // 100}xx"] += 1
        if response.status_code != expect:
            self.tally.unexpected.append(f"{name}: {response.status_code} {response.text[:200]!r}")
            return None
        return response


class FormReader(HTMLParser):
    """The fields of each POST form on a page, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._current: dict[str, str] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {}
            self.forms.append(self._current)
        elif self._current is not None and tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind not in ("submit", "button", "checkbox", "radio") or "checked" in attrs:
                self._current[attrs["name"]] = attrs.get("value") or ""
        elif self._current is not None and tag == "textarea":
            self._textarea = attrs.get("name")
            self._current[self._textarea] = ""

    def handle_data(self, data):
        if self._current is not None and self._textarea:
            self._current[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._current = None


def form_with(html: str, field_name: str) -> dict[str, str] | None:
    reader = FormReader()
    reader.feed(html)
    return next((form for form in reader.forms if field_name in form), None)


def portal_client(base_url: str, account: dict, deadline: float, tally: Tally) -> None:
    client = Client(base_url, tally)
    page = client.call("login form", "GET", "/accounts/login/", 200)
    form = page and form_with(page.text, "csrfmiddlewaretoken")
    if not form:
        return
    form.update(username=account["username"], password=account["password"])
    if not client.call("login", "POST", "/accounts/login/", 302, data=form):
        return
    counter = 0
    while time.monotonic() < deadline:
        counter += 1
        client.call("portal home", "GET", "/", 200)
        client.call("portal figures", "GET", "/figures/", 200)
        portal_figures(client, account, counter)
        portal_application(client)


def portal_figures(client: Client, account: dict, counter: int) -> None:
    year = account["year"]
    page = client.call("portal figures form", "GET", f"/figures/{year}/", 200)
    form = page and form_with(page.text, "operating_revenue")
    if not form:
        return
    revenue = f"{10000 + counter}.00"
    form["operating_revenue"] = revenue
    if client.call("portal figures save", "POST", f"/figures/{year}/", 302, data=form):
        client.tally.figures.append((account["firm_id"], year, revenue))


def portal_application(client: Client) -> None:
    page = client.call("portal apply form", "GET", "/applications/new/", 200)
    form = page and form_with(page.text, "csrfmiddlewaretoken")
    if not form:
        return
    form.update(tier=TIER, kind="new")
    created = client.call("portal apply", "POST", "/applications/new/", 302, data=form)
    match = created and re.search(r"/applications/(\d+)/", created.headers.get("Location", ""))
    if not match:
        return
    pk = int(match.group(1))
    client.tally.applications.append(pk)
    for action in ("submit", "withdraw"):
        page = client.call("portal application", "GET", f"/applications/{pk}/", 200)
        form = page and form_with(page.text, "csrfmiddlewaretoken")
        if not form:
            return
        data = {"csrfmiddlewaretoken": form["csrfmiddlewaretoken"], "action": action, "reason": "压测"}
        if not client.call(f"portal {action}", "POST", f"/applications/{pk}/act/", 302, data=data):
            return
        client.tally.events.append((pk, action))


def api_client(base_url: str, account: dict, deadline: float, tally: Tally) -> None:
    client = Client(base_url, tally)
    client.session.headers["Authorization"] = f"Token {account['token']}"
    code, year, counter = account["code"], account["year"], 0
    while time.monotonic() < deadline:
        counter += 1
        client.call("api firms", "GET", "/api/firms/?page_size=20", 200)
        client.call("api applications", "GET", f"/api/applications/?firm={code}", 200)
        client.call("api eligibility", "GET", f"/api/firms/{code}/eligibility/", 200)
        revenue = f"{20000 + counter}.00"
        path = f"/api/firms/{code}/figures/{year}/"
        if client.call("api figures patch", "PATCH", path, 200, json={"operating_revenue": revenue}):
            tally.figures.append((account["firm_id"], year, revenue))
        created = client.call(
            "api apply", "POST", "/api/applications/", 201, json={"firm": code, "tier": TIER}
        )
        if not created:
            continue
        pk = created.json()["id"]
        tally.applications.append(pk)
        for action, reason in (("submit", ""), ("accept", ""), ("reject", "压测：不予通过")):
            body = {"action": action, "reason": reason}
            if not client.call(
                f"api {action}", "POST", f"/api/applications/{pk}/transition/", 200, json=body
            ):
                break
            tally.events.append((pk, action))


def run_load(base_url: str, accounts: dict, clients: int, duration: float) -> Tally:
    """``clients`` threads (portal and API alternately) for ``duration`` seconds; their merged tally."""
    if not base_url.startswith("http://127.0.0.1:"):
        raise ValueError("the load test only ever runs against 127.0.0.1")
    deadline = time.monotonic() + duration
    tallies, threads = [], []
    for index in range(clients):
        tally = Tally()
        tallies.append(tally)
        pool, target = (
            (accounts["portal"], portal_client) if index % 2 == 0 else (accounts["api"], api_client)
        )
        account = pool[(index // 2) % len(pool)]
        threads.append(threading.Thread(target=target, args=(base_url, account, deadline, tally)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total


# --- Afterwards: is every acknowledged write in the database, once? (needs Django) ----------------------


def verify(tally_json: dict, firm_ids: list[int]) -> dict:
    """Count the acknowledged writes in the database; the lists name anything lost or doubled."""
    from django.db.models import Count

    from cultivation.models import Application, ApplicationEvent
    from registry.models import AnnualFigures

    acked_apps = set(tally_json["applications"])
    stored_apps = set(Application.objects.filter(firm_id__in=firm_ids).values_list("pk", flat=True))
    acked_events = Counter(tuple(event) for event in tally_json["events"])
    stored_events = Counter(
        {
            (row["application_id"], row["action"]): row["n"]
            for row in ApplicationEvent.objects.filter(application_id__in=stored_apps)
            .values("application_id", "action")
            .annotate(n=Count("pk"))
        }
    )
    last_value, saves = {}, Counter()
    for firm_id, year, revenue in tally_json["figures"]:
        last_value[(firm_id, year)] = revenue
        saves[(firm_id, year)] += 1
    figures_wrong = []
    for (firm_id, year), revenue in last_value.items():
        row = AnnualFigures.objects.get(firm_id=firm_id, year=year)
        updates = row.history.filter(history_type="~").count()
        if str(row.operating_revenue) != revenue or updates != saves[(firm_id, year)]:
            figures_wrong.append([firm_id, year, revenue, str(row.operating_revenue), saves[(firm_id, year)]])
    return {
        "applications_acknowledged": len(acked_apps),
        "applications_stored": len(stored_apps),
        "applications_lost": sorted(acked_apps - stored_apps),
        "applications_unacknowledged": sorted(stored_apps - acked_apps),
        "transitions_acknowledged": sum(acked_events.values()),
        "transitions_stored": sum(stored_events.values()),
        "transitions_lost": sorted(
            str(key) for key in acked_events if stored_events[key] < acked_events[key]
        ),
        "transitions_doubled": sorted(str(key) for key, n in stored_events.items() if n > 1),
        "figure_saves_acknowledged": sum(saves.values()),
        "figures_wrong": figures_wrong,
    }


def tally_json(tally: Tally) -> dict:
    return {"applications": tally.applications, "events": tally.events, "figures": tally.figures}


def summary(tally: Tally, duration: float) -> dict:
    requests_made = sum(tally.statuses.values())
    latency = {
        name: {
            "n": len(values),
            "p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(statistics.quantiles(values, n=20)[-1] * 1000, 1) if len(values) > 1 else None,
        }
        for name, values in sorted(tally.latencies.items())
    }
    return {
        "requests": requests_made,
        "per_second": round(requests_made / duration, 1),
        "statuses": dict(tally.statuses),
        "unexpected": tally.unexpected[:20],
        "unexpected_count": len(tally.unexpected),
        "latency": latency,
    }


# --- The full form: a gunicorn server of its own, Django in child processes. ---------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database_url: str, static_root: Path = ROOT / "var" / "bench-static") -> dict[str, str]:
    """Production-like settings over plain HTTP on 127.0.0.1; throttles out of the way (not measured here)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "STATIC_ROOT": str(static_root),
        "SECRET_KEY": "load-test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "API_THROTTLE_USER": "1000000/min",
        "API_THROTTLE_ANON": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }


def collect_static(env: dict[str, str]) -> None:
    """What a deploy runs before starting gunicorn: with DEBUG off, pages name the hashed, compressed copies
    of the static files that ``collectstatic`` writes to ``STATIC_ROOT`` (and WhiteNoise serves them)."""
    command = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def start_server(env: dict[str, str], workers: int = 2) -> tuple[subprocess.Popen, str]:
    """gunicorn (sync workers) on a free 127.0.0.1 port; returns the process and its base URL."""
    collect_static(env)
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--timeout", "60", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(base_url + "/accounts/login/", timeout=2).status_code == 200:
                return server, base_url
        except requests.RequestException:
            pass
        if server.poll() is not None:
            raise RuntimeError("the server did not start")
        time.sleep(0.2)
    stop_server(server)
    raise TimeoutError("the server did not answer")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)


def _child(database_url: str, *args: str, stdin: str | None = None) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    output = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )
    if output.returncode:
        raise RuntimeError(output.stderr)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL database to migrate and load (a scratch one)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)  # child: create N clients' data
    parser.add_argument("--verify", action="store_true", help=argparse.SUPPRESS)  # child: check stdin
    options = parser.parse_args()
    if options.prepare is not None:
        _setup_django()
        print(json.dumps(prepare(options.prepare)))
        return
    if options.verify:
        _setup_django()
        given = json.loads(sys.stdin.read())
        print(json.dumps(verify(given["tally"], given["firm_ids"])))
        return
    if not options.database_url:
        parser.error("--database-url is required")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": options.database_url},
        check=True,
    )
    accounts = _child(options.database_url, "--prepare", str(options.clients))
    server, base_url = start_server(server_env(options.database_url), options.workers)
    try:
        tally = run_load(base_url, accounts, options.clients, options.duration)
    finally:
        stop_server(server)
    firm_ids = [account["firm_id"] for account in accounts["portal"] + accounts["api"]]
    stdin = json.dumps({"tally": tally_json(tally), "firm_ids": firm_ids})
    checked = _child(options.database_url, "--verify", stdin=stdin)
    report = {"clients": options.clients, "duration_s": options.duration, "workers": options.workers}
    report |= summary(tally, options.duration) | {"database": checked}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    problems = (
        tally.statuses.get("5xx", 0)
        + len(checked["applications_lost"])
        + len(checked["transitions_lost"])
        + len(checked["transitions_doubled"])
        + len(checked["figures_wrong"])
    )
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
