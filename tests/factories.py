"""The test data of the whole suite, in one place: valid, realistic rows and the people who act on them.

factory_boy factories make single rows; the functions below say what a test needs in the words of the
programme (``make_firm``, ``add_figures``, ``eligible_firm``, ``caseworker``, ``application_in``...).
Fixtures in the conftest.py files call these; test modules do not build their own copies.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cultivation.demo import DEMO_FIGURES
from cultivation.models import Application, Designation, Objection, Review, ReviewAssignment
from cultivation.services import claim_attestation, decide_attestation
from cultivation.tiers import INNOVATIVE_SME, expiry_for
from cultivation.workflow import Status
from registry.credit_code import make_code
from registry.models import AnnualFigures, Cluster, District, Firm, User


def district(code: str = "500112") -> District:
    """A district seeded by migration (渝北区 by default)."""
    return District.objects.get(code=code)


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    credit_code = factory.Sequence(lambda n: make_code(f"91500112{n:09d}"))
    name = factory.Sequence(lambda n: f"重庆测试制造有限公司{n}")
    district = factory.LazyFunction(district)
    cluster = factory.LazyFunction(lambda: Cluster.objects.get(code="intelligent-equipment"))
    founded_on = datetime.date(2015, 3, 1)
    niche_since = 2016


class FiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualFigures

    firm = factory.SubFactory(FirmFactory)
    year = 2024
    operating_revenue = Decimal("8000.00")
    main_business_revenue = Decimal("7200.00")
    rd_expense = Decimal("400.00")
    net_profit = Decimal("600.00")
    total_assets = Decimal("9000.00")
    total_liabilities = Decimal("4000.00")
    employees = 150
    rd_staff = 30
    class1_ip = 3
    class2_ip = 8
    # Filed in time (by 31 March after the year, P9), or today when that is earlier; the write path
    # stamps today on a row created without one, which after 30 April would make last year's late.
    filed_on = factory.LazyAttribute(lambda row: on_time(row.year))


def on_time(year: int) -> datetime.date:
    """A filing day that meets the 30 April deadline for ``year``'s figures (or today, if earlier)."""
    return min(datetime.date(year + 1, 3, 31), timezone.localdate())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))


# --- The register: firms and their figures --------------------------------------------------------

YUBEI, YUZHONG, JIANGBEI = "500112", "500103", "500105"
CENT = Decimal("0.01")


def today() -> datetime.date:
    return timezone.localdate()


def make_firm(district_code: str = YUBEI, **fields) -> Firm:
    """A firm on the register in ``district_code`` (渝北区 by default), valid in every field."""
    return FirmFactory(district=district(district_code), **fields)


def add_figures(firm: Firm, year: int, revenue: str | None = None, **changes) -> AnnualFigures:
    """One year of ``firm``'s figures, saved through the model as every write path saves them (filed
    in time for the 30 April rule unless ``filed_on`` says otherwise).

    With ``revenue`` the other amounts follow it as a healthy manufacturer's do (main business 90%,
    R&D 5%, net profit 8%), which meets the 创新型 bars comfortably; ``changes`` override any field.
    """
    if revenue is not None:
        amount = Decimal(revenue)
        changes = {
            "operating_revenue": amount,
            "main_business_revenue": amount * Decimal("0.9"),
            "rd_expense": amount * Decimal("0.05"),
            "net_profit": amount * Decimal("0.08"),
            **changes,
        }
    return FiguresFactory(firm=firm, year=year, **changes)


def eligible_firm(district_code: str = YUBEI, *, last_year: int | None = None, **fields) -> Firm:
    """A firm eligible for 创新型中小企业: the demo firm's profile (``cultivation.demo``), a growing,
    R&D-intensive strategic-emerging manufacturer with three audited years up to ``last_year``
    (last calendar year by default; tests judged on a fixed day pass the year before it)."""
    profile = {"strategic_emerging": True, "founded_on": datetime.date(2014, 5, 20), "niche_since": 2015}
    firm = make_firm(district_code, **{**profile, **fields})
    last_year = last_year or today().year - 1
    for offset, revenue, main, rd, ip1 in DEMO_FIGURES:
        amount = Decimal(revenue)
        add_figures(
            firm,
            last_year + offset,
            operating_revenue=amount,
            main_business_revenue=Decimal(main),
            rd_expense=Decimal(rd),
            net_profit=(amount * Decimal("0.09")).quantize(CENT),
            total_assets=(amount * Decimal("1.2")).quantize(CENT),
            total_liabilities=(amount * Decimal("0.5")).quantize(CENT),
            employees=180,
            rd_staff=42,
            class1_ip=ip1,
            class2_ip=11,
            audited=True,
        )
    return firm


POOL_CONDITIONS = ("chain_role", "future_industry_field")  # the hard-tech pool's two attested conditions
EVIDENCE_PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def pool_entrant(
    year: int,
    confirmer: User,
    *,
    rd_expense: str = "150.00",
    class1_ip: int = 1,
    revenue: str = "3000.00",
    attested: bool = True,
) -> Firm:
    """A 渝北 firm judged by the hard-tech pool's entry rule on its ``year`` figures: by default it meets
    it, with R&D 150.00 of 3000.00 exactly 5%, one Ⅰ类 IP, and the two attested conditions claimed and
    confirmed by ``confirmer`` through the attestation services (none claimed when not ``attested``)."""
    firm = make_firm()
    add_figures(
        firm,
        year,
        operating_revenue=Decimal(revenue),
        main_business_revenue=Decimal(revenue),
        rd_expense=Decimal(rd_expense),
        net_profit=Decimal("100.00"),
        total_assets=Decimal("5000.00"),
        total_liabilities=Decimal("2000.00"),
        employees=120,
        rd_staff=30,
        class1_ip=class1_ip,
    )
    if attested:
        for code in POOL_CONDITIONS:
            evidence = SimpleUploadedFile(f"{code}.pdf", EVIDENCE_PDF)
            claim = claim_attestation(firm=firm, code=code, evidence=evidence, actor=confirmer)
            decide_attestation(attestation=claim, confirm=True, actor=confirmer)
    return firm


# --- People ---------------------------------------------------------------------------------------


def firm_user(firm: Firm, name: str | None = None, **fields) -> User:
    """A user of ``firm`` (the portal's firm role)."""
    return UserFactory(username=name or f"firm-{firm.pk}", roles=["firm"], firm=firm, **fields)


def caseworker(district_code: str | None = None, name: str | None = None) -> User:
    """A caseworker of a district, or city-level when ``district_code`` is None."""
    name = name or f"cw-{district_code or 'city'}"
    area = district(district_code) if district_code else None
    return UserFactory(username=name, roles=["caseworker"], district=area, is_staff=True)


def reviewer(district_code: str | None = None, name: str | None = None) -> User:
    """An expert reviewer, of a district or city-level when ``district_code`` is None."""
    name = name or f"expert-{district_code or 'city'}"
    area = district(district_code) if district_code else None
    return UserFactory(username=name, roles=["reviewer"], district=area, is_staff=True)


# --- The programme: designations and applications -------------------------------------------------


def designation(firm: Firm, tier: str = INNOVATIVE_SME, granted_on: datetime.date | None = None, **fields):
    """A designation already on the register (granted 400 days ago unless ``granted_on``), written as a
    row: the state a test starts from. Tests of granting, renewing or revoking call the services."""
    granted_on = granted_on or today() - datetime.timedelta(days=400)
    return Designation.objects.create(
        firm=firm, tier=tier, granted_on=granted_on, expires_on=expiry_for(tier, granted_on), **fields
    )


def application_in(
    status: str, firm: Firm | None = None, *, tier: str = INNOVATIVE_SME, reviewers=(), reviewed=False
):
    """An application placed directly in ``status`` with what that stage implies, for tests that need one
    stage at a time (path tests walk the real service instead).

    City review comes with the given experts assigned (and their reviews when ``reviewed``); a
    notice with dates around today; a paused notice with an open objection.
    """
    firm = firm or eligible_firm()
    submitted = status != Status.DRAFT
    application = Application.objects.create(
        firm=firm,
        tier=tier,
        status=status,
        revision=1 if submitted else 0,
        submitted_at=timezone.now() if submitted else None,
    )
    for expert in reviewers:
        assignment = ReviewAssignment.objects.create(
            application=application, reviewer=expert, due_at=today() + datetime.timedelta(days=7)
        )
        if reviewed:
            Review.objects.create(assignment=assignment, revision=1, score=80, recommendation="approve")
    if status in (Status.PUBLIC_NOTICE, Status.NOTICE_PAUSED):
        Application.objects.filter(pk=application.pk).update(
            notice_starts_on=today() - datetime.timedelta(days=2),
            notice_ends_on=today() + datetime.timedelta(days=5),
            notice_paused_on=today() if status == Status.NOTICE_PAUSED else None,
        )
        application.refresh_from_db()
    if status == Status.NOTICE_PAUSED:
        Objection.objects.create(application=application, text="对研发费用真实性有异议")
    return application
