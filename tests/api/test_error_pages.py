"""Django's own error answers under /api/ use the API's JSON error shape; the portal keeps its pages."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_unrouted_api_path_answers_json_404(client):
    response = client.get("/api/alerts/1.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。", "fields": {}}


def test_unrouted_api_path_answers_in_english_on_request(client):
    response = client.get("/api/no-such-resource/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Not found."


def test_unrouted_portal_path_keeps_the_html_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "页面不存在" in response.text
