"""Issue 15 items 9 and 6 through stored records: an application is judged by the sets in force on its
submission day (national and Chongqing's), and the promotion scan raises nothing for a tier whose
rules do not exist yet. Both sides of each date."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cultivation.alert_scans import pool_candidates
from cultivation.models import Attestation
from cultivation.models.alerts import Alert
from cultivation.scanning import Chunk, ScanKind, firm_id_ranges
from cultivation.scans import SCANS
from cultivation.services.applications import application_transition, create_application
from cultivation.tiers import GAZELLE, LITTLE_GIANT, SINGLE_CHAMPION, SRDI_SME
from cultivation.workflow import Action, Status
from tests.factories import FirmFactory, add_figures, designation, firm_user

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
GROWTH_FROM = datetime.date(2023, 12, 31)  # CQ-2023
ROUND_FROM = datetime.date(2025, 5, 15)  # CN-2022-R2025
GIANT_ATTESTED = (
    "info_system",
    "quality_certification",
    "niche_share_10",
    "own_brand",
    "rd_institution_municipal",
    "chain_role",
    "key_field_product",
)


def _year(firm, year: int, revenue: str) -> None:
    """R&D 5%, main business 90%, debt 44%, three Ⅰ类 IP: strong on every measured bar."""
    add_figures(firm, year, revenue)


def gazelle_firm(name: str):
    """Meets 瞪羚 judged in December 2023 (last year 2022): 3-year CAGR from 1000 ≥ 30%, in a cluster."""
    firm = FirmFactory(name=name, niche_since=2015)
    for year, revenue in ((2019, "1000"), (2020, "1500"), (2021, "2000"), (2022, "2300")):
        _year(firm, year, revenue)
    return firm


def giant_firm(name: str, *, champion: bool = False, affiliation: str | None = None):
    """Meets V2022 小巨人 judged in May 2025 (last year 2024), holding 专精特新 (and 单项冠军 if asked)."""
    firm = FirmFactory(name=name, niche_since=2015)
    for year, revenue in ((2022, "8000"), (2023, "9000"), (2024, "10000")):
        _year(firm, year, revenue)
    user = firm_user(firm)
    for code in GIANT_ATTESTED:
        Attestation.objects.create(
            firm=firm,
            code=code,
            evidence="evidence/x.pdf",
            claimed_by=user,
            status=Attestation.Status.CONFIRMED,
        )
    if affiliation:
        Attestation.objects.create(
            firm=firm,
            code="little_giant_affiliation",
            evidence="evidence/x.pdf",
            claimed_by=user,
            status=affiliation,
        )
    designation(firm, SRDI_SME, granted_on=datetime.date(2024, 1, 10))
    if champion:
        designation(firm, SINGLE_CHAMPION, granted_on=datetime.date(2024, 1, 10))
    return firm, user


def submit(firm, user, tier: str, on: datetime.date):
    application = create_application(firm=firm, tier=tier, actor=user)
    return application_transition(application=application, action=Action.SUBMIT, actor=user, as_of=on)


# --- Chongqing's growth tiers: no application before CQ-2023 -------------------------------------------


def test_a_gazelle_application_the_day_before_chongqing_rules_is_refused_with_the_date():
    firm = gazelle_firm("早一天")
    user = firm_user(firm)
    with pytest.raises(ValidationError) as refused:
        submit(firm, user, GAZELLE, GROWTH_FROM - DAY)
    assert refused.value.messages == ["该称号的重庆市认定标准自 2023-12-31 起施行"]
    application = firm.applications.get()
    assert (application.status, application.snapshot) == (Status.DRAFT, {})


def test_a_gazelle_application_on_the_day_is_judged_by_cq_2023_and_keeps_its_snapshot():
    firm = gazelle_firm("当天")
    application = submit(firm, firm_user(firm), GAZELLE, GROWTH_FROM)
    assert application.status == Status.SUBMITTED
    assert application.rule_set.code == "CQ-2023" and application.rule_set.jurisdiction == "CQ"
    report = application.snapshot["report"]
    assert report["rule_sets"] == ["CN-2022", "CQ-2023"]
    assert report["tiers"][GAZELLE]["in_force"] is True and report["tiers"][GAZELLE]["eligible"] is True
    assert report["tiers"]["hardtech_pool"]["in_force"] is False  # CQ-2024 not yet
    stored = dict(application.snapshot)
    application.refresh_from_db()
    assert application.snapshot == stored


# --- the 2025 小巨人 round ------------------------------------------------------------------------------


def test_a_single_champion_may_submit_for_little_giant_the_day_before_the_round():
    firm, user = giant_firm("冠军前一天", champion=True)
    application = submit(firm, user, LITTLE_GIANT, ROUND_FROM - DAY)
    assert application.status == Status.SUBMITTED and application.rule_set.code == "CN-2022"


def test_a_single_champion_is_refused_from_the_round_on_its_first_day():
    firm, user = giant_firm("冠军当天", champion=True)
    with pytest.raises(ValidationError) as refused:
        submit(firm, user, LITTLE_GIANT, ROUND_FROM)
    text = " ".join(refused.value.messages)
    assert "CN-2022-R2025" in text and "已持有该称号" in text


def test_a_plain_candidate_is_judged_by_the_round_from_its_first_day():
    firm, user = giant_firm("普通企业")
    application = submit(firm, user, LITTLE_GIANT, ROUND_FROM)
    assert application.rule_set.code == "CN-2022-R2025"
    criteria = {
        c["code"]: c["status"] for c in application.snapshot["report"]["tiers"][LITTLE_GIANT]["criteria"]
    }
    assert criteria["not_single_champion"] == "met" and criteria["revenue_2025"] == "met"


def test_a_confirmed_affiliation_excludes_and_a_claimed_one_waits():
    excluded, user = giant_firm("关联企业", affiliation=Attestation.Status.CONFIRMED)
    with pytest.raises(ValidationError, match="经办人已确认存在该情形"):
        submit(excluded, user, LITTLE_GIANT, ROUND_FROM)
    waiting, user = giant_firm("待核实企业", affiliation=Attestation.Status.CLAIMED)
    application = submit(waiting, user, LITTLE_GIANT, ROUND_FROM)
    assert application.snapshot["report"]["tiers"][LITTLE_GIANT]["eligible"] is None


# --- the promotion scan --------------------------------------------------------------------------------


def run_promotion(as_of: datetime.date) -> None:
    for low, high in firm_id_ranges(50):
        SCANS[ScanKind.PROMOTION_DUE].judge(Chunk.between(as_of, low, high))


def test_no_gazelle_alert_before_chongqing_rules_and_one_on_the_day():
    firm = gazelle_firm("扫描")
    run_promotion(GROWTH_FROM - DAY)
    assert not Alert.objects.filter(firm=firm, tier=GAZELLE).exists()
    run_promotion(GROWTH_FROM)
    alert = Alert.objects.get(firm=firm, tier=GAZELLE)
    assert alert.payload["rule_set"] == "CQ-2023"


def test_no_round_alert_for_an_affiliated_firm_from_the_rounds_first_day():
    firm, _user = giant_firm("扫描关联企业", affiliation=Attestation.Status.CONFIRMED)
    run_promotion(ROUND_FROM)
    assert not Alert.objects.filter(firm=firm, tier=LITTLE_GIANT).exists()
    run_promotion(ROUND_FROM - DAY)  # the 2022 rules have no such exclusion
    assert Alert.objects.get(firm=firm, tier=LITTLE_GIANT).payload["rule_set"] == "CN-2022"


def test_pool_candidates_appear_from_the_day_the_pool_rule_exists():
    """CQ-2024 (the hard-tech pool's entry rule) from 2024-12-18: no candidate the day before."""
    firm = FirmFactory(name="硬科技候选")
    _year(firm, 2023, "3000")
    user = firm_user(firm)
    for code in ("chain_role", "future_industry_field"):
        Attestation.objects.create(
            firm=firm,
            code=code,
            evidence="evidence/x.pdf",
            claimed_by=user,
            status=Attestation.Status.CONFIRMED,
        )
    pool_from = datetime.date(2024, 12, 18)
    low, high = firm.pk, firm.pk
    assert pool_candidates(pool_from - DAY, low, high) == []
    assert pool_candidates(pool_from, low, high) == [{"credit_code": firm.credit_code, "name": "硬科技候选"}]
