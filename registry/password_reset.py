"""Password reset by email: throttled per address and per email, sent by a Celery worker.

A reset request costs the attacker nothing and the victim an email: without a limit, one address could
flood an inbox (and the web workers, which used to send each email themselves). So:

- at most ``PASSWORD_RESET_LIMIT`` requests from one client address (read as django-axes reads it, see
  ``login_throttle.client_ip``), and as many for one email address, per ``PASSWORD_RESET_WINDOW``; more
  are answered 429 with a notice. The counters live in the ``throttle`` cache (Redis when ``REDIS_URL`` is
  set, so every web worker shares them), keyed by a digest of the address, never the address itself;
- the answer is the same whether or not an account has that email (the "check your mail" page), and the
  web worker does not even look the account up: it queues one task with the address once the request's
  transaction commits, and the worker sends the email with Django's own ``PasswordResetForm.save``;
- when the broker cannot take the task, the request still succeeds, the failure is logged, and the email
  is not sent: the person asks again (there is no stored reset to retry; docs/OPERATIONS.md).
"""

from __future__ import annotations

import hashlib
import logging
import math

from celery import shared_task
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, transaction
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from .login_throttle import client_ip

log = logging.getLogger(__name__)


def _window_seconds() -> int:
    return max(1, int(settings.PASSWORD_RESET_WINDOW.total_seconds()))


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


def count_request(kind: str, value: str) -> int:
    """Count one request for ``kind`` (``ip`` or ``email``) and ``value`` in the current window; 0 if the
    counter store cannot be reached (logged: the request goes through, the queue is then likely down too).
    """
    cache, key = caches["throttle"], f"password-reset:{kind}:{_digest(value)}"
    try:
        cache.add(key, 0, timeout=_window_seconds())
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr: this is the first of a new one
        cache.set(key, 1, timeout=_window_seconds())
        return 1
    except Exception:
        log.warning("password reset throttle unavailable; request not counted", exc_info=True)
        return 0


def over_limit(kind: str, value: str) -> bool:
    return count_request(kind, value) > settings.PASSWORD_RESET_LIMIT


def throttled_response(request):
    """The notice a throttled reset request gets: 429, with ``Retry-After``."""
    minutes = max(1, math.ceil(_window_seconds() / 60))
    message = _("申请重设密码的次数过多，请在 %(minutes)d 分钟后再试。如仍无法登录，请联系经办人。") % {
        "minutes": minutes
    }
    response = render(request, "registration/password_reset_throttled.html", {"message": message}, status=429)
    response["Retry-After"] = str(_window_seconds())
    return response


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form whose ``save`` queues the email instead of sending it in the web worker."""

    def save(
        self,
        domain_override=None,
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
        use_https=False,
        token_generator=None,
        from_email=None,
        request=None,
        html_email_template_name=None,
        extra_email_context=None,
    ):
        email = self.cleaned_data["email"]
        options = {
            "domain": domain_override or get_current_site(request).domain,
            "use_https": use_https,
            "language": translation.get_language(),
            "subject_template_name": subject_template_name,
            "email_template_name": email_template_name,
            "html_email_template_name": html_email_template_name,
            "from_email": from_email,
        }
        transaction.on_commit(lambda: queue_reset_email(email, options))


def queue_reset_email(email: str, options: dict) -> None:
    """Hand the reset email to Celery; a broker outage is logged, never an error page."""
    try:
        send_password_reset_email.delay(email, options)
    except Exception:
        log.error("could not queue a password reset email; the person has to ask again", exc_info=True)


def send_reset_email(email: str, options: dict) -> None:
    """In the worker: Django's own reset form finds the active accounts with this email and mails each
    a one-time link (nothing when there is none)."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(options.get("language") or settings.LANGUAGE_CODE):
        form.save(
            domain_override=options["domain"],
            use_https=options["use_https"],
            subject_template_name=options["subject_template_name"],
            email_template_name=options["email_template_name"],
            html_email_template_name=options.get("html_email_template_name"),
            from_email=options.get("from_email"),
        )


class PasswordResetView(auth_views.PasswordResetView):
    """``/accounts/password_reset/``: throttled per client address and per email, email queued."""

    form_class = QueuedPasswordResetForm

    def post(self, request, *args, **kwargs):
        if over_limit("ip", client_ip(request) or "unknown"):
            return throttled_response(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if over_limit("email", form.cleaned_data["email"]):
            return throttled_response(self.request)
        return super().form_valid(form)


@shared_task(
    name="registry.tasks.send_password_reset_email",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 6},
    ignore_result=True,
)
def send_password_reset_email(email: str, options: dict) -> None:
    """Send the password reset email queued by ``/accounts/password_reset/`` (``queue_reset_email``).

    Defined here rather than in ``registry.tasks`` so this module does not import the task list that
    imports it. Acknowledged when done (``CELERY_TASK_ACKS_LATE``): a killed worker's message is sent
    again, a second valid link at worst. A message lost with the broker means no email; the person asks
    again.
    """
    send_reset_email(email, options)
