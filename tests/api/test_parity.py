"""Everything a person can do in the portal or the admin has an API route (issue 19, item 1).

Three sources list what people can do, and none is copied here by hand:

* the workflow table (``cultivation.workflow.TRANSITIONS``): every action a person (not only the scans)
  may take;
* the admin (``admin.site._registry``): every custom action, every custom page, every add, change and
  delete permission a district or city caseworker, an expert or a programme admin holds;
* the portal's URL conf (``cultivation.urls``): every view that accepts a POST.

Each thing found must have an entry in the mappings below, naming the API route that does the same
through the same service; a new action, admin permission or portal form without one fails here, and so
does a mapped route name that does not resolve in ``api.urls``. The routes' permissions and errors are
pinned role by role in ``test_access_matrix``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver

from api.serializers import TransitionSerializer
from cultivation import urls as portal_urls
from cultivation.workflow import TRANSITIONS, Who
from tests.api.test_access_matrix import routes
from tests.factories import UserFactory, caseworker, reviewer

pytestmark = pytest.mark.django_db

TRANSITION = "application-transition"  # POST /api/applications/{id}/transition/ {"action": ...}

# --- 1. the workflow table: each action a person takes -> the route that takes it -----------------------
WORKFLOW_ROUTES: dict[str, str] = {
    "submit": TRANSITION,
    "withdraw": TRANSITION,
    "accept": TRANSITION,
    "return": TRANSITION,
    "resubmit": TRANSITION,
    "reject": TRANSITION,
    "recommend": TRANSITION,
    "review": TRANSITION,  # also POST /api/reviews/ (review-list), the expert's own form
    "approve": TRANSITION,
    "object": TRANSITION,  # register an objection during the notice (reason in "objection")
    "dismiss_objection": TRANSITION,  # the notice resumes for the days it had left
    "uphold_objection": TRANSITION,  # the application is rejected
    "designate": TRANSITION,  # a city caseworker once the notice has elapsed (the scan does it otherwise)
}


# Files as import jobs: the admin's import pages map to them.
IMPORT_LIST = "import-list"  # POST /api/imports/ (CSV or XLSX; kind firms or figures)


@dataclass(frozen=True)
class Gap:
    """Something a person can do with no API route yet, and why; listed so that it is a decision."""

    why: str


# --- 2. the admin: (model, what) -> route. "what" is add/change/delete, "action:<name>" or "page:<url name>"
ADMIN_ROUTES: dict[tuple[str, str], str | Gap] = {
    # the register (registry's admin, extended by cultivation)
    ("registry.Firm", "add"): "firm-list",
    ("registry.Firm", "change"): "firm-detail",
    ("registry.Firm", "delete"): Gap(
        "deleting a firm cascades to its whole history; no service or route yet"
    ),
    ("registry.Firm", "page:registry_firm_import"): IMPORT_LIST,
    ("registry.Firm", "page:registry_firm_process_import"): IMPORT_LIST,
    ("registry.AnnualFigures", "add"): "firm-figures",
    ("registry.AnnualFigures", "change"): "firm-figures-year",
    ("registry.AnnualFigures", "delete"): "firm-figures-year",  # DELETE, through delete_figures
    ("registry.AnnualFigures", "page:registry_annualfigures_import"): IMPORT_LIST,
    ("registry.AnnualFigures", "page:registry_annualfigures_process_import"): IMPORT_LIST,
    # a large file's job waits after its preview: import it or drop it
    ("registry.ImportJob", "page:registry_importjob_confirm"): "import-confirm",
    ("registry.ImportJob", "page:registry_importjob_cancel"): "import-cancel",
    # applications: the workflow buttons, expert assignment
    ("cultivation.Application", "page:cultivation_application_transition"): TRANSITION,
    ("cultivation.Application", "action:assign_reviewers_selected"): "application-assignments",
    # moving a due date is assigning the same expert again (assign_reviewers); removing is unassign_reviewer
    ("cultivation.ReviewAssignment", "change"): "application-assignments",
    ("cultivation.ReviewAssignment", "delete"): "application-assignment",
    ("cultivation.Holiday", "add"): "holiday-list",
    ("cultivation.Holiday", "change"): "holiday-detail",
    ("cultivation.Holiday", "delete"): "holiday-detail",
    # designations: record one granted before Tiermark; revoke (the change permission serves the action)
    ("cultivation.Designation", "add"): "designation-list",
    ("cultivation.Designation", "change"): "designation-revoke",
    ("cultivation.Designation", "action:revoke_selected"): "designation-revoke",
    ("cultivation.PoolMembership", "add"): "pool-list",
    ("cultivation.PoolMembership", "delete"): "pool-exit",  # programme admins (caseworkers may not)
    ("cultivation.Attestation", "add"): "attestation-list",
    ("cultivation.Attestation", "change"): Gap(
        "editing a claim's own fields after it was filed; decide is below"
    ),
    ("cultivation.Attestation", "action:confirm_selected"): "attestation-decide",
    ("cultivation.Attestation", "action:reject_selected"): "attestation-decide",
    ("cultivation.Disqualification", "add"): "disqualification-list",
    ("cultivation.Disqualification", "change"): "disqualification-lift",
    ("cultivation.AlertDelivery", "change"): "alert-read",
    ("cultivation.AlertDelivery", "action:mark_read"): "alert-read",
    ("cultivation.AlertPreference", "add"): "alert-preferences",
    ("cultivation.AlertPreference", "change"): "alert-preferences",
    # digital maturity and listing tracks (issue 18): the admin's pages call the services the routes call
    ("cultivation.MaturityAssessment", "add"): "maturity-list",
    ("cultivation.MaturityAssessment", "change"): "maturity-detail",
    ("cultivation.ListingTrack", "add"): "listing-list",
    ("cultivation.ListingTrack", "change"): "listing-advance",  # board, code and note: PATCH listing-detail
    **{
        (label, f"page:cultivation_{name}_{page}"): Gap(
            "a file of these rows is the admin's (preview, all or nothing); the API records them one by one"
        )
        for label, name in (
            ("cultivation.MaturityAssessment", "maturityassessment"),
            ("cultivation.ListingTrack", "listingtrack"),
        )
        for page in ("import", "process_import")
    },
    # digital transformation (issue 18): the records' own routes, the advance page, files as in the admin
    **{
        (f"cultivation.{model}", what): f"{route}-{'list' if what == 'add' else 'detail'}"
        for model, route in (
            ("DigitalRecognition", "digital-recognition"),
            ("IndustryBrain", "industry-brain"),
            ("UpgradeProject", "upgrade-project"),
        )
        for what in ("add", "change", "delete")
    },
    **{
        (f"cultivation.{model}", f"page:cultivation_{model.lower()}_{page}"): Gap(
            "files of these records load in the admin only (the import jobs take firms and figures); "
            "each row is POST /api/<records>/"
        )
        for model in ("DigitalRecognition", "IndustryBrain", "UpgradeProject")
        for page in ("import", "process_import")
    },
    ("cultivation.UpgradeProject", "page:cultivation_upgradeproject_advance"): "upgrade-project-advance",
    # programme admins: targets (P11); reference data and accounts stay in the admin, a decision
    ("cultivation.Target", "add"): "target-list",
    ("cultivation.Target", "change"): "target-detail",
    ("cultivation.Target", "delete"): "target-detail",
    **{
        (label, what): Gap("reference data and accounts are kept by programme admins in the admin")
        for label in ("registry.Cluster", "registry.District", "registry.User")
        for what in ("add", "change", "delete")
    },
    # running worked cases evaluates hypothetical facts and saves nothing: the what-if evaluation
    ("cultivation.RuleSet", "page:cultivation_ruleset_cases"): "eligibility",
    ("cultivation.RuleSet", "page:cultivation_ruleset_derive"): Gap("programme admins publish rule sets"),
    ("cultivation.RuleSet", "page:cultivation_ruleset_draft"): Gap(
        "programme admins edit drafts in the admin"
    ),
    ("cultivation.RuleSet", "page:cultivation_ruleset_publish"): Gap("programme admins publish rule sets"),
    # 预览影响 and 阈值扫描 (issue 16): both are impact-report jobs; the report page is the job's detail
    ("cultivation.RuleSet", "page:cultivation_ruleset_impact"): "impact-report-list",
    ("cultivation.RuleSet", "page:cultivation_ruleset_sweep"): "impact-report-list",
    ("cultivation.RuleSet", "page:cultivation_ruleset_report"): "impact-report-detail",
}

# --- 3. the portal: every view that accepts a POST -> route ------------------------------------------------
PORTAL_ROUTES: dict[str, str] = {
    "figures-edit": "firm-figures-year",  # a new year is POST /api/firms/{code}/figures/
    "self-check": "eligibility",  # the what-if on changed figures (saves nothing)
    "attestations": "attestation-list",
    "apply": "application-list",
    "application-act": TRANSITION,
    "inbox-read": "alert-read",
    "inbox-read-all": "alert-read-all",
    "inbox-preferences": "alert-preferences",
    "staff-application-act": TRANSITION,
    "staff-assign": "application-assignments",
}

# Apps whose admin pages are the programme's (third-party admins, e.g. the task scheduler, are not).
PROGRAMME_APPS = {"registry", "cultivation"}
# The model pages (list, add, change, delete, history) are the permissions above; exports only read.
BUILT_IN_PAGES = ("_changelist", "_add", "_change", "_delete", "_history", "_autocomplete", "_export")


def person_actions() -> set[str]:
    """Actions of the table a person may take: offered, and not only to the scans."""
    return {row.action.value for row in TRANSITIONS if row.offered and row.who - {Who.SYSTEM}}


def admin_abilities() -> set[tuple[str, str]]:
    """What caseworkers (district and city), experts and programme admins can do in the programme's admin."""
    found: set[tuple[str, str]] = set()
    people = [
        caseworker(),
        caseworker("500112"),
        reviewer(),
        UserFactory(username="parity-admin", is_superuser=True),
    ]
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROGRAMME_APPS:
            continue
        label = model._meta.label
        for user in people:
            request = RequestFactory().get("/")
            request.user = user
            found |= {(label, what) for what in _abilities(model_admin, request)}
    return found


def _abilities(model_admin, request) -> set[str]:
    if not model_admin.has_module_permission(request) and not model_admin.has_view_permission(request):
        return set()
    # Django's bulk "delete selected" is the delete permission, listed as "delete".
    found = {f"action:{name}" for name in model_admin.get_actions(request) if name != "delete_selected"}
    if model_admin.has_add_permission(request):
        found.add("add")
    if model_admin.has_change_permission(request) and _editable(model_admin, request):
        found.add("change")
    if model_admin.has_delete_permission(request):
        found.add("delete")
    pages = (url.name for url in model_admin.get_urls() if url.name)
    found |= {f"page:{name}" for name in pages if not name.endswith(BUILT_IN_PAGES)}
    return found


def _editable(model_admin, request) -> bool:
    """A change page where every field is read-only changes nothing (the actions are listed on their own)."""
    actions = bool(set(model_admin.get_actions(request)) - {"delete_selected"})
    fields = set(model_admin.get_fields(request)) - set(model_admin.get_readonly_fields(request))
    return bool(fields) or actions


def portal_posts() -> set[str]:
    """Names of the portal's views that accept a POST (``require_POST``, or a view that reads the body)."""
    found = set()

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                source = inspect.getsource(inspect.unwrap(pattern.callback))
                decorated = _decorators(pattern.callback)
                if "require_POST" in decorated or "request.POST" in source or "request.method" in source:
                    found.add(pattern.name)

    walk(portal_urls.urlpatterns)
    return found


def _decorators(view) -> str:
    """The decorator lines above the view's definition (``getsource`` of the unwrapped view starts there)."""
    lines = inspect.getsource(inspect.unwrap(view)).splitlines()
    return "\n".join(line for line in lines if line.lstrip().startswith("@"))


def _check(mapping: dict, found: set, what: str) -> None:
    missing = sorted(map(str, found - set(mapping)))
    assert not missing, f"{what} without an API route: add it to the mapping (and build the route): {missing}"
    stale = sorted(map(str, set(mapping) - found))
    assert not stale, f"mapped {what} that no longer exist(s): {stale}"


def _resolves(target, routed: dict) -> None:
    if isinstance(target, Gap):
        return
    assert target in routed, f"the mapped API route {target!r} does not resolve in api.urls"


def test_every_person_action_of_the_workflow_table_has_a_route():
    _check(WORKFLOW_ROUTES, person_actions(), "workflow action(s)")
    routed = routes()
    for route in WORKFLOW_ROUTES.values():
        _resolves(route, routed)
    choices = set(TransitionSerializer().fields["action"].choices)
    taken = {action for action, route in WORKFLOW_ROUTES.items() if route == TRANSITION}
    assert taken <= choices, f"transition/ does not accept {sorted(taken - choices)}"


def test_every_admin_ability_of_staff_has_a_route():
    _check(ADMIN_ROUTES, admin_abilities(), "admin abilit(ies)")
    routed = routes()
    for target in ADMIN_ROUTES.values():
        _resolves(target, routed)


def test_every_portal_form_has_a_route():
    _check(PORTAL_ROUTES, portal_posts(), "portal view(s) accepting POST")
    routed = routes()
    for route in PORTAL_ROUTES.values():
        _resolves(route, routed)
