"""Error pages that answer in the caller's language *and* format.

Under ``/api/`` a client expects JSON in the API's one error shape even when
no API view was reached (an id that is not a number does not match any route,
so Django itself answers 404). Everywhere else the portal's HTML pages are used.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults

from api.exceptions import error_response

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response(_("未找到。"), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return error_response(_("服务器内部错误，请稍后再试。"), 500)
    return defaults.server_error(request)
