"""Login throttling (django-axes, enabled here as in production) on the portal, the admin and the API.

After 10 failures from one address or for one account, further attempts -- even with the right
password -- are refused for the cool-down; others are unaffected; the lockout is in the admin, where a
programme admin can lift it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"
ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.9"
LOGIN_PAGES = ["/accounts/login/", "/admin/login/"]


@pytest.fixture
def victim(db):
    return UserFactory(username="firm-victim", is_staff=True)


def sign_in(client, url: str, username: str, password: str, ip: str):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, url: str, username: str, times: int, ip: str = ATTACKER):
    return [sign_in(client, url, username, "wrong-password", ip).status_code for _ in range(times)]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_axes_is_enabled_with_the_promised_limits():
    assert settings.AXES_ENABLED
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_LOCKOUT_PARAMETERS == ["ip_address", "username"]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_ten_failures_lock_the_account_even_for_the_right_password(client, victim, url):
    statuses = fail(client, url, victim.username, 10)
    assert statuses[:9] == [200] * 9  # the form again, with its error
    assert statuses[9] == 429  # the tenth failure shows the lockout page
    response = sign_in(client, url, victim.username, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "登录已暂时锁定" in page and "30 分钟后再试" in page


def test_the_lockout_page_is_shown_in_english_too(client, victim):
    fail(client, "/accounts/login/", victim.username, 10)
    response = client.post(
        "/accounts/login/",
        {"username": victim.username, "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert '<html lang="en">' in response.content.decode()


def test_the_account_is_locked_from_every_address_and_the_address_for_every_account(client, victim):
    fail(client, "/accounts/login/", victim.username, 10)
    assert sign_in(client, "/accounts/login/", victim.username, PASSWORD, ELSEWHERE).status_code == 429
    bystander = UserFactory(username="bystander")
    assert sign_in(client, "/accounts/login/", bystander.username, PASSWORD, ATTACKER).status_code == 429
    assert not signed_in(client)


def test_another_account_from_another_address_is_unaffected(client, victim):
    fail(client, "/accounts/login/", victim.username, 10)
    bystander = UserFactory(username="bystander")
    response = sign_in(client, "/accounts/login/", bystander.username, PASSWORD, ELSEWHERE)
    assert response.status_code == 302
    assert signed_in(client)


def test_nine_failures_do_not_lock(client, victim):
    fail(client, "/accounts/login/", victim.username, 9)
    assert sign_in(client, "/accounts/login/", victim.username, PASSWORD, ATTACKER).status_code == 302


def test_the_lockout_ends_after_the_cool_down(client, victim):
    fail(client, "/accounts/login/", victim.username, 10)
    # Time passes: the failures are moved back past the cool-down (as if 31 minutes went by).
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert sign_in(client, "/accounts/login/", victim.username, PASSWORD, ATTACKER).status_code == 302


def test_one_minute_before_the_end_of_the_cool_down_it_still_holds(client, victim):
    fail(client, "/accounts/login/", victim.username, 10)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    )
    assert sign_in(client, "/accounts/login/", victim.username, PASSWORD, ATTACKER).status_code == 429


def test_token_creation_locks_out_with_the_api_error_shape(client, victim):
    statuses = [
        client.post(
            "/api/token/",
            {"username": victim.username, "password": "nope"},
            content_type="application/json",
            REMOTE_ADDR=ATTACKER,
        )
        for _ in range(10)
    ]
    assert [r.status_code for r in statuses[:9]] == [400] * 9
    assert statuses[9].status_code == 429
    response = client.post(
        "/api/token/",
        {"username": victim.username, "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR=ATTACKER,
    )
    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"detail", "fields"} and "分钟后再试" in body["detail"]
    assert int(response["Retry-After"]) == 30 * 60
    assert not Token.objects.filter(user=victim).exists()


def test_failures_on_the_api_and_the_pages_add_up(client, victim):
    for _ in range(5):
        client.post(
            "/api/token/",
            {"username": victim.username, "password": "nope"},
            content_type="application/json",
            REMOTE_ADDR=ATTACKER,
        )
    fail(client, "/accounts/login/", victim.username, 5)
    response = client.post(
        "/api/token/",
        {"username": victim.username, "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR=ATTACKER,
    )
    assert response.status_code == 429


def test_the_admin_shows_the_lockout_and_a_programme_admin_lifts_it(client, victim, superuser):
    fail(client, "/accounts/login/", victim.username, 10)
    admin_client = client.__class__()
    admin_client.force_login(superuser)
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert victim.username in page and ATTACKER in page
    attempt = AccessAttempt.objects.get(username=victim.username)
    assert attempt.failures_since_start == 10
    deleted = admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert deleted.status_code == 302
    assert sign_in(client, "/accounts/login/", victim.username, PASSWORD, ATTACKER).status_code == 302


def test_a_caseworker_cannot_see_the_lockouts(client, victim):
    fail(client, "/accounts/login/", victim.username, 10)
    client.force_login(UserFactory(username="cw", roles=["caseworker"], is_staff=True))
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_forwarded_for_is_ignored_unless_behind_a_proxy(client, victim):
    """Without BEHIND_PROXY a client cannot dodge the address lock by writing X-Forwarded-For."""
    for n in range(10):
        client.post(
            "/accounts/login/",
            {"username": f"nobody{n}", "password": "x"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    assert sign_in(client, "/accounts/login/", victim.username, PASSWORD, ATTACKER).status_code == 429


def test_behind_a_proxy_the_address_the_proxy_appended_counts(client, victim, settings):
    settings.AXES_BEHIND_PROXY = True
    proxy = "10.9.9.9"
    for n in range(10):  # the left-most entries are the client's own (forgeable) claims
        client.post(
            "/accounts/login/",
            {"username": f"nobody{n}", "password": "x"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, {ATTACKER}",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": victim.username, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=ATTACKER,
    )
    assert locked.status_code == 429
    other = client.post(
        "/accounts/login/",
        {"username": victim.username, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=ELSEWHERE,
    )
    assert other.status_code == 302
