"""docs/API.md cannot rot: its curl commands run, in order, against a live server and must all succeed.

``curl`` lines are sent from here (form fields of ``-F`` as multipart, ``@file`` read from the folder the
commands run in); other lines (``printf`` writing a file, a loop polling an import job) run in ``bash``
there, with ``BASE``, ``TOKEN`` and ``JOB`` in their environment.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from registry.models import ImportJob
from tests.factories import UserFactory

DOC = Path(__file__).resolve().parents[2] / "docs" / "API.md"
BASH_BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)


@dataclass
class Call:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    form: list[tuple[str, str]] = field(default_factory=list)  # curl -F name=value / name=@file


def command_lines(text: str) -> list[str]:
    """Every command line of the doc's ``bash`` blocks, in order (continuations joined)."""
    lines = []
    for block in BASH_BLOCK.findall(text):
        lines.extend(line for line in block.replace("\\\n", " ").splitlines() if line.strip())
    return lines


def commands(text: str) -> list[list[str]]:
    """Every command line of the doc's ``bash`` blocks, in order, as shell words."""
    return [shlex.split(line) for line in command_lines(text)]


def to_call(words: list[str]) -> Call:
    call = Call(method="GET", url="")
    options = iter(words[1:])
    for word in options:
        if word == "-X":
            call.method = next(options)
        elif word == "-H":
            name, _, value = next(options).partition(":")
            call.headers[name.strip()] = value.strip()
        elif word == "-F":
            name, _, value = next(options).partition("=")
            call.form.append((name, value))
            call.method = "POST" if call.method == "GET" else call.method
        elif word == "-d":
            call.body = next(options)
            if call.method == "GET":
                call.method = "POST"
        elif word.startswith("-"):
            continue
        else:
            call.url = word
    return call


def substitute(text: str, variables: dict[str, str]) -> str:
    return re.sub(r"\$(\w+)", lambda match: variables[match.group(1)], text)


def multipart(form: list[tuple[str, str]], folder: Path) -> tuple[bytes, str]:
    """curl's ``-F`` fields as a multipart body and its content type."""
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in form:
        disposition = f'Content-Disposition: form-data; name="{name}"'
        if value.startswith("@"):
            path = folder / value[1:]
            disposition += f'; filename="{path.name}"\r\nContent-Type: application/octet-stream'
            content = path.read_bytes()
        else:
            content = value.encode()
        body += f"--{boundary}\r\n{disposition}\r\n\r\n".encode() + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def send(call: Call, variables: dict[str, str], folder: Path) -> tuple[int, object]:
    body = substitute(call.body, variables).encode() if call.body is not None else None
    headers = {name: substitute(value, variables) for name, value in call.headers.items()}
    if call.form:
        body, headers["Content-Type"] = multipart(call.form, folder)
    request = urllib.request.Request(
        substitute(call.url, variables), data=body, method=call.method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.headers.get("ETag"):  # what `curl -D headers.txt` + `export ETAG=…` keeps
                variables["ETAG"] = response.headers["ETag"]
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def test_doc_has_the_walkthrough():
    calls = [to_call(words) for words in commands(DOC.read_text()) if words[0] == "curl"]
    paths = [(call.method, re.sub(r"\?.*", "", call.url)) for call in calls]
    assert paths[0] == ("POST", "$BASE/api/token/")
    assert ("POST", "$BASE/api/firms/") in paths
    assert any(path.endswith("/eligibility/") for _, path in paths)
    assert ("GET", "$BASE/api/alerts/") in paths
    assert ("POST", "$BASE/api/imports/") in paths
    assert paths[-1] == ("DELETE", "$BASE/api/token/")


def run_in_shell(line: str, variables: dict[str, str], folder: Path) -> None:
    """A line that is not a curl call (``printf > file``, a polling loop), run by bash in ``folder``."""
    done = subprocess.run(
        ["bash", "-c", line], cwd=folder, env={**os.environ, **variables}, capture_output=True, timeout=120
    )
    assert done.returncode == 0, (line, done.stdout[-500:], done.stderr[-500:])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_documented_command_succeeds(live_server, celery_eager, settings, tmp_path):
    """Import jobs run eagerly, in the server's request (no worker here)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    UserFactory(username="caseworker.wang", password="change-me-2024", roles=["caseworker"], is_staff=True)
    variables = {"BASE": live_server.url, "TOKEN": "", "JOB": ""}
    ran = 0
    for line in command_lines(DOC.read_text()):
        words = shlex.split(line)
        if words[0] == "export":
            continue  # BASE is the live server; TOKEN and JOB come from the answers below
        if words[0] != "curl":
            run_in_shell(line, variables, tmp_path)
            continue
        call = to_call(words)
        status, answer = send(call, variables, tmp_path)
        assert 200 <= status < 300, (call, status, answer)
        if isinstance(answer, dict) and "token" in answer:
            variables["TOKEN"] = answer["token"]
        if call.method == "POST" and call.url.endswith("/api/imports/"):
            variables["JOB"] = str(answer["id"])
        ran += 1
    assert ran >= 7 and variables["TOKEN"]
    assert ImportJob.objects.get(pk=variables["JOB"]).status == "succeeded"  # the documented file imports
