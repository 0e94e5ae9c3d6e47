"""docs/API.md cannot rot: its curl commands run, in order, against a live server and must all succeed."""

from __future__ import annotations

import json
import re
import shlex
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.factories import UserFactory

DOC = Path(__file__).resolve().parents[2] / "docs" / "API.md"
BASH_BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)


@dataclass
class Call:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


def commands(text: str) -> list[list[str]]:
    """Every command line of the doc's ``bash`` blocks, in order, as shell words (continuations joined)."""
    lines = []
    for block in BASH_BLOCK.findall(text):
        lines.extend(line for line in block.replace("\\\n", " ").splitlines() if line.strip())
    return [shlex.split(line) for line in lines]


def to_call(words: list[str]) -> Call:
    call = Call(method="GET", url="")
    options = iter(words[1:])
    for word in options:
        if word == "-X":
            call.method = next(options)
        elif word == "-H":
            name, _, value = next(options).partition(":")
            call.headers[name.strip()] = value.strip()
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


def send(call: Call, variables: dict[str, str]) -> tuple[int, object]:
    body = substitute(call.body, variables).encode() if call.body is not None else None
    request = urllib.request.Request(
        substitute(call.url, variables),
        data=body,
        method=call.method,
        headers={name: substitute(value, variables) for name, value in call.headers.items()},
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
    assert paths[-1] == ("DELETE", "$BASE/api/token/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_documented_command_succeeds(live_server):
    UserFactory(username="caseworker.wang", password="change-me-2024", roles=["caseworker"], is_staff=True)
    variables = {"BASE": live_server.url, "TOKEN": ""}
    ran = 0
    for words in commands(DOC.read_text()):
        if words[0] == "export":
            continue  # BASE is the live server; TOKEN comes from the token answer below
        assert words[0] == "curl", words
        call = to_call(words)
        status, answer = send(call, variables)
        assert 200 <= status < 300, (call, status, answer)
        if isinstance(answer, dict) and "token" in answer:
            variables["TOKEN"] = answer["token"]
        ran += 1
    assert ran >= 7 and variables["TOKEN"]
