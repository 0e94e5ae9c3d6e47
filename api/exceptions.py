"""One error shape for the whole API: ``{"detail": ..., "fields": {...}}``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from cultivation.workflow import TransitionConflict
from registry.versions import StaleRecordError


class Conflict(exceptions.APIException):
    """The action is no longer possible in the resource's current state (HTTP 409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("该操作已无法执行，请刷新后重试。")
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    """The record changed since the version named in ``If-Match`` was read; nothing was written (412)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("该记录已被他人修改，您的修改未保存。请刷新后重试。")
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    """The client asked to be held to ``If-Match`` (``Prefer: require-if-match``) and sent none (428)."""

    status_code = 428
    default_detail = gettext_lazy("请先读取该记录，并在 If-Match 请求头中附上其 ETag 后再修改。")
    default_code = "precondition_required"


def error_body(detail: str, fields: dict | None = None) -> dict:
    """The API's one error shape: a sentence for people, and the messages per field (none for most)."""
    return {"detail": str(detail), "fields": fields or {}}


def error_response(detail: str, status_code: int) -> JsonResponse:
    """An error in the API's shape from outside DRF: a middleware, Django's error views, the token lockout."""
    return JsonResponse(error_body(detail), status=status_code)


def flatten(detail) -> dict:
    """DRF's nested error detail as ``{"field": ["message", ...]}`` (nested fields joined by dots)."""
    fields: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(key, int):
                    walk(f"{prefix}[{key}]", inner)
                else:
                    walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, inner in enumerate(value):
                if inner:
                    walk(f"{prefix}[{index}]", inner)
        else:
            messages = value if isinstance(value, list) else [value]
            fields.setdefault(prefix or "non_field_errors", []).extend(str(m) for m in messages)

    walk("", detail)
    return fields


def api_exception_handler(exc, context):
    if isinstance(exc, StaleRecordError):  # a ValidationError, but the answer is 412, not 400
        exc = PreconditionFailed(exc.messages[0])
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, TransitionConflict):
        exc = Conflict(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()  # never "No Firm matches the given query." (English, names the model)
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_("请求体无法解析：%(reason)s") % {"reason": exc.detail})
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(_("请求数据有误，请检查各字段。"), flatten(exc.detail))
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = error_body(response.data["detail"])
    return response
