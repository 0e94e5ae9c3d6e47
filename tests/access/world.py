"""The people and records every access test asks about: two firms in two districts, each with one of
every kind of record, and one user per role.

Firm A (渝北区) and firm B (江北区) are mirror images, so "B never sees A" and "the 渝北 caseworker never
sees B" are checked with the same data. Names are unique markers: a page that shows a firm's name to
someone outside its scope is a leak, whatever the status code said.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from rest_framework.authtoken.models import Token

from cultivation.models import (
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
    ReviewAssignment,
    RuleSet,
    Target,
    UpgradeProject,
)
from cultivation.models.alerts import (
    Alert,
    AlertDelivery,
    AlertKind,
    AlertPreference,
    Channel,
    DeliveryStatus,
)
from cultivation.rules.attestations import DISQUALIFICATION_CHOICES
from cultivation.services import claim_attestation
from cultivation.services.digital import save_digital_record
from cultivation.tiers import INNOVATIVE_SME, SRDI_SME
from cultivation.workflow import Status
from registry.models import Cluster, District, Firm, ImportJob, User
from tests.factories import (
    JIANGBEI,
    YUBEI,
    UserFactory,
    application_in,
    caseworker,
    designation,
    eligible_firm,
    reviewer,
)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"

# Every role the matrix asks, in table order.
ROLES = ("anon", "firm_a", "firm_b", "cw_in", "cw_out", "cw_city", "reviewer", "admin")
# Which firms each role may see ("a", "b"): anything else shown to them is a leak.
SEES = {
    "anon": set(),
    "firm_a": {"a"},
    "firm_b": {"b"},
    "cw_in": {"a"},  # caseworker of 渝北区, firm A's district
    "cw_out": {"b"},  # caseworker of 江北区
    "cw_city": {"a", "b"},
    "reviewer": {"a", "b"},  # a city-level expert
    "admin": {"a", "b"},  # programme admin (superuser)
}
MARKERS = {"a": "甲矩阵精密制造有限公司", "b": "乙矩阵电子科技有限公司"}


@dataclass
class FirmRecords:
    """One firm with one record of every kind that belongs to a firm."""

    firm: Firm
    user: User
    application: object  # submitted: the firm may withdraw, its caseworkers accept
    city_application: object  # in city review, the reviewer assigned: for assigning and reviewing
    attestation: Attestation
    designation: Designation
    pool: PoolMembership
    disqualification: Disqualification
    alert: Alert
    figures_year: int
    digital: dict = field(default_factory=dict)  # the firm's recognition, platform and 技改 project


@dataclass
class World:
    a: FirmRecords
    b: FirmRecords
    users: dict[str, User | None]
    staff_delivery: AlertDelivery  # cw_in's inbox row for firm A's alert
    staff_preference: AlertPreference  # cw_in's email preference
    global_objects: dict[str, object] = field(default_factory=dict)

    def firm(self, key: str) -> FirmRecords:
        return self.a if key == "a" else self.b


def _firm_records(key: str, district_code: str, expert: User, staff: list[User]) -> FirmRecords:
    firm = eligible_firm(district_code, name=MARKERS[key])
    firm.refresh_from_db()
    user = UserFactory(username=f"firm-{key}", roles=["firm"], firm=firm, email=f"{key}@example.com")
    application = application_in(Status.SUBMITTED, firm)
    city_application = application_in(Status.CITY_REVIEW, firm, tier=SRDI_SME, reviewers=[expert])
    attestation = claim_attestation(
        firm=firm, code="own_brand", evidence=SimpleUploadedFile("proof.pdf", PDF), actor=user
    )
    held = designation(firm, INNOVATIVE_SME)  # granted 400 days ago
    last = timezone.localdate().year - 1
    pool = PoolMembership.objects.create(
        firm=firm, cohort_year=last, baseline_year=last - 1, baseline_revenue=Decimal("8000")
    )
    disqualification = Disqualification.objects.create(
        firm=firm, code=DISQUALIFICATION_CHOICES[0][0], occurred_on=datetime.date(2015, 1, 1)
    )
    MaturityAssessment.objects.create(
        firm=firm, level=2, assessed_on=datetime.date(2024, 5, 1), evidence="矩阵"
    )
    ListingTrack.objects.create(
        firm=firm, board="bse", stage="cultivating", cultivating_on=datetime.date(2024, 1, 2)
    )
    alert = Alert.objects.create(kind=AlertKind.PROMOTION_DUE, firm=firm, tier=SRDI_SME, period=str(last))
    for person in (user, *staff):
        AlertDelivery.for_alert(alert, user=person, channel=Channel.INBOX, status=DeliveryStatus.SENT).save()
    records = FirmRecords(
        firm,
        user,
        application,
        city_application,
        attestation,
        held,
        pool,
        disqualification,
        alert,
        last,
    )
    records.digital = _digital_records(key, firm, staff[0])
    return records


def _digital_records(key: str, firm: Firm, worker: User) -> dict[str, object]:
    """A recognition, a platform and a planned 技改 project of the firm, recorded by its caseworker."""
    year = timezone.localdate().year - 1
    today = timezone.localdate()
    records = {
        "cultivation.DigitalRecognition": DigitalRecognition(
            firm=firm,
            site_name=f"{key}矩阵一号车间",
            level="digital_workshop",
            year=year,
            evidence=SimpleUploadedFile("recognition.pdf", PDF),
        ),
        "cultivation.IndustryBrain": IndustryBrain(
            name=f"{key}矩阵行业产业大脑", industry="智能装备", firm=firm, year=year
        ),
        "cultivation.UpgradeProject": UpgradeProject(
            firm=firm,
            name=f"{key}矩阵技改项目",
            kind="digital",
            investment=Decimal("800"),
            planned_start=today - datetime.timedelta(days=30),
            planned_finish=today + datetime.timedelta(days=300),
        ),
    }
    for record in records.values():
        save_digital_record(record, user=worker)
    return records


def build_world() -> World:
    """Write the whole cast (about 0.5 s); the caller holds it in a transaction it rolls back."""
    users: dict[str, User | None] = {
        "anon": None,
        "cw_in": caseworker(YUBEI, "access-cw-yubei"),
        "cw_out": caseworker(JIANGBEI, "access-cw-jiangbei"),
        "cw_city": caseworker(None, "access-cw-city"),
        "reviewer": reviewer(None, "access-expert"),
        "admin": UserFactory(username="access-admin", is_staff=True, is_superuser=True),
    }
    a = _firm_records("a", YUBEI, users["reviewer"], [users["cw_in"]])
    b = _firm_records("b", JIANGBEI, users["reviewer"], [users["cw_out"]])
    users["firm_a"], users["firm_b"] = a.user, b.user
    delivery = AlertDelivery.objects.get(alert=a.alert, user=users["cw_in"])
    preference = AlertPreference.objects.create(user=users["cw_in"])
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.SECONDS)
    global_objects = {
        "auth.Group": Group.objects.get(name="caseworker"),
        "authtoken.TokenProxy": Token.objects.create(user=a.user),
        "django_celery_beat.IntervalSchedule": interval,
        "django_celery_beat.CrontabSchedule": CrontabSchedule.objects.create(minute="5"),
        "django_celery_beat.SolarSchedule": SolarSchedule.objects.create(
            event="sunrise", latitude=Decimal("29.56"), longitude=Decimal("106.55")
        ),
        "django_celery_beat.ClockedSchedule": ClockedSchedule.objects.create(clocked_time=timezone.now()),
        "django_celery_beat.PeriodicTask": PeriodicTask.objects.create(
            name="access-matrix", task="cultivation.tasks.run_scans", interval=interval
        ),
        "registry.District": District.objects.get(code=YUBEI),
        "registry.Cluster": Cluster.objects.order_by("pk").first(),
        "registry.User": a.user,
        "registry.ImportJob": ImportJob.objects.create(
            user=users["cw_in"], kind="figures", file_name="figures.xlsx", file_format="xlsx", rows_total=5000
        ),
        "cultivation.Holiday": Holiday.objects.create(day=datetime.date(2026, 10, 1), name="国庆节"),
        "cultivation.Target": Target.objects.create(
            subject=INNOVATIVE_SME, year=2026, kind=Target.Kind.ACTIVE_BY, count=100
        ),
        "cultivation.RuleSet": RuleSet.objects.order_by("pk").first(),
        "cultivation.ImpactReport": ImpactReport.objects.create(
            created_by=users["admin"],
            to_code="CN-2026",
            as_of=datetime.date(2026, 6, 30),
            status=ImpactReport.Status.SUCCEEDED,
            result={"firms": 0, "tiers": [], "breakdowns": {}, "changes": [], "changes_total": 0},
        ),
    }
    for label in ("registry.District", "registry.Cluster"):
        global_objects[label].save()  # seeded by migration without history: give them a version
    global_objects.update(_axes_records())
    return World(a, b, users, delivery, preference, global_objects)


def _axes_records() -> dict[str, object]:
    """One row of each django-axes log (login throttling), when axes is installed."""
    if not apps.is_installed("axes"):
        return {}
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    who = {"user_agent": "matrix", "ip_address": "192.0.2.1", "username": "firm-a", "http_accept": "*/*"}
    return {
        "axes.AccessAttempt": AccessAttempt.objects.create(
            **who, path_info="/accounts/login/", get_data="", post_data="", failures_since_start=1
        ),
        "axes.AccessLog": AccessLog.objects.create(**who, path_info="/accounts/login/"),
        "axes.AccessFailureLog": AccessFailureLog.objects.create(**who, path_info="/accounts/login/"),
    }


def firm_object(world: World, label: str, key: str = "a"):
    """Firm ``key``'s record of the model ``label`` (for the admin pages of firm records)."""
    records = world.firm(key)
    return {
        "registry.Firm": records.firm,
        "registry.AnnualFigures": records.firm.figures.order_by("-year").first(),
        "cultivation.Application": records.application,
        "cultivation.ReviewAssignment": ReviewAssignment.objects.get(application=records.city_application),
        "cultivation.Attestation": records.attestation,
        "cultivation.Designation": records.designation,
        "cultivation.PoolMembership": records.pool,
        "cultivation.Disqualification": records.disqualification,
        "cultivation.Alert": records.alert,
        "cultivation.MaturityAssessment": MaturityAssessment.objects.filter(firm=records.firm).first(),
        "cultivation.ListingTrack": ListingTrack.objects.filter(firm=records.firm).first(),
        **records.digital,
    }.get(label)
