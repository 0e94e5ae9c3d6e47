"""OpenAPI post-processing: document the error answers every operation can give.

drf-spectacular documents the success answer of each operation; the errors
come from one place (``api.exceptions``) and have one shape, so rather than
repeat them on every view they are added here, once, to every operation that
does not already describe them. Schemathesis then holds the API to them.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error: a message in the request's language and per-field messages.",
    "properties": {
        "detail": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["detail", "fields"],
}

# What any operation can answer besides its success: bad input, not signed in, not allowed,
# not found (or not yours), a method it does not take, an unacceptable Accept header,
# a body over the size limit, an unsupported media type, too many requests.
COMMON_ERRORS = {
    "400": "请求数据有误 / Bad request",
    "401": "未登录或令牌无效 / Not authenticated",
    "403": "无权操作 / Forbidden",
    "404": "不存在或不可见 / Not found",
    "405": "不支持的方法 / Method not allowed",
    "406": "不可接受的响应格式 / Not acceptable",
    "413": "请求体过大 / Request body too large",
    "415": "不支持的媒体类型 / Unsupported media type",
    "429": "请求过于频繁 / Too many requests",
}
WRITE_ERRORS = {"409": "状态已变化，请刷新后重试 / Conflict"}
WRITE_METHODS = {"post", "put", "patch", "delete"}
# What a write that takes ``If-Match`` can answer besides (``api.conditional``).
CONDITIONAL_ERRORS = {
    "412": "记录已被他人修改（If-Match 不符），未写入 / Precondition failed",
    "428": "已要求 If-Match 但未提供 / Precondition required",
}


def takes_if_match(operation: dict) -> bool:
    return any(
        parameter.get("in") == "header" and parameter.get("name") == "If-Match"
        for parameter in operation.get("parameters", ())
    )


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Add the shared ``Error`` component and reference it from every operation's error codes."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        if path.startswith("/api/schema") or path.startswith("/api/docs"):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(COMMON_ERRORS)
            if method in WRITE_METHODS:
                errors.update(WRITE_ERRORS)
            if takes_if_match(operation):
                errors.update(CONDITIONAL_ERRORS)
            for code, description in errors.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result
