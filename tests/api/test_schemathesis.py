"""Schemathesis drives every operation of the OpenAPI schema with each role's token.

The schema is fetched from ``/api/schema/`` through the application (the operations
are listed at collection time by the same generator, and a test checks the two
agree), so a new endpoint is fuzzed as soon as it is routed. For every operation
and every role, a bounded number of generated requests (valid and invalid) is sent
to the application in process (WSGI): none may answer 5xx, and every answer must
match the schema — a documented status code, a documented content type and a body
of the documented shape.

Schemathesis' own pytest plugin does not run under pytest 9, so the operations
are parametrised here and each one is driven with Hypothesis directly.
"""

from __future__ import annotations

import json
from functools import cache as memoize

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import FiguresFactory, FirmFactory, UserFactory, district

EXAMPLES_PER_OPERATION = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ["anonymous", "firm", "district_caseworker", "city_caseworker", "reviewer", "programme_admin"]
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def openapi_document() -> dict:
    """The schema exactly as ``/api/schema/`` renders it (JSON types only)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def operations() -> list[tuple[str, str]]:
    """Every (METHOD, path) in the schema, for parametrisation at collection time."""
    paths = openapi_document()["paths"]
    return [
        (method.upper(), path)
        for path, items in sorted(paths.items())
        for method in items
        if method in HTTP_METHODS
    ]


@memoize
def loaded_schema():
    """``/api/schema/`` fetched through the application once, bound to it for in-process calls."""
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def test_the_fuzzed_operations_are_those_the_served_schema_lists():
    served = loaded_schema().raw_schema["paths"]
    listed = {
        (method.upper(), path) for path, items in served.items() for method in items if method in HTTP_METHODS
    }
    assert listed == set(operations())


def make_user(role: str, firm):
    """One user per role over a register holding one firm with figures."""
    if role == "firm":
        return UserFactory(username="st-firm", roles=["firm"], firm=firm)
    if role == "district_caseworker":
        return UserFactory(username="st-district", roles=["caseworker"], district=district("500112"))
    if role == "city_caseworker":
        return UserFactory(username="st-city", roles=["caseworker"])
    if role == "reviewer":
        return UserFactory(username="st-reviewer", roles=["reviewer"])
    return UserFactory(username="st-admin", is_superuser=True, is_staff=True)


def register_and_headers(role: str):
    """A register to act on and the role's Authorization header (none for anonymous)."""
    cache.clear()  # throttle counters start empty
    firm = FirmFactory()
    FiguresFactory(firm=firm, year=2024)
    FiguresFactory(firm=firm, year=2025)
    if role == "anonymous":
        return firm, {}
    token = Token.objects.create(user=make_user(role, firm))
    return firm, {"Authorization": f"Token {token.key}"}


def known_path_parameters(path: str, firm) -> dict:
    """Path parameters that name real rows, so generated requests reach past the 404."""
    code_by_prefix = {
        "/api/clusters/": "intelligent-equipment",
        "/api/districts/": "500112",
        "/api/rule-sets/": "CN-2026",
    }
    known = {"credit_code": firm.credit_code, "year": 2025}
    known["code"] = next((code for prefix, code in code_by_prefix.items() if path.startswith(prefix)), None)
    return {name: value for name, value in known.items() if value is not None and f"{{{name}}}" in path}


def requests_for(operation, path: str, firm):
    """Valid requests on real rows, valid requests on random rows, and invalid requests."""
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    known = known_path_parameters(path, firm)
    if known:
        strategies.insert(0, operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known))
    return st.one_of(strategies)


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Keep the test's connection open across in-process requests, as Django's test client does.

    The WSGI handler sends ``request_started`` and ``request_finished`` around each answer, and their
    ``close_old_connections`` would close the connection holding the test's transaction (on PostgreSQL).
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), operations())
def test_operation_answers_without_server_error_and_as_documented(method: str, path: str, role: str):
    operation = loaded_schema()[path][method]
    firm, headers = register_and_headers(role)

    @given(case=requests_for(operation, path, firm))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def drive(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    drive()
