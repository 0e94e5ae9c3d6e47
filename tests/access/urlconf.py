"""Every URL the project serves, read from the URL configuration itself (``get_resolver``).

Each pattern gets a key: its name (``portal:home``, ``admin:index``), or for the admin's per-model pages
``admin:<app.Model>:<kind>`` where kind is what Django, simple-history or import-export call the page
(``changelist``, ``change``, ``simple_history``, ``import`` …). The expectation table is keyed the same
way, so a view added to any urls.py, or a model registered in the admin, shows up here as a key with no
expectation, and the coverage test fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import admin
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver

EXCLUDED_PREFIXES = ("api/",)  # the REST API has its own matrix (tests/api, helper H1)
ADMIN_PREFIX = "admin/"


@dataclass(frozen=True)
class Route:
    key: str
    route: str  # the full pattern, e.g. "admin/registry/firm/<path:object_id>/change/"
    model: type[Model] | None = None  # the admin page's model
    kind: str = ""  # the admin page's kind


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, (namespace, pattern.namespace)))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def _admin_models() -> dict[str, type[Model]]:
    return {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}


def admin_kind(model: type[Model], name: str | None, rest: str) -> str:
    """What a model's admin page is: the URL name without its ``app_model_`` prefix."""
    if name is None:
        return "object_redirect" if rest == "<path:object_id>/" else f"unnamed {rest}"
    bare = name.removeprefix("admin:")
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    return bare.removeprefix(prefix) if bare.startswith(prefix) else bare


def all_routes() -> tuple[list[Route], list[str]]:
    """(routes to check, excluded patterns): every pattern of the root URLconf, the API set apart."""
    models = _admin_models()
    routes, excluded = [], []
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_PREFIXES):
            excluded.append(route)
            continue
        model = None
        if route.startswith(ADMIN_PREFIX):
            rest = route.removeprefix(ADMIN_PREFIX)
            model_path = next((p for p in models if rest.startswith(p)), None)
            if model_path:
                model = models[model_path]
                kind = admin_kind(model, name, rest.removeprefix(model_path))
                routes.append(Route(f"admin:{model._meta.label}:{kind}", route, model, kind))
                continue
            if name is None and "(?P<url>" in route:
                name = "admin:catch_all"
        routes.append(Route(name or f"unnamed {route}", route))
    return routes, excluded


def admin_app_labels(route: str) -> list[str]:
    """The app labels the admin's app-index pattern accepts (``^(?P<app_label>a|b)/$``)."""
    match = re.search(r"\(\?P<app_label>([^)]*)\)", route)
    return match.group(1).split("|") if match else []
