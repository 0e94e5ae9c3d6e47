"""The alerting scans (docs/ARCHITECTURE.md): promotion due, expiry and renewal, overdue figures, the pool.

Each is a ``scanning.Scan``: its chunks look at one range (or list) of firm ids in a constant number
of queries, feed the pure rules, and raise alerts through ``raise_alerts`` in one transaction. Chunks
are independent and idempotent (alerts are unique on kind, firm, tier and period), so Celery can run
them in parallel, retry them, or rerun a scan after a worker died mid-way without losing or doubling
anything. They are registered in ``cultivation.scans``.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Q

from registry.models import AnnualFigures, Firm

from .change_feed import record_designations_updated
from .dashboard_cache import invalidate_dashboard
from .models import (
    Application,
    Designation,
    Disqualification,
    FirmChange,
    PoolMembership,
    ScanWatermark,
    Target,
)
from .models.alerts import Alert, AlertKind
from .models.scanning import mark_changed
from .rules.attestations import EVENT_CODES, event_window_start
from .rules.deadlines import expiry_window, overdue_fiscal_year
from .rules.evaluator import evaluate, verdicts
from .rules.pool import POOL_ANNUAL_INTAKE, rate_pool_member
from .rules.ruleset import InForce
from .scanning import CHUNK_SIZE, Chunk, Scan, ScanKind, ScanResult, WholeRegisterScan, firm_id_ranges
from .selectors import FirmSet, ScannedFirm, rule_set_on, scan_facts
from .services.alerts import AlertDraft, raise_alerts
from .services.stages import StageMove, settle_stages, stage_moves
from .tiers import HARDTECH_POOL, TIERS, derive_stage, promotion_tiers, renewal_opens_on

CANDIDATES_LISTED = 50


def commit(kind: ScanKind, drafts: list[AlertDraft], examined: int) -> ScanResult:
    """Raise the chunk's alerts in one transaction and count what was new."""
    with transaction.atomic():
        new_ids = raise_alerts(drafts)
    result = ScanResult(kind, examined=examined, acted=len(new_ids))
    new = set(new_ids)
    if new:
        for alert_kind in Alert.objects.filter(pk__in=new).values_list("kind", flat=True):
            result.by_kind[alert_kind] = result.by_kind.get(alert_kind, 0) + 1
    return result


def promotion_targets(active: frozenset[str]) -> list[str]:
    """Every tier the firm may apply for above what it holds (``tiers.promotion_tiers``, P6 revised),
    not only the next rung: the application service's ladder check reads the same prerequisites."""
    return promotion_tiers(active)


class PromotionDue(Scan):
    """Firms meeting a tier above what they hold (or pending on attestations), not applied for; stages.

    The nightly run is incremental: only firms whose records (or dates) changed since the last run
    are judged again (``promotion_chunks``).
    """

    kind = ScanKind.PROMOTION_DUE

    def plan(
        self, as_of: datetime.date, *, incremental: bool = False, chunk_size: int = CHUNK_SIZE
    ) -> list[Chunk]:
        return [Chunk(as_of, firms) for firms in promotion_chunks(as_of, incremental, chunk_size)]

    def judge(self, chunk: Chunk) -> ScanResult:
        return promotion_scan(chunk.as_of, chunk.firms)


def promotion_scan(as_of: datetime.date, firms: FirmSet) -> ScanResult:
    """The promotion scan over ``firms`` in a fixed number of queries (``tests/scans`` pins them).

    Only the tiers that can still raise an alert are judged: every tier the firm may apply for above
    what it holds (``promotion_targets``), unless this year's alert exists or an application is open.
    They are judged yes/no (``verdicts``); the full report, for the alert's score, is built only for
    the few new alerts. A stage the facts imply other than the stored one is settled by the stage's
    owner (``services.stages``), whose alert is raised with this chunk's. The change log of these
    firms is cleared first, in the same transaction, so a change committed meanwhile is kept for the
    next incremental scan.
    """
    period = str(as_of.year)
    with transaction.atomic():
        FirmChange.objects.filter(**firms.lookup("firm_id")).delete()
        with gc_paused():  # the chunk's facts are freed inside, see ``gc_paused``
            drafts, moves, examined = _judge_promotions(as_of, firms, period)
        drafts += settle_stages(moves, on=as_of)
        return commit(ScanKind.PROMOTION_DUE, drafts, examined)


def _judge_promotions(
    as_of: datetime.date, firms: FirmSet, period: str
) -> tuple[list[AlertDraft], list[StageMove], int]:
    """Read and judge a chunk: the new alerts' drafts, the stage moves, how many firms were judged."""
    scanned = scan_facts(firms, as_of)
    settled = set(
        Alert.objects.filter(kind=AlertKind.PROMOTION_DUE, period=period, **firms.lookup()).values_list(
            "firm_id", "tier"
        )
    )
    settled |= set(Application.objects.open().filter(**firms.lookup()).values_list("firm_id", "tier"))
    rule_set = rule_set_on(as_of)
    drafts, moves = [], []
    ladder: dict[tuple[frozenset[str], bool], tuple[tuple[str, ...], str]] = {}
    for firm in scanned:
        held, listed = firm.facts.designations, firm.facts.listed
        if (rungs := ladder.get((held, listed))) is None:
            rungs = ladder[held, listed] = _rungs(held, listed, rule_set)
        rated, stage = rungs
        targets = [t for t in rated if (firm.id, t) not in settled]
        due = [
            tier for tier, verdict in verdicts(firm.facts, rule_set, targets).items() if verdict is not False
        ]
        if due:
            drafts += _promotion_drafts(firm, due, rule_set, period)
        if stage != firm.stage:
            moves.append(StageMove(firm.id, firm.district_id, firm.stage, stage))
    return drafts, moves, len(scanned)


def _rungs(held: frozenset[str], listed: bool, rule_set: InForce) -> tuple[tuple[str, ...], str]:
    """The tiers a firm holding ``held`` may be promoted to that have rules in force (none yet: no
    alert), and the stage it implies. A chunk keeps them per distinct (held, listed): few, and the
    same for most firms."""
    rated = tuple(t for t in promotion_targets(held) if rule_set.rates(t))
    return rated, derive_stage(held, listed=listed).value


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one chunk.

    A chunk builds about ten objects per firm (facts, figures years) that live until it ends; each
    700 allocations the collector walks them, and every older object too. They hold no cycles, so
    reference counting frees them all the same: 15% less CPU per chunk (docs/PERFORMANCE.md). Free
    them inside (return from a function called within): objects still alive when the collector
    resumes count as that many allocations, and the next allocation walks them all.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def promotion_chunks(
    as_of: datetime.date, incremental: bool = False, chunk_size: int = CHUNK_SIZE
) -> list[FirmSet]:
    """Plan a promotion scan: the firm sets to judge, and the day recorded as judged.

    Incremental: the firms in the change log, after logging those whose facts change with the date
    alone since the last scan's day. A full scan when there is no earlier scan, or the year, the rule
    set in force or the direction of time changed, or the gap is too long for the date rules below.
    """
    rule_set = _watermark_key(rule_set_on(as_of).key)
    mark = ScanWatermark.objects.filter(kind=ScanKind.PROMOTION_DUE).first()
    full = not incremental or not _incremental_possible(mark, as_of, rule_set)
    with transaction.atomic():
        if not full:
            mark_changed(firms_changed_by_date(mark.as_of, as_of))
        ScanWatermark.objects.update_or_create(
            kind=ScanKind.PROMOTION_DUE, defaults={"as_of": as_of, "rule_set": rule_set}
        )
    if full:
        return [FirmSet.between(first, last) for first, last in firm_id_ranges(chunk_size)]
    ids = sorted(set(FirmChange.objects.values_list("firm_id", flat=True)))
    return [FirmSet.of(ids[start : start + chunk_size]) for start in range(0, len(ids), chunk_size)]


MAX_INCREMENTAL_GAP = datetime.timedelta(days=62)


def _watermark_key(key: str) -> str:
    """Every set applied (``CN-2022-R2025+CQ-2024``), so a change of either line plans a full scan;
    a key longer than the column is replaced by its digest."""
    return key if len(key) <= 40 else hashlib.sha1(key.encode()).hexdigest()


def _incremental_possible(mark: ScanWatermark | None, as_of: datetime.date, rule_set: str) -> bool:
    return (
        mark is not None
        and mark.rule_set == rule_set
        and mark.as_of.year == as_of.year  # a new fiscal year moves every firm's figures window
        and mark.as_of <= as_of <= mark.as_of + MAX_INCREMENTAL_GAP
    )


def firms_changed_by_date(since: datetime.date, until: datetime.date) -> set[int]:
    """Firms whose facts differ between the two days (same year) although no record changed.

    A designation starts or lapses, a disqualification starts, is lifted or (an event, never a
    listing) leaves its three-year window, a firm reaches an anniversary of its founding (age rules).
    Three queries.
    """
    if until <= since:
        return set()
    lapsing = Q(granted_on__gt=since, granted_on__lte=until) | Q(expires_on__gte=since, expires_on__lt=until)
    changed = set(Designation.objects.filter(lapsing).values_list("firm_id", flat=True))
    window = Q(occurred_on__gt=since, occurred_on__lte=until) | Q(lifted_on__gt=since, lifted_on__lte=until)
    window |= Q(  # an event leaves its three years; a listing never leaves by time, only when lifted
        code__in=EVENT_CODES,
        occurred_on__gt=event_window_start(since),
        occurred_on__lte=event_window_start(until),
    )
    changed |= set(Disqualification.objects.filter(window).values_list("firm_id", flat=True))
    days = [since + datetime.timedelta(days=n) for n in range(1, (until - since).days + 1)]
    birthdays = Q()
    for day in days:
        birthdays |= Q(founded_on__month=day.month, founded_on__day=day.day)
        if day.month == 3 and day.day == 1:  # 29 February founders count from 1 March in common years
            birthdays |= Q(founded_on__month=2, founded_on__day=29)
    changed |= set(Firm.objects.filter(birthdays).values_list("pk", flat=True))
    return changed


def _promotion_drafts(firm: ScannedFirm, tiers: list[str], rule_set, period: str) -> list[AlertDraft]:
    report = evaluate(firm.facts, rule_set, tiers=tiers)
    drafts = []
    for tier in tiers:
        payload = {
            "eligible": report[tier].eligible,
            "rule_set": report[tier].rule_set,  # the set that rated the tier (national or Chongqing's)
            "score": _text(report[tier].score),
        }
        drafts.append(AlertDraft(AlertKind.PROMOTION_DUE, period, firm.id, firm.district_id, tier, payload))
    return drafts


def _draft(kind: str, period: str, firm: Firm, tier: str, payload: dict) -> AlertDraft:
    return AlertDraft(kind, period, firm.pk, firm.district_id, tier, payload)


def _text(value) -> str | None:
    return None if value is None else str(value)


class DesignationExpiring(Scan):
    """180/90/30-day expiry alerts, the renewal window opening, and expiring what has lapsed (which
    settles the stage of those firms, with its alert)."""

    kind = ScanKind.DESIGNATION_EXPIRING

    def judge(self, chunk: Chunk) -> ScanResult:
        return designation_expiring(chunk.as_of, chunk.firms)


def designation_expiring(as_of: datetime.date, firms: FirmSet) -> ScanResult:
    in_range = Designation.objects.filter(**firms.lookup(), status=Designation.Status.ACTIVE)
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
    examined = len(lapsed) + len(drafts)
    with transaction.atomic():
        if lapsed:
            Designation.objects.filter(pk__in=[pk for pk, _ in lapsed]).update(
                status=Designation.Status.EXPIRED
            )
            record_designations_updated(lapsed)  # the change feed: an update() sends no signal
            invalidate_dashboard()
            drafts += settle_stages(stage_moves({firm_id for _, firm_id in lapsed}, on=as_of), on=as_of)
        return commit(ScanKind.DESIGNATION_EXPIRING, drafts, examined)


class FiguresOverdue(Scan):
    """Programme firms (active designation or pool member) without last year's figures after 30 April."""

    kind = ScanKind.FIGURES_OVERDUE

    def judge(self, chunk: Chunk) -> ScanResult:
        return figures_overdue(chunk.as_of, chunk.firms)


def figures_overdue(as_of: datetime.date, among: FirmSet) -> ScanResult:
    fiscal_year = overdue_fiscal_year(as_of)
    if fiscal_year is None:
        return ScanResult(ScanKind.FIGURES_OVERDUE)
    in_programme = Q(designations__status=Designation.Status.ACTIVE) | Q(pool_membership__isnull=False)
    firms = (
        Firm.objects.filter(**among.lookup("pk"))
        .filter(in_programme)
        .exclude(figures__year=fiscal_year)
        .distinct()
        .only("pk", "district_id")
    )
    payload = {"fiscal_year": fiscal_year}
    drafts = [_draft(AlertKind.FIGURES_OVERDUE, str(fiscal_year), firm, "", payload) for firm in firms]
    return commit(ScanKind.FIGURES_OVERDUE, drafts, len(drafts))


RATING_FIELDS = ("status", "rating_reason", "rated_year", "rated_revenue", "judged_on")


class PoolRating(Scan):
    """Rate each pool member and store the rating; alert a new path rating or check outcome."""

    kind = ScanKind.POOL_RATING

    def judge(self, chunk: Chunk) -> ScanResult:
        return pool_rating(chunk.as_of, chunk.firms)


def pool_rating(as_of: datetime.date, firms: FirmSet) -> ScanResult:
    """Rate each pool member on ``as_of`` and store the rating, why, and the day (P8, P9).

    The stored rating is what the admin, the API and the dashboard show. A change of path rating
    raises a ``pool_rating`` alert; a change of the check's outcome (doubled, missed below target,
    missed with the figures overdue) raises a ``pool_check`` alert whose period names the outcome, so
    a member rated missed on 1 May for want of figures and doubled when they come in June is told
    both, each once.
    """
    members = list(PoolMembership.objects.filter(**firms.lookup()).select_related("firm"))
    revenues: dict[int, dict[int, object]] = defaultdict(dict)
    figures = AnnualFigures.objects.filter(
        firm_id__in=[m.firm_id for m in members], year__lt=as_of.year
    ).by_firm()
    for firm_id, year, revenue in figures.values_list("firm_id", "year", "operating_revenue"):
        if revenue is not None:
            revenues[firm_id][year] = revenue
    drafts, changed, status_changed = [], [], False
    for member in members:
        rating = rate_pool_member(
            baseline_year=member.baseline_year,
            baseline_revenue=member.baseline_revenue,
            revenues=revenues[member.firm_id],
            as_of=as_of,
        )
        draft = _rating_alert(member, rating)
        if draft:
            drafts.append(draft)
        status_changed |= rating.status != member.status
        if _store_rating(member, rating, as_of):
            changed.append(member)
    with transaction.atomic():
        PoolMembership.objects.bulk_update(changed, RATING_FIELDS)
        if changed:
            invalidate_dashboard()  # statuses and the day judged are on the dashboard
        return commit(ScanKind.POOL_RATING, drafts, len(members))


def _rating_alert(member: PoolMembership, rating) -> AlertDraft | None:
    """The alert a new rating raises: a new outcome of the check, or a new path rating before it."""
    payload = _rating_payload(member, rating)
    if rating.final:
        # A blank reason is a member rated before reasons were stored: its outcome was told already.
        if rating.status == member.status and member.rating_reason in ("", rating.reason):
            return None
        period = f"{rating.check_year}:{rating.reason}"
        return _draft(AlertKind.POOL_CHECK, period, member.firm, HARDTECH_POOL, payload)
    if rating.status == member.status:
        return None
    period = f"{rating.latest_year}:{rating.status}"
    return _draft(AlertKind.POOL_RATING, period, member.firm, HARDTECH_POOL, payload)


def _store_rating(member: PoolMembership, rating, as_of: datetime.date) -> bool:
    """Put the rating on the member; True when anything stored differs (the day judged included)."""
    revenue = rating.check_revenue if rating.check_revenue is not None else rating.latest_revenue
    year = rating.check_year if rating.check_revenue is not None else rating.latest_year
    values = (str(rating.status), str(rating.reason), year, revenue, as_of)
    if tuple(getattr(member, name) for name in RATING_FIELDS) == values:
        return False
    for name, value in zip(RATING_FIELDS, values, strict=True):
        setattr(member, name, value)
    return True


def _rating_payload(member: PoolMembership, rating) -> dict:
    return {
        "status": str(rating.status),
        "reason": str(rating.reason),
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
    """Firms outside the pool that meet its entry rule, from one chunk, by name (yes/no verdicts on
    plain tuples, as the promotion scan: the search over 100,000 firms took a minute with reports)."""
    firms = FirmSet.between(first_id, last_id)
    members = set(PoolMembership.objects.filter(**firms.lookup()).values_list("firm_id", flat=True))
    rule_set = rule_set_on(as_of)
    if not rule_set.rates(HARDTECH_POOL):  # before Chongqing's pool entry rule exists: no candidates
        return []
    with gc_paused():
        found = [
            firm.id
            for firm in scan_facts(firms, as_of)
            if firm.id not in members
            and verdicts(firm.facts, rule_set, [HARDTECH_POOL])[HARDTECH_POOL] is not False
        ]
    if not found:
        return []
    return list(Firm.objects.filter(pk__in=found).values("credit_code", "name"))


class PoolIntake(WholeRegisterScan):
    """The programme-wide check of this year's pool intake against its target (one alert a quarter)."""

    kind = ScanKind.POOL_INTAKE

    def judge(self, chunk: Chunk) -> ScanResult:
        return pool_intake(chunk.as_of)


def pool_intake(as_of: datetime.date, target: int | None = None) -> ScanResult:
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
        return ScanResult(ScanKind.POOL_INTAKE)
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
    return commit(ScanKind.POOL_INTAKE, [draft], 1)
