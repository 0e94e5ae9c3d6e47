"""Optimistic concurrency for firms and figures: ``ETag`` on what a client reads, ``If-Match`` on what
it writes (issue 19).

A client reads a record, keeps its ``ETag``, and sends it back as ``If-Match`` with its ``PUT`` or
``PATCH``; if the record changed in between, the write service (``registry.services``) refuses it
under the row's lock and the answer is ``412`` with nothing written. ``If-Match: *`` or no header
writes whatever the record holds now (the behaviour before ETags). A client that wants to be held to
the rule sends ``Prefer: require-if-match`` (say, as a default header of its HTTP session): then a
write without ``If-Match`` is ``428`` instead of an overwrite.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter

from registry.versions import version_of

from .exceptions import PreconditionRequired

REQUIRE_PREFERENCE = "require-if-match"
VERSIONED_ACTIONS = {"retrieve", "create", "update", "partial_update"}

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='The record\'s `ETag` as read (e.g. `"3f2a…"`), or `*`. A changed record answers 412.',
)
PREFER = OpenApiParameter(
    "Prefer",
    str,
    OpenApiParameter.HEADER,
    description="`require-if-match`: answer 428 rather than write when `If-Match` is missing.",
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=True,
    description="The record's version; send it back as `If-Match` to change the record.",
)
WRITE_PARAMETERS = [IF_MATCH, PREFER, ETAG]


def entity_tag(record) -> str:
    """The ``ETag`` header's value for ``record``: its version, quoted (a strong validator)."""
    return f'"{version_of(record)}"'


def requires_if_match(request) -> bool:
    """Whether the client opted in to being refused a write without ``If-Match``."""
    preferences = request.headers.get("Prefer", "")
    return any(part.strip().lower() == REQUIRE_PREFERENCE for part in preferences.split(","))


def expected_versions(request) -> list[str] | None:
    """The versions ``If-Match`` accepts; None when any will do (``*``, or no header and no opt-in).

    Tags are compared strongly, so a weak one (``W/"…"``) never matches.
    """
    header = request.headers.get("If-Match")
    if header is None:
        if requires_if_match(request):
            raise PreconditionRequired()
        return None
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if "*" in tags:
        return None
    return [tag[1:-1] if len(tag) > 1 and tag[0] == tag[-1] == '"' else tag for tag in tags]


class ConditionalWriteMixin:
    """A viewset whose records answer with an ``ETag`` and whose ``PUT``/``PATCH`` honour ``If-Match``.

    The versions read from ``If-Match`` go to the serializer (``expected_version`` in its context),
    which hands them to the write service; the comparison is the service's, under the row's lock.
    """

    def update(self, request, *args, **kwargs):
        self.expected_version = expected_versions(request)  # 428 before the body is even read
        return super().update(request, *args, **kwargs)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        return {**context, "expected_version": getattr(self, "expected_version", None)}

    def get_object(self):
        self.versioned = super().get_object()
        return self.versioned

    def perform_create(self, serializer) -> None:
        super().perform_create(serializer)
        self.versioned = serializer.instance

    def perform_update(self, serializer) -> None:
        super().perform_update(serializer)
        self.versioned = serializer.instance

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "versioned", None)
        if record is not None and self.action in VERSIONED_ACTIONS and 200 <= response.status_code < 300:
            response["ETag"] = entity_tag(record)
        return response
