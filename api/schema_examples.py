"""OpenAPI post-processing: an ``example`` for every query parameter (filters, ordering, paging).

The query parameters are generated from the FilterSets (shared with the admin and portal), the
paginator and the ordering filter, none of which knows about OpenAPI examples; re-declaring each
parameter on the views only to add an example would copy its type, enum and description. So the
examples live here, by parameter name, with per-path values where one name means different things
(``status`` of an application is not the ``status`` of a designation). A name missing from the
table gets no example, and ``tests/api/test_schema.py`` fails until one is added here.
"""

from __future__ import annotations

from typing import Any

from .examples import CREDIT_CODE

# One value per parameter name, valid wherever the name is used (unless overridden below).
EXAMPLES: dict[str, Any] = {
    "page": 1,
    "page_size": 50,
    "firm": CREDIT_CODE,
    "district": "500112",
    "cluster": "intelligent-equipment",
    "tier": "srdi_sme",
    "stage": "growth",
    "q": "智能装备",
    "founded_after": "2015-01-01",
    "founded_before": "2020-12-31",
    "revenue_min": 2000,
    "revenue_max": 40000,
    "year": 2024,
    "year_min": 2022,
    "year_max": 2024,
    "audited": True,
    "frozen": False,
    "lifted": False,
    "unread": True,
    "active": True,
    "assigned_to_me": True,
    "granted_year": 2025,
    "cohort_year": 2024,
    "application": 42,
    "revision": 1,
    "recommendation": "approve",
    "code": "own_brand",
    "level": "500bn",
    "provisional": False,
    "builtin": True,
    "jurisdiction": "CQ",
    "subject": "little_giant",
    "rule_set": "CN-2022",
    "as_of": "2025-06-30",
    "ordering": "-year",
    "pagination": "cursor",
    "cursor": "cD0xMjM0",  # an opaque position, as a cursor page's next link carries it
    "since": "1234",
    "limit": 100,
    "level_min": 2,
    "transformed": True,
    "latest": True,
    "assessed_after": "2025-01-01",
    "assessed_before": "2025-12-31",
    "board": "star",
    "listed": False,
    "pool_member": True,
    "counting": True,
    "overdue": True,
    "finish_year": 2025,
}

# (path, name) -> value, where a name means something else on that path.
PATH_EXAMPLES: dict[tuple[str, str], Any] = {
    ("/api/applications/", "status"): ["district_review", "city_review"],
    ("/api/applications/", "kind"): "new",
    ("/api/designations/", "status"): "active",
    ("/api/attestations/", "status"): "claimed",
    ("/api/disqualifications/", "code"): "abnormal_operations",
    ("/api/alerts/", "kind"): "designation_expiring",
    ("/api/targets/", "kind"): "active_by",
    ("/api/targets/", "year"): 2027,
    ("/api/dashboard/", "year"): 2026,
    ("/api/districts/", "q"): "渝北",
    ("/api/firms/", "ordering"): ["-founded_on", "name"],
    ("/api/maturity/", "level"): 2,
    ("/api/listing/", "stage"): "tutoring",
    ("/api/digital-recognitions/", "level"): ["smart_factory", "future_factory"],
    ("/api/upgrade-projects/", "kind"): "intelligent",
    ("/api/upgrade-projects/", "status"): ["planned", "under_way"],
}


def example_for(path: str, parameter: dict) -> Any:
    """The documented example of one query parameter, or ``None`` when the table has none."""
    schema = parameter.get("schema", {})
    if "example" in schema:  # the ordering filter documents its own (first ordering field, descending)
        return schema["example"]
    value = PATH_EXAMPLES.get((path, parameter["name"]), EXAMPLES.get(parameter["name"]))
    if value is not None and schema.get("type") == "array" and not isinstance(value, list):
        value = [value]
    return value


def add_parameter_examples(result: dict, generator, request, public) -> dict:
    """Give every query parameter that has none an ``example`` from the tables above."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query" or "example" in parameter or "examples" in parameter:
                    continue
                value = example_for(path, parameter)
                if value is not None:
                    parameter["example"] = value
    return result
