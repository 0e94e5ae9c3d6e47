"""Password reset requests are throttled per client address and per email, answer the same whether or not
the address has an account, and hand the email to a Celery worker after commit (registry.password_reset).

Tasks run eagerly here (``task_always_eager``: the task's own code, in this process); the broker outage is
a real unreachable Redis port.
"""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.urls import reverse

from config.celery import app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
URL = "/accounts/password_reset/"
EMAIL = "victim@example.com"


@pytest.fixture
def victim(db):
    return UserFactory(username="reset-victim", email=EMAIL)


@pytest.fixture
def eager(celery_eager):
    """Queued tasks run at once in this process (the worker's code path, without a worker)."""


def ask(client, email: str, ip: str = ATTACKER, **extra):
    return client.post(URL, {"email": email}, REMOTE_ADDR=ip, **extra)


@pytest.fixture
def deliver(client, eager, django_capture_on_commit_callbacks):
    """Ask for a reset and run what the request queued on commit, as the worker would; the status code."""

    def request(email: str, ip: str = ATTACKER) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return ask(client, email, ip).status_code

    return request


def test_the_reset_page_is_ours(client):
    from registry.password_reset import PasswordResetView

    assert client.get(URL).resolver_match.func.view_class is PasswordResetView


def test_twelve_requests_for_one_address_send_five_emails_then_429(client, victim, deliver, settings):
    assert settings.PASSWORD_RESET_LIMIT == 5
    statuses = [deliver(EMAIL) for _ in range(12)]
    assert statuses == [302] * 5 + [429] * 7
    assert len(mail.outbox) == 5
    refused = ask(client, EMAIL)
    assert refused.status_code == 429
    assert "申请重设密码的次数过多" in refused.text and "60 分钟后再试" in refused.text
    assert int(refused["Retry-After"]) == 3600


def test_one_email_is_limited_from_every_address(client, victim, deliver):
    statuses = [deliver(EMAIL, f"198.51.100.{n}") for n in range(1, 8)]
    assert statuses == [302] * 5 + [429] * 2
    assert len(mail.outbox) == 5
    assert ask(client, EMAIL.upper(), "198.51.100.99").status_code == 429  # the same address, however typed


def test_one_client_address_is_limited_for_every_email(client, victim, deliver):
    emails = [f"someone{n}@example.com" for n in range(5)] + [EMAIL]
    statuses = [deliver(e) for e in emails]
    assert statuses == [302] * 5 + [429]
    assert mail.outbox == []  # the victim's request came too late; the others have no account
    assert ask(client, EMAIL, "198.51.100.1").status_code == 302  # another address is unaffected


def test_the_answer_does_not_tell_whether_the_address_has_an_account(
    client, victim, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask(client, EMAIL)
        unknown = ask(client, "nobody@example.com", "198.51.100.2")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL]
    for _ in range(5):  # an unknown address is throttled exactly like a known one
        last = ask(client, "nobody@example.com", "198.51.100.3")
    assert last.status_code == 429


def test_the_web_worker_only_queues_the_email_after_commit(
    client, victim, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = ask(client, EMAIL)
    assert response.status_code == 302
    assert len(callbacks) == 1 and mail.outbox == []  # nothing is sent inside the request


def test_the_worker_sends_a_working_link_in_the_requesters_language(
    client, victim, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, EMAIL, HTTP_ACCEPT_LANGUAGE="en")
    [message] = mail.outbox
    assert message.to == [EMAIL] and "reset-victim" in message.body
    link = re.search(r"https?://testserver(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Xin-mima-2026", "new_password2": "Xin-mima-2026"}
    )
    assert response["Location"] == reverse("password_reset_complete")
    victim.refresh_from_db()
    assert victim.check_password("Xin-mima-2026")


@pytest.fixture
def broker_down():
    """Celery's broker is an address nobody listens on (as when Redis is down)."""
    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    app.conf.broker_transport_options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url, app.conf.broker_transport_options = saved
    app._pool = None
    app.amqp._producer_pool = None


def test_a_broker_outage_is_logged_not_a_server_error(
    client, victim, broker_down, django_capture_on_commit_callbacks, caplog
):
    with (
        caplog.at_level(logging.ERROR, logger="registry.password_reset"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = ask(client, EMAIL)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert "could not queue a password reset email" in caplog.text
    assert mail.outbox == []
