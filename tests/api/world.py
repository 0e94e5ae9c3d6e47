"""A small programme to test the API's access rules on: two firms in two districts, every role, and
one row of every resource belonging to firm A (figures, applications, a review, a designation, an
attestation, an alert, a pool membership; a disqualification, a maturity assessment and a listing track in
``extra``) plus a target and a holiday.

Firm A is in 渝北区 (500112), firm B in 渝中区 (500103). "in" staff work in A's district, "out" staff
in B's; city staff have no district.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from cultivation.models import (
    Application,
    Attestation,
    Designation,
    DigitalRecognition,
    Disqualification,
    Holiday,
    IndustryBrain,
    ListingTrack,
    MaturityAssessment,
    PoolMembership,
    Review,
    ReviewAssignment,
    Target,
    UpgradeProject,
)
from cultivation.models.alerts import AlertKind
from cultivation.services.alerts import AlertDraft, inbox_for, raise_alerts
from cultivation.workflow import Status
from registry.credit_code import make_code
from registry.models import ImportJob
from tests.factories import FiguresFactory, FirmFactory, UserFactory, district

YUBEI, YUZHONG = "500112", "500103"
LAST_YEAR = timezone.localdate().year - 1
PASSWORD = "pw-for-tests-123"
WORLD_IMPORT = "world-firms.csv"  # the file name of the city caseworker's import job
PDF = b"%PDF-1.4\n% evidence\n"
ROLES = (
    "anonymous",
    "firm_a",
    "firm_b",
    "district_in",
    "district_out",
    "city",
    "reviewer",
    "admin",
)


def evidence_file(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class World:
    firm_a: object
    firm_b: object
    users: dict[str, object]
    submitted: Application  # A's application waiting for a caseworker to accept it
    in_review: Application  # A's application in the city review, assigned to the reviewer
    review: Review  # another expert's review of ``in_review`` (blind to the reviewer)
    designation: Designation
    attestation: Attestation
    alert_id: int
    pool: PoolMembership
    target: Target
    extra: dict = field(default_factory=dict)

    def client(self, role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(self.users[role])
        return client


def build_world() -> World:
    firm_a = FirmFactory(name="甲公司", district=district(YUBEI))
    firm_b = FirmFactory(name="乙公司", district=district(YUZHONG))
    for firm in (firm_a, firm_b):
        FiguresFactory(firm=firm, year=LAST_YEAR)
        FiguresFactory(firm=firm, year=LAST_YEAR - 1)
    users = {
        "firm_a": UserFactory(username="firm-a", roles=["firm"], firm=firm_a),
        "firm_b": UserFactory(username="firm-b", roles=["firm"], firm=firm_b),
        "district_in": UserFactory(username="cw-in", roles=["caseworker"], district=district(YUBEI)),
        "district_out": UserFactory(username="cw-out", roles=["caseworker"], district=district(YUZHONG)),
        "city": UserFactory(username="cw-city", roles=["caseworker"], is_staff=True),
        "reviewer": UserFactory(username="expert", roles=["reviewer"]),
        "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
    }
    other_expert = UserFactory(username="expert-2", roles=["reviewer"])
    today = timezone.localdate()
    designation = Designation.objects.create(
        firm=firm_a, tier="innovative_sme", granted_on=today - datetime.timedelta(days=100),
        expires_on=today + datetime.timedelta(days=900),
    )  # fmt: skip
    submitted = Application.objects.create(
        firm=firm_a, tier="little_giant", status=Status.SUBMITTED, revision=1, submitted_at=timezone.now()
    )
    in_review = Application.objects.create(
        firm=firm_a, tier="gazelle", status=Status.CITY_REVIEW, revision=1, submitted_at=timezone.now()
    )
    due = today + datetime.timedelta(days=10)
    ReviewAssignment.objects.create(application=in_review, reviewer=users["reviewer"], due_at=due)
    theirs = ReviewAssignment.objects.create(application=in_review, reviewer=other_expert, due_at=due)
    review = Review.objects.create(assignment=theirs, revision=1, score=70, recommendation="approve")
    attestation = Attestation.objects.create(
        firm=firm_a, code="quality_award", evidence=evidence_file(), claimed_by=users["firm_a"]
    )
    alert_id = raise_alerts(
        [AlertDraft(AlertKind.PROMOTION_DUE, str(today.year), firm_a.pk, firm_a.district_id, "srdi_sme", {})]
    )[0]
    pool = PoolMembership.objects.create(
        firm=firm_a, cohort_year=LAST_YEAR, baseline_year=LAST_YEAR - 1, baseline_revenue=Decimal("8000.00")
    )
    target = Target.objects.create(subject="little_giant", year=2027, kind="active_by", count=10)
    ImportJob.objects.create(user=users["city"], kind="firms", file_name=WORLD_IMPORT, file_format="csv")
    world = World(
        firm_a, firm_b, users, submitted, in_review, review, designation, attestation, alert_id, pool, target
    )
    world.extra["disqualification"] = Disqualification.objects.create(
        firm=firm_a,
        code="abnormal_operations",
        occurred_on=today - datetime.timedelta(days=30),
        reason="矩阵",
    )
    world.extra["holiday"] = Holiday.objects.create(day=datetime.date(2031, 1, 1), name="元旦")
    world.extra["maturity"] = MaturityAssessment.objects.create(
        firm=firm_a, level=2, assessed_on=today - datetime.timedelta(days=60), evidence="矩阵评测"
    )
    world.extra["listing"] = ListingTrack.objects.create(
        firm=firm_a, board="star", stage="cultivating", cultivating_on=today - datetime.timedelta(days=90)
    )
    world.extra.update(digital_records(firm_a))
    return world


def digital_records(firm) -> dict:
    """Firm A's recognition, industry platform and planned 技改 project (issue 18)."""
    today = timezone.localdate()
    return {
        "recognition": DigitalRecognition.objects.create(
            firm=firm, site_name="矩阵一号车间", level="digital_workshop", year=LAST_YEAR
        ),
        "brain": IndustryBrain.objects.create(
            name="矩阵行业产业大脑", industry="智能装备", firm=firm, year=LAST_YEAR
        ),
        "project": UpgradeProject.objects.create(
            firm=firm,
            name="矩阵技改项目",
            kind="digital",
            investment=Decimal("800.00"),
            planned_start=today - datetime.timedelta(days=30),
            planned_finish=today + datetime.timedelta(days=300),
        ),
    }


def recognition_body(firm) -> dict:
    return {
        "firm": firm.credit_code,
        "site_name": "矩阵二号车间",
        "level": "smart_factory",
        "year": LAST_YEAR,
    }


def brain_body(firm) -> dict:
    return {"name": "矩阵新行业产业大脑", "industry": "新材料", "firm": firm.credit_code, "year": LAST_YEAR}


def project_body(firm) -> dict:
    today = timezone.localdate()
    return {
        "firm": firm.credit_code,
        "name": "矩阵新技改项目",
        "kind": "green",
        "investment": "320.00",
        "planned_start": str(today),
        "planned_finish": str(today + datetime.timedelta(days=200)),
    }


def alert_recipients(world: World) -> set[str]:
    """The roles whose inbox holds firm A's alert (who that is, is the alert service's business)."""
    return {role for role, user in world.users.items() if inbox_for(user).filter(alert_id=world.alert_id)}


def import_job(world: World) -> ImportJob:
    """The city caseworker's import job (found by its file name: the world's fields predate imports)."""
    return ImportJob.objects.get(user=world.users["city"], file_name=WORLD_IMPORT)


def import_upload() -> dict:
    """The multipart body of ``POST /api/imports/``: one firm of 渝北区 in a CSV file."""
    header = "credit_code,name,district,cluster,founded_on,niche_since,sector\n"
    row = f"{make_code('91500112MA0000012')},重庆导入测试有限公司,500112,,2018-05-01,,industry\n"
    return {"kind": "firms", "file": SimpleUploadedFile("firms.csv", (header + row).encode())}


def firm_body(code_body: str = "91500112MA0000009") -> dict:
    return {
        "credit_code": make_code(code_body),
        "name": "重庆矩阵测试科技有限公司",
        "district": YUBEI,
        "cluster": "intelligent-equipment",
        "founded_on": "2018-05-01",
        "niche_since": 2019,
        "sector": "industry",
    }


def figures_body(year: int) -> dict:
    return {
        "year": year,
        "operating_revenue": "9000.00",
        "main_business_revenue": "8000.00",
        "rd_expense": "450.00",
        "net_profit": "700.00",
        "total_assets": "9500.00",
        "total_liabilities": "4000.00",
        "employees": 160,
        "rd_staff": 32,
        "class1_ip": 3,
        "class2_ip": 8,
    }
