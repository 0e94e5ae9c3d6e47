"""Refuse oversized request bodies before anything reads them; send the Content-Security-Policy; keep
personal answers out of caches; keep a request that wrote, and its author, on the primary database."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from api.exceptions import error_response
from registry.read_replica import pin_to_primary, request_reads


class BodySizeLimitMiddleware:
    """413 for a JSON/form body over ``MAX_REQUEST_BODY`` (1 MB); uploads get ``MAX_UPLOAD_BODY``.

    DRF parses the request stream directly, so Django's own
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` check does not protect the API.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.content_type == "multipart/form-data"
        limit = settings.MAX_UPLOAD_BODY if multipart else settings.MAX_REQUEST_BODY
        if length > limit:
            # This runs before LocaleMiddleware: answer in the caller's language explicitly.
            with translation.override(translation.get_language_from_request(request)):
                detail = _("请求体过大（上限 %(limit)d KB）。") % {"limit": limit // 1024}
            return error_response(detail, 413)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Add ``settings.CONTENT_SECURITY_POLICY`` to every answer that does not set its own.

    Django 5.2 has no CSP support of its own. The policy allows scripts only from this site (no inline
    script, no eval), so an injected ``<script>`` in a firm's name would not run even if escaping failed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every API answer and every answer to a signed-in person.

    Such pages hold a person's or a firm's data (figures, reviews, tokens): neither a shared proxy nor the
    browser's back/forward cache on a shared computer may keep a copy. An answer that sets its own
    ``Cache-Control`` keeps it (Django's ``never_cache`` views already say no-store). Anonymous pages (the
    sign-in page, the password reset request) and static files stay cacheable; static files never reach
    this middleware when the static server in front of it answers them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" in response:
            return response
        user = getattr(request, "user", None)
        if request.path_info.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
        return response


class ReadReplicaMiddleware:
    """Give each request its read state (``registry.read_replica``): only a GET, HEAD or OPTIONS may read
    the replica, and only where a view asks; once the request writes, it reads the primary. After a request
    that wrote, its author reads the primary for ``DATABASE_REPLICA_PIN_SECONDS``, so the list they open
    next shows what they just saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_reads(request.method) as state:
            response = self.get_response(request)
        if state.wrote:
            pin_to_primary(getattr(request, "user", None))
        return response
