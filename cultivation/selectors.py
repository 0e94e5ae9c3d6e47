"""Reads of the programme: rule sets in force, and evaluator facts built from stored records.

Facts for any number of firms are read in a constant number of queries (one
per table), so the firm page, the API and the chunked scans share one path.
"""

from __future__ import annotations

import datetime
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from django.db.models import Count, Max
from django.utils import timezone

from registry.models import FIGURE_FIELDS, AnnualFigures, Firm

from .models import Attestation, Designation, Disqualification
from .models import RuleSet as RuleSetRecord
from .rules.evaluator import evaluate
from .rules.facts import NEW, RENEWAL, Attest, Facts, FigureRow, YearFigures
from .rules.results import EligibilityReport
from .rules.ruleset import InForce, RuleSet, in_force
from .tiers import HARDTECH_POOL

YEARS_LOOKED_BACK = 6  # the longest rule (3-year CAGR from a start year) needs 4; keep margin

_cache_lock = threading.Lock()
_cache: dict[str, object] = {"key": None, "sets": ()}


def rule_sets() -> tuple[RuleSet, ...]:
    """Every published rule set, parsed once per process and re-read when a version is published.

    Drafts (issue 16) are never among them: nothing that decides (scans, applications, the firm's
    self-check, what-if) can apply one. The key counts published rows too, since publishing a draft
    adds no id.
    """
    published = RuleSetRecord.objects.published()
    key = tuple(published.aggregate(last=Max("id"), count=Count("id")).values())
    with _cache_lock:
        if _cache["key"] != key or not _cache["sets"]:
            records = published.order_by("effective_from").only("definition")
            _cache["sets"] = tuple(RuleSet.from_dict(r.definition) for r in records)
            _cache["key"] = key
        return _cache["sets"]  # type: ignore[return-value]


def rule_set_named(code: str) -> RuleSet:
    """The published set with this code; ``LookupError`` when there is none (a draft is none)."""
    for rule_set in rule_sets():
        if rule_set.code == code:
            return rule_set
    raise LookupError(code)


def rule_set_version(code: str) -> RuleSet:
    """Any stored version by code, a draft too: what an impact report or a sweep compares (never decides).

    ``LookupError`` when there is none.
    """
    if (record := RuleSetRecord.objects.filter(code=code).only("definition").first()) is None:
        raise LookupError(code)
    return RuleSet.from_dict(record.definition)


def is_draft(code: str | None) -> bool:
    """Whether ``code`` names a draft version (issue 16)."""
    return bool(code) and RuleSetRecord.objects.drafts().filter(code=code).exists()


def previewed_in_force(code: str, day: datetime.date) -> InForce:
    """The sets of ``day`` with version ``code`` (a draft too) in its line's place: for previews only
    (worked cases, impact reports), never for a decision."""
    return in_force(day, rule_sets(), named=rule_set_version(code))


def rule_set_on(day: datetime.date) -> InForce:
    """The sets in force on ``day`` (P1): the national set and Chongqing's, combined (issue 15).

    ``evaluate``/``verdicts`` take the combination as they take one set; ``part_for(tier)`` is the
    set that rates a tier (what an application stores), ``not_yet`` the tiers whose rules start later.
    """
    return in_force(day, rule_sets())


def rule_set_rating(tier: str, day: datetime.date) -> RuleSet | None:
    """The stored set whose rules for ``tier`` are in force on ``day``; None before any exists.

    E.g. the hard-tech pool's entry rule on an admission day (CQ-2024 from 2024-12-18).
    """
    return rule_set_on(day).part_for(tier)


def pool_entry_rule_on(day: datetime.date) -> RuleSet | None:
    """The set holding the hard-tech pool's entry rule in force on ``day`` (None before it exists)."""
    return rule_set_rating(HARDTECH_POOL, day)


def facts_for(firms: Iterable[Firm], as_of: datetime.date | None = None) -> dict[int, Facts]:
    """Evaluator facts for each firm, keyed by firm id, in five queries whatever the count.

    ``firms`` should come with ``select_related("cluster")``. Only confirmed
    attestations count as met; live claims count as pending (P3).
    """
    as_of = as_of or timezone.localdate()
    firms = list(firms)
    records = _records(as_of, {"firm__in": [firm.pk for firm in firms]})
    return {firm.pk: _facts(as_of, firm.pk, _firm_facts(firm), records) for firm in firms}


# The columns ``_figures`` reads, matched to ``YearFigures``' fields by name once.
FIGURE_ROW = ("firm_id", "year", *FIGURE_FIELDS)
_read_figures = YearFigures.reader(FIGURE_ROW)
_firm_id = itemgetter(0)


def _figures(as_of: datetime.date, lookup: dict) -> dict[int, list[YearFigures]]:
    """The fiscal years the rules can look at, per firm id, as plain ``YearFigures``."""
    rows = list(
        AnnualFigures.objects.filter(
            **lookup, year__gte=as_of.year - YEARS_LOOKED_BACK, year__lt=as_of.year
        )
        .by_firm()
        .values_list(*FIGURE_ROW)
    )
    out: dict[int, list[YearFigures]] = defaultdict(list)
    for firm_id, figures in zip(map(_firm_id, rows), _read_figures(rows), strict=True):
        out[firm_id].append(figures)
    return out


@dataclass(frozen=True)
class FirmSet:
    """The firms one scan chunk covers: an id range (full scans) or a list of ids (incremental).

    A range keeps every query's SQL the same size whatever the chunk size; Django builds a
    2,000-item ``IN`` list in Python for each of the five fact queries.
    """

    first_id: int | None = None
    last_id: int | None = None
    ids: tuple[int, ...] | None = None

    @classmethod
    def between(cls, first_id: int, last_id: int) -> FirmSet:
        return cls(first_id=first_id, last_id=last_id)

    @classmethod
    def of(cls, ids: Iterable[int]) -> FirmSet:
        return cls(ids=tuple(sorted(set(ids))))

    def lookup(self, field: str = "firm__pk") -> dict:
        """The filter selecting these firms through ``field``, the path to the firm id (``pk`` on Firm)."""
        if self.ids is not None:
            return {f"{field}__in": self.ids}
        return {f"{field}__range": (self.first_id, self.last_id)}


@dataclass(frozen=True, slots=True)
class ScannedFirm:
    """A firm as a scan sees it: what an alert needs besides its facts."""

    id: int
    district_id: int | None
    stage: str
    facts: Facts


# The firm's own facts, by the ``Facts`` field each fills and the column it is read from: ``facts_for``
# reads them off model instances, the scan off ``values_list`` rows, both by name through this one map.
FIRM_FACT_COLUMNS: dict[str, str] = {
    "founded_on": "founded_on",
    "niche_since": "niche_since",
    "niche_since_month": "niche_since_month",
    "sector": "sector",
    "strategic_emerging": "strategic_emerging",
    "listed": "is_listed",
    "cluster": "cluster__code",
}
SCAN_FIRM_FIELDS = ("id", "district_id", "stage", *FIRM_FACT_COLUMNS.values())


def _firm_facts(firm: Firm) -> dict:
    """The firm's own facts read off a model instance (the cluster through ``select_related``)."""
    facts = {name: getattr(firm, column) for name, column in FIRM_FACT_COLUMNS.items() if "__" not in column}
    facts["cluster"] = firm.cluster.code if firm.cluster_id else None
    return facts


def scan_facts(firms: FirmSet, as_of: datetime.date) -> list[ScannedFirm]:
    """``facts_for`` for a scan chunk: the same facts in five queries of plain tuples, no model instances.

    Building 2,000 ``Firm`` instances with their clusters cost more than judging them; so did
    2,000 checked ``Facts`` and 10,000 ``YearFigures``: the rows are already in the types the facts
    keep, so figures are ``FigureRow`` tuples and facts ``Facts.of_records`` (docs/PERFORMANCE.md).
    """
    rows = Firm.objects.filter(**firms.lookup("pk")).order_by("pk").values_list(*SCAN_FIRM_FIELDS)
    years, designations, attested, flags = _records(as_of, firms.lookup(), _scan_figures)
    names = tuple(FIRM_FACT_COLUMNS)
    empty, none = frozenset(), {}
    of_records = Facts.of_records
    return [
        ScannedFirm(
            firm_id,
            district_id,
            stage,
            of_records(
                as_of,
                dict(zip(names, own, strict=True)),
                frozenset(designations[firm_id]) if firm_id in designations else empty,
                attested.get(firm_id, none),
                frozenset(flags[firm_id]) if firm_id in flags else empty,
                years.get(firm_id, none),
            ),
        )
        for firm_id, district_id, stage, *own in rows
    ]


_read_rows = FigureRow.reader(FIGURE_ROW)


def _scan_figures(as_of: datetime.date, lookup: dict) -> dict[int, dict[int, FigureRow]]:
    """``_figures`` for a scan: per firm id, its ``FigureRow``s by year, ready for ``Facts.of_records``."""
    rows = list(
        AnnualFigures.objects.filter(
            **lookup, year__gte=as_of.year - YEARS_LOOKED_BACK, year__lt=as_of.year
        )
        .by_firm()
        .values_list(*FIGURE_ROW)
    )
    out: dict[int, dict[int, FigureRow]] = defaultdict(dict)
    for firm_id, figures in zip(map(_firm_id, rows), _read_rows(rows), strict=True):
        out[firm_id][figures.year] = figures
    return out


def _records(as_of: datetime.date, lookup: dict, figures=_figures) -> tuple[dict, dict, dict, dict]:
    """Figures (read by ``figures``), active designations, live attestations and flags in force, per
    firm id (four queries)."""
    designations = defaultdict(set)
    for firm_id, tier in Designation.objects.active(as_of).filter(**lookup).values_list("firm_id", "tier"):
        designations[firm_id].add(tier)
    attested: dict[int, dict[str, Attest]] = defaultdict(dict)
    for firm_id, code, status in (
        Attestation.objects.live().filter(**lookup).values_list("firm_id", "code", "status")
    ):
        attested[firm_id][code] = (
            Attest.CONFIRMED if status == Attestation.Status.CONFIRMED else Attest.CLAIMED
        )
    flags = defaultdict(set)
    for firm_id, code in (
        Disqualification.objects.in_force(as_of).filter(**lookup).values_list("firm_id", "code")
    ):
        flags[firm_id].add(code)
    return figures(as_of, lookup), designations, attested, flags


def _facts(as_of: datetime.date, firm_id: int, own: dict, records: tuple) -> Facts:
    """Facts from the firm's own fields (``FIRM_FACT_COLUMNS`` names) and its records, by name."""
    years, designations, attested, flags = records
    return Facts(
        as_of=as_of,
        **own,
        designations=frozenset(designations.get(firm_id, ())),
        attested=attested.get(firm_id, {}),
        disqualifications=frozenset(flags.get(firm_id, ())),
        years=years.get(firm_id, ()),
    )


def facts_for_firm(firm: Firm, as_of: datetime.date | None = None, kind: str = NEW) -> Facts:
    """One firm's facts; ``kind`` "renewal" judges them as a 复核 (criteria waived or varied for one)."""
    facts = facts_for([firm], as_of)[firm.pk]
    return facts if kind == NEW else facts.with_changes(application_kind=kind)


def rule_set_for_request(code: str | None, as_of: datetime.date) -> InForce:
    """The sets in force on ``as_of``; a named set takes the place of its jurisdiction's (national or
    Chongqing), whatever its dates, so ``CN-2022`` named in 2025 still gives the unmodified 2022 rules."""
    if not code:
        return rule_set_on(as_of)
    return in_force(as_of, rule_sets(), named=rule_set_named(code))


def eligibility_of_facts(facts: Facts, rule_set_code: str | None = None) -> EligibilityReport:
    """Evaluate facts against every tier: the one path behind the API, admin, portal and CLI."""
    return evaluate(facts, rule_set_for_request(rule_set_code, facts.as_of))


def self_check(facts: Facts, rule_set_code: str | None = None) -> EligibilityReport:
    """A firm's own view: a new application for the tiers it does not hold, a 复核 for those it holds.

    A tier held can only be applied for again as a renewal, so its answer is the renewal's (growth
    waived where the rule set says so); each tier's report says which (``application_kind``).
    """
    rule_set = rule_set_for_request(rule_set_code, facts.as_of)
    report = evaluate(facts, rule_set)
    held = [tier for tier in report.tiers if tier in facts.designations]
    if held and facts.application_kind == NEW:
        renewal = evaluate(facts.with_changes(application_kind=RENEWAL), rule_set, held)
        report.tiers.update(renewal.tiers)
    return report


def eligibility_of_firm(
    firm: Firm, as_of: datetime.date | None = None, rule_set_code: str | None = None
) -> EligibilityReport:
    """A stored firm's eligibility report, from its records as they stand (held tiers as a 复核)."""
    return self_check(facts_for_firm(firm, as_of), rule_set_code)
