"""Two workers sending one person's alert emails at once never exceed the daily cap.

A scan's chunks each queue their own send task, and the periodic flush may run beside them: on a busy
night several workers send to the same reviewer at the same moment. Each attempt runs in its own thread
and connection, released together by a barrier; the person's lock makes the second count what the first
granted.
"""

from __future__ import annotations

import collections

import pytest
from django.core import mail

from cultivation.models.alerts import AlertDelivery
from cultivation.services.alerts import send_daily_digests
from cultivation.tasks import flush_alert_emails, send_alert_emails
from tests.concurrency import race
from tests.factories import UserFactory

from .test_alert_volume import firm_names, raise_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LIMIT = 10


@pytest.mark.parametrize("round_", range(3))
def test_two_workers_sending_to_one_person_never_exceed_the_cap(settings, round_):
    settings.ALERT_EMAIL_DAILY_LIMIT = LIMIT
    reviewer = UserFactory(username="rev", roles=["reviewer"], is_staff=True, email="rev@example.com")
    first, second = raise_for(8), raise_for(8, start=8)  # two chunks, each within the cap alone

    outcomes = race(lambda: send_alert_emails(first), lambda: send_alert_emails(second))

    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert sum(o["sent"] for o in outcomes) == LIMIT
    assert sum(o["digest"] for o in outcomes) == 16 - LIMIT
    names = firm_names(mail.outbox)
    assert len(names) == LIMIT and not [n for n, c in collections.Counter(names).items() if c > 1]
    rows = AlertDelivery.objects.filter(user=reviewer, channel="email")
    assert rows.filter(status="sent").count() == LIMIT
    assert rows.filter(status="digest").count() == 16 - LIMIT


def test_a_flush_beside_the_send_task_sends_each_email_once(settings):
    """The flush and a chunk's task over the same pending rows: the cap holds and no row goes twice."""
    settings.ALERT_EMAIL_DAILY_LIMIT = LIMIT
    UserFactory(username="rev", roles=["reviewer"], is_staff=True, email="rev@example.com")
    ids = raise_for(14)

    outcomes = race(lambda: send_alert_emails(ids), flush_alert_emails)

    assert all(isinstance(o, dict) for o in outcomes), outcomes
    names = firm_names(mail.outbox)
    assert len(names) == LIMIT == len(set(names))
    assert sum(o["sent"] for o in outcomes) == LIMIT


@pytest.mark.parametrize("round_", range(3))
def test_a_digest_while_the_sender_moves_rows_in_loses_and_repeats_nothing(settings, round_):
    """The 08:00 digest runs while a chunk's task moves the person's over-cap rows to the digest: each
    alert reaches the person once, in an email or in one digest, and each digest counts what it quotes."""
    settings.ALERT_EMAIL_DAILY_LIMIT = 5
    UserFactory(username="rev", roles=["reviewer"], is_staff=True, email="rev@example.com")
    assert send_alert_emails(raise_for(8))["digest"] == 3  # three already waiting for the digest
    later = raise_for(8, start=8)

    outcomes = race(send_daily_digests, lambda: send_alert_emails(later))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    send_daily_digests()  # whatever arrived after the first digest took its rows

    names = firm_names(mail.outbox)
    assert names == [f"汇总企业{i:04d}" for i in range(16)]  # every alert once: none lost, none twice
    for digest in [m for m in mail.outbox if "每日提醒汇总" in m.subject]:
        assert f"有 {len(firm_names([digest]))} 条提醒" in digest.body
