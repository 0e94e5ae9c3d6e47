"""The OpenAPI schema and its Swagger UI are served locally (no CDN)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_swagger_ui_uses_local_static_files(client):
    page = client.get("/api/docs/").text
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    assert "/static/drf_spectacular_sidecar/" in page


def test_schema_validates_without_warnings(tmp_path):
    """What CI runs: the generated schema is valid OpenAPI and drf-spectacular has nothing to warn about."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3")


def schema_document() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_is_summarised_and_every_list_pages_orders_and_filters():
    problems = []
    for path, operations in schema_document()["paths"].items():
        for method, operation in operations.items():
            if not operation.get("summary") and not operation.get("description"):
                problems.append(f"{method.upper()} {path}: no summary")
            names = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
            listing = "Paginated" in str(operation["responses"].get("200", {}))
            if method == "get" and listing and not {"page", "page_size", "ordering"} <= set(names):
                problems.append(f"GET {path}: paging or ordering undocumented ({sorted(names)})")
            problems += [
                f"{method.upper()} {path}: parameter {name} undescribed"
                for name, parameter in names.items()
                if not parameter.get("description")
            ]
    assert problems == []


# --- Examples (issue #7: "every endpoint and filter documented with examples") ---


def documented_schema() -> dict:
    """The schema as served: its hooks (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) add the shared error
    answers and the query-parameter examples."""
    return schema_document()


def schema_operations(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", path, operation


def test_every_success_answer_and_request_body_has_an_example():
    """A new endpoint without an example (or one whose body or answer lost it) fails here."""
    problems = []
    for name, _path, operation in schema_operations(documented_schema()):
        for code, answer in operation["responses"].items():
            for media_type, content in answer.get("content", {}).items() if code.startswith("2") else ():
                if not content.get("examples"):
                    problems.append(f"{name}: {code} {media_type} answer has no example")
        body = operation.get("requestBody", {}).get("content", {})
        if body and not any(content.get("examples") for content in body.values()):
            problems.append(f"{name}: request body has no example")
    assert problems == []


def test_every_query_parameter_has_an_example():
    """Filters, ordering, page and page_size: each shows a value a caller could send."""
    problems = [
        f"{name}: ?{parameter['name']}= has no example"
        for name, _path, operation in schema_operations(documented_schema())
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and "example" not in parameter and "examples" not in parameter
    ]
    assert problems == []


def json_schema(node, components: dict):
    """An OpenAPI 3.0 schema as JSON Schema: references inlined, ``nullable`` as a null alternative,
    and objects closed, so an example with a misspelt or stale field fails validation."""
    if isinstance(node, list):
        return [json_schema(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return json_schema(components[node["$ref"].rsplit("/", 1)[1]], components)
    converted = {key: json_schema(value, components) for key, value in node.items() if key != "nullable"}
    if "properties" in converted and "additionalProperties" not in converted:
        converted["additionalProperties"] = False
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


def example_cases(document: dict):
    """(where, example value, schema) for every example in the document."""
    for name, _path, operation in schema_operations(document):
        contents = [
            (f"{code} answer", answer.get("content", {})) for code, answer in operation["responses"].items()
        ]
        contents.append(("request body", operation.get("requestBody", {}).get("content", {})))
        for label, content in contents:
            for media_type, media in content.items():
                for key, example in media.get("examples", {}).items():
                    yield f"{name} {label} {media_type} {key}", example["value"], media["schema"]
        for parameter in operation.get("parameters", []):
            if "example" in parameter:
                yield f"{name} ?{parameter['name']}=", parameter["example"], parameter["schema"]


def test_every_example_validates_against_its_schema():
    """Examples are documentation people copy: each one is a valid body, answer or parameter value."""
    from jsonschema import Draft7Validator

    document = documented_schema()
    components = document["components"]["schemas"]
    problems = []
    count = 0
    for where, value, schema in example_cases(document):
        count += 1
        for error in Draft7Validator(json_schema(schema, components)).iter_errors(value):
            problems.append(f"{where}: {'/'.join(map(str, error.absolute_path))}: {error.message[:200]}")
    assert count > 100 and problems == []


def test_list_examples_show_the_paginated_envelope():
    """A list example is one page as the API answers it: count, next, previous and the results."""
    document = documented_schema()
    lists = [
        example["value"]
        for _name, _path, operation in schema_operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "page_size"
        for example in operation["responses"]["200"]["content"]["application/json"]["examples"].values()
    ]
    assert len(lists) >= 13
    assert all({"count", "next", "previous", "results"} <= set(page) and page["results"] for page in lists)
