"""Reads of the programme: rule sets in force, and evaluator facts built from stored records.

Facts for any number of firms are read in a constant number of queries (one
per table), so the firm page, the API and the chunked scans share one path.
"""

from __future__ import annotations

import datetime
import threading
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Max
from django.utils import timezone

from registry.models import FIGURE_FIELDS, AnnualFigures, Firm

from .models import Attestation, Designation, Disqualification
from .models import RuleSet as RuleSetRecord
from .rules.evaluator import evaluate
from .rules.facts import Attest, Facts, YearFigures
from .rules.results import EligibilityReport
from .rules.ruleset import RuleSet, rule_set_for

YEARS_LOOKED_BACK = 6  # the longest rule (3-year CAGR from a start year) needs 4; keep margin

_cache_lock = threading.Lock()
_cache: dict[str, object] = {"key": None, "sets": ()}


def rule_sets() -> tuple[RuleSet, ...]:
    """Every stored rule set, parsed once per process and re-read when a version is added."""
    key = RuleSetRecord.objects.aggregate(last=Max("id"))["last"]
    with _cache_lock:
        if _cache["key"] != key or not _cache["sets"]:
            records = RuleSetRecord.objects.order_by("effective_from").only("definition")
            _cache["sets"] = tuple(RuleSet.from_dict(r.definition) for r in records)
            _cache["key"] = key
        return _cache["sets"]  # type: ignore[return-value]


def rule_set_named(code: str) -> RuleSet:
    """The stored set with this code; ``LookupError`` when there is none."""
    for rule_set in rule_sets():
        if rule_set.code == code:
            return rule_set
    raise LookupError(code)


def rule_set_on(day: datetime.date) -> RuleSet:
    """The set in force on ``day`` (P1)."""
    return rule_set_for(day, rule_sets())


def facts_for(firms: Iterable[Firm], as_of: datetime.date | None = None) -> dict[int, Facts]:
    """Evaluator facts for each firm, keyed by firm id, in five queries whatever the count.

    ``firms`` should come with ``select_related("cluster")``. Only confirmed
    attestations count as met; live claims count as pending (P3).
    """
    as_of = as_of or timezone.localdate()
    firms = list(firms)
    ids = [firm.pk for firm in firms]
    years = figures_by_firm(ids, as_of)
    designations = defaultdict(set)
    for firm_id, tier in (
        Designation.objects.active(as_of).filter(firm_id__in=ids).values_list("firm_id", "tier")
    ):
        designations[firm_id].add(tier)
    attested: dict[int, dict[str, Attest]] = defaultdict(dict)
    for firm_id, code, status in (
        Attestation.objects.live().filter(firm_id__in=ids).values_list("firm_id", "code", "status")
    ):
        attested[firm_id][code] = (
            Attest.CONFIRMED if status == Attestation.Status.CONFIRMED else Attest.CLAIMED
        )
    flags = defaultdict(set)
    for firm_id, code in (
        Disqualification.objects.in_force(as_of).filter(firm_id__in=ids).values_list("firm_id", "code")
    ):
        flags[firm_id].add(code)
    return {
        firm.pk: Facts(
            as_of=as_of,
            founded_on=firm.founded_on,
            niche_since=firm.niche_since,
            sector=firm.sector,
            strategic_emerging=firm.strategic_emerging,
            listed=firm.is_listed,
            cluster=firm.cluster.code if firm.cluster_id else None,
            designations=frozenset(designations[firm.pk]),
            attested=attested[firm.pk],
            disqualifications=frozenset(flags[firm.pk]),
            years=years[firm.pk],
        )
        for firm in firms
    }


def figures_by_firm(ids: list[int], as_of: datetime.date) -> dict[int, list[YearFigures]]:
    """The fiscal years the rules can look at, per firm, as plain ``YearFigures``."""
    rows = AnnualFigures.objects.filter(
        firm_id__in=ids, year__gte=as_of.year - YEARS_LOOKED_BACK, year__lt=as_of.year
    ).values_list("firm_id", "year", *FIGURE_FIELDS)
    out: dict[int, list[YearFigures]] = defaultdict(list)
    for firm_id, year, *values in rows:
        out[firm_id].append(YearFigures(year, *values))
    return out


def facts_for_firm(firm: Firm, as_of: datetime.date | None = None) -> Facts:
    return facts_for([firm], as_of)[firm.pk]


def rule_set_for_request(code: str | None, as_of: datetime.date) -> RuleSet:
    """The named set, or the one in force on ``as_of`` when no name is given."""
    return rule_set_named(code) if code else rule_set_on(as_of)


def eligibility_of_facts(facts: Facts, rule_set_code: str | None = None) -> EligibilityReport:
    """Evaluate facts against every tier: the one path behind the API, admin, portal and CLI."""
    return evaluate(facts, rule_set_for_request(rule_set_code, facts.as_of))


def eligibility_of_firm(
    firm: Firm, as_of: datetime.date | None = None, rule_set_code: str | None = None
) -> EligibilityReport:
    """A stored firm's eligibility report, from its records as they stand."""
    return eligibility_of_facts(facts_for_firm(firm, as_of), rule_set_code)
