"""The matrix cannot forget a view: every URL pattern and every registered ModelAdmin has expectations."""

from __future__ import annotations

from django.contrib import admin

from .expectations import ADMIN, APP_INDEX, PAGES, STANDARD_KINDS
from .urlconf import EXCLUDED_PREFIXES, admin_app_labels, all_routes


def test_every_url_pattern_outside_the_api_has_an_expectation():
    routes, _excluded = all_routes()
    missing = []
    for route in routes:
        if route.model is not None:
            spec = ADMIN.get(route.model._meta.label)
            if spec is None or (route.kind not in STANDARD_KINDS and route.kind not in spec.extra):
                missing.append(f"{route.key}  ({route.route})")
        elif route.key == "admin:app_list":
            missing += [f"app index {a}" for a in admin_app_labels(route.route) if a not in APP_INDEX]
        elif route.key not in PAGES:
            missing.append(f"{route.key}  ({route.route})")
    assert not missing, "add these to tests/access/expectations.py:\n" + "\n".join(missing)


def test_every_registered_model_admin_has_a_spec():
    registered = {model._meta.label for model in admin.site._registry}
    missing, stale = sorted(registered - set(ADMIN)), sorted(set(ADMIN) - registered)
    assert not missing, f"add an AdminSpec to tests/access/expectations.py for {missing}"
    assert not stale, f"stale AdminSpec: {stale} are no longer in the admin"


def test_no_expectation_is_stale():
    keys = {route.key for route in all_routes()[0]}
    assert not set(PAGES) - keys, "these pages are no longer in the URL configuration"


def test_only_the_api_is_left_to_its_own_matrix():
    """The API (``api/``) is covered by tests/api; nothing else is excluded."""
    routes, excluded = all_routes()
    assert EXCLUDED_PREFIXES == ("api/",)
    assert excluded and all(route.startswith("api/") for route in excluded)
    assert not [r for r in routes if r.route.startswith("api/")]
