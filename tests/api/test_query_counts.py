"""Every list endpoint answers in a fixed number of queries, whatever the page size (no N+1).

With more than 50 rows visible, a page of 5 and a page of 50 must cost the same number of queries,
and that number is pinned per endpoint: a serializer that starts reading a relation row by row, or a
lost ``select_related``/``prefetch_related``, fails here. The list endpoints are read from the URL conf
(every ``*-list`` route plus the nested figures), so a new list cannot escape the check.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cultivation.models import (
    Alert,
    AlertDelivery,
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
    RuleSet,
    Target,
    UpgradeProject,
)
from cultivation.models.alerts import AlertKind
from cultivation.models.targets import SUBJECT_CHOICES
from cultivation.workflow import Status
from registry.credit_code import make_code
from registry.models import AnnualFigures, Cluster, District, Firm, ImportJob, User
from tests.api.test_access_matrix import routes
from tests.factories import FiguresFactory, UserFactory, district

ROWS = 60  # more than the default page and than the larger page size measured
LAST_YEAR = timezone.localdate().year - 1

# Queries per list request as a programme admin (superuser: no group lookup), page of 5 or of 50.
# Typically: 1 count + 1 page (+ 1 per prefetched relation).
PINNED = {
    "firm-list": 1,  # the page: its count is kept from the warm-up request (CachedCountPaginator)
    "firm-figures": 3,  # the firm (scope check), count, page
    "figures-list": 1,  # likewise
    "cluster-list": 2,
    "district-list": 2,
    "rule-set-list": 3,  # + the rule sets' dates (which is in force; the parsed sets are cached)
    "application-list": 6,  # count, page, assignments, their reviews, objections, the user's roles
    "review-list": 2,
    "designation-list": 2,
    "attestation-list": 2,
    "alert-list": 2,
    "pool-list": 2,  # count, page (the rating is stored on the member, no figures read)
    "target-list": 2,
    "import-list": 2,  # count, page (the uploader joined)
    "disqualification-list": 2,  # count, page (firm and recorder joined)
    "holiday-list": 2,
    "maturity-list": 2,  # count, page (the firm joined)
    "listing-list": 2,  # count, page (the firm and its pool membership joined)
    "digital-recognition-list": 2,  # count, page (whether each counts is a subquery of the page)
    "industry-brain-list": 2,
    "upgrade-project-list": 2,
    "impact-report-list": 2,  # count, page (who ran it joined)
}
# Lists only programme admins may read (the district caseworker is refused, in a fixed number of queries).
ADMINS_ONLY = {"impact-report-list"}
# A district caseworker's scope needs their roles: one more query on the scoped lists (a superuser's scope
# needs none; the workflow of application-list reads everyone's roles; reference lists are not scoped).
NO_EXTRA_QUERY = {"application-list", "cluster-list", "district-list", "rule-set-list", "holiday-list"}
EXTRA_FOR_DISTRICT_STAFF = dict.fromkeys(set(PINNED) - NO_EXTRA_QUERY, 1)


def list_routes() -> list[str]:
    return sorted(name for name in routes() if name.endswith("-list") or name == "firm-figures")


def populate(users: list[User]) -> Firm:
    """ROWS of every listed resource, all visible to a programme admin; returns the firm with many years."""
    yubei = district("500112")
    firms = Firm.objects.bulk_create(
        Firm(
            credit_code=make_code(f"91500112QC{n:07d}"),
            name=f"计数测试公司{n}",
            district=yubei,
            founded_on=datetime.date(2015, 1, 1),
        )
        for n in range(ROWS)
    )
    AnnualFigures.objects.bulk_create(
        FiguresFactory.build(firm=firms[0], year=1980 + n, operating_revenue=Decimal(9000 - n))
        for n in range(ROWS)
    )
    AnnualFigures.objects.bulk_create(FiguresFactory.build(firm=firm, year=LAST_YEAR) for firm in firms[1:])
    applications = Application.objects.bulk_create(
        Application(firm=firm, tier="gazelle", status=Status.CITY_REVIEW, revision=1) for firm in firms
    )
    reviewer = UserFactory(username="qc-expert", roles=["reviewer"])
    due = timezone.localdate() + datetime.timedelta(days=5)
    assignments = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(application=app, reviewer=reviewer, due_at=due) for app in applications
    )
    Review.objects.bulk_create(
        Review(assignment=a, revision=1, score=80, recommendation="approve") for a in assignments
    )
    ApplicationEvent.objects.bulk_create(
        ApplicationEvent(
            application=app,
            action="submit",
            event="x",
            from_status="draft",
            to_status="submitted",
            revision=1,
        )
        for app in applications
    )
    today = timezone.localdate()
    Designation.objects.bulk_create(
        Designation(firm=firm, tier="innovative_sme", granted_on=today - datetime.timedelta(days=10))
        for firm in firms
    )
    Attestation.objects.bulk_create(
        Attestation(firm=firm, code="own_brand", evidence="evidence/x.pdf") for firm in firms
    )
    alerts = Alert.objects.bulk_create(
        Alert(kind=AlertKind.PROMOTION_DUE, firm=firm, tier="srdi_sme", period="2026") for firm in firms
    )
    AlertDelivery.objects.bulk_create(
        AlertDelivery.for_alert(alert, user=user, channel="inbox", status="sent")
        for alert in alerts
        for user in users
    )
    PoolMembership.objects.bulk_create(
        PoolMembership(firm=f, cohort_year=LAST_YEAR, baseline_year=LAST_YEAR - 1, baseline_revenue=1000)
        for f in firms
    )
    ImportJob.objects.bulk_create(
        ImportJob(user=user, kind="figures", file_name=f"qc-{n}.csv", file_format="csv")
        for user in users
        for n in range(ROWS)
    )
    Disqualification.objects.bulk_create(
        Disqualification(firm=f, code="tax_evasion", occurred_on=today, reason="qc", recorded_by=users[0])
        for f in firms
    )
    MaturityAssessment.objects.bulk_create(
        MaturityAssessment(firm=f, level=2, assessed_on=today, evidence="qc") for f in firms
    )
    ListingTrack.objects.bulk_create(
        ListingTrack(firm=f, board="star", stage="cultivating", cultivating_on=today) for f in firms
    )
    DigitalRecognition.objects.bulk_create(
        DigitalRecognition(firm=f, site_name="qc", level=level, year=LAST_YEAR)
        for f in firms
        for level in ("digital_workshop", "smart_factory")
    )
    IndustryBrain.objects.bulk_create(
        IndustryBrain(name=f"qc-{n}", industry="qc", firm=f, year=LAST_YEAR) for n, f in enumerate(firms)
    )
    UpgradeProject.objects.bulk_create(
        UpgradeProject(
            firm=f,
            name="qc",
            kind="digital",
            investment=Decimal(100),
            planned_start=today,
            planned_finish=today,
        )
        for f in firms
    )
    ImpactReport.objects.bulk_create(
        ImpactReport(created_by=users[0], to_code="CN-2026", as_of=today, status="succeeded", result={})
        for _n in range(ROWS)
    )
    Holiday.objects.bulk_create(
        Holiday(day=datetime.date(2040, 1, 1) + datetime.timedelta(days=n), name="qc") for n in range(ROWS)
    )
    subjects = [code for code, _label in SUBJECT_CHOICES]
    Target.objects.bulk_create(
        Target(subject=subject, year=2030 + n, kind=kind, count=10)
        for n in range(4)
        for subject in subjects
        for kind in Target.Kind.values
    )
    Cluster.objects.bulk_create(
        Cluster(code=f"qc-{n}", name_zh=f"集群{n}", name_en=f"c{n}", level="trillion", position=100 + n)
        for n in range(ROWS - Cluster.objects.count())
    )
    District.objects.bulk_create(
        District(code=f"59{n:04d}", name_zh=f"区{n}", name_en=f"d{n}")
        for n in range(ROWS - District.objects.count())
    )
    base = RuleSet.objects.get(code="CN-2026")
    old = [datetime.date(1990, 1, 1) + datetime.timedelta(days=n) for n in range(ROWS)]  # never in force
    RuleSet.objects.bulk_create(
        RuleSet(
            code=f"QC-{n}",
            title="qc",
            effective_from=day,
            definition={**base.definition, "code": f"QC-{n}", "effective_from": day.isoformat()},
            based_on=base,
        )
        for n, day in enumerate(old)
    )
    return firms[0]


@pytest.fixture(scope="module")
def populated(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        users = {
            "admin": UserFactory(username="qc-admin", is_superuser=True, is_staff=True),
            "district": UserFactory(
                username="qc-district", roles=["caseworker"], district=district("500112")
            ),
        }
        firm = populate(list(users.values()))
        yield users, firm
        transaction.set_rollback(True)


def count_queries(user: User, url: str, page_size: int) -> tuple[int, int]:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))  # a fresh user: no cached roles
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["results"]) == page_size
    return len(queries), response.json()["count"]


def test_every_list_endpoint_is_pinned():
    assert list_routes() == sorted(PINNED)


@pytest.mark.parametrize("role", ["admin", "district"])
@pytest.mark.parametrize("name", list_routes())
def test_list_queries_are_flat_in_page_size(populated, db, name, role):
    users, firm = populated
    kwargs = {"credit_code": firm.credit_code} if name == "firm-figures" else {}
    url = reverse(name, kwargs=kwargs)
    if name in ADMINS_ONLY and role != "admin":
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=users[role].pk))
        assert client.get(url, {"page_size": 50}).status_code == 403
        return
    count_queries(users[role], url, 5)  # warm the process-wide caches (e.g. the rule set in force)
    small, total = count_queries(users[role], url, 5)
    large, _total = count_queries(users[role], url, 50)
    assert total > 50
    pinned = PINNED[name] + EXTRA_FOR_DISTRICT_STAFF.get(name, 0) * (role == "district")
    assert small == large == pinned, f"{name} as {role}: {small} queries for 5 rows, {large} for 50"


CURSOR_LISTS = ("alert-list", "figures-list", "firm-list")  # the big lists, which also page by cursor
CACHED_COUNTS = ("figures-list", "firm-list")  # page numbers: the count kept per query and data version


@pytest.mark.parametrize("role", ["admin", "district"])
@pytest.mark.parametrize("name", CURSOR_LISTS)
def test_cursor_pages_cost_the_same_far_in_as_first_and_skip_no_rows(populated, db, name, role):
    """Cursor pages need no count and no OFFSET: the fourth page costs what the first does."""
    users, _firm = populated
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=users[role].pk))
    url, costs = f"{reverse(name)}?pagination=cursor&page_size=5", []
    for _page in range(4):
        client.force_authenticate(User.objects.get(pk=users[role].pk))  # no cached roles
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and len(response.json()["results"]) == 5
        assert "count" not in response.json()
        assert not any("OFFSET" in query["sql"] for query in queries.captured_queries)
        costs.append(len(queries))
        url = response.json()["next"]
    counted = name not in CACHED_COUNTS  # the page-number pin includes a count, unless the count is kept
    pinned = PINNED[name] - counted + EXTRA_FOR_DISTRICT_STAFF.get(name, 0) * (role == "district")
    assert costs == [pinned] * 4, costs
