"""The token endpoint's share of the sign-in lockout (django-axes): is this request locked out, and the
API's answer when it is.

The sign-in pages get axes' lockout page from its middleware (``registry.login_throttle``), but DRF hands
axes its own ``Request`` wrapper, so the middleware never sees the lockout flag of ``POST /api/token/``;
``TokenView`` asks here instead, before and after checking the password.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import JsonResponse

from registry.login_throttle import lockout_message

from .exceptions import error_response


def token_request_locked_out(request) -> bool:
    """Whether an API token request is refused: its address or username is locked out, or this very
    failure reached the limit."""
    if getattr(request, "axes_locked_out", False):
        return True
    name = request.data.get("username") if hasattr(request.data, "get") else None
    credentials = {settings.AXES_USERNAME_FORM_FIELD: name if isinstance(name, str) else None}
    return not AxesProxyHandler.is_allowed(request, credentials)


def api_lockout_response() -> JsonResponse:
    """The API's lockout answer in its one error shape, with ``Retry-After`` in seconds."""
    response = error_response(lockout_message(), 429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
