"""A realistic, reproducible demo register (``manage.py seed_demo``).

Each firm is drawn from its own random generator seeded by (seed, index), so
the same seed always yields the same firm at the same index and a rerun finds
every row already there (inserts ignore conflicts on the natural keys). Rows are
written with ``bulk_create`` in chunks, which is what makes 100,000 firms take
seconds rather than minutes; bulk inserts bypass the audit trail on purpose,
since no person made them.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from registry.credit_code import make_code
from registry.models import FIGURE_FIELDS, FIRM_FIELDS, AnnualFigures, Cluster, District, Firm, Sector, User
from registry.roles import Role

from .demo_digital import seed_digital
from .demo_listing import LISTING_COLUMNS, MATURITY_COLUMNS, demo_rng, draw_listing, draw_maturity
from .models import Designation, ListingTrack, MaturityAssessment, PoolMembership
from .tiers import (
    GAZELLE,
    INNOVATIVE_SME,
    LITTLE_GIANT,
    POTENTIAL_UNICORN,
    SINGLE_CHAMPION,
    SRDI_SME,
    UNICORN,
    derive_stage,
    expiry_for,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
CHUNK = 2000
DEMO_FIRM_CODE = make_code("91500112MA6DEM001")
URBAN_DISTRICTS = {"500103", "500105", "500106", "500107", "500108", "500112", "500113", "500109"}
PROFILES = (  # (name, share, yearly growth range)
    ("fast", 0.15, (0.20, 0.55)),
    ("steady", 0.45, (0.04, 0.16)),
    ("flat", 0.30, (-0.05, 0.05)),
    ("declining", 0.10, (-0.20, -0.03)),
)
# fmt: off
NAME_HEADS = (
    "渝兴", "巴山", "嘉陵", "长江", "缙云", "两江", "山城", "江北", "南山",
    "歌乐", "朝天", "鹅岭", "金佛", "龙门", "明月", "华蓥", "青木", "白沙",
)
NAME_TRADES = (
    "精密", "智能", "新材料", "电子", "科技", "机械", "汽车零部件", "生物",
    "光电", "能源", "仪器", "软件", "数控", "环保",
)
# fmt: on


@dataclass
class Reference:
    """Districts and clusters, read once."""

    districts: list[District]
    weights: list[float]
    clusters: list[Cluster]

    @classmethod
    def load(cls) -> Reference:
        districts = list(District.objects.order_by("code"))
        weights = [4.0 if d.code in URBAN_DISTRICTS else 1.0 for d in districts]
        return cls(districts, weights, list(Cluster.objects.order_by("position")))


# The columns the demo writes, derived from the register's lists; rows are built by name
# (``firm_row``, ``figure_row``) and kept as plain tuples in these orders for the bulk insert.
FIRM_COLUMNS = (*(Firm._meta.get_field(name).attname for name in FIRM_FIELDS), "stage")
FIGURE_COLUMNS = ("year", *FIGURE_FIELDS, "audited")
# A firm column the demo leaves out gets the model field's default ("" for blank text, None if nullable).
_FIRM_DEFAULTS = {f.attname: f.get_default() for f in Firm._meta.concrete_fields if f.attname in FIRM_COLUMNS}
_CODE, _YEAR, _REVENUE = (
    FIRM_COLUMNS.index("credit_code"),
    FIGURE_COLUMNS.index("year"),
    FIGURE_COLUMNS.index("operating_revenue"),
)


def firm_row(**values) -> tuple:
    """A firm's row in ``FIRM_COLUMNS`` order, from values given by column name."""
    row = {**_FIRM_DEFAULTS, **values}
    if len(row) != len(FIRM_COLUMNS):
        raise TypeError(f"not firm columns: {sorted(row.keys() - set(FIRM_COLUMNS))}")
    return tuple(row[column] for column in FIRM_COLUMNS)


def figure_row(**values) -> tuple:
    """A year's row in ``FIGURE_COLUMNS`` order, from every column given by name."""
    if values.keys() != set(FIGURE_COLUMNS):
        raise TypeError(f"figure columns differ: {sorted(values.keys() ^ set(FIGURE_COLUMNS))}")
    return tuple(values[column] for column in FIGURE_COLUMNS)


DESIGNATION_COLUMNS = ("tier", "granted_on", "expires_on", "status", "batch")


@dataclass
class FirmDraft:
    """One generated firm and the rows that hang off it, as plain tuples (no model instances:
    constructing 500,000 model objects was half the run time)."""

    firm: tuple
    figures: list[tuple] = field(default_factory=list)
    designations: list[tuple] = field(default_factory=list)
    pool: tuple | None = None  # (cohort_year, baseline_year, baseline_revenue)
    maturity: list[tuple] = field(default_factory=list)  # MATURITY_COLUMNS
    listing: tuple | None = None  # LISTING_COLUMNS

    @property
    def credit_code(self) -> str:
        return self.firm[_CODE]


def money(value: float) -> Decimal:
    """A non-negative amount in 万元, two places."""
    return Decimal(round(max(value, 0.0) * 100)).scaleb(-2)


def draft_firm(
    seed: int, index: int, ref: Reference, today: datetime.date, years: int | None = None
) -> FirmDraft:
    """Draw one firm, its 3-5 years of figures (exactly ``years`` when given), designations and pool entry."""
    rng = random.Random(seed * 1_000_003 + index)
    district = rng.choices(ref.districts, ref.weights)[0]
    # With a fixed number of years the firm must be old enough to have them all (the benchmarks).
    latest_founding = 2022 if years is None else min(2022, today.year - years)
    founded = datetime.date(rng.randint(2000, latest_founding), rng.randint(1, 12), rng.randint(1, 28))
    cluster = rng.choice(ref.clusters) if rng.random() < 0.9 else None
    code = make_code(f"91{district.code}{seed % 1000:03d}{index:06d}")
    name = f"重庆{rng.choice(NAME_HEADS)}{rng.choice(NAME_TRADES)}有限公司{index:06d}"
    sector = Sector.SOFTWARE.value if rng.random() < 0.15 else Sector.INDUSTRY.value
    strategic, listed = rng.random() < 0.4, rng.random() < 0.01
    contact = rng.choice("张王李赵刘陈杨黄周吴") + rng.choice(["先生", "女士"])
    phone = f"023-{rng.randint(60000000, 69999999)}"
    profile = draw_profile(rng)
    figures = draw_figures(rng, founded, profile, today, years)
    designations = draw_designations(rng, profile, today)
    active = [d[0] for d in designations if d[3] == Designation.Status.ACTIVE]
    stage = derive_stage(active, listed=listed).value
    firm = firm_row(
        credit_code=code,
        name=name,
        district_id=district.pk,
        cluster_id=cluster.pk if cluster else None,
        founded_on=founded,
        niche_since=min(founded.year + rng.randint(0, 3), today.year - 1),
        sector=sector,
        strategic_emerging=strategic,
        is_listed=listed,
        stage=stage,
        contact_name=contact,
        contact_phone=phone,
    )
    draft = FirmDraft(firm, figures, designations)
    if profile == "fast" and rng.random() < 0.05 and len(figures) >= 3:
        baseline = rng.choice(figures[:-1])
        draft.pool = (baseline[_YEAR] + 1, baseline[_YEAR], baseline[_REVENUE])
    extra, held = demo_rng(seed, index), set(active)
    draft.maturity = draw_maturity(extra, held, founded, today)
    draft.listing = draw_listing(
        extra, held, listed=listed, pool=draft.pool is not None, founded=founded, today=today, index=index
    )
    return draft


def draw_profile(rng: random.Random) -> str:
    names = [p[0] for p in PROFILES]
    return rng.choices(names, [p[1] for p in PROFILES])[0]


def draw_figures(
    rng: random.Random, founded: datetime.date, profile: str, today: datetime.date, count: int | None = None
) -> list[tuple]:
    """3-5 (or ``count``) consecutive fiscal years ending last year, following the firm's growth profile."""
    growth_range = dict((p[0], p[2]) for p in PROFILES)[profile]
    last_year = today.year - 1
    span = rng.randint(2, 4) if count is None else count - 1
    years = list(range(last_year - span, last_year + 1))
    years = [y for y in years if y >= founded.year] or [last_year]
    revenue = math.exp(rng.gauss(math.log(3000), 1.1))  # median 3000万
    rd_share = rng.uniform(0.005, 0.12)
    main_share = rng.uniform(0.55, 1.0)
    margin = rng.uniform(-0.05, 0.2)
    debt_ratio = rng.uniform(0.2, 0.85)
    ip1 = rng.choice([0, 0, 1, 1, 2, 3, 5, 8])
    valuation = rng.uniform(20, 1500) if profile == "fast" and rng.random() < 0.1 else None
    rows = []
    for year in years:
        revenue *= 1 + rng.uniform(*growth_range)
        employees = max(10, min(3000, int(revenue / rng.uniform(60, 120))))
        assets = revenue * rng.uniform(0.8, 1.6)
        financing = money(rng.uniform(500, 9000)) if rng.random() < 0.08 else ZERO
        rows.append(
            figure_row(
                year=year,
                operating_revenue=money(revenue),
                main_business_revenue=money(revenue * main_share),
                rd_expense=money(revenue * rd_share * rng.uniform(0.9, 1.1)),
                net_profit=Decimal(round(revenue * margin * 100)).scaleb(-2),
                total_assets=money(assets),
                total_liabilities=money(assets * debt_ratio),
                employees=employees,
                rd_staff=int(employees * rng.uniform(0.05, 0.4)),
                class1_ip=ip1,
                class2_ip=ip1 * 2 + rng.randint(0, 10),
                equity_financing=financing,
                valuation_usd_m=money(valuation) if valuation else None,
                cumulative_financing_usd_m=money(valuation * 0.08) if valuation else None,
                audited=year < last_year or rng.random() < 0.6,
            )
        )
        ip1 += rng.choice([0, 0, 1])
        if valuation:
            valuation *= rng.uniform(1.0, 1.6)
    return rows


def grant(tier: str, granted: datetime.date, today: datetime.date, batch: str) -> tuple:
    expires = expiry_for(tier, granted)
    status = Designation.Status.ACTIVE if expires >= today else Designation.Status.EXPIRED
    return (tier, granted, expires, status.value, batch)


def draw_designations(rng: random.Random, profile: str, today: datetime.date) -> list[tuple]:
    """A spread along both ladders, each rung granted after the one below, denser for fast growers."""
    boost = 2.0 if profile == "fast" else 1.0
    granted: list[tuple] = []
    day = today - datetime.timedelta(days=rng.randint(20, 4 * 365))
    for tier, chance, batch in (
        (INNOVATIVE_SME, 0.25 * boost, "创新型中小企业"),
        (SRDI_SME, 0.4, "专精特新中小企业"),
        (LITTLE_GIANT, 0.15, "第五批专精特新“小巨人”"),
        (SINGLE_CHAMPION, 0.05, "第八批制造业单项冠军"),
    ):
        if rng.random() >= chance or day >= today:
            break
        granted.append(grant(tier, day, today, batch))
        day += datetime.timedelta(days=rng.randint(200, 500))
    if profile == "fast" and rng.random() < 0.12:
        tier = rng.choices([GAZELLE, POTENTIAL_UNICORN, UNICORN], [90, 8, 2])[0]
        list_day = datetime.date(today.year - rng.randint(0, 2), 3, 25)
        if list_day < today:
            granted.append(grant(tier, list_day, today, f"{list_day.year}年度名单"))
    return granted


def chunks(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk-insert plain tuples: COPY on PostgreSQL, ``executemany`` on SQLite.

    Both loops run in C. Django's client-side-binding cursor builds every
    statement in Python, which made 100,000 firms take minutes on PostgreSQL.
    """
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        raw = connection.connection.cursor()
        with raw, raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def insert_chunk(drafts: list[FirmDraft]) -> int:
    """Insert one chunk's new firms with their dependants; returns how many firms were new.

    A firm already present was written, with its dependants, in an earlier
    atomic chunk, so skipping it whole keeps reruns from duplicating anything.
    """
    codes = [d.credit_code for d in drafts]
    existing = set(Firm.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True))
    new = [d for d in drafts if d.credit_code not in existing]
    if not new:
        return 0
    now = timezone.now()
    insert_rows(
        Firm,
        (*FIRM_COLUMNS, "created_at", "updated_at"),
        [(*d.firm, now, now) for d in new],
    )
    ids = dict(
        Firm.objects.filter(credit_code__in=[d.credit_code for d in new]).values_list("credit_code", "id")
    )
    figures, designations, pool, maturity, listing = [], [], [], [], []
    for draft in new:
        firm_id = ids[draft.credit_code]
        figures += [(firm_id, *row, False, "", now, _demo_filed_on(row[_YEAR], now)) for row in draft.figures]
        designations += [(firm_id, *row, "") for row in draft.designations]
        if draft.pool:
            # Demo members are inserted in bulk, not admitted: no admission day, rule set or override.
            pool.append((firm_id, *draft.pool, PoolMembership.Status.UNRATED.value, "", "", ""))
        maturity += [(firm_id, *row, now) for row in draft.maturity]
        if draft.listing:
            listing.append((firm_id, *draft.listing))
    insert_rows(
        AnnualFigures,
        ("firm_id", *FIGURE_COLUMNS, "frozen", "frozen_reason", "updated_at", "filed_on"),
        figures,
    )
    insert_rows(Designation, ("firm_id", *DESIGNATION_COLUMNS, "revoked_reason"), designations)
    insert_rows(
        PoolMembership,
        (
            "firm_id",
            "cohort_year",
            "baseline_year",
            "baseline_revenue",
            "status",
            "rating_reason",
            "entry_rule_set",
            "entry_override_reason",
        ),
        pool,
    )
    insert_rows(MaturityAssessment, ("firm_id", *MATURITY_COLUMNS, "recorded_at"), maturity)
    insert_rows(ListingTrack, ("firm_id", *LISTING_COLUMNS), listing)
    return len(new)


def _demo_filed_on(year: int, now: datetime.datetime) -> datetime.date:
    """Demo figures were filed in time: by 31 March after their year (P9), or today if that is earlier."""
    return min(datetime.date(year + 1, 3, 31), timezone.localdate(now))


def seed_register(
    *,
    firms: int,
    seed: int,
    years: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Create ``firms`` generated firms plus the demo firm and accounts; idempotent per seed.

    ``years`` gives every generated firm exactly that many fiscal years of figures (the benchmarks
    use 5); by default each has 3 to 5.
    """
    today = timezone.localdate()
    ref = Reference.load()
    created = 0
    for block in chunks(firms, CHUNK):
        drafts = [draft_firm(seed, index, ref, today, years) for index in block]
        with transaction.atomic():
            created += insert_chunk(drafts)
        if progress:
            progress(block.stop, firms)
    demo_firm = seed_demo_firm(ref, today)
    seed_accounts(demo_firm)
    digital = seed_digital(today, demo_firm)
    return {"firms_created": created, "firms_total": Firm.objects.count(), **digital}


DEMO_FIGURES = [  # (year offset from last year, revenue, main business, R&D, class I IP)
    (-2, "5200.00", "4700.00", "300.00", 2),
    (-1, "6100.00", "5500.00", "360.00", 3),
    (0, "7300.00", "6650.00", "440.00", 4),
]


def seed_demo_firm(ref: Reference, today: datetime.date) -> Firm:
    """The demo firm user's firm: growing, R&D-intensive, no designation yet, so it can apply."""
    district = next(d for d in ref.districts if d.code == "500112")
    cluster = next(c for c in ref.clusters if c.code == "intelligent-equipment")
    firm, _ = Firm.objects.get_or_create(
        credit_code=DEMO_FIRM_CODE,
        defaults={
            "name": "重庆两江示范精密制造有限公司",
            "district": district,
            "cluster": cluster,
            "founded_on": datetime.date(2014, 5, 20),
            "niche_since": 2015,
            "strategic_emerging": True,
            "contact_name": "李女士",
            "contact_phone": "023-67001234",
            "contact_email": "demo-firm@example.com",
        },
    )
    last_year = today.year - 1
    for offset, revenue, main, rd, ip1 in DEMO_FIGURES:
        revenue_d = Decimal(revenue)
        AnnualFigures.objects.get_or_create(
            firm=firm,
            year=last_year + offset,
            defaults={
                "operating_revenue": revenue_d,
                "main_business_revenue": Decimal(main),
                "rd_expense": Decimal(rd),
                "net_profit": (revenue_d * Decimal("0.09")).quantize(CENT),
                "total_assets": (revenue_d * Decimal("1.2")).quantize(CENT),
                "total_liabilities": (revenue_d * Decimal("0.5")).quantize(CENT),
                "employees": 180,
                "rd_staff": 42,
                "class1_ip": ip1,
                "class2_ip": 11,
                "audited": True,
            },
        )
    # Assessed at 一级 (so the self-check shows the way to 二级) and in the regional market's 专精特新专板
    # cultivation: the portal home shows both.
    MaturityAssessment.objects.get_or_create(
        firm=firm,
        assessed_on=datetime.date(last_year, 11, 15),
        defaults={"level": 1, "evidence": f"中小企业数字化水平评测报告 {last_year}-0415"},
    )
    ListingTrack.objects.get_or_create(
        firm=firm,
        defaults={
            "board": "regional",
            "stage": "cultivating",
            "cultivating_on": datetime.date(last_year, 9, 1),
            "note": "列入区域性股权市场专精特新专板培育",
        },
    )
    return firm


def seed_accounts(demo_firm: Firm) -> None:
    """demo-admin, demo-caseworker (city level), demo-reviewer and demo-firm."""
    password = settings.DEMO_PASSWORD
    accounts = [
        ("demo-admin", {"is_staff": True, "is_superuser": True}, None),
        ("demo-caseworker", {"is_staff": True}, Role.CASEWORKER),
        ("demo-reviewer", {"is_staff": True}, Role.REVIEWER),
        ("demo-firm", {"firm": demo_firm}, Role.FIRM),
    ]
    for username, attrs, role in accounts:
        user, created = User.objects.get_or_create(username=username, defaults=attrs)
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        if role:
            user.groups.add(Group.objects.get(name=role))


def demo_loaded() -> bool:
    return User.objects.filter(username="demo-firm").exists()
