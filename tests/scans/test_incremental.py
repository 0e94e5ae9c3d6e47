"""The incremental promotion scan (issue 9): it judges only firms whose records or dates changed, and
raises exactly what a full scan would. Plus the scan's query count per chunk, which the benchmarks
rely on, and the yes/no ``verdicts`` path agreeing with full reports."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cultivation.alert_scans import promotion_scan
from cultivation.models import Attestation, Designation, FirmChange, ScanWatermark
from cultivation.models.alerts import Alert
from cultivation.rules import CN_2022, CN_2026, evaluate
from cultivation.rules.attestations import ATTESTATION_CODES
from cultivation.rules.evaluator import verdicts
from cultivation.rules.facts import Attest, Facts, YearFigures
from cultivation.scanning import ScanKind
from cultivation.scans import SCANS
from cultivation.selectors import FirmSet, rule_set_on
from registry.models import AnnualFigures, Firm
from tests.factories import FiguresFactory, FirmFactory, eligible_firm

pytestmark = pytest.mark.django_db

PROMOTION = SCANS[ScanKind.PROMOTION_DUE]

AS_OF = datetime.date(2026, 6, 30)
D = Decimal
LAST_YEAR = AS_OF.year - 1  # the last fiscal year whose figures are filed by AS_OF


def almost_qualifying_firm(**kwargs):
    """``eligible_firm`` with last year's R&D spending too low for 创新型中小企业."""
    firm = eligible_firm(last_year=LAST_YEAR, **kwargs)
    AnnualFigures.objects.filter(firm=firm, year=2025).update(rd_expense=D("1"))
    return firm


def alerts() -> set[tuple]:
    return set(Alert.objects.values_list("kind", "firm_id", "tier", "period"))


def full_scan_adds_nothing(as_of: datetime.date) -> bool:
    before = alerts()
    PROMOTION.run(as_of)
    return alerts() == before


def st_award_code() -> str:
    """An attestation that alone makes a firm eligible for 创新型中小企业 (the rule set's own data)."""
    rule = rule_set_on(AS_OF).tiers["innovative_sme"]
    return next(c for c in rule.criteria if c.code == "d1_st_award").params["any_of"][0]


@pytest.fixture
def scanned():
    """A small register after its first full scan: nothing left in the change log."""
    firms = {
        "due": eligible_firm(last_year=LAST_YEAR),
        "figures": almost_qualifying_firm(),
        "attested": almost_qualifying_firm(),
        "designated": eligible_firm(last_year=LAST_YEAR),
        "idle": [almost_qualifying_firm() for _ in range(3)],
    }
    PROMOTION.run(AS_OF)
    assert not FirmChange.objects.exists()
    assert ScanWatermark.objects.get(kind="promotion_due").as_of == AS_OF
    return firms


def test_incremental_scan_judges_only_changed_firms_and_matches_a_full_scan(scanned):
    assert {firm for _kind, firm, _tier, _period in alerts()} == {scanned["due"].pk, scanned["designated"].pk}
    figures = AnnualFigures.objects.get(firm=scanned["figures"], year=2025)
    figures.rd_expense = D("440")  # through save(), as the admin, the API and imports do
    figures.save()
    Attestation.objects.create(
        firm=scanned["attested"], code=st_award_code(), status="confirmed", evidence="award.pdf"
    )
    Designation.objects.create(
        firm=scanned["designated"],
        tier="srdi_sme",
        granted_on=datetime.date(2026, 5, 1),
        expires_on=datetime.date(2029, 4, 30),
    )

    result = PROMOTION.run(AS_OF, incremental=True)

    assert result.examined == 3  # the three changed firms, not the seven
    new = {(kind, firm, tier) for kind, firm, tier, _period in alerts()}
    assert ("promotion_due", scanned["figures"].pk, "innovative_sme") in new
    assert ("promotion_due", scanned["attested"].pk, "innovative_sme") in new
    assert ("stage_changed", scanned["designated"].pk, "") in new
    assert not FirmChange.objects.exists()
    assert full_scan_adds_nothing(AS_OF)


def test_withdrawn_attestation_and_application_reach_the_incremental_scan(scanned):
    firm = scanned["attested"]
    claim = Attestation.objects.create(firm=firm, code=st_award_code(), status="claimed", evidence="a.pdf")
    PROMOTION.run(AS_OF, incremental=True)  # pending on the claim: alerted as "pending"
    assert Alert.objects.get(firm=firm).payload["eligible"] is None
    claim.status = "withdrawn"
    claim.save()
    assert PROMOTION.run(AS_OF, incremental=True).examined == 1
    assert full_scan_adds_nothing(AS_OF)


def test_a_day_later_only_firms_whose_dates_moved_are_judged(scanned):
    lapsing = scanned["idle"][0]
    Designation.objects.create(
        firm=lapsing, tier="gazelle", granted_on=datetime.date(2025, 3, 25), expires_on=AS_OF
    )
    birthday = scanned["idle"][1]
    birthday.founded_on = datetime.date(2020, 7, 1)
    birthday.save()
    PROMOTION.run(AS_OF, incremental=True)  # both changed records: judged today

    next_day = AS_OF + datetime.timedelta(days=1)
    result = PROMOTION.run(next_day, incremental=True)

    # The gazelle designation lapsed (stage back, next rung gazelle again); the firm had a birthday.
    assert result.examined == 2
    assert Alert.objects.filter(kind="stage_changed", firm=lapsing, period__startswith=str(next_day)).exists()
    assert full_scan_adds_nothing(next_day)


def test_a_new_year_or_rule_set_means_a_full_scan(scanned):
    next_year = datetime.date(2027, 1, 2)
    assert PROMOTION.run(next_year, incremental=True).examined == 7
    assert PROMOTION.run(next_year, incremental=True).examined == 0  # nothing changed since


def test_a_change_committed_during_a_chunk_is_kept_for_the_next_scan(scanned):
    firm = scanned["idle"][2]
    FirmChange.objects.create(firm_id=firm.pk)
    chunk = FirmSet.of([firm.pk])
    promotion_scan(AS_OF, chunk)
    assert not FirmChange.objects.filter(firm_id=firm.pk).exists()
    # A later change (another transaction, committed after the chunk read) stays logged.
    figures = AnnualFigures.objects.get(firm=firm, year=2024)
    figures.employees += 1
    figures.save()
    assert FirmChange.objects.filter(firm_id=firm.pk).count() == 1


def make_register(count: int) -> None:
    """``count`` firms, a third eligible (new alerts on the first scan), the rest not."""
    for index in range(count):
        if index % 3:
            FiguresFactory(firm=FirmFactory(), year=2025, rd_expense=D("1"))
        else:
            eligible_firm(last_year=LAST_YEAR)


@pytest.mark.parametrize("first_run", [True, False])
def test_query_count_per_chunk_is_flat_in_chunk_size(first_run):
    make_register(36)
    if not first_run:
        PROMOTION.run(AS_OF)
    rule_set_on(AS_OF)  # the rule sets are parsed once per process, not per chunk
    ids = sorted(Firm.objects.values_list("pk", flat=True))
    counts = []
    for chunk in (FirmSet.between(ids[0], ids[5]), FirmSet.between(ids[6], ids[35])):  # 6 and 30 firms
        with CaptureQueriesContext(connection) as queries:
            assert promotion_scan(AS_OF, chunk).examined in (6, 30)
        counts.append(
            len([q for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])
        )
    # Read: change log, firms, designations, attestations, flags, figures, alerts, applications, rule sets;
    # write (first run): alerts, read back, audience (3), deliveries, kinds; stage updates, one per stage.
    assert counts[0] == counts[1]
    assert counts[0] == (16 if first_run else 9)


def test_a_chunk_reads_its_own_firms_figures_and_no_other_firm():
    """A chunk's cost must not grow with the register: its figures are read without the join to every firm
    that the figures' default order (by firm name) would add — at a million firms that join scanned the whole
    firm table once per chunk, half of the scan's time."""
    make_register(12)
    ids = sorted(Firm.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        promotion_scan(AS_OF, FirmSet.between(ids[0], ids[5]))
    figures = [q["sql"] for q in queries.captured_queries if 'FROM "registry_annualfigures"' in q["sql"]]
    assert figures and not any('JOIN "registry_firm"' in sql for sql in figures), figures


def random_facts(rng: random.Random) -> Facts:
    revenue = D(rng.randint(300, 60000))
    years = []
    for year in range(2021, 2026):
        revenue = revenue * D(rng.choice(["0.9", "1.1", "1.3", "1.6"]))
        years.append(
            YearFigures(
                year,
                operating_revenue=revenue,
                main_business_revenue=revenue * D("0.8"),
                rd_expense=revenue * D(rng.choice(["0.01", "0.03", "0.06"])),
                net_profit=revenue * D("0.1"),
                total_assets=revenue,
                total_liabilities=revenue * D(rng.choice(["0.3", "0.7"])),
                employees=rng.randint(5, 1200),
                rd_staff=rng.randint(1, 100),
                class1_ip=rng.randint(0, 6),
                class2_ip=rng.randint(0, 20),
                equity_financing=D(rng.choice(["0", "3000"])),
                valuation_usd_m=D(rng.choice(["50", "900", "1500"])) if rng.random() < 0.2 else None,
                cumulative_financing_usd_m=D("80") if rng.random() < 0.2 else None,
            )
        )
    codes = sorted(ATTESTATION_CODES)
    return Facts(
        as_of=AS_OF,
        founded_on=datetime.date(rng.randint(2005, 2023), 3, 1),
        niche_since=rng.randint(2005, 2024),
        strategic_emerging=rng.random() < 0.5,
        cluster="intelligent-equipment" if rng.random() < 0.8 else None,
        designations=rng.sample(["innovative_sme", "srdi_sme", "gazelle"], rng.randint(0, 2)),
        attested={code: rng.choice([Attest.CONFIRMED, Attest.CLAIMED]) for code in rng.sample(codes, 3)},
        disqualifications=["tax_evasion"] if rng.random() < 0.05 else [],
        years=years,
    )


def test_verdicts_agree_with_full_reports():
    rng = random.Random(9)
    for _ in range(300):
        facts = random_facts(rng)
        for rule_set in (CN_2022, CN_2026):
            report = evaluate(facts, rule_set)
            tiers = list(report.tiers)
            assert verdicts(facts, rule_set, tiers) == {tier: report[tier].eligible for tier in tiers}


def test_the_nightly_celery_run_sends_only_the_changed_firms(scanned):
    from cultivation.tasks import scan_signatures

    figures = AnnualFigures.objects.get(firm=scanned["figures"], year=2025)
    figures.rd_expense = D("440")
    figures.save()
    signatures = scan_signatures("promotion_due", AS_OF.isoformat(), incremental=True)
    assert [s.args[4] for s in signatures] == [[scanned["figures"].pk]]
    outcome = signatures[0].apply().get()  # the task body, run here as a worker would
    assert (outcome["examined"], outcome["alerts"]) == (1, 1)
    assert scan_signatures("promotion_due", AS_OF.isoformat(), incremental=True) == []
