"""The programme dashboard's figures (issue #8): tiers against targets, stages, clusters, districts, the pool,
applications and review times.

A selector: aggregate queries only (``values().annotate()`` with filtered ``Count``/``Sum``), a fixed number
of them whatever the size of the register, folded into plain dicts the API, the page and the exports share.
Scope follows ``registry.roles.scope_of``: city staff see the city, a district caseworker or reviewer their
district; the ``district`` and ``cluster`` filters narrow further.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, F, FloatField, Max, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from registry.models import AnnualFigures, Cluster, District, Firm
from registry.roles import Scope
from registry.stages import Stage
from registry.years import FIRST_YEAR, LAST_YEAR

from .dashboard_cache import cached
from .dashboard_transformation import Window, digital_section, district_names, listing_section
from .models import Application, ApplicationEvent, Designation, PoolMembership, Target
from .models.targets import GAZELLE_POOL
from .rules.pool import POOL_CHECK_AFTER_YEARS, POOL_GROWTH_FACTOR, PoolStatus
from .tiers import GROWTH, HARDTECH_POOL, LADDERS, QUALITY, TIERS
from .workflow import Status

GROWTH_TIERS = LADDERS[GROWTH]
DESIGNATION_TIERS = tuple(code for code, tier in TIERS.items() if code != HARDTECH_POOL)
# Stages an application waits in while it is being reviewed (the time spent in each is averaged).
REVIEW_STAGES = (
    Status.SUBMITTED,
    Status.DISTRICT_REVIEW,
    Status.CITY_REVIEW,
    Status.PUBLIC_NOTICE,
    Status.NOTICE_PAUSED,
    Status.RETURNED,
)
POOL_STATUSES = (
    PoolStatus.ON_TRACK,
    PoolStatus.AT_RISK,
    PoolStatus.DOUBLED,
    PoolStatus.MISSED,
    PoolStatus.UNRATED,
)
NO_CLUSTER = "none"
GAZELLE_POOL_LABEL = gettext_lazy("独角兽和瞪羚企业培育库")
REGISTER = "register"  # the R&D-intensity comparison's baseline group: every firm in scope
REGISTER_LABEL = gettext_lazy("全部在库企业")
SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class Filters:
    """What a dashboard shows: one year, and optionally one district and one cluster (by code)."""

    year: int
    district: District | None = None
    cluster: Cluster | None = None

    def as_query(self) -> dict[str, str]:
        query = {"year": str(self.year)}
        if self.district:
            query["district"] = self.district.code
        if self.cluster:
            query["cluster"] = self.cluster.code
        return query


def parse_filters(params: Mapping[str, str], scope: Scope, today: datetime.date | None = None) -> Filters:
    """Read ``year``, ``district`` and ``cluster`` (codes) from query parameters; ``ValidationError`` with
    a message per field when one is malformed, unknown or outside the user's scope."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    year = today.year
    raw_year = (params.get("year") or "").strip()
    if raw_year:
        if not raw_year.isdigit() or not FIRST_YEAR <= int(raw_year) <= LAST_YEAR:
            errors["year"] = [
                _("年度应为 %(first)d–%(last)d 之间的整数。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            ]
        else:
            year = int(raw_year)
    district = None
    raw_district = (params.get("district") or "").strip()
    if raw_district:
        district = District.objects.filter(code=raw_district).first()
        if district is None:
            errors["district"] = [_("没有代码为 %(code)s 的区县。") % {"code": raw_district[:20]}]
        elif scope.district_id and district.pk != scope.district_id:
            errors["district"] = [_("该区县不在您的查看范围内。")]
    cluster = None
    raw_cluster = (params.get("cluster") or "").strip()
    if raw_cluster:
        cluster = Cluster.objects.filter(code=raw_cluster).first()
        if cluster is None:
            errors["cluster"] = [_("没有代码为 %(code)s 的产业集群。") % {"code": raw_cluster[:40]}]
    if errors:
        raise ValidationError(errors)
    return Filters(year, district, cluster)


def firm_q(scope: Scope, filters: Filters, prefix: str = "") -> Q:
    """The firms a dashboard counts, as a condition on rows reached through ``prefix`` (e.g. ``"firm__"``)."""
    if scope.nothing:
        return Q(**{f"{prefix}pk__in": []})
    q = Q()
    if scope.firm_id:
        q &= Q(**{f"{prefix}pk": scope.firm_id})
    if scope.district_id:
        q &= Q(**{f"{prefix}district_id": scope.district_id})
    if filters.district:
        q &= Q(**{f"{prefix}district_id": filters.district.pk})
    if filters.cluster:
        q &= Q(**{f"{prefix}cluster_id": filters.cluster.pk})
    return q


def as_of_for(year: int, today: datetime.date) -> datetime.date:
    """The day a year's stock is counted on: today for this year (or a later one), 31 December before."""
    return today if year >= today.year else datetime.date(year, 12, 31)


def active_q(on: datetime.date, today: datetime.date) -> Q:
    """Designations in force on ``on``. Today it is exactly ``Designation.objects.active``; for a past day
    the status then is read from the dates (later expiry or revocation does not erase the past)."""
    dates = Q(granted_on__lte=on) & (Q(expires_on__isnull=True) | Q(expires_on__gte=on))
    if on >= today:
        return dates & Q(status=Designation.Status.ACTIVE)
    return dates & (~Q(status=Designation.Status.REVOKED) | Q(revoked_on__gt=on))


def progress(value: int, target: int | None) -> float | None:
    return round(value / target, 4) if target else None


def _targets(year: int) -> dict[tuple[str, str], Target]:
    """Per (subject, kind) the target that applies: this year's intake; the nearest stock target due by
    this year or later (a 2027 goal shows from 2025 on)."""
    chosen: dict[tuple[str, str], Target] = {}
    for target in Target.objects.filter(year__gte=year).order_by("year"):
        key = (target.subject, target.kind)
        if target.kind == Target.Kind.NEW_IN_YEAR and target.year != year:
            continue
        chosen.setdefault(key, target)
    return chosen


def _tier_row(code: str, label, active: int, new: int, targets: dict) -> dict:
    target = targets.get((code, Target.Kind.NEW_IN_YEAR)) or targets.get((code, Target.Kind.ACTIVE_BY))
    measured = None
    if target is not None:
        measured = new if target.kind == Target.Kind.NEW_IN_YEAR else active
    return {
        "code": code,
        "label": str(label),
        "ladder": TIERS[code].ladder if code in TIERS else GROWTH,
        "active": active,
        "new": new,
        "target": None
        if target is None
        else {"kind": target.kind, "year": target.year, "count": target.count, "measured": measured},
        "progress": progress(measured, target.count) if target is not None else None,
    }


def _review_times(scope: Scope, filters: Filters) -> list[dict]:
    """Average days spent in each review stage, over the stays that ended in the year.

    One query over the events of the applications concerned (bounded by events, not firms): a stay starts
    with the event that enters a stage and ends with the next one that leaves it; self-transitions (an
    expert's review, an assignment) are not stays.
    """
    tz = timezone.get_current_timezone()
    start = datetime.datetime(filters.year, 1, 1, tzinfo=tz)
    end = datetime.datetime(filters.year + 1, 1, 1, tzinfo=tz)
    concerned = ApplicationEvent.objects.filter(created_at__gte=start, created_at__lt=end).filter(
        firm_q(scope, filters, "application__firm__")
    )
    rows = (
        ApplicationEvent.objects.filter(
            application_id__in=concerned.values("application_id"), created_at__lt=end
        )
        .exclude(from_status=F("to_status"))
        .order_by("application_id", "created_at", "pk")
        .values_list("application_id", "from_status", "to_status", "created_at")
    )
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    current: tuple[int, str, datetime.datetime] | None = None
    for application_id, from_status, to_status, at in rows:
        if current and current[0] == application_id and current[1] == from_status and at >= start:
            totals[from_status] += (at - current[2]).total_seconds()
            counts[from_status] += 1
        current = (application_id, to_status, at)
    return [
        {
            "status": status.value,
            "label": str(status.label),
            "stays": counts[status],
            "average_days": round(totals[status] / counts[status] / SECONDS_PER_DAY, 2)
            if counts[status]
            else None,
        }
        for status in REVIEW_STAGES
    ]


def compute_dashboard(scope: Scope, filters: Filters, today: datetime.date | None = None) -> dict:
    """Every figure of the dashboard for ``scope`` narrowed by ``filters``, as plain data (no cache).

    Its shape is ``api.serializers.dashboard.DashboardSerializer`` (a test holds the two together).
    """
    today = today or timezone.localdate()
    year = filters.year
    on = as_of_for(year, today)
    firms = firm_q(scope, filters)
    via_firm = firm_q(scope, filters, "firm__")
    breakdowns = Breakdowns(levels=dict(Cluster.objects.values_list("pk", "level")))
    stage_counts = _count_firms(firms, breakdowns)
    designations = _count_designations(via_firm, active_q(on, today), year, breakdowns)
    cohorts = _pool_cohorts(via_firm, year)
    targets = _targets(year)
    window, names = Window(year, on, via_firm), district_names()
    return {
        "year": year,
        "as_of": on.isoformat(),
        "filters": {
            "district": filters.district.code if filters.district else None,
            "cluster": filters.cluster.code if filters.cluster else None,
        },
        "tiers": _tiers(designations, cohorts, year, targets),
        "stages": [{"code": s.value, "label": str(s.label), "firms": stage_counts[s.value]} for s in Stage],
        "cluster_levels": _cluster_levels(breakdowns),
        "districts": _districts(breakdowns),
        "pool": _pool(cohorts, year),
        "applications": _applications(via_firm, year),
        "review_times": _review_times(scope, filters),
        "rd_intensity": _rd_intensity(via_firm, active_q(on, today), year - 1),
        "digital": digital_section(window, targets, names),
        "listing": listing_section(window, targets, names),
    }


def _blank_breakdown() -> dict:
    return {
        "firms": 0,
        "stages": dict.fromkeys(Stage.values, 0),
        "tiers": dict.fromkeys(DESIGNATION_TIERS, 0),
    }


@dataclass
class Breakdowns:
    """Firms, stages and active designations per cluster level and per district, filled by the firm and
    designation counts. ``levels`` (30 rows, cluster id to level) lets the big queries group on the firm's
    own columns, with no join to clusters."""

    levels: dict[int, str]
    by_level: dict[str, dict] = field(default_factory=dict)
    by_district: dict[int, dict] = field(default_factory=dict)

    def buckets(self, district_id: int, cluster_id: int | None) -> tuple[dict, dict]:
        """The cluster level's and the district's rows for a firm in ``district_id`` and ``cluster_id``."""
        level = self.levels.get(cluster_id) or NO_CLUSTER
        return (
            self.by_level.setdefault(level, _blank_breakdown()),
            self.by_district.setdefault(district_id, _blank_breakdown()),
        )


def _count_firms(firms: Q, breakdowns: Breakdowns) -> dict[str, int]:
    """Firms per stage (the pyramid), also counted into ``breakdowns``: one query grouped by district,
    cluster and stage."""
    stage_counts: dict[str, int] = defaultdict(int)
    rows = Firm.objects.filter(firms).values("district_id", "cluster_id", "stage").annotate(n=Count("id"))
    for row in rows.order_by():
        stage_counts[row["stage"]] += row["n"]
        for bucket in breakdowns.buckets(row["district_id"], row["cluster_id"]):
            bucket["firms"] += row["n"]
            bucket["stages"][row["stage"]] += row["n"]
    return stage_counts


@dataclass(frozen=True)
class DesignationCounts:
    """Per tier, designations active on the day and granted in the year; and the firms of the growth
    ladder's pool (any growth designation) likewise."""

    active: dict[str, int]
    new: dict[str, int]
    growth_active: int
    growth_new: int


def _count_designations(via_firm: Q, active: Q, year: int, breakdowns: Breakdowns) -> DesignationCounts:
    """Active on the day and granted in the year, per tier, with the active ones counted into
    ``breakdowns``. A firm holds one designation of a tier at a time (a 复核 extends the same row), so rows
    count firms."""
    granted = Q(granted_on__year=year)
    tier_active: dict[str, int] = defaultdict(int)
    tier_new: dict[str, int] = defaultdict(int)
    rows = (
        Designation.objects.filter(via_firm)
        .filter(active | granted)
        .values("firm__district_id", "firm__cluster_id", "tier")
        .annotate(active=Count("id", filter=active), new=Count("id", filter=granted))
        .order_by()
    )
    for row in rows:
        tier = row["tier"]
        tier_active[tier] += row["active"]
        tier_new[tier] += row["new"]
        if row["active"]:
            for bucket in breakdowns.buckets(row["firm__district_id"], row["firm__cluster_id"]):
                bucket["tiers"][tier] += row["active"]
    growth = Q(tier__in=GROWTH_TIERS)
    growth_firms = Designation.objects.filter(via_firm).aggregate(
        active=Count("firm", distinct=True, filter=active & growth),
        new=Count("firm", distinct=True, filter=granted & growth),
    )
    return DesignationCounts(tier_active, tier_new, growth_firms["active"], growth_firms["new"])


def _new_cohort(cohort_year: int) -> dict:
    return {
        "cohort_year": cohort_year,
        "baseline_year": cohort_year - 1,
        "check_year": cohort_year - 1 + POOL_CHECK_AFTER_YEARS,
        "members": 0,
        "baseline_revenue": Decimal("0"),
        "statuses": dict.fromkeys(POOL_STATUSES, 0),
        "judged_on": None,
        "trajectory": [],
    }


def _pool_cohorts(via_firm: Q, year: int) -> dict[int, dict]:
    """The hard-tech pool's cohorts up to the year, by status, with their baselines and trajectories."""
    cohorts: dict[int, dict] = {}
    for row in (
        PoolMembership.objects.filter(via_firm, cohort_year__lte=year)
        .values("cohort_year", "status")
        .annotate(n=Count("id"), baseline=Sum("baseline_revenue"), judged=Max("judged_on"))
        .order_by()
    ):
        cohort = cohorts.setdefault(row["cohort_year"], _new_cohort(row["cohort_year"]))
        # The statuses are the pool scan's stored ratings; judged_on is the day it last rated them.
        if row["judged"] and (cohort["judged_on"] is None or row["judged"] > cohort["judged_on"]):
            cohort["judged_on"] = row["judged"]
        cohort["members"] += row["n"]
        cohort["baseline_revenue"] += row["baseline"] or 0
        cohort["statuses"][row["status"]] += row["n"]
    _add_trajectories(cohorts, via_firm, year)
    return cohorts


def _add_trajectories(cohorts: dict[int, dict], via_firm: Q, year: int) -> None:
    """Per cohort and fiscal year after the baseline, revenue over baseline of the members with figures
    that year, against the doubling path 2^(k/3)."""
    membership = "firm__pool_membership__"
    rows = (
        AnnualFigures.objects.filter(via_firm, **{f"{membership}cohort_year__lte": year})
        .filter(**{f"{membership}cohort_year__isnull": False})
        .values(f"{membership}cohort_year", "year")
        .annotate(
            n=Count("id"), revenue=Sum("operating_revenue"), baseline=Sum(f"{membership}baseline_revenue")
        )
        .order_by(f"{membership}cohort_year", "year")
    )
    for row in rows:
        cohort = cohorts.get(row[f"{membership}cohort_year"])
        offset = row["year"] - (cohort["baseline_year"] if cohort else 0)
        if cohort is None or not 1 <= offset <= POOL_CHECK_AFTER_YEARS or not row["baseline"]:
            continue
        cohort["trajectory"].append(
            {
                "year": row["year"],
                "offset": offset,
                "members": row["n"],
                "ratio": round(float(row["revenue"] / row["baseline"]), 4),
                "path": round(POOL_GROWTH_FACTOR ** (offset / POOL_CHECK_AFTER_YEARS), 4),
            }
        )


def _pool_counts(cohorts: dict[int, dict], year: int) -> tuple[int, int]:
    """Members of every cohort so far, and of the year's cohort."""
    return sum(c["members"] for c in cohorts.values()), cohorts[year]["members"] if year in cohorts else 0


def _tiers(designations: DesignationCounts, cohorts: dict[int, dict], year: int, targets: dict) -> list[dict]:
    """Each designation tier, then the hard-tech pool and the growth pool, with their targets."""
    rows = [
        _tier_row(code, TIERS[code].label, designations.active[code], designations.new[code], targets)
        for code in DESIGNATION_TIERS
    ]
    pool_members, pool_new = _pool_counts(cohorts, year)
    rows.append(_tier_row(HARDTECH_POOL, TIERS[HARDTECH_POOL].label, pool_members, pool_new, targets))
    rows.append(
        _tier_row(
            GAZELLE_POOL, GAZELLE_POOL_LABEL, designations.growth_active, designations.growth_new, targets
        )
    )
    return rows


def _cluster_levels(breakdowns: Breakdowns) -> list[dict]:
    labels = {**dict(Cluster.Level.choices), NO_CLUSTER: _("未归属集群")}
    return [
        {"level": level, "label": str(labels[level]), **breakdowns.by_level[level]}
        for level in [*Cluster.Level.values, NO_CLUSTER]
        if level in breakdowns.by_level
    ]


def _districts(breakdowns: Breakdowns) -> list[dict]:
    """The districts with firms in scope, by code, named in the active language (38 rows read)."""
    in_english = (get_language() or "zh-hans").startswith("en")
    names = {
        pk: (code, name_en if in_english else name_zh)
        for pk, code, name_zh, name_en in District.objects.values_list("pk", "code", "name_zh", "name_en")
    }
    rows = ({"code": names[pk][0], "name": names[pk][1], **b} for pk, b in breakdowns.by_district.items())
    return sorted(rows, key=lambda row: row["code"])


def _pool(cohorts: dict[int, dict], year: int) -> dict:
    members, new = _pool_counts(cohorts, year)
    return {
        "members": members,
        "new": new,
        "cohorts": [
            {
                **c,
                "baseline_revenue": str(c["baseline_revenue"]),
                "judged_on": c["judged_on"].isoformat() if c["judged_on"] else None,
            }
            for _y, c in sorted(cohorts.items())
        ],
    }


def _applications(via_firm: Q, year: int) -> dict:
    """Applications opened in the year, by status."""
    counts = dict(
        Application.objects.filter(via_firm, created_at__year=year)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("status", "n")
    )
    return {
        "total": sum(counts.values()),
        "by_status": [
            {"status": s.value, "label": str(s.label), "count": counts.get(s.value, 0)} for s in Status
        ],
    }


def _intensity(row: dict) -> tuple[float | None, float | None]:
    """A group's average of its firms' R&D intensities, and its R&D over its revenue, as fractions."""
    average = round(row["average"], 4) if row["average"] is not None else None
    overall = round(float(row["rd"] / row["revenue"]), 4) if row["revenue"] else None
    return average, overall


def _rd_intensity(via_firm: Q, active: Q, fiscal_year: int) -> dict:
    """R&D intensity (研发费用 / 营业收入) in the last complete fiscal year: every firm in scope, then the
    holders of each quality-ladder tier on the dashboard's day, each against the register (the 专精特新
    firms' lead is the programme's headline). Two queries; firms without revenue that year are left out.

    ``average`` is the mean of the firms' own intensities (each firm counts once, as the programme
    reports it); ``overall`` is the group's R&D over its revenue (weighted by size), shown beside it.
    """
    ratio = Cast("rd_expense", FloatField()) / Cast("operating_revenue", FloatField())
    # COUNT(*), not COUNT(id): every column the register's row reads is in the index ``figures_year_rd``, so
    # PostgreSQL reads a fiscal year from the index alone (0.3 s at a million firms, 0.65 s from the table).
    totals = {"firms": Count("*"), "rd": Sum("rd_expense"), "revenue": Sum("operating_revenue")}
    figures = AnnualFigures.objects.filter(via_firm, year=fiscal_year, operating_revenue__gt=0)
    register = figures.aggregate(average=Avg(ratio), **totals)
    holders = {
        row["tier"]: row
        for row in Designation.objects.filter(via_firm, active, tier__in=LADDERS[QUALITY])
        .filter(firm__figures__year=fiscal_year, firm__figures__operating_revenue__gt=0)
        .values("tier")
        .annotate(
            firms=Count("id"),
            average=Avg(
                Cast("firm__figures__rd_expense", FloatField())
                / Cast("firm__figures__operating_revenue", FloatField())
            ),
            rd=Sum("firm__figures__rd_expense"),
            revenue=Sum("firm__figures__operating_revenue"),
        )
        .order_by()
    }
    base_average = _intensity(register)[0]
    groups = [{"code": REGISTER, "label": str(REGISTER_LABEL), "firms": register["firms"], "row": register}]
    empty = {"firms": 0, "average": None, "rd": None, "revenue": None}
    for code in LADDERS[QUALITY]:
        row = holders.get(code, empty)
        groups.append({"code": code, "label": str(TIERS[code].label), "firms": row["firms"], "row": row})
    for group in groups:
        group["average"], group["overall"] = _intensity(group.pop("row"))
        lead = None
        if group["average"] is not None and base_average is not None:
            lead = round(100 * (group["average"] - base_average), 2)
        group["lead_points"] = lead
    return {"fiscal_year": fiscal_year, "groups": groups}


def dashboard(scope: Scope, filters: Filters, today: datetime.date | None = None) -> dict:
    """The dashboard as the API, the page and the exports show it: computed once per scope, filters, day,
    language and data version, then served from the cache (``cultivation.dashboard_cache``)."""
    today = today or timezone.localdate()
    key = (
        get_language() or "",
        today.isoformat(),
        scope.everything,
        scope.district_id,
        scope.firm_id,
        filters.year,
        filters.district.pk if filters.district else None,
        filters.cluster.pk if filters.cluster else None,
    )
    return cached(key, lambda: compute_dashboard(scope, filters, today))
