"""The alerting scans, in-process: who is flagged, on which day, and that reruns add nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from cultivation.alert_scans import pool_intake, promotion_targets
from cultivation.models import Designation, PoolMembership
from cultivation.models.alerts import Alert, AlertDelivery, AlertPreference
from cultivation.scanning import Chunk, firm_id_ranges
from cultivation.scans import SCANS
from cultivation.services import admit_to_pool
from cultivation.services.alerts import send_daily_digests, send_email_deliveries
from tests.factories import FiguresFactory, FirmFactory, UserFactory, district, eligible_firm, pool_entrant

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 30)
LAST_YEAR = 2025  # the last fiscal year whose figures are filed by AS_OF
D = Decimal


def run(kind: str, as_of: datetime.date = AS_OF) -> int:
    return sum(SCANS[kind].judge(Chunk.between(as_of, low, high)).acted for low, high in firm_id_ranges(50))


@pytest.fixture
def staff():
    return {
        "reviewer": UserFactory(username="rev", roles=["reviewer"], is_staff=True, email="rev@example.com"),
        "yubei": UserFactory(
            username="cw-yubei",
            roles=["caseworker"],
            district=district("500112"),
            is_staff=True,
            email="yb@example.com",
        ),
        "city": UserFactory(
            username="cw-city", roles=["caseworker"], is_staff=True, email="city@example.com"
        ),
    }


def test_every_tier_above_on_each_ladder_whose_prerequisite_is_held():
    """P6 revised, not only the next rung: 小巨人 still needs 专精特新; 单项冠军 and growth tiers do not."""
    assert promotion_targets(frozenset()) == [
        "innovative_sme",
        "single_champion",
        "gazelle",
        "potential_unicorn",
        "unicorn",
    ]
    assert promotion_targets(frozenset({"innovative_sme", "gazelle"})) == [
        "srdi_sme",
        "single_champion",
        "potential_unicorn",
        "unicorn",
    ]
    assert promotion_targets(frozenset({"srdi_sme"})) == ["little_giant", "single_champion", *GROWTH]
    assert promotion_targets(frozenset({"single_champion", "unicorn"})) == []


GROWTH = ["gazelle", "potential_unicorn", "unicorn"]


def test_promotion_due_flags_eligible_firms_once(staff):
    due = eligible_firm(last_year=LAST_YEAR)
    FiguresFactory(firm=FirmFactory(), year=2025, rd_expense=D("1"))  # not eligible for anything
    assert run("promotion_due") == 1
    alert = Alert.objects.get()
    assert (alert.kind, alert.firm, alert.tier, alert.period) == (
        "promotion_due",
        due,
        "innovative_sme",
        "2026",
    )
    recipients = set(alert.deliveries.filter(channel="inbox").values_list("user__username", flat=True))
    assert recipients == {"rev", "cw-yubei"}  # the district's caseworker, not the city one
    assert run("promotion_due") == 0 and Alert.objects.count() == 1


def test_no_promotion_alert_with_an_open_application(staff):
    from cultivation.models import Application

    firm = eligible_firm(last_year=LAST_YEAR)
    Application.objects.create(firm=firm, tier="innovative_sme", kind="new", status="submitted")
    assert run("promotion_due") == 0


def test_stage_change_is_recorded_and_alerted(staff):
    firm = eligible_firm(last_year=LAST_YEAR)
    Designation.objects.create(
        firm=firm,
        tier="srdi_sme",
        granted_on=datetime.date(2025, 1, 1),
        expires_on=datetime.date(2027, 12, 31),
    )
    run("promotion_due")
    firm.refresh_from_db()
    assert firm.stage == "growth"
    assert Alert.objects.filter(kind="stage_changed", firm=firm).get().payload == {
        "from": "startup",
        "to": "growth",
    }


@pytest.mark.parametrize(
    ("days_left", "window"), [(181, None), (180, "180"), (90, "90"), (30, "30"), (1, "30")]
)
def test_expiry_alert_at_the_window_edges(staff, days_left, window):
    firm = FirmFactory()
    expires = AS_OF + datetime.timedelta(days=days_left)
    Designation.objects.create(
        firm=firm, tier="srdi_sme", granted_on=datetime.date(2024, 1, 1), expires_on=expires
    )
    run("designation_expiring")
    periods = set(Alert.objects.filter(kind="designation_expiring").values_list("period", flat=True))
    assert periods == ({f"{expires.isoformat()}:{window}"} if window else set())


def test_renewal_window_opens_six_months_before_expiry_and_reaches_the_firm(staff):
    firm = FirmFactory()
    firm_user = UserFactory(roles=["firm"], firm=firm, email="firm@example.com")
    Designation.objects.create(
        firm=firm,
        tier="innovative_sme",
        granted_on=datetime.date(2024, 1, 1),
        expires_on=datetime.date(2026, 12, 30),
    )
    run("designation_expiring", datetime.date(2026, 6, 29))
    assert not Alert.objects.filter(kind="renewal_window_open").exists()
    run("designation_expiring", datetime.date(2026, 6, 30))
    alert = Alert.objects.get(kind="renewal_window_open")
    assert alert.deliveries.filter(user=firm_user, channel="inbox").exists()


def test_lapsed_designations_expire(staff):
    firm = FirmFactory()
    old = Designation.objects.create(
        firm=firm,
        tier="innovative_sme",
        granted_on=datetime.date(2023, 1, 1),
        expires_on=datetime.date(2026, 6, 29),
    )
    run("designation_expiring")
    old.refresh_from_db()
    assert old.status == "expired"


def test_figures_overdue_from_1_may_for_programme_firms(staff):
    member = FirmFactory()
    Designation.objects.create(
        firm=member,
        tier="innovative_sme",
        granted_on=datetime.date(2025, 1, 1),
        expires_on=datetime.date(2027, 12, 31),
    )
    reported = FirmFactory()
    Designation.objects.create(
        firm=reported,
        tier="innovative_sme",
        granted_on=datetime.date(2025, 1, 1),
        expires_on=datetime.date(2027, 12, 31),
    )
    FiguresFactory(firm=reported, year=2025)
    FirmFactory()  # outside the programme: not chased
    assert run("figures_overdue", datetime.date(2026, 4, 30)) == 0
    assert run("figures_overdue", datetime.date(2026, 5, 1)) == 1
    assert Alert.objects.get(kind="figures_overdue").firm == member


def pool_member(baseline: str, revenues: dict[int, str]) -> PoolMembership:
    firm = FirmFactory()
    for year, revenue in revenues.items():
        FiguresFactory(firm=firm, year=year, operating_revenue=D(revenue), main_business_revenue=D(revenue))
    return PoolMembership.objects.create(
        firm=firm, cohort_year=2024, baseline_year=2023, baseline_revenue=D(baseline)
    )


def test_pool_rating_and_the_three_year_check(staff):
    on_track = pool_member("1000", {2024: "1300", 2025: "1600"})
    at_risk = pool_member("1000", {2024: "1100", 2025: "1200"})
    run("pool_rating", datetime.date(2026, 6, 30))
    on_track.refresh_from_db()
    at_risk.refresh_from_db()
    assert (on_track.status, at_risk.status) == ("on_track", "at_risk")
    FiguresFactory(
        firm=on_track.firm, year=2026, operating_revenue=D("2000"), main_business_revenue=D("2000")
    )
    FiguresFactory(firm=at_risk.firm, year=2026, operating_revenue=D("1999.99"), main_business_revenue=D("1"))
    run("pool_rating", datetime.date(2027, 6, 30))
    checks = dict(Alert.objects.filter(kind="pool_check").values_list("firm_id", "payload__status"))
    assert checks == {on_track.firm_id: "doubled", at_risk.firm_id: "missed"}
    assert run("pool_rating", datetime.date(2027, 7, 1)) == 0


def test_pool_intake_shortfall_goes_to_city_caseworkers_with_candidates(staff, settings, tmp_path):
    """The alert lists exactly the firms outside the pool that meet its entry rule on last year's figures."""
    settings.MEDIA_ROOT = tmp_path  # the attestations' evidence
    city = staff["city"]
    meets, also_meets = (
        pool_entrant(LAST_YEAR, city),
        pool_entrant(LAST_YEAR, city, revenue="9000.00", rd_expense="900.00"),
    )
    pool_entrant(LAST_YEAR, city, rd_expense="149.99")  # R&D 4.9997%: short of 5%
    pool_entrant(LAST_YEAR, city, class1_ip=0)  # no Ⅰ类 IP
    pool_entrant(LAST_YEAR, city, attested=False)  # the chain role and future field never claimed
    pool_entrant(LAST_YEAR - 1, city)  # met the rule a year too early: nothing filed for last year
    member = pool_entrant(LAST_YEAR, city)
    admit_to_pool(firm=member, entered_on=datetime.date(2026, 3, 2), actor=city)  # already in the pool
    result = pool_intake(AS_OF, target=50)
    assert result.acted == 1
    alert = Alert.objects.get(kind="pool_intake")
    assert alert.payload["entered"] == 1 and alert.payload["target"] == 50
    assert alert.payload["candidates_count"] == 2
    assert sorted(alert.payload["candidates"], key=lambda c: c["credit_code"]) == [
        {"credit_code": firm.credit_code, "name": firm.name}
        for firm in sorted((meets, also_meets), key=lambda f: f.credit_code)
    ]
    assert set(alert.deliveries.filter(channel="inbox").values_list("user__username", flat=True)) == {
        "cw-city"
    }
    assert pool_intake(AS_OF, target=50).acted == 0  # once a quarter


def test_the_nightly_celery_run_raises_every_nightly_scan_through_the_chunk_task(staff, celery_eager):
    """Beat's nightly task plans each scan of the registry's nightly list and runs its chunks as
    ``scan_chunk`` tasks, the whole-register pool intake (one chunk, no firm ids) included."""
    from cultivation.scans import NIGHTLY
    from cultivation.tasks import run_nightly_scans

    eligible_firm(last_year=LAST_YEAR)
    assert run_nightly_scans.delay(AS_OF.isoformat()).get() == [str(kind) for kind in NIGHTLY]
    raised = set(Alert.objects.values_list("kind", flat=True))
    assert {"promotion_due", "pool_intake"} <= raised
    summary = Alert.objects.get(kind="scan_summary")  # one for the whole night, after its last chunk
    scanned = Alert.objects.exclude(kind="scan_summary").count()
    assert summary.payload["total"] == scanned
    readers = set(summary.deliveries.values_list("user__username", flat=True))
    assert staff["reviewer"].username in readers


def test_emails_immediately_or_as_a_daily_digest(staff):
    AlertPreference.objects.create(user=staff["reviewer"], email="daily")
    eligible_firm(last_year=LAST_YEAR)
    run("promotion_due")
    send_email_deliveries(AlertDelivery.objects.filter(channel="email", status="pending"))
    assert [m.to for m in mail.outbox] == [["yb@example.com"]]
    assert send_daily_digests() == 1
    assert mail.outbox[-1].to == ["rev@example.com"]
    assert not AlertDelivery.objects.filter(channel="email").exclude(status="sent").exists()


def test_a_failing_mail_server_is_retried_and_recorded(staff, settings):
    settings.EMAIL_BACKEND = "tests.scans.failing_mail.Backend"
    eligible_firm(last_year=LAST_YEAR)
    run("promotion_due")
    pending = AlertDelivery.objects.filter(channel="email", status="pending")
    assert send_email_deliveries(pending) == {"sent": 0, "failed": 2, "digest": 0}
    row = AlertDelivery.objects.filter(channel="email").first()
    assert row.status == "pending" and row.attempts == 1 and "refused" in row.last_error


def test_run_scans_command_prints_a_summary(staff, capsys):
    eligible_firm(last_year=LAST_YEAR)
    call_command("run_scans", "--as-of", "2026-06-30", "--only", "promotion_due")
    out = capsys.readouterr().out
    assert "promotion_due" in out and "1" in out
    assert "alerts raised by kind: promotion_due 1" in out
