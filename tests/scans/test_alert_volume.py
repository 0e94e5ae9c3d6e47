"""Alert volume at national scale (issue 21): a daily cap on each person's immediate emails, and a digest
that stays readable however many alerts wait for it.

A first promotion scan of the year can raise hundreds of thousands of alerts for one city reviewer. The
reviewer receives at most ``ALERT_EMAIL_DAILY_LIMIT`` emails a day; the rest reach them in the daily
digest, which counts every kind and tier, quotes the newest ``ALERT_DIGEST_MAX_ITEMS`` and sends them to
the inbox for the others.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cultivation.models.alerts import AlertDelivery, AlertKind
from cultivation.services.alerts import (
    AlertDraft,
    raise_alerts,
    send_daily_digests,
    send_email_deliveries,
    set_email_preference,
)
from cultivation.tasks import flush_alert_emails, send_alert_emails
from cultivation.tiers import INNOVATIVE_SME, SRDI_SME, TIER_CHOICES
from registry.credit_code import make_code
from registry.models import Firm
from tests.factories import YUBEI, UserFactory, district

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 30)
NEXT_DAY = DAY + datetime.timedelta(days=1)
TIERS = dict(TIER_CHOICES)


@pytest.fixture
def reviewer():
    """A city reviewer: every promotion alert of the city is theirs."""
    return UserFactory(username="rev", roles=["reviewer"], is_staff=True, email="rev@example.com")


def firms(count: int, start: int = 0) -> list[Firm]:
    return Firm.objects.bulk_create(
        Firm(
            credit_code=make_code(f"91500112{600000000 + start + index:09d}"),
            name=f"汇总企业{start + index:04d}",
            district=district(YUBEI),
            founded_on=datetime.date(2014, 5, 20),
        )
        for index in range(count)
    )


def raise_for(
    count: int, *, start: int = 0, kind: str = AlertKind.PROMOTION_DUE, tier: str = INNOVATIVE_SME
) -> list[int]:
    """``count`` alerts of one kind and tier, one per new firm (named 汇总企业<start>…), oldest first."""
    drafts = [
        AlertDraft(kind, "2026", firm.pk, firm.district_id, tier, {"expires_on": "2026-12-31"})
        for firm in firms(count, start)
    ]
    return raise_alerts(drafts)


def emails(user):
    return AlertDelivery.objects.filter(user=user, channel="email")


def firm_names(messages) -> list[str]:
    """The firms whose alert texts the messages quote (each text names its firm once, with its code)."""
    return sorted(name for m in messages for name in re.findall(r"(汇总企业\d{4})（", m.body))


def test_the_cap_sends_the_limit_and_the_rest_reach_the_digest(reviewer, settings):
    settings.ALERT_EMAIL_DAILY_LIMIT = 5
    ids = raise_for(8)

    assert send_alert_emails(ids) == {"sent": 5, "failed": 0, "digest": 3}
    assert [m.to for m in mail.outbox] == [["rev@example.com"]] * 5
    assert firm_names(mail.outbox) == [f"汇总企业{i:04d}" for i in range(5)]  # the oldest go first
    assert emails(reviewer).filter(status="digest").count() == 3
    assert flush_alert_emails() == {"sent": 0, "failed": 0, "digest": 0}  # nothing left pending

    mail.outbox.clear()
    assert send_daily_digests() == 1
    [digest] = mail.outbox
    for index in range(5, 8):
        assert f"汇总企业{index:04d}" in digest.body
    assert "汇总企业0000" not in digest.body  # the emailed ones are not repeated
    assert not emails(reviewer).exclude(status="sent").exists()


def test_the_allowance_is_per_day(reviewer, settings):
    settings.ALERT_EMAIL_DAILY_LIMIT = 5
    pending = emails(reviewer).filter(status="pending")

    raise_for(7)
    assert send_email_deliveries(pending, today=DAY) == {"sent": 5, "failed": 0, "digest": 2}
    raise_for(3, start=7)  # a later scan the same day: nothing left of today's allowance
    assert send_email_deliveries(pending, today=DAY) == {"sent": 0, "failed": 0, "digest": 3}

    raise_for(7, start=10)
    assert send_email_deliveries(pending, today=NEXT_DAY) == {"sent": 5, "failed": 0, "digest": 2}
    assert len(mail.outbox) == 10
    assert emails(reviewer).filter(quota_day=DAY).count() == 5
    assert emails(reviewer).filter(quota_day=NEXT_DAY).count() == 5


def test_a_retried_email_keeps_its_slot(reviewer, settings):
    """A mail server that refuses: the granted rows stay pending and are sent by the flush without taking
    another slot, so the day still ends with at most the limit."""
    settings.ALERT_EMAIL_DAILY_LIMIT = 2
    settings.EMAIL_BACKEND = "tests.scans.failing_mail.Backend"
    ids = raise_for(3)
    assert send_alert_emails(ids) == {"sent": 0, "failed": 2, "digest": 1}

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert flush_alert_emails() == {"sent": 2, "failed": 0, "digest": 0}
    raise_for(1, start=3)
    assert flush_alert_emails() == {"sent": 0, "failed": 0, "digest": 1}
    assert len(mail.outbox) == 2


def test_a_person_without_an_address_keeps_nothing_pending(settings):
    """Nothing can be emailed to them: their rows wait in the digest (for an address) instead of clogging
    the flush, which takes the oldest pending rows first."""
    settings.ALERT_EMAIL_DAILY_LIMIT = 5
    nobody = UserFactory(username="rev-no-mail", roles=["reviewer"], is_staff=True, email="")
    ids = raise_for(3)
    assert send_alert_emails(ids) == {"sent": 0, "failed": 0, "digest": 3}
    assert send_daily_digests() == 0
    assert emails(nobody).filter(status="digest").count() == 3
    assert not mail.outbox


def test_a_digest_of_120_alerts_quotes_the_newest_50_and_counts_all(reviewer):
    set_email_preference(user=reviewer, mode="daily")
    raise_for(70)
    raise_for(30, start=70, tier=SRDI_SME)
    raise_for(20, start=100, kind=AlertKind.DESIGNATION_EXPIRING, tier=SRDI_SME)
    assert emails(reviewer).filter(status="digest").count() == 120

    assert send_daily_digests() == 1
    [digest] = mail.outbox
    assert digest.to == ["rev@example.com"] and "每日提醒汇总" in digest.subject
    body = digest.body
    assert "有 120 条提醒在今天的汇总中" in body
    promotion, expiring = AlertKind.PROMOTION_DUE.label, AlertKind.DESIGNATION_EXPIRING.label
    assert f"- {promotion} · {TIERS[INNOVATIVE_SME]}：70 条" in body
    assert f"- {promotion} · {TIERS[SRDI_SME]}：30 条" in body
    assert f"- {expiring} · {TIERS[SRDI_SME]}：20 条" in body
    assert "最新的 50 条" in body
    assert firm_names([digest]) == [f"汇总企业{i:04d}" for i in range(70, 120)]  # the newest, once each
    assert "还有 70 条未在此列出" in body and "/inbox/" in body
    assert emails(reviewer).filter(status="sent").count() == 120
    assert send_daily_digests() == 0  # every row was marked: nothing is sent twice


def test_a_short_digest_quotes_everything_and_sends_nobody_to_the_inbox(reviewer):
    set_email_preference(user=reviewer, mode="daily")
    raise_for(3)
    assert send_daily_digests() == 1
    body = mail.outbox[0].body
    assert firm_names(mail.outbox) == ["汇总企业0000", "汇总企业0001", "汇总企业0002"]
    assert "还有" not in body and "最新的" not in body


def test_sending_to_one_person_costs_the_same_queries_for_10_or_1000_alerts(reviewer, settings):
    settings.ALERT_EMAIL_DAILY_LIMIT = 3
    pending = emails(reviewer).filter(status="pending")

    raise_for(10)
    with CaptureQueriesContext(connection) as few:
        assert send_email_deliveries(pending, today=DAY) == {"sent": 3, "failed": 0, "digest": 7}
    raise_for(1000, start=10)
    with CaptureQueriesContext(connection) as many:
        assert send_email_deliveries(pending, today=NEXT_DAY) == {"sent": 3, "failed": 0, "digest": 997}
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_the_digest_reads_the_same_queries_for_60_or_600_alerts(reviewer):
    set_email_preference(user=reviewer, mode="daily")
    raise_for(60)
    with CaptureQueriesContext(connection) as few:
        assert send_daily_digests() == 1
    raise_for(600, start=60)
    with CaptureQueriesContext(connection) as many:
        assert send_daily_digests() == 1
    assert len(many) == len(few)
    assert "还有 550 条未在此列出" in mail.outbox[-1].body
