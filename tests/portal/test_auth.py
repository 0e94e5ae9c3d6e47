"""Signing in and out, changing a password and resetting it by email, on the portal's own pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"


def test_sign_in_leads_a_firm_user_home(client, firm_user, firm):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "登录" in page.text
    response = client.post(reverse("login"), {"username": "firm-a", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert firm.name in response.text


def test_a_wrong_password_is_told_without_saying_which_part(client, firm_user):
    response = client.post(reverse("login"), {"username": "firm-a", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.text


def test_sign_out_is_a_post(firm_client):
    response = firm_client.post(reverse("logout"))
    assert response.status_code == 200 and "已退出登录" in response.text
    assert firm_client.get("/").status_code == 302


def test_password_change(firm_client, firm_user):
    url = reverse("password_change")
    response = firm_client.post(
        url, {"old_password": PASSWORD, "new_password1": "Qiye-2026-xin", "new_password2": "Qiye-2026-xin"}
    )
    assert response["Location"] == reverse("password_change_done")
    firm_user.refresh_from_db()
    assert firm_user.check_password("Qiye-2026-xin")


def test_password_reset_by_email(client, firm_user, celery_eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the email is queued after commit
        response = client.post(reverse("password_reset"), {"email": "a@example.com"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "重设密码" in message.subject and "firm-a" in message.body
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.text
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Qiye-2026-xin", "new_password2": "Qiye-2026-xin"}
    )
    assert response["Location"] == reverse("password_reset_complete")
    firm_user.refresh_from_db()
    assert firm_user.check_password("Qiye-2026-xin")


def test_the_language_switch_posts_to_set_language(client, firm_user):
    client.force_login(firm_user)
    page = client.get("/")
    assert f'action="{reverse("set_language")}"' in page.text
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").text


def test_english_is_served_to_browsers_that_ask_for_it(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="en">' in page.text
    page = client.get(reverse("login"))
    assert '<html lang="zh-hans">' in page.text


def test_every_page_has_a_skip_link_to_the_main_content(firm_client):
    page = firm_client.get("/")
    assert 'class="skip-link" href="#main"' in page.text and 'id="main"' in page.text
