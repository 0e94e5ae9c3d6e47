"""The alerting scans (DESIGN §5): promotion due, expiry and renewal, overdue figures, the pool.

Each chunked scan looks at one range of firm ids in a constant number of
queries, feeds the pure rules, and raises alerts through ``raise_alerts`` in
one transaction. Chunks are independent and idempotent (alerts are unique on
kind, firm, tier and period), so Celery can run them in parallel, retry them,
or rerun a scan after a worker died mid-way without losing or doubling anything.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Min, Q

from registry.models import AnnualFigures, Firm

from .models import Application, Designation, PoolMembership, Target
from .models.alerts import Alert, AlertKind
from .rules.evaluator import evaluate
from .rules.programme import (
    POOL_ANNUAL_INTAKE,
    PoolStatus,
    expiry_window,
    overdue_fiscal_year,
    rate_pool_member,
)
from .selectors import facts_for, rule_set_on
from .services.alerts import AlertDraft, raise_alerts
from .tiers import HARDTECH_POOL, LADDERS, TIERS, derive_stage, next_rung, renewal_opens_on

CHUNK_SIZE = 2000
CANDIDATES_LISTED = 50


@dataclass
class ChunkResult:
    """What one chunk examined and raised; summed by ``run_scans`` and the Celery callback."""

    examined: int = 0
    alerts: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def add(self, other: ChunkResult) -> ChunkResult:
        self.examined += other.examined
        self.alerts += other.alerts
        for kind, count in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + count
        return self


ChunkScan = Callable[[datetime.date, int, int], ChunkResult]
CHUNKED: dict[str, ChunkScan] = {}


def chunked(kind: str) -> Callable[[ChunkScan], ChunkScan]:
    def register(function: ChunkScan) -> ChunkScan:
        CHUNKED[kind] = function
        return function

    return register


def firm_id_ranges(chunk_size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """Inclusive id ranges covering the register; ids are dense enough that ranges stay balanced."""
    bounds = Firm.objects.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        return []
    return [
        (start, min(start + chunk_size - 1, bounds["high"]))
        for start in range(bounds["low"], bounds["high"] + 1, chunk_size)
    ]


def commit(drafts: list[AlertDraft], examined: int) -> ChunkResult:
    """Raise the chunk's alerts in one transaction and count what was new."""
    with transaction.atomic():
        new_ids = raise_alerts(drafts)
    result = ChunkResult(examined=examined, alerts=len(new_ids))
    new = set(new_ids)
    if new:
        for kind in Alert.objects.filter(pk__in=new).values_list("kind", flat=True):
            result.by_kind[kind] = result.by_kind.get(kind, 0) + 1
    return result


def promotion_targets(active: frozenset[str]) -> list[str]:
    """The next rung on each ladder: above the highest held rung, or the first rung when none is held."""
    targets = []
    for ladder in LADDERS.values():
        held = [tier for tier in ladder if tier in active]
        target = next_rung(held[-1]) if held else ladder[0]
        if target:
            targets.append(target)
    return targets


@chunked(AlertKind.PROMOTION_DUE)
def promotion_due(as_of: datetime.date, first_id: int, last_id: int) -> ChunkResult:
    """Firms whose next rung is met (or pending only on attestations) and not applied for; stage changes."""
    firms = list(Firm.objects.filter(pk__range=(first_id, last_id)).select_related("cluster"))
    facts = facts_for(firms, as_of)
    applied = set(
        Application.objects.open().filter(firm_id__in=[f.pk for f in firms]).values_list("firm_id", "tier")
    )
    rule_set = rule_set_on(as_of)
    drafts, stages = [], {}
    for firm in firms:
        firm_facts = facts[firm.pk]
        targets = promotion_targets(firm_facts.designations)
        report = evaluate(firm_facts, rule_set, tiers=targets)
        for tier in targets:
            verdict = report[tier].eligible
            if verdict is not False and (firm.pk, tier) not in applied:
                payload = {"eligible": verdict, "rule_set": rule_set.code, "score": _text(report[tier].score)}
                drafts.append(_draft(AlertKind.PROMOTION_DUE, str(as_of.year), firm, tier, payload))
        stage = derive_stage(firm_facts.designations, listed=firm.is_listed).value
        if stage != firm.stage:
            stages[firm.pk] = stage
            payload = {"from": firm.stage, "to": stage}
            drafts.append(_draft(AlertKind.STAGE_CHANGED, f"{as_of.isoformat()}:{stage}", firm, "", payload))
    with transaction.atomic():
        _update_stages(stages)
        result = commit(drafts, len(firms))
    return result


def _update_stages(stages: dict[int, str]) -> None:
    by_stage = defaultdict(list)
    for firm_id, stage in stages.items():
        by_stage[stage].append(firm_id)
    for stage, ids in by_stage.items():
        Firm.objects.filter(pk__in=ids).update(stage=stage)


def _draft(kind: str, period: str, firm: Firm, tier: str, payload: dict) -> AlertDraft:
    return AlertDraft(kind, period, firm.pk, firm.district_id, tier, payload)


def _text(value) -> str | None:
    return None if value is None else str(value)


@chunked(AlertKind.DESIGNATION_EXPIRING)
def designation_expiring(as_of: datetime.date, first_id: int, last_id: int) -> ChunkResult:
    """180/90/30-day expiry alerts, the renewal window opening, and expiring what has lapsed."""
    in_range = Designation.objects.filter(
        firm__pk__range=(first_id, last_id), status=Designation.Status.ACTIVE
    )
    lapsed = list(in_range.filter(expires_on__lt=as_of).values_list("pk", "firm_id"))
    soon = in_range.filter(expires_on__gte=as_of, expires_on__lte=as_of + datetime.timedelta(days=200))
    drafts = []
    for designation in soon.select_related("firm"):
        expires, firm = designation.expires_on, designation.firm
        payload = {"expires_on": expires.isoformat(), "designation": designation.pk}
        window = expiry_window(expires, as_of)
        if window:
            period = f"{expires.isoformat()}:{window}"
            drafts.append(_draft(AlertKind.DESIGNATION_EXPIRING, period, firm, designation.tier, payload))
        if TIERS[designation.tier].validity_years and renewal_opens_on(expires) <= as_of:
            period = expires.isoformat()
            drafts.append(_draft(AlertKind.RENEWAL_WINDOW_OPEN, period, firm, designation.tier, payload))
    with transaction.atomic():
        if lapsed:
            Designation.objects.filter(pk__in=[pk for pk, _ in lapsed]).update(
                status=Designation.Status.EXPIRED
            )
        return commit(drafts, len(lapsed) + len(drafts))


@chunked(AlertKind.FIGURES_OVERDUE)
def figures_overdue(as_of: datetime.date, first_id: int, last_id: int) -> ChunkResult:
    """Programme firms (active designation or pool member) without last year's figures after 30 April."""
    fiscal_year = overdue_fiscal_year(as_of)
    if fiscal_year is None:
        return ChunkResult()
    in_programme = Q(designations__status=Designation.Status.ACTIVE) | Q(pool_membership__isnull=False)
    firms = (
        Firm.objects.filter(pk__range=(first_id, last_id))
        .filter(in_programme)
        .exclude(figures__year=fiscal_year)
        .distinct()
        .only("pk", "district_id")
    )
    payload = {"fiscal_year": fiscal_year}
    drafts = [_draft(AlertKind.FIGURES_OVERDUE, str(fiscal_year), firm, "", payload) for firm in firms]
    return commit(drafts, len(drafts))


@chunked(AlertKind.POOL_RATING)
def pool_rating(as_of: datetime.date, first_id: int, last_id: int) -> ChunkResult:
    """Rate each pool member on its doubling path; alert on every change and at the check year (P8)."""
    members = list(PoolMembership.objects.filter(firm__pk__range=(first_id, last_id)).select_related("firm"))
    revenues: dict[int, dict[int, object]] = defaultdict(dict)
    figures = AnnualFigures.objects.filter(firm_id__in=[m.firm_id for m in members], year__lt=as_of.year)
    for firm_id, year, revenue in figures.values_list("firm_id", "year", "operating_revenue"):
        revenues[firm_id][year] = revenue
    drafts, changed = [], []
    for member in members:
        rating = rate_pool_member(
            baseline_year=member.baseline_year,
            baseline_revenue=member.baseline_revenue,
            revenues=revenues[member.firm_id],
            last_year=as_of.year - 1,
        )
        if rating.status == member.status:
            continue
        member.status = rating.status
        changed.append(member)
        payload = _rating_payload(member, rating)
        final = rating.status in (PoolStatus.DOUBLED, PoolStatus.MISSED)
        kind = AlertKind.POOL_CHECK if final else AlertKind.POOL_RATING
        period = str(rating.check_year) if final else f"{rating.latest_year}:{rating.status}"
        drafts.append(_draft(kind, period, member.firm, HARDTECH_POOL, payload))
    with transaction.atomic():
        PoolMembership.objects.bulk_update(changed, ["status"])
        return commit(drafts, len(members))


def _rating_payload(member: PoolMembership, rating) -> dict:
    return {
        "status": str(rating.status),
        "cohort_year": member.cohort_year,
        "baseline_year": member.baseline_year,
        "baseline_revenue": str(member.baseline_revenue),
        "target_revenue": str(rating.target_revenue),
        "check_year": rating.check_year,
        "latest_year": rating.latest_year,
        "latest_revenue": _text(rating.latest_revenue),
        "check_revenue": _text(rating.check_revenue),
    }


def pool_candidates(as_of: datetime.date, first_id: int, last_id: int) -> list[dict]:
    """Firms outside the pool that meet its entry rule, from one chunk."""
    firms = list(
        Firm.objects.filter(pk__range=(first_id, last_id), pool_membership__isnull=True).select_related(
            "cluster"
        )
    )
    facts = facts_for(firms, as_of)
    rule_set = rule_set_on(as_of)
    found = []
    for firm in firms:
        if evaluate(facts[firm.pk], rule_set, tiers=[HARDTECH_POOL])[HARDTECH_POOL].eligible is not False:
            found.append({"credit_code": firm.credit_code, "name": firm.name})
    return found


def pool_intake(as_of: datetime.date, target: int | None = None) -> ChunkResult:
    """Alert the programme's caseworkers while this year's intake is short of its target (P8, P11).

    One alert per quarter, so a shortfall is repeated until it is met rather than told once a year.
    """
    if target is None:
        # The year's target when the programme recorded one (``Target``, P11), else the policy floor.
        recorded = Target.objects.filter(
            subject=HARDTECH_POOL, year=as_of.year, kind=Target.Kind.NEW_IN_YEAR
        ).values_list("count", flat=True)
        target = next(iter(recorded), POOL_ANNUAL_INTAKE)
    entered = PoolMembership.objects.filter(cohort_year=as_of.year).count()
    quarter = (as_of.month - 1) // 3 + 1
    period = f"{as_of.year}-Q{quarter}"
    if entered >= target or Alert.objects.filter(kind=AlertKind.POOL_INTAKE, period=period).exists():
        return ChunkResult()
    candidates = []
    for first_id, last_id in firm_id_ranges():
        candidates += pool_candidates(as_of, first_id, last_id)
    payload = {
        "year": as_of.year,
        "entered": entered,
        "target": target,
        "candidates_count": len(candidates),
        "candidates": candidates[:CANDIDATES_LISTED],
    }
    draft = AlertDraft(AlertKind.POOL_INTAKE, period, None, None, HARDTECH_POOL, payload)
    return commit([draft], 1)


def run_chunked(
    kind: str, as_of: datetime.date, progress: Callable[[int, int], None] | None = None
) -> ChunkResult:
    """Run one chunked scan in this process, chunk after chunk (``run_scans``; Celery fans out instead)."""
    total = ChunkResult()
    ranges = firm_id_ranges()
    for done, (first_id, last_id) in enumerate(ranges, start=1):
        total.add(CHUNKED[kind](as_of, first_id, last_id))
        if progress:
            progress(done, len(ranges))
    return total


def _register_with_run_scans() -> None:
    """Make every alerting scan available to ``run_scans`` under its kind."""
    from .scans import ScanResult, scan

    def wrap(kind: str):
        def run(as_of: datetime.date, progress=None) -> ScanResult:
            outcome = run_chunked(kind, as_of, progress)
            return ScanResult(kind, examined=outcome.examined, acted=outcome.alerts)

        return run

    for kind in CHUNKED:
        scan(kind, AlertKind(kind).label)(wrap(kind))

    def intake(as_of: datetime.date, progress=None) -> ScanResult:
        outcome = pool_intake(as_of)
        return ScanResult("pool_intake", examined=outcome.examined, acted=outcome.alerts)

    scan("pool_intake", AlertKind.POOL_INTAKE.label)(intake)


_register_with_run_scans()
