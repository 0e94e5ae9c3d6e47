"""Every answer — portal, admin, API, errors — carries the Content-Security-Policy."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


PATHS = ["/accounts/login/", "/admin/login/", "/api/docs/", "/api/firms/", "/no-such-page/"]


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_policy(client, path):
    response = client.get(path)
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_the_policy_refuses_inline_script_and_framing():
    policy = dict(part.strip().split(" ", 1) for part in settings.CONTENT_SECURITY_POLICY.split(";"))
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"


def test_swagger_ui_page_has_no_inline_script(client):
    page = client.get("/api/docs/").text
    assert "<script>" not in page
