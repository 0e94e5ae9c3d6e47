"""API tokens do not outlive the password or the account, and expire after ``API_TOKEN_TTL_DAYS``.

Every path that changes a password (portal, admin, reset link, ``set_password``) and deactivation delete
the person's tokens (``registry.models.User.save``); an expired token answers 401 in the API's error shape
and is deleted (``api.authentication.ExpiringTokenAuthentication``).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"
NEW_PASSWORD = "Xin-mima-2026-ok"


@pytest.fixture
def person(db):
    return UserFactory(
        username="script-user", email="script@example.com", roles=["caseworker"], is_staff=True
    )


def obtain(username: str, password: str = PASSWORD) -> dict:
    response = APIClient().post("/api/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def me(key: str):
    return APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}")


def test_a_fresh_token_works_and_shows_its_expiry(person, settings):
    assert settings.API_TOKEN_TTL_DAYS == 90
    issued = obtain(person.username)
    token = Token.objects.get(user=person)
    expected = token.created + datetime.timedelta(days=90)
    assert parse_datetime(issued["expires_at"]) == expected
    answer = me(issued["token"])
    assert answer.status_code == 200
    assert parse_datetime(answer.json()["token_expires_at"]) == expected


def test_me_by_session_has_no_token_expiry(client, person):
    client.force_login(person)
    assert client.get("/api/me/").json()["token_expires_at"] is None


def test_an_expired_token_is_refused_in_the_error_shape_and_deleted(person, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    key = obtain(person.username)["token"]
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=30, seconds=1))
    answer = me(key)
    assert answer.status_code == 401
    assert answer.json() == {"detail": "API 令牌已过期，请重新获取令牌。", "fields": {}}
    assert not Token.objects.filter(key=key).exists()
    assert me(key).status_code == 401  # gone, not just refused once


def test_asking_again_after_expiry_issues_a_new_token(person):
    old = obtain(person.username)["token"]
    Token.objects.filter(key=old).update(created=timezone.now() - datetime.timedelta(days=91))
    new = obtain(person.username)["token"]
    assert new != old
    assert me(new).status_code == 200


def test_signing_in_again_keeps_the_token(client, person):
    key = obtain(person.username)["token"]
    client.post("/accounts/login/", {"username": person.username, "password": PASSWORD})  # saves last_login
    assert obtain(person.username)["token"] == key
    assert me(key).status_code == 200


def test_a_portal_password_change_deletes_the_tokens(client, person):
    key = obtain(person.username)["token"]
    client.force_login(person)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert me(key).status_code == 401
    assert not Token.objects.filter(user=person).exists()


def test_an_admin_password_change_deletes_the_tokens(client, person, superuser):
    key = obtain(person.username)["token"]
    client.force_login(superuser)
    response = client.post(
        f"/admin/registry/user/{person.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    assert me(key).status_code == 401


def test_a_reset_through_the_emailed_link_deletes_the_tokens(
    client, person, celery_eager, django_capture_on_commit_callbacks
):
    key = obtain(person.username)["token"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password_reset/", {"email": person.email})
    link = re.search(r"https?://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert me(key).status_code == 401


def test_set_password_and_save_deletes_the_tokens(person):
    key = obtain(person.username)["token"]
    person.set_password(NEW_PASSWORD)
    person.save()
    assert me(key).status_code == 401


def test_deactivation_in_the_admin_deletes_the_tokens(client, person, superuser):
    key = obtain(person.username)["token"]
    client.force_login(superuser)
    url = f"/admin/registry/user/{person.pk}/change/"
    joined = timezone.localtime(person.date_joined)
    data = {
        "username": person.username,
        "email": person.email,
        "is_staff": "on",  # is_active left out: unticked
        "groups": [g.pk for g in person.groups.all()],
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert not person.is_active
    assert not Token.objects.filter(key=key).exists()
    person.is_active = True  # reactivated: the old token stays gone
    person.save()
    assert me(key).status_code == 401


def test_the_admin_token_list_shows_the_expiry(client, person, superuser):
    obtain(person.username)
    token = Token.objects.get(user=person)
    client.force_login(superuser)
    page = client.get("/admin/authtoken/tokenproxy/").content.decode()
    assert "到期时间" in page
    expires = timezone.localtime(token.created + datetime.timedelta(days=90))
    assert str(expires.year) in page and f"{expires.month}月{expires.day}日" in page
