"""Who may do what, for every API endpoint and every role (issue #7).

The endpoints are read from the URL conf (``api.urls``), not listed by hand: a new route, or a new
method on a route, with no row in ``EXPECTED`` fails ``test_every_routed_endpoint_has_expectations``.
Each case sends one request as one role and checks the status; a list also says whether firm A's row
is in it (scoping), and a refused write (4xx) must leave the database exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from api import urls as api_urls
from api.examples import WHAT_IF_EXAMPLE
from cultivation.models import (
    Application,
    ApplicationEvent,
    Attestation,
    Designation,
    DigitalRecognition,
    Disqualification,
    Holiday,
    ImpactReport,
    IndustryBrain,
    ListingTrack,
    MaturityAssessment,
    PoolMembership,
    Review,
    ReviewAssignment,
    Target,
    UpgradeProject,
)
from cultivation.models.alerts import AlertDelivery
from registry.models import AnnualFigures, Firm, ImportJob
from tests.api.world import (
    LAST_YEAR,
    PASSWORD,
    ROLES,
    World,
    alert_recipients,
    brain_body,
    evidence_file,
    figures_body,
    firm_body,
    import_job,
    import_upload,
    project_body,
    recognition_body,
)

pytestmark = pytest.mark.django_db

NOT_API = {"api-root", "schema", "swagger-ui"}  # the browsable root and the schema are public documents
SIGNED_IN = tuple(role for role in ROLES if role != "anonymous")
# Who sees firm A's records: its own users, the staff of its district, the city, programme admins.
SEES_A = {"firm_a", "district_in", "city", "reviewer", "admin"}
CASEWORKERS_OF_A = {"district_in", "city", "admin"}
# Who reads firm A's submitted application: an expert reads only the applications assigned to them.
READS_SUBMITTED = SEES_A - {"reviewer"}
STAFF = {"district_in", "district_out", "city", "reviewer", "admin"}


def statuses(default: int, anonymous: int = 401, **by_role: int) -> dict[str, int]:
    """Expected status per role: ``default`` for every signed-in role unless named."""
    return {"anonymous": anonymous, **{role: by_role.get(role, default) for role in SIGNED_IN}}


def read_of_a(ok: int = 200) -> dict[str, int]:
    """Reading one of firm A's records: the roles that see A get it, the others a 404."""
    return statuses(404, **{role: ok for role in SEES_A})


@dataclass(frozen=True)
class Case:
    expected: dict[str, int]
    body: Callable[[World], dict] | None = None
    multipart: bool = False
    # For lists: (field of a result, the value that marks firm A's row, roles that must see it).
    shows: tuple[str, Callable[[World], object], set[str] | Callable[[World], set[str]]] | None = None


@dataclass(frozen=True)
class Endpoint:
    kwargs: Callable[[World], dict] = field(default=lambda world: {})
    methods: dict[str, Case] = field(default_factory=dict)


def firm_a(world: World) -> dict:
    return {"credit_code": world.firm_a.credit_code}


def changes_numbered(world: World) -> dict:
    """The world's changes numbered as their commit would (the world is never committed); no URL kwargs."""
    connection.check_constraints()
    return {}


def a_row(key: str, value: Callable[[World], object], seen_by=SEES_A):
    return (key, value, seen_by)


def writes_of_a(ok: int) -> dict[str, int]:
    """Changing one of firm A's records kept by caseworkers: A's district, the city and programme admins;
    the other district's caseworker does not see it (404); firms and experts may not write (403)."""
    return statuses(403, district_in=ok, city=ok, admin=ok, district_out=404)


# (route prefix, the world's record, a body for it): recognitions, platforms and 技改 projects
DIGITAL = (
    ("digital-recognition", "recognition", recognition_body),
    ("industry-brain", "brain", brain_body),
    ("upgrade-project", "project", project_body),
)


EXPECTED: dict[str, Endpoint] = {
    # --- the register ---
    "firm-list": Endpoint(
        methods={
            "get": Case(statuses(200), shows=a_row("credit_code", lambda w: w.firm_a.credit_code)),
            "post": Case(
                # A district caseworker may register firms of their own district only (a field error).
                statuses(403, district_in=201, city=201, admin=201, district_out=400),
                body=lambda w: firm_body(),
            ),
        }
    ),
    "firm-detail": Endpoint(
        firm_a,
        {
            "get": Case(read_of_a()),
            "put": Case(
                statuses(403, district_in=200, city=200, admin=200, district_out=404),
                body=lambda w: {**firm_body(), "name": "甲公司（更名）"},
            ),
            "patch": Case(
                statuses(403, district_in=200, city=200, admin=200, district_out=404),
                body=lambda w: {"contact_name": "张三"},
            ),
        },
    ),
    "firm-eligibility": Endpoint(firm_a, {"get": Case(read_of_a())}),
    "firm-figures": Endpoint(
        firm_a,
        {
            "get": Case(read_of_a(), shows=a_row("year", lambda w: LAST_YEAR)),
            # Firm users keep their own figures; reviewers only read them.
            "post": Case(
                statuses(404, firm_a=201, district_in=201, city=201, admin=201, reviewer=403),
                body=lambda w: figures_body(LAST_YEAR - 2),
            ),
        },
    ),
    "firm-figures-year": Endpoint(
        lambda w: {**firm_a(w), "year": LAST_YEAR},
        {
            "get": Case(read_of_a()),
            "put": Case(
                statuses(404, firm_a=200, district_in=200, city=200, admin=200, reviewer=403),
                body=lambda w: figures_body(LAST_YEAR),
            ),
            "patch": Case(
                statuses(404, firm_a=200, district_in=200, city=200, admin=200, reviewer=403),
                body=lambda w: {"employees": 161},
            ),
            "delete": Case(statuses(404, firm_a=204, district_in=204, city=204, admin=204, reviewer=403)),
        },
    ),
    "figures-list": Endpoint(
        methods={"get": Case(statuses(200), shows=a_row("firm", lambda w: w.firm_a.credit_code))}
    ),
    "cluster-list": Endpoint(methods={"get": Case(statuses(200))}),
    "cluster-detail": Endpoint(lambda w: {"code": "intelligent-equipment"}, {"get": Case(statuses(200))}),
    "district-list": Endpoint(methods={"get": Case(statuses(200))}),
    "district-detail": Endpoint(lambda w: {"code": "500112"}, {"get": Case(statuses(200))}),
    "rule-set-list": Endpoint(methods={"get": Case(statuses(200))}),
    "rule-set-detail": Endpoint(lambda w: {"code": "CN-2026"}, {"get": Case(statuses(200))}),
    "eligibility": Endpoint(methods={"post": Case(statuses(200), body=lambda w: WHAT_IF_EXAMPLE)}),
    # --- applications, reviews, designations ---
    "application-list": Endpoint(
        methods={
            "get": Case(statuses(200), shows=a_row("id", lambda w: w.submitted.pk, READS_SUBMITTED)),
            # The firm and its caseworkers open an application; an expert may not (403); a firm out of
            # sight is an unknown credit code (400).
            "post": Case(
                statuses(400, firm_a=201, district_in=201, city=201, admin=201, reviewer=403),
                body=lambda w: {"firm": w.firm_a.credit_code, "tier": "srdi_sme", "kind": "new"},
            ),
        }
    ),
    "application-detail": Endpoint(
        lambda w: {"pk": w.submitted.pk}, {"get": Case(statuses(404, **dict.fromkeys(READS_SUBMITTED, 200)))}
    ),
    "application-transition": Endpoint(
        lambda w: {"pk": w.submitted.pk},
        {
            "post": Case(
                statuses(404, firm_a=403, district_in=200, city=200, admin=200),
                body=lambda w: {"action": "accept"},
            )
        },
    ),
    "review-list": Endpoint(
        methods={
            # Blind review: the expert does not see a colleague's review; firms see none.
            "get": Case(statuses(200), shows=a_row("id", lambda w: w.review.pk, CASEWORKERS_OF_A)),
            "post": Case(
                statuses(400, firm_a=403, district_in=403, city=403, admin=403, reviewer=201),
                body=lambda w: {"application": w.in_review.pk, "score": 88, "recommendation": "approve"},
            ),
        }
    ),
    "review-detail": Endpoint(
        lambda w: {"pk": w.review.pk}, {"get": Case(statuses(404, **dict.fromkeys(CASEWORKERS_OF_A, 200)))}
    ),
    "designation-list": Endpoint(
        methods={
            "get": Case(statuses(200), shows=a_row("id", lambda w: w.designation.pk)),
            # Recording one granted before Tiermark: the city's (as on the admin's add page).
            "post": Case(
                statuses(403, firm_b=400, district_out=400, city=201, admin=201),
                body=lambda w: {
                    "firm": w.firm_a.credit_code,
                    "tier": "srdi_sme",
                    "granted_on": str(timezone.localdate() - timedelta(days=10)),
                    "reason": "矩阵：市经信委2025年第一批",
                },
            ),
        }
    ),
    "designation-detail": Endpoint(lambda w: {"pk": w.designation.pk}, {"get": Case(read_of_a())}),
    "attestation-list": Endpoint(
        methods={
            "get": Case(statuses(200), shows=a_row("id", lambda w: w.attestation.pk)),
            "post": Case(
                statuses(400, firm_a=201, district_in=201, city=201, admin=201, reviewer=403),
                body=lambda w: {
                    "firm": w.firm_a.credit_code,
                    "code": "own_brand",
                    "evidence": evidence_file(),
                },
                multipart=True,
            ),
        }
    ),
    "attestation-detail": Endpoint(lambda w: {"pk": w.attestation.pk}, {"get": Case(read_of_a())}),
    "attestation-decide": Endpoint(
        lambda w: {"pk": w.attestation.pk},
        {
            "post": Case(
                statuses(404, firm_a=403, reviewer=403, district_in=200, city=200, admin=200),
                body=lambda w: {"confirm": True},
            )
        },
    ),
    # --- programme actions outside the workflow table (the services the admin and portal call) ---
    # Assigning experts is the city's step; a district caseworker who sees the file is refused (403).
    "application-assignments": Endpoint(
        lambda w: {"pk": w.in_review.pk},
        {
            "post": Case(
                statuses(404, firm_a=403, reviewer=403, district_in=403, city=201, admin=201),
                body=lambda w: {
                    "reviewers": ["expert"],
                    "due_on": str(timezone.localdate() + timedelta(days=7)),
                },
            )
        },
    ),
    # Removing the expert who has not scored yet; a firm does not see who is assigned (404).
    "application-assignment": Endpoint(
        lambda w: {"pk": w.in_review.pk, "username": "expert"},
        {"delete": Case(statuses(404, reviewer=403, district_in=403, city=204, admin=204))},
    ),
    "designation-revoke": Endpoint(
        lambda w: {"pk": w.designation.pk},
        {
            "post": Case(
                statuses(404, firm_a=403, reviewer=403, district_in=200, city=200, admin=200),
                body=lambda w: {"reason": "矩阵：严重失信"},
            )
        },
    ),
    # Disqualifications are programme staff's records: firms are refused (403), as in the admin.
    "disqualification-list": Endpoint(
        methods={
            "get": Case(
                statuses(200, firm_a=403, firm_b=403),
                shows=a_row("id", lambda w: w.extra["disqualification"].pk, SEES_A - {"firm_a"}),
            ),
            "post": Case(
                statuses(403, district_in=201, city=201, admin=201, district_out=400),
                body=lambda w: {
                    "firm": w.firm_a.credit_code,
                    "code": "tax_evasion",
                    "occurred_on": "2025-03-01",
                    "reason": "矩阵",
                },
            ),
        }
    ),
    "disqualification-detail": Endpoint(
        lambda w: {"pk": w.extra["disqualification"].pk},
        {
            "get": Case(
                statuses(404, firm_a=403, firm_b=403, district_in=200, city=200, reviewer=200, admin=200)
            )
        },
    ),
    "disqualification-lift": Endpoint(
        lambda w: {"pk": w.extra["disqualification"].pk},
        {
            "post": Case(
                statuses(404, firm_a=403, firm_b=403, reviewer=403, district_in=200, city=200, admin=200),
                body=lambda w: {"reason": "已移出名录"},
            )
        },
    ),
    # Only programme admins take a member out, as in the admin (caseworkers' groups cannot delete members).
    "pool-exit": Endpoint(
        lambda w: {"pk": w.pool.pk},
        {
            "post": Case(
                statuses(403, district_out=404, admin=204),
                body=lambda w: {"reason": "矩阵：企业迁出"},
            )
        },
    ),
    # The holiday calendar: everyone reads it, caseworkers keep it (as in the admin).
    "holiday-list": Endpoint(
        methods={
            "get": Case(statuses(200)),
            "post": Case(
                statuses(403, district_in=201, district_out=201, city=201, admin=201),
                body=lambda w: {"day": "2031-10-01", "name": "国庆节", "is_workday": False},
            ),
        }
    ),
    "holiday-detail": Endpoint(
        lambda w: {"pk": w.extra["holiday"].pk},
        {
            "get": Case(statuses(200)),
            "put": Case(
                statuses(403, district_in=200, district_out=200, city=200, admin=200),
                body=lambda w: {"day": "2031-01-01", "name": "元旦", "is_workday": False},
            ),
            "patch": Case(
                statuses(403, district_in=200, district_out=200, city=200, admin=200),
                body=lambda w: {"name": "元旦（调整）"},
            ),
            "delete": Case(statuses(403, district_in=204, district_out=204, city=204, admin=204)),
        },
    ),
    # --- digital maturity and the road to listing (issue 18): everyone reads in scope, caseworkers write ---
    "maturity-list": Endpoint(
        methods={
            "get": Case(statuses(200), shows=a_row("id", lambda w: w.extra["maturity"].pk)),
            # firm A is out of the other district's sight: an unknown credit code (400)
            "post": Case(
                statuses(403, district_in=201, city=201, admin=201, district_out=400),
                body=lambda w: {
                    "firm": w.firm_a.credit_code,
                    "level": 3,
                    "assessed_on": str(timezone.localdate() - timedelta(days=5)),
                    "evidence": "矩阵：渝数评〔2025〕1号",
                },
            ),
        }
    ),
    "maturity-detail": Endpoint(
        lambda w: {"pk": w.extra["maturity"].pk},
        {
            "get": Case(read_of_a()),
            "patch": Case(
                statuses(403, district_in=200, city=200, admin=200, district_out=404),
                body=lambda w: {"evidence": "矩阵：更正", "reason": "矩阵"},
            ),
        },
    ),
    "listing-list": Endpoint(
        methods={
            "get": Case(statuses(200), shows=a_row("id", lambda w: w.extra["listing"].pk)),
            # opening firm B's track: B's district and the city; to A's district B is an unknown code (400)
            "post": Case(
                statuses(403, district_out=201, city=201, admin=201, district_in=400),
                body=lambda w: {
                    "firm": w.firm_b.credit_code,
                    "board": "bse",
                    "stage": "cultivating",
                    "on": str(timezone.localdate()),
                },
            ),
        }
    ),
    "listing-detail": Endpoint(
        lambda w: {"pk": w.extra["listing"].pk},
        {
            "get": Case(read_of_a()),
            "patch": Case(
                statuses(403, district_in=200, city=200, admin=200, district_out=404),
                body=lambda w: {"note": "矩阵：保荐机构进场"},
            ),
        },
    ),
    "listing-advance": Endpoint(
        lambda w: {"pk": w.extra["listing"].pk},
        {
            "post": Case(
                statuses(403, district_in=200, city=200, admin=200, district_out=404),
                body=lambda w: {"stage": "tutoring", "on": str(timezone.localdate())},
            )
        },
    ),
    # --- digital transformation (issue 18): everyone reads what they see, caseworkers of the firm write ---
    **{
        f"{name}-list": Endpoint(
            methods={
                "get": Case(statuses(200), shows=a_row("id", lambda w, key=key: w.extra[key].pk)),
                # another district's caseworker does not see firm A: an unknown credit code (400)
                "post": Case(
                    statuses(403, district_in=201, city=201, admin=201, district_out=400),
                    body=lambda w, body=body: body(w.firm_a),
                ),
            }
        )
        for name, key, body in DIGITAL
    },
    **{
        f"{name}-detail": Endpoint(
            lambda w, key=key: {"pk": w.extra[key].pk},
            {
                "get": Case(read_of_a()),
                "put": Case(writes_of_a(200), body=lambda w, body=body: body(w.firm_a)),
                "patch": Case(writes_of_a(200), body=lambda w: {"note": "矩阵：已核实"}),
                "delete": Case(writes_of_a(204)),
            },
        )
        for name, key, body in DIGITAL
    },
    "upgrade-project-advance": Endpoint(
        lambda w: {"pk": w.extra["project"].pk},
        {"post": Case(writes_of_a(200), body=lambda w: {"to": "under_way", "on": str(timezone.localdate())})},
    ),
    # --- alerts, pool, targets, dashboard ---
    "alert-list": Endpoint(
        methods={"get": Case(statuses(200), shows=a_row("id", lambda w: w.alert_id, alert_recipients))}
    ),
    "alert-detail": Endpoint(lambda w: {"pk": w.alert_id}, {"get": Case(statuses(404))}),
    "alert-read": Endpoint(lambda w: {"pk": w.alert_id}, {"post": Case(statuses(404), body=lambda w: {})}),
    # The caller's own inbox and email preference: every signed-in person has one.
    "alert-read-all": Endpoint(methods={"post": Case(statuses(200), body=lambda w: {})}),
    "alert-preferences": Endpoint(
        methods={"get": Case(statuses(200)), "put": Case(statuses(200), body=lambda w: {"email": "daily"})}
    ),
    "pool-list": Endpoint(
        methods={
            "get": Case(statuses(200), shows=a_row("firm", lambda w: w.firm_a.credit_code)),
            # Admitting firm B against the entry rule: only the city may override (a district's 403);
            # firm B is out of the other district's sight (an unknown credit code, 400).
            "post": Case(
                statuses(403, district_in=400, city=201, admin=201),
                body=lambda w: {
                    "firm": w.firm_b.credit_code,
                    "entered_on": str(timezone.localdate()),
                    "override_reason": "矩阵：市级破格入库",
                },
            ),
        }
    ),
    "target-list": Endpoint(
        methods={
            "get": Case(
                statuses(200, firm_a=403, firm_b=403), shows=a_row("id", lambda w: w.target.pk, STAFF)
            ),
            "post": Case(
                statuses(403, admin=201),
                body=lambda w: {"subject": "srdi_sme", "year": 2028, "kind": "new_in_year", "count": 50},
            ),
        }
    ),
    "target-detail": Endpoint(
        lambda w: {"pk": w.target.pk},
        {
            "get": Case(statuses(200, firm_a=403, firm_b=403)),
            "put": Case(
                statuses(403, admin=200),
                body=lambda w: {"subject": "little_giant", "year": 2027, "kind": "active_by", "count": 12},
            ),
            "patch": Case(statuses(403, admin=200), body=lambda w: {"count": 11}),
            "delete": Case(statuses(403, admin=204)),
        },
    ),
    "dashboard": Endpoint(methods={"get": Case(statuses(200, firm_a=403, firm_b=403))}),
    # --- imports: a job is its owner's (the city caseworker's) and the programme admins' ---
    "import-list": Endpoint(
        methods={
            "get": Case(
                statuses(403, district_in=200, district_out=200, city=200, admin=200),
                shows=a_row("id", lambda w: import_job(w).pk, {"city", "admin"}),
            ),
            # Every caseworker may upload; the job refuses rows outside a district caseworker's district.
            "post": Case(
                statuses(403, district_in=202, district_out=202, city=202, admin=202),
                body=lambda w: import_upload(),
                multipart=True,
            ),
        }
    ),
    "import-detail": Endpoint(
        lambda w: {"pk": import_job(w).pk},
        {"get": Case(statuses(403, district_in=404, district_out=404, city=200, admin=200))},
    ),
    # The world's job is queued, not awaiting a confirmation: its owner and admins get 409.
    "import-confirm": Endpoint(
        lambda w: {"pk": import_job(w).pk},
        {"post": Case(statuses(403, district_in=404, district_out=404, city=409, admin=409))},
    ),
    "import-cancel": Endpoint(
        lambda w: {"pk": import_job(w).pk},
        {"post": Case(statuses(403, district_in=404, district_out=404, city=409, admin=409))},
    ),
    # --- impact reports (issue 16): programme admins only, as the drafts they preview ---
    "impact-report-list": Endpoint(
        methods={
            "get": Case(statuses(403, admin=200)),
            "post": Case(statuses(403, admin=202), body=lambda w: {"to": "CN-2026"}),
        }
    ),
    "impact-report-detail": Endpoint(
        lambda w: {"pk": impact_report(w).pk}, {"get": Case(statuses(403, admin=200))}
    ),
    # The change feed is scoped like the lists: firm A's registration is in the feed of those who see A.
    "changes": Endpoint(
        changes_numbered, {"get": Case(statuses(200), shows=a_row("key", lambda w: w.firm_a.credit_code))}
    ),
    # --- who am I, tokens ---
    "me": Endpoint(methods={"get": Case(statuses(200))}),
    "token": Endpoint(
        methods={
            # Anyone may ask for a token; the anonymous caller's credentials are wrong (400).
            "post": Case(statuses(200, anonymous=400), body=lambda w: {}),
            "delete": Case(statuses(204)),
        }
    ),
}
# Alerts answer from the caller's own inbox: recipients see firm A's alert, everyone else a 404.
RECIPIENT_ROUTES = {"alert-detail": 200, "alert-read": 200}


def impact_report(world: World) -> ImpactReport:
    """A programme admin's stored impact report."""
    report, _ = ImpactReport.objects.get_or_create(
        created_by=world.users["admin"], to_code="CN-2026", defaults={"as_of": timezone.localdate()}
    )
    return report


def routes() -> dict[str, tuple[str, set[str]]]:
    """Every named API route: ``name -> (pattern, HTTP methods it serves)``, read from ``api.urls``."""
    found: dict[str, tuple[str, set[str]]] = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in NOT_API:
                found.setdefault(pattern.name, (prefix + str(pattern.pattern), methods_of(pattern.callback)))

    walk(api_urls.urlpatterns, "")
    return found


def methods_of(callback) -> set[str]:
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a ViewSet route: method -> action
        return set(actions) - {"options", "head"}
    view = callback.view_class
    return {name for name in ("get", "post", "put", "patch", "delete") if hasattr(view, name)}


CASES = [
    (name, method, role)
    for name, endpoint in EXPECTED.items()
    for method in endpoint.methods
    for role in ROLES
]


def test_every_routed_endpoint_has_expectations():
    routed = {name: methods for name, (_pattern, methods) in routes().items()}
    assert sorted(routed) == sorted(EXPECTED), "add the new endpoint to EXPECTED (or drop the stale row)"
    for name, methods in routed.items():
        assert methods == set(EXPECTED[name].methods), f"{name}: methods served {methods}"


def snapshot() -> dict:
    """Everything an API write could change."""
    models = (Firm, AnnualFigures, Application, ApplicationEvent, Review, Designation, Attestation, Target)
    models += (ReviewAssignment, Disqualification, PoolMembership, Holiday, MaturityAssessment, ListingTrack)
    models += (DigitalRecognition, IndustryBrain, UpgradeProject)
    rows = {model.__name__: sorted(map(repr, model.objects.values())) for model in models}
    rows["read"] = sorted(map(repr, AlertDelivery.objects.values_list("pk", "read_at")))
    rows["tokens"] = sorted(Token.objects.values_list("user_id", flat=True))
    rows["imports"] = sorted(ImportJob.objects.values_list("pk", flat=True))
    return rows


def expected_status(world: World, name: str, method: str, role: str) -> int:
    if name in RECIPIENT_ROUTES and role != "anonymous" and role in alert_recipients(world):
        return RECIPIENT_ROUTES[name]
    return EXPECTED[name].methods[method].expected[role]


def send(world: World, name: str, method: str, role: str):
    endpoint = EXPECTED[name]
    case = endpoint.methods[method]
    client = world.client(role)
    if name == "token" and method == "post" and role != "anonymous":
        body = {"username": world.users[role].username, "password": PASSWORD}
    else:
        body = case.body(world) if case.body else None
    url = reverse(name, kwargs=endpoint.kwargs(world))
    return getattr(client, method)(url, body, format="multipart" if case.multipart else "json")


@pytest.mark.parametrize(("name", "method", "role"), CASES, ids=[f"{n}-{m}-{r}" for n, m, r in CASES])
def test_access(world, name, method, role):
    before = snapshot() if method != "get" else None
    response = send(world, name, method, role)
    expected = expected_status(world, name, method, role)
    assert response.status_code == expected, response.content[:300]
    if response.status_code >= 400:
        assert set(response.json()) == {"detail", "fields"}
        if before is not None:
            assert snapshot() == before, "a refused write changed the database"
    if response.status_code == 401:
        assert response["WWW-Authenticate"] == "Token"
    shows = EXPECTED[name].methods[method].shows
    if shows and response.status_code == 200:
        key, value, seen_by = shows
        roles = seen_by(world) if callable(seen_by) else seen_by
        listed = {row[key] for row in response.json()["results"]}
        assert (value(world) in listed) == (role in roles), f"firm A's row listed: {value(world) in listed}"


def test_alert_reaches_someone_and_nobody_outside_firm_a(world):
    """The matrix relies on who receives firm A's alert: someone, and never firm B or the other district."""
    recipients = alert_recipients(world)
    assert recipients and not recipients & {"firm_b", "district_out"}
