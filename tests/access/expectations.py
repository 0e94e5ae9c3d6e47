"""What each role gets on every non-API page: the expectation table of the access matrix.

Roles, in column order: anonymous, firm A's user, firm B's user, the caseworker of firm A's district
(``cw_in``), a caseworker of another district (``cw_out``), a city caseworker, a city expert (reviewer),
the programme admin (superuser). Object pages are asked about firm A's record (or, for personal
records, ``cw_in``'s own), so firm B and ``cw_out`` must never get it.

Codes: ``200``; ``login`` (sent to the portal's or the admin's sign-in with ``next``); ``403``; ``404``;
``405`` (GET on a POST-only view); ``gone`` (the admin's "no such object" redirect to its index, which
Django gives for an object outside ``get_queryset``); ``->/path/`` or ``->name`` (a redirect there).

Admin model pages are described per ModelAdmin: what each staff role may do with the model
(``v``iew, ``a``dd, ``c``hange, ``d``elete) and which roles must not see the record asked about; the
code for each standard page follows from that (``admin_expectation``). Non-standard pages (imports,
exports, workflow buttons, history versions, rule-set derivation, password forms) have explicit rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .world import ROLES

OK, LOGIN, DENY, NF, GONE, POST_ONLY = "200", "login", "403", "404", "gone", "405"
STAFF = ("cw_in", "cw_out", "cw_city", "reviewer", "admin")
NON_STAFF = ("anon", "firm_a", "firm_b")  # firm users are never is_staff: the admin sends them to sign in


def row(*codes: str) -> dict[str, str]:
    """One expectation per role, in ``ROLES`` order."""
    assert len(codes) == len(ROLES), codes
    return dict(zip(ROLES, codes, strict=True))


def every(code: str) -> dict[str, str]:
    return row(*[code] * len(ROLES))


FIRM_ONLY = row(LOGIN, OK, OK, DENY, DENY, DENY, DENY, DENY)
ANY_STAFF = row(LOGIN, DENY, DENY, OK, OK, OK, OK, OK)
SIGNED_IN = row(LOGIN, OK, OK, OK, OK, OK, OK, OK)
ADMIN_SITE = row(LOGIN, LOGIN, LOGIN, OK, OK, OK, OK, OK)
ADMIN_ONLY = row(LOGIN, LOGIN, LOGIN, DENY, DENY, DENY, DENY, OK)
ADMIN_APP = row(LOGIN, LOGIN, LOGIN, NF, NF, NF, NF, OK)  # an app index with no model the user may use
TO_CASES = "->portal:case-queue"

PAGES: dict[str, dict[str, str]] = {
    # --- the firm portal (cultivation/urls.py) ---
    "portal:home": row(LOGIN, OK, OK, TO_CASES, TO_CASES, TO_CASES, "->portal:review-queue", TO_CASES),
    "portal:figures": FIRM_ONLY,
    "portal:figures-edit": FIRM_ONLY,
    "portal:self-check": FIRM_ONLY,
    "portal:attestations": FIRM_ONLY,
    # firm A's evidence file: A and the staff who see firm A, nobody else
    "portal:evidence": row(LOGIN, OK, NF, OK, NF, OK, OK, OK),
    "portal:digital-evidence": row(LOGIN, OK, NF, OK, NF, OK, OK, OK),  # firm A's recognition's file
    "portal:applications": FIRM_ONLY,
    "portal:apply": FIRM_ONLY,
    "portal:application": row(LOGIN, OK, NF, DENY, DENY, DENY, DENY, DENY),
    "portal:application-act": every(POST_ONLY),
    "portal:application-withdraw": row(LOGIN, OK, NF, DENY, DENY, DENY, DENY, DENY),
    "portal:inbox": SIGNED_IN,
    "portal:inbox-read": every(POST_ONLY),
    "portal:inbox-read-all": every(POST_ONLY),
    "portal:inbox-preferences": every(POST_ONLY),
    "portal:dashboard": ANY_STAFF,
    "portal:dashboard-csv": ANY_STAFF,
    "portal:dashboard-xlsx": ANY_STAFF,
    "portal:dashboard-print": ANY_STAFF,
    "portal:review-queue": row(LOGIN, DENY, DENY, DENY, DENY, DENY, OK, DENY),
    "portal:case-queue": row(LOGIN, DENY, DENY, OK, OK, OK, DENY, OK),
    # firm A's submitted application: the city expert is not assigned to it, so reads it nowhere
    "portal:staff-application": row(LOGIN, DENY, DENY, OK, NF, OK, NF, OK),
    "portal:staff-application-act": every(POST_ONLY),
    "portal:staff-assign": every(POST_ONLY),
    # --- sign-in (django.contrib.auth.urls) ---
    "login": every(OK),
    "logout": every(POST_ONLY),
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": every(OK),
    "password_reset_done": every(OK),
    "password_reset_confirm": every(OK),  # an invalid link: the page says so
    "password_reset_complete": every(OK),
    # --- language switch: a GET changes nothing and goes home ---
    "set_language": every("->/"),
    # --- the admin site's own pages ---
    "admin:index": ADMIN_SITE,
    "admin:login": row(OK, OK, OK, *["->/admin/"] * 5),
    "admin:logout": row(*["->/admin/"] * 3, *[POST_ONLY] * 5),
    "admin:password_change": ADMIN_SITE,
    "admin:password_change_done": ADMIN_SITE,
    "admin:autocomplete": row(LOGIN, LOGIN, LOGIN, DENY, DENY, DENY, DENY, DENY),  # no autocomplete fields
    "admin:jsi18n": ADMIN_SITE,
    "admin:view_on_site": row(LOGIN, LOGIN, LOGIN, NF, NF, NF, NF, NF),  # no model has a public URL
    "admin:catch_all": row(LOGIN, LOGIN, LOGIN, NF, NF, NF, NF, NF),
}

# The admin's app index, per app label the URL pattern accepts.
APP_INDEX: dict[str, dict[str, str]] = {
    "auth": ADMIN_APP,
    "authtoken": ADMIN_APP,
    "django_celery_beat": ADMIN_APP,
    "axes": ADMIN_APP,
    "registry": ADMIN_SITE,
    "cultivation": ADMIN_SITE,
}


@dataclass(frozen=True)
class AdminSpec:
    """What each staff role may do with one model in the admin, and who must not see the asked record."""

    cw: str  # the three caseworkers (cw_in, cw_out, cw_city) unless ``levels`` says otherwise
    reviewer: str
    admin: str
    hidden: frozenset[str] = frozenset()
    levels: dict[str, str] = field(default_factory=dict)  # per-role overrides
    extra: dict[str, dict[str, str]] = field(default_factory=dict)  # rows for non-standard pages

    def level(self, role: str) -> str:
        if role in self.levels:
            return self.levels[role]
        return {"reviewer": self.reviewer, "admin": self.admin}.get(role, self.cw)


def superuser_only(admin: str = "vacd") -> AdminSpec:
    return AdminSpec(cw="", reviewer="", admin=admin)


OUT = frozenset({"cw_out"})  # firm A's records: the other district's caseworker must not see them
UNASSIGNED = OUT | {"reviewer"}  # an application the city expert is not assigned to: nor must they
IMPORT_EXPORT = {
    "import": row(LOGIN, LOGIN, LOGIN, OK, OK, OK, DENY, OK),  # experts read the register, never load it
    "process_import": row(LOGIN, LOGIN, LOGIN, *[POST_ONLY] * 5),
    "export": row(LOGIN, LOGIN, LOGIN, OK, OK, OK, OK, OK),  # the export holds the user's scope only
}
# One old version of a record (simple-history): like its change page, refused outside the scope
VERSION_SCOPED = row(LOGIN, LOGIN, LOGIN, OK, NF, OK, OK, OK)
VERSION_ALL = ADMIN_SITE
OWN_JOB = row(LOGIN, LOGIN, LOGIN, OK, NF, NF, DENY, OK)  # an import job's page (and its history)
OWN_JOB_ACTION = row(LOGIN, LOGIN, LOGIN, POST_ONLY, NF, NF, DENY, POST_ONLY)  # 确认导入 / 取消 (POST)

ADMIN: dict[str, AdminSpec] = {
    "auth.Group": superuser_only(),
    "authtoken.TokenProxy": superuser_only(),
    "django_celery_beat.PeriodicTask": superuser_only(),
    "django_celery_beat.ClockedSchedule": superuser_only(),
    "django_celery_beat.CrontabSchedule": superuser_only(),
    "django_celery_beat.SolarSchedule": superuser_only(),
    "django_celery_beat.IntervalSchedule": superuser_only(),
    "axes.AccessAttempt": superuser_only("vd"),  # lockouts: seen and lifted (deleted) by programme admins
    "axes.AccessLog": superuser_only("vd"),
    "axes.AccessFailureLog": superuser_only("vd"),
    "registry.Firm": AdminSpec(
        cw="vacd",
        reviewer="v",
        admin="vacd",
        hidden=OUT,
        extra={**IMPORT_EXPORT, "simple_history": VERSION_SCOPED},
    ),
    "registry.AnnualFigures": AdminSpec(
        cw="vacd",
        reviewer="v",
        admin="vacd",
        hidden=OUT,
        extra={**IMPORT_EXPORT, "simple_history": VERSION_SCOPED},
    ),
    # cw_in's import job: only its owner and the programme admins see it (404 to others); experts never import
    "registry.ImportJob": AdminSpec(
        cw="v",
        reviewer="",
        admin="v",
        hidden=frozenset({"cw_out", "cw_city"}),
        extra={"change": OWN_JOB, "history": OWN_JOB, "confirm": OWN_JOB_ACTION, "cancel": OWN_JOB_ACTION},
    ),
    "registry.District": AdminSpec(cw="v", reviewer="v", admin="vacd", extra={"simple_history": VERSION_ALL}),
    "registry.Cluster": AdminSpec(cw="v", reviewer="v", admin="vacd", extra={"simple_history": VERSION_ALL}),
    "registry.User": AdminSpec(
        cw="", reviewer="", admin="vacd", extra={"auth_user_password_change": ADMIN_ONLY}
    ),
    "cultivation.Alert": AdminSpec(cw="v", reviewer="v", admin="v", hidden=OUT),
    # cw_in's own inbox row: only cw_in has it (programme admins too see only their own inbox here)
    "cultivation.AlertDelivery": AdminSpec(
        cw="vc", reviewer="vc", admin="vc", hidden=frozenset({"cw_out", "cw_city", "reviewer", "admin"})
    ),
    # cw_in's own email preference: programme admins read everyone's; nobody adds a second one
    "cultivation.AlertPreference": AdminSpec(
        cw="vac",
        reviewer="vac",
        admin="vac",
        levels={"cw_in": "vc"},
        hidden=frozenset({"cw_out", "cw_city", "reviewer"}),
    ),
    # applications move only through the workflow buttons; an expert reads only those assigned to them
    # (firm A's submitted application is not: the city expert is assigned to the ones in city review)
    "cultivation.Application": AdminSpec(
        cw="v",
        reviewer="v",
        admin="v",
        hidden=UNASSIGNED,
        extra={
            "transition": row(LOGIN, LOGIN, LOGIN, OK, NF, OK, NF, OK),
            "simple_history": row(LOGIN, LOGIN, LOGIN, OK, NF, OK, NF, OK),
        },
    ),
    # experts are assigned, re-dated and removed by city caseworkers only (district ones read)
    "cultivation.ReviewAssignment": AdminSpec(
        cw="v", reviewer="v", admin="vcd", levels={"cw_city": "vcd"}, hidden=OUT
    ),
    "cultivation.Holiday": AdminSpec(
        cw="vacd", reviewer="v", admin="vacd", extra={"simple_history": VERSION_ALL}
    ),
    # designations come from the workflow; programme admins and city caseworkers record historical ones
    # (through the service); nobody edits or deletes one, caseworkers revoke (the "change" permission)
    "cultivation.Designation": AdminSpec(
        cw="vc", reviewer="v", admin="vac", levels={"cw_city": "vac"}, hidden=OUT
    ),
    "cultivation.PoolMembership": AdminSpec(cw="vac", reviewer="v", admin="vacd", hidden=OUT),
    # published rule sets are never edited; only programme admins derive a new version
    # worked cases only evaluate, so whoever reads rule sets may run them (and upload a file of cases)
    # drafts (issue 16) are the programme admins': the world's version is published, so its draft
    # pages are a 404 for them; impact reports and sweeps are theirs alone too
    "cultivation.RuleSet": AdminSpec(
        cw="v",
        reviewer="v",
        admin="v",
        extra={
            "derive": ADMIN_ONLY,
            "cases": ADMIN_SITE,
            "draft": row(LOGIN, LOGIN, LOGIN, DENY, DENY, DENY, DENY, NF),
            "publish": row(LOGIN, LOGIN, LOGIN, DENY, DENY, DENY, DENY, NF),
            "impact": ADMIN_ONLY,
            "sweep": ADMIN_ONLY,
            "report": ADMIN_ONLY,
            "report_export": ADMIN_ONLY,
        },
    ),
    "cultivation.ImpactReport": superuser_only("v"),
    "cultivation.Attestation": AdminSpec(cw="vac", reviewer="v", admin="vac", hidden=OUT),
    "cultivation.Disqualification": AdminSpec(cw="vac", reviewer="v", admin="vac", hidden=OUT),
    # digital maturity and listing tracks (issue 18): caseworkers record them in their scope, through the
    # services; nobody deletes one (a track only moves forward, an assessment is superseded or corrected)
    "cultivation.MaturityAssessment": AdminSpec(
        cw="vac",
        reviewer="v",
        admin="vac",
        hidden=OUT,
        extra={**IMPORT_EXPORT, "simple_history": VERSION_SCOPED},
    ),
    "cultivation.ListingTrack": AdminSpec(
        cw="vac",
        reviewer="v",
        admin="vac",
        hidden=OUT,
        extra={**IMPORT_EXPORT, "simple_history": VERSION_SCOPED},
    ),
    "cultivation.Target": AdminSpec(
        cw="v", reviewer="v", admin="vacd", extra={"simple_history": VERSION_ALL}
    ),
    # digital recognitions, platforms and 技改 projects (issue 18): firm records caseworkers keep and load
    "cultivation.DigitalRecognition": AdminSpec(
        cw="vacd",
        reviewer="v",
        admin="vacd",
        hidden=OUT,
        extra={**IMPORT_EXPORT, "simple_history": VERSION_SCOPED},
    ),
    "cultivation.IndustryBrain": AdminSpec(
        cw="vacd",
        reviewer="v",
        admin="vacd",
        hidden=OUT,
        extra={**IMPORT_EXPORT, "simple_history": VERSION_SCOPED},
    ),
    # a project's status moves on its "推进项目" page: caseworkers who see the firm; experts only read
    "cultivation.UpgradeProject": AdminSpec(
        cw="vacd",
        reviewer="v",
        admin="vacd",
        hidden=OUT,
        extra={
            **IMPORT_EXPORT,
            "simple_history": VERSION_SCOPED,
            "advance": row(LOGIN, LOGIN, LOGIN, OK, NF, OK, DENY, OK),
        },
    ),
}

STANDARD_KINDS = ("changelist", "add", "change", "delete", "history", "object_redirect")


def admin_expectation(spec: AdminSpec, kind: str, role: str, *, history_404: bool) -> str:
    """The code for a standard admin page, from the spec (Django's order of checks, see ModelAdmin)."""
    if role in NON_STAFF:
        return LOGIN
    level, hidden = spec.level(role), role in spec.hidden
    if kind == "changelist":
        return OK if set("vc") & set(level) else DENY
    if kind == "add":
        return OK if "a" in level else DENY
    if kind == "change":
        return DENY if not set("vc") & set(level) else GONE if hidden else OK
    if kind == "delete":
        return DENY if "d" not in level else GONE if hidden else OK
    if kind == "history":
        # Django's history finds the object first; simple-history's must refuse one outside the scope
        if hidden:
            return NF if history_404 else GONE
        return OK if set("vc") & set(level) else DENY
    if kind == "object_redirect":
        return "->change"
    raise KeyError(kind)
