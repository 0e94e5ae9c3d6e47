"""Turning the URL configuration into concrete requests and checking each answer against the table."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import ScopedHistoryMixin

from .expectations import ADMIN, APP_INDEX, PAGES, admin_expectation
from .urlconf import Route, admin_app_labels, all_routes
from .world import MARKERS, SEES, World, firm_object


@dataclass(frozen=True)
class Case:
    """One URL to ask every role about (the app index is one case per app label)."""

    route: Route
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.route.key}[{self.variant}]" if self.variant else self.route.key


def cases() -> list[Case]:
    out = []
    for route in all_routes()[0]:
        if route.key == "admin:app_list":
            out.extend(Case(route, label) for label in admin_app_labels(route.route))
        else:
            out.append(Case(route))
    return out


def expectation(case: Case, role: str) -> str:
    route = case.route
    if route.key == "admin:app_list":
        return APP_INDEX[case.variant][role]
    if route.model is None:
        return PAGES[route.key][role]
    spec = ADMIN[route.model._meta.label]
    if route.kind in spec.extra:
        return spec.extra[route.kind][role]
    # the scoped history guard (registry.admin.ScopedHistoryMixin) answers 404, Django's own history "gone"
    history_404 = isinstance(admin.site._registry[route.model], (SimpleHistoryAdmin, ScopedHistoryMixin))
    return admin_expectation(spec, route.kind, role, history_404=history_404)


def admin_object(world: World, label: str):
    """The record an admin object page is asked about."""
    if label == "cultivation.AlertDelivery":
        return world.staff_delivery
    if label == "cultivation.AlertPreference":
        return world.staff_preference
    return firm_object(world, label) or world.global_objects[label]


def _version_id(obj) -> int:
    manager = getattr(type(obj), type(obj)._meta.simple_history_manager_attribute)
    return manager.filter(id=obj.pk).latest("history_date").history_id


PORTAL_ARGS = {
    "portal:figures-edit": lambda w: [w.a.figures_year],
    "portal:evidence": lambda w: [w.a.attestation.pk],
    "portal:digital-evidence": lambda w: ["recognition", w.a.digital["cultivation.DigitalRecognition"].pk],
    "portal:application": lambda w: [w.a.application.pk],
    "portal:application-act": lambda w: [w.a.application.pk],
    "portal:application-withdraw": lambda w: [w.a.application.pk],
    "portal:inbox-read": lambda w: [w.a.alert.pk],
    "portal:staff-application": lambda w: [w.a.application.pk],
    "portal:staff-application-act": lambda w: [w.a.application.pk],
    "portal:staff-assign": lambda w: [w.a.city_application.pk],
    "password_reset_confirm": lambda w: ["MQ", "not-a-token"],
    "admin:view_on_site": lambda w: [ContentType.objects.get_for_model(w.a.firm).pk, w.a.firm.pk],
}


def url_of(case: Case, world: World) -> str:
    route = case.route
    if route.key == "admin:app_list":
        return reverse("admin:app_list", args=[case.variant])
    if route.key == "admin:catch_all":
        return "/admin/no-such-page/"
    if route.model is None:
        return reverse(route.key, args=PORTAL_ARGS.get(route.key, lambda w: [])(world))
    meta = route.model._meta
    name = f"admin:{meta.app_label}_{meta.model_name}_{route.kind}"
    if route.kind in ("changelist", "add", "import", "export", "process_import"):
        return reverse(name)
    obj = admin_object(world, meta.label)
    pk = obj.user_id if meta.label == "authtoken.TokenProxy" else obj.pk  # tokens are listed by user
    if route.kind == "object_redirect":
        return f"/admin/{meta.app_label}/{meta.model_name}/{pk}/"
    if route.kind == "simple_history":
        return reverse(name, args=[pk, _version_id(obj)])
    if route.kind == "transition":
        return reverse(name, args=[pk, "accept"])
    if route.kind in ("report", "report_export"):  # a stored impact report's page, its CSV export
        report = world.global_objects["cultivation.ImpactReport"].pk
        return reverse(name, args=[report] if route.kind == "report" else [report, "csv"])
    if route.kind == "auth_user_password_change":
        return reverse("admin:auth_user_password_change", args=[pk])
    return reverse(name, args=[pk])


def check(response: HttpResponse, expected: str, url: str) -> str | None:
    """None when the response is what the table says, else what was wrong."""
    status, location = response.status_code, response.get("Location", "")
    if expected == "login":
        login = reverse("admin:login") if url.startswith("/admin/") else reverse(settings.LOGIN_URL)
        good = status == 302 and location.startswith(f"{login}?next=")
    elif expected == "gone":
        good = status == 302 and location == reverse("admin:index")
    elif expected == "->change":
        good = status == 302 and location.rstrip("/").endswith("/change")
    elif expected.startswith("->"):
        target = expected[2:]
        target = target if target.startswith("/") else reverse(target)
        good = status == 302 and location == target
    else:
        good = status == int(expected)
    return None if good else f"expected {expected}, got {status} {location}".strip()


def leaks(response: HttpResponse, role: str) -> list[str]:
    """Names of firms outside the role's scope that the page shows."""
    if response.status_code != 200 or response.streaming:
        return []
    kind = response.get("Content-Type", "")
    if not kind.startswith(("text/", "application/json")):
        return []
    body = response.content.decode("utf-8", "replace")
    return [MARKERS[k] for k in MARKERS if k not in SEES[role] and MARKERS[k] in body]
