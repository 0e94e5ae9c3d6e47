"""One language at a time in the admin (issue 17): django-axes under Chinese names, and the portal's
language switch on every admin page."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt

pytestmark = pytest.mark.django_db


def test_the_login_protection_section_is_chinese(client, superuser):
    client.force_login(superuser)
    index = client.get("/admin/").content.decode()
    assert "登录保护" in index and "登录失败记录" in index
    for english in ("Axes", "Access attempts", "Access logs", "Access failures"):
        assert english not in index
    AccessAttempt.objects.create(
        username="someone",
        ip_address="10.0.0.1",
        user_agent="x",
        http_accept="*/*",
        path_info="/admin/",
        get_data="",
        post_data="",
        failures_since_start=3,
    )
    listing = client.get("/admin/axes/accessattempt/").content.decode()
    assert "IP 地址" in listing and "尝试时间" in listing and "IP Address" not in listing


def test_the_admin_offers_the_language_switch_and_it_switches(client, caseworker):
    client.force_login(caseworker)
    page = client.get("/admin/registry/firm/").content.decode()
    assert 'class="admin-lang-switch"' in page and 'name="language" value="en"' in page
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/registry/firm/"})
    assert answer.status_code == 302 and answer["Location"] == "/admin/registry/firm/"
    english = client.get("/admin/registry/firm/").content.decode()
    assert '<html lang="en"' in english
    assert 'value="en" lang="en"\n            aria-current="true"' in english


def test_the_admin_sign_in_page_has_the_switch_too(client):
    page = client.get("/admin/login/").content.decode()
    assert 'class="admin-lang-switch"' in page
