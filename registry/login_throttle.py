"""Login throttling helpers for django-axes: who is knocking, and the page a locked-out sign-in gets.

The client address is what axes counts failures by. ``REMOTE_ADDR`` is the peer of the socket and
cannot be forged; behind a reverse proxy every request comes from the proxy, so the address is read
from ``X-Forwarded-For`` instead -- but only when the operator says there is a proxy (``BEHIND_PROXY``),
and only the entry the trusted proxy appended (counted from the right), never the left-most entry a
client can write itself.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request) -> str | None:
    """The address failures are counted against (``AXES_CLIENT_IP_CALLABLE``)."""
    remote = request.META.get("REMOTE_ADDR")
    if not settings.AXES_BEHIND_PROXY:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    count = max(settings.AXES_TRUSTED_PROXY_COUNT, 1)
    if len(hops) < count:
        return remote
    return hops[-count]


def username(request, credentials: dict | None = None) -> str | None:
    """The username failures are counted for (``AXES_USERNAME_CALLABLE``).

    A name is cut to the longest a user can have: a 100 KB "username" posted to the API would otherwise
    not fit axes' own column and turn a failed sign-in into a server error.
    """
    if credentials is not None:
        raw = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        data = getattr(request, "data", None) or request.POST
        raw = data.get(settings.AXES_USERNAME_FORM_FIELD) if hasattr(data, "get") else None
    if not isinstance(raw, str):
        return None
    return raw[: get_user_model()._meta.get_field("username").max_length]


def cooloff_minutes() -> int:
    """The cool-down in whole minutes, rounded up (never "0 minutes")."""
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    """The one sentence every lockout answer gives, with the cool-down in minutes."""
    minutes = cooloff_minutes()
    return _(
        "登录失败次数过多，该账号或地址已被暂时锁定。请在 %(minutes)d 分钟后再试，或联系项目管理员解锁。"
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out sign-in gets (``AXES_LOCKOUT_CALLABLE``): 429, in the user's language."""
    context = {
        "message": lockout_message(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": cooloff_minutes(),
    }
    return render(request, "registration/lockout.html", context, status=429)
