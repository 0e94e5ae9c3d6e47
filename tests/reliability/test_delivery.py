"""No alert email lost or doubled: a broker that goes away, and a worker killed mid-batch.

The database is the source of truth: an alert's email deliveries are rows
written with the alert, and Celery only triggers the sending. These tests run a
real Redis of their own and real Celery worker processes on the test database
(hence ``transaction=True``); emails land in a file mailbox the test can count.
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from cultivation.models import Application, ApplicationEvent
from cultivation.models.alerts import AlertDelivery, Channel, DeliveryStatus
from cultivation.scanning import Chunk, ScanKind
from cultivation.scans import SCANS
from cultivation.services.alerts import alert_text
from cultivation.tasks import flush_alert_emails, send_alert_emails
from cultivation.tiers import INNOVATIVE_SME
from registry.credit_code import make_code
from registry.models import AnnualFigures, Firm
from tests.factories import YUBEI, UserFactory, district, eligible_firm, firm_user

from .mailbox import received
from .processes import Process, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AS_OF = datetime.date(2026, 6, 30)
D = Decimal


@pytest.fixture
def recipients():
    """A city reviewer and a 渝北 caseworker: both receive every promotion alert by email at once."""
    return [
        UserFactory(username="rev", roles=["reviewer"], is_staff=True, email="rev@example.com"),
        UserFactory(
            username="cw",
            roles=["caseworker"],
            district=district(YUBEI),
            is_staff=True,
            email="cw@example.com",
        ),
    ]


def qualifying_firms(count: int, start: int) -> tuple[int, int]:
    """``count`` firms that each earn one promotion alert; returns their id range."""
    firms = Firm.objects.bulk_create(
        Firm(
            credit_code=make_code(f"91500112{700000000 + start + index:09d}"),
            name=f"可靠性企业{start + index}",
            district=district(YUBEI),
            founded_on=datetime.date(2014, 5, 20),
            niche_since=2015,
            strategic_emerging=True,
        )
        for index in range(count)
    )
    AnnualFigures.objects.bulk_create(
        AnnualFigures(
            firm=firm,
            year=year,
            operating_revenue=D(revenue),
            main_business_revenue=D(revenue) * D("0.9"),
            rd_expense=D(revenue) * D("0.06"),
            net_profit=D(revenue) / 10,
            total_assets=D(revenue),
            total_liabilities=D(revenue) / 2,
            employees=180,
            rd_staff=42,
            class1_ip=3,
            class2_ip=10,
        )
        for firm in firms
        for year, revenue in ((2023, 5200), (2024, 6100), (2025, 7300))
    )
    return firms[0].pk, firms[-1].pk


def raise_promotion_alerts(id_range: tuple[int, int]) -> float:
    """What a scan chunk does (alerts and deliveries in one transaction, emails queued after commit);
    returns the seconds it took."""
    started = time.monotonic()
    result = SCANS[ScanKind.PROMOTION_DUE].judge(Chunk.between(AS_OF, *id_range))
    assert result.acted > 0
    return time.monotonic() - started


def email_deliveries():
    return AlertDelivery.objects.filter(channel=Channel.EMAIL)


def pending() -> int:
    return email_deliveries().filter(status=DeliveryStatus.PENDING).count()


def expected_mail() -> set[tuple[str, str]]:
    """(recipient, subject) of every email delivery; subjects name the firm, so each pair is one delivery."""
    rows = email_deliveries().select_related("alert__firm", "user")
    return {(row.user.email, alert_text(row.alert)[0]) for row in rows}


def tasks_done(worker: Process) -> int:
    """How many tasks the worker has finished (its log says so for each)."""
    return worker.log_path.read_bytes().count(b"] succeeded in ")


def submit_application(firm) -> int:
    """A firm user opens and submits an application through the API; returns its id."""
    api = APIClient()
    api.force_authenticate(firm_user(firm))
    created = api.post(
        "/api/applications/", {"firm": firm.credit_code, "tier": INNOVATIVE_SME}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    submitted = api.post(f"/api/applications/{pk}/transition/", {"action": "submit"}, format="json")
    assert submitted.status_code == 200, submitted.content
    return pk


def test_a_broker_outage_loses_and_doubles_no_email(private_redis, start_worker, mailbox, recipients):
    first, lost, during = qualifying_firms(10, 0), qualifying_firms(10, 100), qualifying_firms(10, 200)
    applicants = [eligible_firm(YUBEI) for _ in range(3)]

    # Normal operation: the worker sends what the chunk queued.
    worker = start_worker()
    raise_promotion_alerts(first)
    wait_for(lambda: pending() == 0)

    # Queued while no worker runs, then the broker dies with the message (no persistence).
    worker.stop()
    raise_promotion_alerts(lost)
    private_redis.crash()

    # While the broker is down, scans and users carry on: nothing raises, nothing waits long.
    seconds = raise_promotion_alerts(during)
    print(f"scan chunk with the broker down: {seconds:.2f} s")
    assert seconds < 5
    submitted = [submit_application(firm) for firm in applicants]
    assert pending() == 40  # 20 alerts × 2 recipients, kept in the database

    # The broker returns: beat's periodic flush (sent here by hand) sends everything pending.
    private_redis.start()
    worker = start_worker()
    flush_alert_emails.delay()
    wait_for(lambda: pending() == 0)
    # Stray triggers afterwards (a redelivered message, an overlapping flush) send nothing again.
    send_alert_emails.delay(list(email_deliveries().values_list("alert_id", flat=True).distinct()))
    flush_alert_emails.delay()
    wait_for(lambda: tasks_done(worker) == 3)

    mail = received(mailbox)
    assert set(mail) == expected_mail()
    assert len(mail) == email_deliveries().count() == 60
    assert set(mail.values()) == {1}, "every email exactly once"
    assert set(email_deliveries().values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
    assert Application.objects.filter(pk__in=submitted, status="submitted").count() == len(applicants)
    assert ApplicationEvent.objects.filter(application__in=submitted, action="submit").count() == 3


def test_a_worker_killed_mid_batch_sends_every_email_at_least_once(start_worker, mailbox, recipients):
    batch = qualifying_firms(30, 0)
    worker = start_worker(TIERMARK_TEST_MAIL_DELAY="0.1")
    raise_promotion_alerts(batch)  # one task: 60 emails, about 6 s
    wait_for(lambda: len(list(mailbox.glob("*.json"))) >= 10)
    worker.kill()
    sent_before_kill = len(list(mailbox.glob("*.json")))
    assert 10 <= sent_before_kill < 60, "the kill must land mid-batch"

    start_worker(TIERMARK_TEST_MAIL_DELAY="0.01")
    flush_alert_emails.delay()  # what beat sends every 10 minutes
    wait_for(lambda: pending() == 0)

    mail = received(mailbox)
    repeated = sum(mail.values()) - len(mail)
    print(f"killed after {sent_before_kill} of 60 emails; repeated afterwards: {repeated}")
    assert set(mail) == expected_mail(), "none lost"
    assert repeated <= 1, "at most the one email in flight at the kill is repeated"
    assert email_deliveries().filter(status=DeliveryStatus.SENT).count() == 60
