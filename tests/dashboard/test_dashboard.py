"""The programme dashboard (issue #8): every figure against counts computed here from the rows created here.

The register below is described as plain tuples first; the expected figures are computed from those tuples
with ordinary Python, never by calling the selector, then compared with the API, the page and the exports.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework import serializers

from api.examples import DASHBOARD
from api.serializers.dashboard import DashboardSerializer
from cultivation.alert_scans import pool_intake
from cultivation.models import (
    Application,
    ApplicationEvent,
    Designation,
    DigitalRecognition,
    IndustryBrain,
    ListingTrack,
    MaturityAssessment,
    PoolMembership,
    Target,
    UpgradeProject,
)
from cultivation.tiers import expiry_for
from registry.models import Cluster, District, Firm
from tests.factories import FiguresFactory, FirmFactory, UserFactory, district

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
Y = TODAY.year
YUBEI, YUZHONG = "500112", "500103"
EQUIP, NEV = "intelligent-equipment", "intelligent-connected-nev"  # levels 500bn and trillion
A, E, R = Designation.Status.ACTIVE, Designation.Status.EXPIRED, Designation.Status.REVOKED

# name: (district, cluster or None, stage)
FIRMS = {
    "f1": (YUBEI, EQUIP, "growth"),
    "f2": (YUBEI, EQUIP, "startup"),
    "f3": (YUBEI, NEV, "development"),
    "f4": (YUZHONG, NEV, "leap"),
    "f5": (YUZHONG, EQUIP, "growth"),
    "f6": (YUZHONG, None, "startup"),
    "f7": (YUBEI, None, "startup"),
}
# (firm, tier, granted_on, expires_on, status, revoked_on)
DESIGNATIONS = [
    ("f1", "innovative_sme", datetime.date(Y, 1, 1), None, A, None),  # new this year
    ("f2", "innovative_sme", datetime.date(Y - 1, 6, 1), None, A, None),
    ("f3", "innovative_sme", datetime.date(Y - 4, 3, 1), None, E, None),  # long expired
    ("f4", "innovative_sme", datetime.date(Y - 1, 3, 1), None, A, None),  # new last year
    ("f1", "srdi_sme", datetime.date(Y, 1, 1), None, A, None),
    ("f5", "srdi_sme", datetime.date(Y - 3, 1, 15), datetime.date(Y, 1, 14), E, None),  # active at end Y-1
    ("f6", "srdi_sme", datetime.date(Y - 1, 2, 1), None, R, datetime.date(Y, 1, 1)),  # revoked this year
    ("f3", "little_giant", datetime.date(Y - 2, 5, 1), None, A, None),
    ("f4", "single_champion", datetime.date(Y, 1, 1), None, A, None),
    ("f5", "gazelle", datetime.date(Y - 1, 6, 1), None, A, None),  # annual list: to 31 Dec Y
    ("f1", "gazelle", datetime.date(Y, 1, 1), None, A, None),
    ("f3", "potential_unicorn", datetime.date(Y, 1, 1), None, A, None),
    ("f5", "potential_unicorn", datetime.date(Y, 1, 1), None, A, None),  # f5 holds two growth titles
    ("f4", "unicorn", datetime.date(Y - 1, 4, 1), None, A, None),
]
# firm: (cohort year, baseline revenue, status); figures (fiscal year: revenue) follow
POOL = {
    "f2": (Y - 1, Decimal("1000"), "on_track"),
    "f6": (Y - 1, Decimal("3000"), "at_risk"),
    "f7": (Y, Decimal("500"), "unrated"),
    "f5": (Y - 3, Decimal("2000"), "doubled"),
}
POOL_FIGURES = {
    "f2": {Y - 1: Decimal("1300")},
    "f6": {Y - 1: Decimal("3300")},
    "f5": {Y - 3: Decimal("2600")},
}
# firm, tier, status
APPLICATIONS = [
    ("f1", "little_giant", "city_review"),
    ("f2", "srdi_sme", "returned"),
    ("f3", "single_champion", "designated"),
    ("f4", "gazelle", "submitted"),
    ("f6", "innovative_sme", "district_review"),
]
T0 = datetime.datetime(Y, 1, 5, 9, 0, tzinfo=timezone.get_current_timezone())
DAY = datetime.timedelta(days=1)
# per application (index into APPLICATIONS): (from, to, at)
EVENTS = {
    0: [
        ("draft", "submitted", T0),
        ("submitted", "district_review", T0 + 2 * DAY),
        ("district_review", "city_review", T0 + 5 * DAY),
        ("city_review", "city_review", T0 + 6 * DAY),  # an expert's review: no stay ends
    ],
    1: [
        ("draft", "submitted", T0),
        ("submitted", "district_review", T0 + 4 * DAY),
        ("district_review", "returned", T0 + 5 * DAY + 12 * datetime.timedelta(hours=1)),
    ],
    2: [
        ("draft", "submitted", T0),
        ("submitted", "district_review", T0 + 3 * DAY),
        ("district_review", "city_review", T0 + 4 * DAY),
        ("city_review", "public_notice", T0 + 14 * DAY),
        ("public_notice", "designated", T0 + 21 * DAY),
    ],
}


# --- Digital transformation and listing (issue 18) ---
EXPIRED = datetime.date(Y - 1, 12, 31)
# firm, site, level, year recognised, valid until
RECOGNITIONS = [
    ("f1", "一号车间", "digital_workshop", Y - 1, None),  # superseded by its smart factory
    ("f1", "一号车间", "smart_factory", Y, None),
    ("f3", "总装车间", "digital_workshop", Y, None),
    ("f4", "两江工厂", "future_factory", Y - 2, None),
    ("f4", "旧车间", "digital_workshop", Y - 3, EXPIRED),  # no longer valid
]
# name, lead firm, year, valid until
BRAINS = [("智能装备行业产业大脑", "f1", Y, None), ("汽车行业产业大脑", "f4", Y - 1, EXPIRED)]
# firm, name, investment, planned start, planned finish, status, accepted on, productivity change
PROJECTS = [
    (
        "f1",
        "焊接线改造",
        1000,
        datetime.date(Y, 1, 1),
        TODAY - datetime.timedelta(days=10),
        "under_way",
        None,
        None,
    ),
    (
        "f2",
        "涂装线改造",
        500,
        datetime.date(Y, 1, 1),
        datetime.date(Y, 1, 1),
        "accepted",
        datetime.date(Y, 1, 1),
        60,
    ),
    (
        "f4",
        "仓储改造",
        800,
        datetime.date(Y - 1, 3, 1),
        datetime.date(Y - 1, 9, 1),
        "accepted",
        datetime.date(Y, 1, 1),
        40,
    ),
    (
        "f5",
        "能源管理",
        300,
        datetime.date(Y, 1, 1),
        TODAY + datetime.timedelta(days=100),
        "planned",
        None,
        None,
    ),
]
# firm, level, assessed on (the latest counts)
MATURITY = [
    ("f1", 1, datetime.date(Y - 1, 5, 1)),
    ("f1", 3, TODAY - datetime.timedelta(days=1)),
    ("f2", 2, datetime.date(Y - 1, 6, 1)),
    ("f2", 1, TODAY - datetime.timedelta(days=2)),  # assessed lower since: not transformed
    ("f5", 2, datetime.date(Y - 1, 3, 3)),
    ("f6", 4, datetime.date(Y - 2, 1, 1)),
]
# firm, board, stage, listed on
TRACKS = [
    ("f4", "star", "listed", datetime.date(Y, 1, 1)),
    ("f5", "star", "tutoring", None),
    ("f2", "neeq", "listed", datetime.date(Y - 1, 6, 1)),  # quotation, not an exchange listing (P14)
    ("f3", "bse", "listed", datetime.date(Y - 1, 9, 1)),
]


def add_transformation(firms: dict[str, Firm]) -> None:
    for name, site, level, year, valid_until in RECOGNITIONS:
        DigitalRecognition.objects.create(
            firm=firms[name], site_name=site, level=level, year=year, valid_until=valid_until
        )
    for title, name, year, valid_until in BRAINS:
        IndustryBrain.objects.create(
            name=title, industry=title[:4], firm=firms[name], year=year, valid_until=valid_until
        )
    for name, title, amount, start, finish, status, accepted_on, change in PROJECTS:
        UpgradeProject.objects.create(
            firm=firms[name],
            name=title,
            kind="intelligent",
            investment=Decimal(amount),
            planned_start=start,
            planned_finish=finish,
            status=status,
            accepted_on=accepted_on,
            productivity_change=change,
        )
    for name, level, day in MATURITY:
        MaturityAssessment.objects.create(firm=firms[name], level=level, assessed_on=day, evidence="看板测试")
    for name, board, stage, listed_on in TRACKS:
        ListingTrack.objects.create(firm=firms[name], board=board, stage=stage, listed_on=listed_on)


def make_register() -> dict[str, Firm]:
    firms = {}
    for name, (district_code, cluster, stage) in FIRMS.items():
        firm = FirmFactory(
            name=f"看板测试{name}",
            district=district(district_code),
            cluster=Cluster.objects.get(code=cluster) if cluster else None,
        )
        Firm.objects.filter(pk=firm.pk).update(stage=stage)
        firms[name] = firm
    for name, tier, granted, expires, status, revoked in DESIGNATIONS:
        Designation.objects.create(
            firm=firms[name],
            tier=tier,
            granted_on=granted,
            expires_on=expires or expiry_for(tier, granted),
            status=status,
            revoked_on=revoked,
        )
    for name, (cohort, baseline, status) in POOL.items():
        PoolMembership.objects.create(
            firm=firms[name],
            cohort_year=cohort,
            baseline_year=cohort - 1,
            baseline_revenue=baseline,
            status=status,
        )
        for year, revenue in POOL_FIGURES.get(name, {}).items():
            FiguresFactory(
                firm=firms[name], year=year, operating_revenue=revenue, main_business_revenue=revenue
            )
    for index, (name, tier, status) in enumerate(APPLICATIONS):
        application = Application.objects.create(firm=firms[name], tier=tier, status=status)
        for from_status, to_status, at in EVENTS.get(index, []):
            ApplicationEvent.objects.create(
                application=application,
                action="submit",
                event="test",
                from_status=from_status,
                to_status=to_status,
                revision=1,
                created_at=at,
            )
    add_transformation(firms)
    return firms


@pytest.fixture
def register(db):
    return make_register()


@pytest.fixture
def city(db):
    return UserFactory(username="city-cw", roles=["caseworker"], is_staff=True)


@pytest.fixture
def yubei_cw(db):
    return UserFactory(username="yubei-cw", roles=["caseworker"], district=district(YUBEI), is_staff=True)


# --- Independent expectations, from the tuples above. ---


def selected(name: str, district_code=None, cluster=None) -> bool:
    firm_district, firm_cluster, _stage = FIRMS[name]
    return (district_code is None or firm_district == district_code) and (
        cluster is None or firm_cluster == cluster
    )


def active_on(row, on: datetime.date) -> bool:
    _name, tier, granted, expires, status, revoked = row
    expires = expires or expiry_for(tier, granted)
    if not granted <= on <= expires:
        return False
    if on >= TODAY:
        return status == A
    return status != R or (revoked is not None and revoked > on)


def expected_tiers(year: int, district_code=None, cluster=None) -> dict[str, tuple[int, int]]:
    on = TODAY if year >= Y else datetime.date(year, 12, 31)
    rows = [d for d in DESIGNATIONS if selected(d[0], district_code, cluster)]
    out = {}
    for tier in (
        "innovative_sme",
        "srdi_sme",
        "little_giant",
        "single_champion",
        "gazelle",
        "potential_unicorn",
        "unicorn",
    ):
        active = len({d[0] for d in rows if d[1] == tier and active_on(d, on)})
        new = len([d for d in rows if d[1] == tier and d[2].year == year])
        out[tier] = (active, new)
    members = [
        n for n, (cohort, _b, _s) in POOL.items() if cohort <= year and selected(n, district_code, cluster)
    ]
    out["hardtech_pool"] = (len(members), len([n for n in members if POOL[n][0] == year]))
    growth = ("gazelle", "potential_unicorn", "unicorn")
    out["gazelle_pool"] = (
        len({d[0] for d in rows if d[1] in growth and active_on(d, on)}),
        len({d[0] for d in rows if d[1] in growth and d[2].year == year}),
    )
    return out


def api(client, user, **params):
    client.force_login(user)
    return client.get(reverse("dashboard"), params)


# --- One description of the answer: the serializer the schema is built from. ---


def undescribed(value, field, where: str, seen: set[str]) -> list[str]:
    """Where ``value`` has a key ``field`` does not describe, or lacks one it does (nested serializers
    followed; ``seen`` collects the serializers actually compared, so empty lists cannot pass unnoticed)."""
    if isinstance(field, serializers.ListSerializer):
        items = enumerate(value)
        return [m for i, item in items for m in undescribed(item, field.child, f"{where}[{i}]", seen)]
    if not isinstance(field, serializers.Serializer) or value is None:
        return []
    seen.add(type(field).__name__)
    fields = field.fields
    found = [f"{where}.{key}: not in the schema" for key in value.keys() - fields.keys()]
    found += [f"{where}.{key}: in the schema, not in the answer" for key in fields.keys() - value.keys()]
    for key in sorted(fields.keys() & value.keys()):
        found += undescribed(value[key], fields[key], f"{where}.{key}", seen)
    return found


def nested_serializers(serializer: serializers.Serializer) -> set[str]:
    names = {type(serializer).__name__}
    for field in serializer.fields.values():
        field = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(field, serializers.Serializer):
            names |= nested_serializers(field)
    return names


@pytest.mark.parametrize("answer", ["computed", "example"])
def test_the_dashboard_answer_is_exactly_what_the_schema_describes(client, city, register, answer):
    data = api(client, city).json() if answer == "computed" else DASHBOARD
    seen: set[str] = set()
    assert undescribed(data, DashboardSerializer(), "dashboard", seen) == []
    assert seen == nested_serializers(DashboardSerializer())  # every part was compared, none was empty
    described = DashboardSerializer(data=data)
    assert described.is_valid(), described.errors


# --- Tiers, targets and progress. ---


@pytest.mark.parametrize("year", [Y, Y - 1])
def test_tier_counts_new_targets_and_progress(client, city, register, year):
    data = api(client, city, year=year).json()
    expected = expected_tiers(year)
    got = {t["code"]: (t["active"], t["new"]) for t in data["tiers"]}
    assert got == expected
    rows = {t["code"]: t for t in data["tiers"]}
    targets = {(t.subject, t.kind): t for t in Target.objects.filter(year=year)}
    for code, kind in [("innovative_sme", "new_in_year"), ("hardtech_pool", "new_in_year")]:
        target = targets.get((code, kind))
        if target is None:
            assert rows[code]["target"] is None
            continue
        assert rows[code]["target"]["count"] == target.count
        assert rows[code]["progress"] == round(expected[code][1] / target.count, 4)
    # Stock targets: the 2027 figure applies from earlier years.
    if year <= 2027:
        gazelle = Target.objects.get(subject="gazelle", year=2027, kind="active_by")
        assert rows["gazelle"]["target"] == {
            "kind": "active_by",
            "year": 2027,
            "count": gazelle.count,
            "measured": expected["gazelle"][0],
        }
        assert rows["gazelle"]["progress"] == round(expected["gazelle"][0] / gazelle.count, 4)


def test_seeded_targets_are_the_programmes():
    assert Target.objects.get(subject="gazelle", year=2027, kind="active_by").count == 300
    assert Target.objects.get(subject="potential_unicorn", year=2027, kind="active_by").count == 30
    assert Target.objects.get(subject="unicorn", year=2027, kind="active_by").count == 15
    assert Target.objects.get(subject="gazelle_pool", year=2027, kind="active_by").count == 500
    for year in (2025, 2026, 2027):
        yearly = dict(Target.objects.filter(year=year, kind="new_in_year").values_list("subject", "count"))
        assert yearly == {
            "innovative_sme": 800,
            "srdi_sme": 400,
            "little_giant": 30,
            "single_champion": 4,
            "hardtech_pool": 50,
        }


def test_an_edited_target_is_what_the_dashboard_and_the_intake_scan_use(client, city, register):
    Target.objects.update_or_create(
        subject="hardtech_pool", year=Y, kind="new_in_year", defaults={"count": 2}
    )
    row = next(t for t in api(client, city).json()["tiers"] if t["code"] == "hardtech_pool")
    entered = expected_tiers(Y)["hardtech_pool"][1]
    assert row["target"]["count"] == 2
    assert row["progress"] == round(entered / 2, 4)
    # One member entered this year, two wanted: the scan raises the shortfall with the recorded target.
    result = pool_intake(TODAY)
    assert result.acted == 1


# --- Stages, cluster levels, districts. ---


@pytest.mark.parametrize(
    "params,district_code,cluster",
    [({}, None, None), ({"district": YUZHONG}, YUZHONG, None), ({"cluster": EQUIP}, None, EQUIP)],
)
def test_pyramid_clusters_and_districts(client, city, register, params, district_code, cluster):
    data = api(client, city, **params).json()
    names = [n for n in FIRMS if selected(n, district_code, cluster)]
    stages = {s["code"]: s["firms"] for s in data["stages"]}
    assert stages == {
        s: sum(1 for n in names if FIRMS[n][2] == s) for s in ("startup", "growth", "development", "leap")
    }

    levels = {"intelligent-equipment": "500bn", "intelligent-connected-nev": "trillion", None: "none"}
    on = TODAY
    by_level = {row["level"]: row for row in data["cluster_levels"]}
    assert set(by_level) == {levels[FIRMS[n][1]] for n in names}
    for level, row in by_level.items():
        members = [n for n in names if levels[FIRMS[n][1]] == level]
        assert row["firms"] == len(members)
        assert row["stages"]["startup"] == sum(1 for n in members if FIRMS[n][2] == "startup")
        for tier, count in row["tiers"].items():
            assert count == sum(
                1 for d in DESIGNATIONS if d[0] in members and d[1] == tier and active_on(d, on)
            )

    by_district = {row["code"]: row for row in data["districts"]}
    assert set(by_district) == {FIRMS[n][0] for n in names}
    for code, row in by_district.items():
        members = [n for n in names if FIRMS[n][0] == code]
        assert row["firms"] == len(members)
        assert row["name"] == district(code).name_zh
        for stage, count in row["stages"].items():
            assert count == sum(1 for n in members if FIRMS[n][2] == stage)
        for tier, count in row["tiers"].items():
            assert count == sum(
                1 for d in DESIGNATIONS if d[0] in members and d[1] == tier and active_on(d, on)
            )

    assert {t["code"]: (t["active"], t["new"]) for t in data["tiers"]} == expected_tiers(
        Y, district_code, cluster
    )


# --- The pool. ---


def test_pool_cohorts_statuses_and_trajectories(client, city, register):
    data = api(client, city).json()["pool"]
    cohorts = {c["cohort_year"]: c for c in data["cohorts"]}
    assert set(cohorts) == {cohort for cohort, _b, _s in POOL.values()}
    assert data["members"] == len(POOL)
    assert data["new"] == sum(1 for cohort, _b, _s in POOL.values() if cohort == Y)
    for year, cohort in cohorts.items():
        members = {n: v for n, v in POOL.items() if v[0] == year}
        assert cohort["members"] == len(members)
        assert cohort["baseline_year"] == year - 1
        assert cohort["check_year"] == year + 2
        assert Decimal(cohort["baseline_revenue"]) == sum(b for _c, b, _s in members.values())
        for status in ("on_track", "at_risk", "doubled", "missed", "unrated"):
            assert cohort["statuses"][status] == sum(1 for _c, _b, s in members.values() if s == status)
    # Cohort Y-1 (baseline Y-2): f2 1000 -> 1300 and f6 3000 -> 3300 in Y-1, one year after the baseline.
    point = cohorts[Y - 1]["trajectory"]
    assert point == [
        {
            "year": Y - 1,
            "offset": 1,
            "members": 2,
            "ratio": round((1300 + 3300) / (1000 + 3000), 4),
            "path": 1.2599,
        }
    ]
    # Cohort Y-3: the only figure is for its entry year Y-3, one year after the baseline Y-4.
    assert cohorts[Y - 3]["trajectory"][0]["ratio"] == 1.3


def test_pool_cohorts_follow_the_year_filter(client, city, register):
    data = api(client, city, year=Y - 1).json()["pool"]
    assert [c["cohort_year"] for c in data["cohorts"]] == sorted(
        {c for c, _b, _s in POOL.values() if c <= Y - 1}
    )


# --- Applications and review times. ---


def test_applications_by_status(client, city, register):
    data = api(client, city).json()["applications"]
    assert data["total"] == len(APPLICATIONS)
    counts = {row["status"]: row["count"] for row in data["by_status"]}
    for status in counts:
        assert counts[status] == sum(1 for _f, _t, s in APPLICATIONS if s == status)
    yuzhong = api(client, city, district=YUZHONG).json()["applications"]
    assert yuzhong["total"] == sum(1 for f, _t, _s in APPLICATIONS if FIRMS[f][0] == YUZHONG)
    # Applications are counted in the year they were opened.
    assert api(client, city, year=Y - 1).json()["applications"]["total"] == 0


def test_average_days_in_each_review_stage(client, city, register):
    stays: dict[str, list[float]] = {}
    for events in EVENTS.values():
        entered = None
        for from_status, to_status, at in events:
            if from_status == to_status:
                continue
            if entered and entered[0] == from_status:
                stays.setdefault(from_status, []).append((at - entered[1]).total_seconds() / 86400)
            entered = (to_status, at)
    times = {row["status"]: row for row in api(client, city).json()["review_times"]}
    for status, row in times.items():
        values = stays.get(status, [])
        assert row["stays"] == len(values)
        assert row["average_days"] == (round(sum(values) / len(values), 2) if values else None)
    # By hand: submitted 2, 4, 3 days; district review 3, 1.5, 1 days; city review 10 days.
    assert times["submitted"]["average_days"] == 3.0
    assert times["district_review"]["average_days"] == round((3 + 1.5 + 1) / 3, 2)
    assert times["city_review"]["average_days"] == 10.0
    assert times["public_notice"]["average_days"] == 7.0
    # A district filter keeps its applications' events only (application 2 is f3's, in Yubei).
    yuzhong = {row["status"]: row for row in api(client, city, district=YUZHONG).json()["review_times"]}
    assert all(row["stays"] == 0 for row in yuzhong.values())


# --- Scope, access and bad parameters. ---


def test_a_district_caseworker_sees_their_district_only(client, yubei_cw, register):
    data = api(client, yubei_cw).json()
    assert [row["code"] for row in data["districts"]] == [YUBEI]
    assert {t["code"]: (t["active"], t["new"]) for t in data["tiers"]} == expected_tiers(Y, YUBEI)
    assert data["applications"]["total"] == sum(1 for f, _t, _s in APPLICATIONS if FIRMS[f][0] == YUBEI)
    response = api(client, yubei_cw, district=YUZHONG)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"district"}
    page = client.get(reverse("portal:dashboard"))
    assert page.status_code == 200
    assert "渝中区" not in page.content.decode().split("按区县")[1]


def test_firm_users_are_refused_and_anonymous_sent_to_sign_in(client, register):
    firm_user = UserFactory(username="firm-user", roles=["firm"], firm=register["f1"])
    client.force_login(firm_user)
    assert client.get(reverse("dashboard")).status_code == 403
    for name in (
        "portal:dashboard",
        "portal:dashboard-csv",
        "portal:dashboard-xlsx",
        "portal:dashboard-print",
    ):
        assert client.get(reverse(name)).status_code == 403
    client.logout()
    assert client.get(reverse("dashboard")).status_code in (401, 403)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "params,field",
    [
        ({"year": "abc"}, "year"),
        ({"year": "1979"}, "year"),
        ({"district": "999999"}, "district"),
        ({"cluster": "no-such-cluster"}, "cluster"),
    ],
)
def test_bad_parameters_are_400_with_the_standard_shape(client, city, params, field):
    response = api(client, city, **params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "fields"} and list(body["fields"]) == [field]
    assert client.get(reverse("portal:dashboard"), params).status_code == 400
    assert client.get(reverse("portal:dashboard-csv"), params).status_code == 400


# --- The page, the exports and the print summary. ---


def test_the_page_draws_the_charts_with_text_labels(client, city, register):
    client.force_login(city)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert html.count("<svg") == 3
    for label in ("初创期", "跨越期", "企业发展阶段金字塔", "目标 2×", "瞪羚企业", "数据看板"):
        assert label in html
    assert f'data-cohort="{Y - 1}"' in html
    nav = client.get(reverse("portal:case-queue")).content.decode()
    assert reverse("portal:dashboard") in nav


def test_csv_and_xlsx_hold_the_same_numbers_as_the_api(client, city, register):
    data = api(client, city, district=YUBEI).json()
    csv_response = client.get(reverse("portal:dashboard-csv"), {"district": YUBEI})
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    start = rows.index(["# tiers", "称号与目标"])
    tier_rows = {r[0]: r for r in rows[start + 2 : start + 2 + len(data["tiers"])]}
    for tier in data["tiers"]:
        assert int(tier_rows[tier["code"]][2]) == tier["active"]
        assert int(tier_rows[tier["code"]][3]) == tier["new"]

    xlsx = client.get(reverse("portal:dashboard-xlsx"), {"district": YUBEI})
    book = load_workbook(io.BytesIO(xlsx.content))
    assert {"tiers", "stages", "cluster_levels", "districts", "pool", "applications", "review_times"} <= set(
        book.sheetnames
    )
    sheet = {row[0]: row for row in book["tiers"].iter_rows(min_row=2, values_only=True)}
    for tier in data["tiers"]:
        assert sheet[tier["code"]][2] == tier["active"]
        assert sheet[tier["code"]][3] == tier["new"]
    districts = list(book["districts"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2]) for r in districts] == [(d["code"], d["firms"]) for d in data["districts"]]
    stages = {r[0]: r[2] for r in book["stages"].iter_rows(min_row=2, values_only=True)}
    assert stages == {s["code"]: s["firms"] for s in data["stages"]}


def test_formula_looking_text_is_written_as_text(client, city, register):
    District.objects.filter(code=YUBEI).update(name_zh='=HYPERLINK("http://x")')
    client.force_login(city)
    csv_response = client.get(reverse("portal:dashboard-csv"))
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    yubei = next(row for row in rows if row and row[0] == YUBEI)
    assert yubei[1] == '\'=HYPERLINK("http://x")'
    xlsx = load_workbook(io.BytesIO(client.get(reverse("portal:dashboard-xlsx")).content))
    names = {row[0]: row[1] for row in xlsx["districts"].iter_rows(min_row=2, values_only=True)}
    assert names[YUBEI] == '\'=HYPERLINK("http://x")'


def test_the_print_summary(client, city, register):
    client.force_login(city)
    response = client.get(reverse("portal:dashboard-print"), {"year": Y, "cluster": EQUIP})
    html = response.content.decode()
    assert response.status_code == 200
    assert "@page" not in html  # print rules live in the stylesheet
    assert f"{Y} 年度数据摘要" in html and "<svg" in html


# --- Query counts do not grow with the register. ---


def add_firms(count: int, offset: int) -> None:
    for index in range(count):
        firm = FirmFactory(name=f"批量{offset + index}", district=district(YUBEI if index % 2 else YUZHONG))
        Designation.objects.create(
            firm=firm,
            tier="innovative_sme",
            granted_on=datetime.date(Y, 1, 1),
            expires_on=datetime.date(Y + 2, 12, 31),
        )
        PoolMembership.objects.create(
            firm=firm, cohort_year=Y, baseline_year=Y - 1, baseline_revenue=Decimal("100"), status="unrated"
        )
        application = Application.objects.create(firm=firm, tier="srdi_sme", status="submitted")
        ApplicationEvent.objects.create(
            application=application,
            action="submit",
            event="t",
            from_status="draft",
            to_status="submitted",
            revision=1,
        )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_depend_on_the_number_of_firms(client, city):
    client.force_login(city)
    urls = [reverse("dashboard"), reverse("portal:dashboard"), reverse("portal:dashboard-xlsx")]
    add_firms(3, 0)
    few = [count_queries(client, url) for url in urls]
    add_firms(27, 3)
    many = [count_queries(client, url) for url in urls]
    assert few == many
    assert few[0] <= 21  # 14, the R&D-intensity comparison's two, the digital and listing sections' five


# --- R&D intensity: the register against the quality tiers' holders (issue 18). ---

# firm: (operating revenue, R&D expense) in fiscal year Y - 1; f5 and f7 have no row that year, f7 gets a
# zero-revenue one (left out), f2 and f6 already have one from the pool's figures (values overwritten here).
INTENSITY = {
    "f1": (Decimal("1000"), Decimal("80")),  # 8%
    "f2": (Decimal("1300"), Decimal("13")),  # 1%
    "f3": (Decimal("4000"), Decimal("200")),  # 5%
    "f4": (Decimal("2000"), Decimal("60")),  # 3%
    "f6": (Decimal("3300"), Decimal("66")),  # 2%
}


def intensity_register(firms: dict[str, Firm]) -> None:
    from registry.models import AnnualFigures

    for name, (revenue, rd) in INTENSITY.items():
        amounts = {"operating_revenue": revenue, "main_business_revenue": revenue, "rd_expense": rd}
        if not AnnualFigures.objects.filter(firm=firms[name], year=Y - 1).update(**amounts):
            FiguresFactory(firm=firms[name], year=Y - 1, **amounts)
    FiguresFactory(firm=firms["f7"], year=Y - 1, operating_revenue=0, main_business_revenue=0, rd_expense=0)


def expected_intensity(names: list[str]) -> tuple[float, float]:
    """Mean of the firms' own intensities, and their R&D over their revenue, computed by hand."""
    ratios = [float(INTENSITY[n][1] / INTENSITY[n][0]) for n in names]
    overall = float(sum(INTENSITY[n][1] for n in names) / sum(INTENSITY[n][0] for n in names))
    return round(sum(ratios) / len(ratios), 4), round(overall, 4)


def test_rd_intensity_of_the_register_and_of_each_quality_tier(client, city, register):
    intensity_register(register)
    data = api(client, city).json()["rd_intensity"]
    assert data["fiscal_year"] == Y - 1
    groups = {g["code"]: g for g in data["groups"]}
    assert list(groups) == ["register", "innovative_sme", "srdi_sme", "little_giant", "single_champion"]
    # Held today: 创新型 f1, f2, f4 (f3's expired); 专精特新 f1 (f5's expired, f6's revoked);
    # 小巨人 f3; 冠军 f4.
    holders = {
        "register": ["f1", "f2", "f3", "f4", "f6"],  # f7's zero revenue is left out
        "innovative_sme": ["f1", "f2", "f4"],
        "srdi_sme": ["f1"],
        "little_giant": ["f3"],
        "single_champion": ["f4"],
    }
    base = expected_intensity(holders["register"])[0]
    for code, names in holders.items():
        average, overall = expected_intensity(names)
        got = groups[code]
        assert (got["firms"], got["average"], got["overall"]) == (len(names), average, overall), code
        assert got["lead_points"] == pytest.approx(100 * (average - base), abs=0.01)
    assert groups["srdi_sme"]["lead_points"] == pytest.approx(4.2)  # 8% against (8+1+5+3+2)/5 = 3.8%

    yubei = {g["code"]: g for g in api(client, city, district=YUBEI).json()["rd_intensity"]["groups"]}
    assert yubei["register"]["average"] == expected_intensity(["f1", "f2", "f3"])[0]
    assert yubei["single_champion"] == {**yubei["single_champion"], "firms": 0, "average": None}


def test_rd_intensity_on_the_page_in_the_exports_and_in_print(client, city, register):
    intensity_register(register)
    client.force_login(city)
    page = client.get(reverse("portal:dashboard")).content.decode()
    section = page[page.index('id="rd-intensity"') :]
    section = section[: section.index("</section>")]
    assert f"研发强度对比（{Y - 1} 年度）" in section
    assert "专精特新中小企业平均研发强度 8.0%，全部在库企业 3.8%，相差 4.2 个百分点。" in section
    assert "+4.2" in section and section.count('class="dash-meter"') == 5  # every group has firms

    rows = list(
        csv.reader(io.StringIO(client.get(reverse("portal:dashboard-csv")).content.decode("utf-8-sig")))
    )
    start = rows.index(["# rd_intensity", f"研发强度对比（{Y - 1} 年度）"])
    assert rows[start + 2][:6] == ["register", "全部在库企业", "5", "3.8", "3.61", "0.0"]  # 419 / 11600
    assert rows[start + 4][:6] == ["srdi_sme", "专精特新中小企业", "1", "8.0", "8.0", "4.2"]
    book = load_workbook(io.BytesIO(client.get(reverse("portal:dashboard-xlsx")).content))
    sheet = list(book["rd_intensity"].iter_rows(min_row=2, values_only=True))
    assert sheet[0][:3] == ("register", "全部在库企业", 5) and sheet[2][3] == 8.0

    printed = client.get(reverse("portal:dashboard-print")).content.decode()
    assert "专精特新中小企业 8.0%（1 家）" in printed


# --- 数字化转型 and 上市培育 (issue 18), against the tuples above. ---


def test_digital_transformation_against_hand_counts(client, city, register):
    data = api(client, city).json()["digital"]
    measures = {m["code"]: m for m in data["measures"]}
    # Recognised this year: f3's workshop, f1's smart factory. Held: f3's workshop (f1's was superseded, f4's
    # old one lapsed), f1's smart factory, f4's future factory.
    assert {
        code: (m["new"], m["active"]) for code, m in measures.items() if code.endswith(("shop", "factory"))
    } == {
        "digital_workshop": (1, 1),
        "smart_factory": (1, 1),
        "future_factory": (0, 1),
    }
    assert (measures["industry_brain"]["new"], measures["industry_brain"]["active"]) == (1, 1)
    # Planned to start this year: f1, f2 and f5's projects (f4's started last year): 1,800万元.
    assert measures["upgrade_projects"]["new"] == 3 and measures["upgrade_investment"]["new"] == 1800.0
    assert measures["upgrade_investment"]["unit"] == "wan_yuan"
    # Latest self-assessment at 二级 or above: f1 (3), f5 (2), f6 (4); f2 was assessed lower since.
    transformed = measures["transformed_sme"]
    assert transformed["active"] == 3 and transformed["new"] is None
    assert transformed["target"] == {"kind": "active_by", "year": 2027, "count": 4000, "measured": 3}
    assert transformed["progress"] == round(3 / 4000, 4)
    upgrades = data["upgrades"]
    assert {s["status"]: s["count"] for s in upgrades["by_status"]} == {
        "planned": 1,
        "under_way": 1,
        "completed": 0,
        "accepted": 2,
    }
    assert (upgrades["accepted"], upgrades["average_productivity_change"], upgrades["overdue"]) == (
        2,
        50.0,
        1,
    )
    districts = {d["code"]: d for d in data["districts"]}
    assert districts[YUBEI] == {
        "code": YUBEI,
        "name": "渝北区",
        "digital_workshop": 1,
        "smart_factory": 1,
        "future_factory": 0,
        "upgrade_projects": 2,
        "upgrade_investment": 1500.0,
        "transformed_sme": 1,
    }
    assert (districts[YUZHONG]["future_factory"], districts[YUZHONG]["transformed_sme"]) == (1, 2)

    yuzhong = api(client, city, district=YUZHONG).json()["digital"]
    assert {m["code"]: m["active"] for m in yuzhong["measures"]}["transformed_sme"] == 2
    assert [d["code"] for d in yuzhong["districts"]] == [YUZHONG]


def test_listing_against_hand_counts_and_a_target(client, city, register):
    Target.objects.create(subject="listed", year=Y, kind="new_in_year", count=2)
    data = api(client, city).json()["listing"]
    (listed,) = data["measures"]
    # On an exchange: f4 (科创板, this year) and f3 (北交所, last year);
    # f2's 新三板 quotation is not a listing.
    assert (listed["new"], listed["active"], listed["progress"]) == (1, 2, 0.5)
    assert data["tracks"] == 4 and data["pool_members"] == 2  # f2 and f5 are pool members
    assert {s["code"]: s["tracks"] for s in data["stages"]} == {
        "cultivating": 0,
        "tutoring": 1,
        "accepted": 0,
        "approved": 0,
        "listed": 3,
    }
    boards = {b["code"]: (b["tracks"], b["listed"], b["exchange"]) for b in data["boards"] if b["tracks"]}
    assert boards == {"star": (2, 1, True), "neeq": (1, 0, False), "bse": (1, 1, True)}
    districts = {d["code"]: (d["tracks"], d["listed"], d["stages"]["tutoring"]) for d in data["districts"]}
    assert districts == {YUBEI: (2, 1, 0), YUZHONG: (2, 1, 1)}
    last_year = api(client, city, year=Y - 1).json()["listing"]["measures"][0]
    assert (last_year["new"], last_year["active"]) == (1, 1)  # f3 by the end of last year


def test_a_record_saved_through_its_service_shows_on_the_cached_dashboard(client, city, register):
    from cultivation.services.maturity import record_maturity

    before = api(client, city).json()["digital"]["measures"]
    assert {m["code"]: m["active"] for m in before}["transformed_sme"] == 3
    record_maturity(firm=register["f7"], level=2, assessed_on=TODAY, evidence="渝数评〔2026〕9号", actor=city)
    after = api(client, city).json()["digital"]["measures"]
    assert {m["code"]: m["active"] for m in after}["transformed_sme"] == 4


def test_digital_and_listing_on_the_page_and_in_the_exports(client, city, register):
    client.force_login(city)
    page = client.get(reverse("portal:dashboard")).content.decode()
    digital = page[page.index('id="digital"') :]
    digital = digital[: digital.index("</section>")]
    for text in (
        "数字化转型",
        "智能工厂",
        "技改投资（万元）",
        "1800.0",
        "数字化转型企业",
        "4000",
        "已逾期 1 个",
    ):
        assert text in digital, text
    listing = page[page.index('id="listing"') :]
    listing = listing[: listing.index("</section>")]
    for text in ("上市培育", "辅导备案", "科创板", "境内交易所上市企业"):
        assert text in listing, text
    book = load_workbook(io.BytesIO(client.get(reverse("portal:dashboard-xlsx")).content))
    assert {"digital", "digital_districts", "listing_stages", "listing_boards", "listing_districts"} <= set(
        book.sheetnames
    )
    rows = {row[0]: row for row in book["digital"].iter_rows(min_row=2, values_only=True)}
    assert rows["upgrade_investment"][3] == 1800.0 and rows["transformed_sme"][4] == 3
    printed = client.get(reverse("portal:dashboard-print")).content.decode()
    assert "数字化转型企业 3" in printed and "境内交易所上市企业 2" in printed
