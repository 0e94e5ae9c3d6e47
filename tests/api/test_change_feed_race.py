"""The change feed under concurrent writers (PostgreSQL, real threads and commits): a reader that keeps
asking with its cursor sees every committed change exactly once, in the feed's order.

Each writer's transaction logs a change and then waits a moment before committing, so transactions
commit in another order than they wrote: with an autoincrement id as the cursor the reader would pass a
smaller id that commits later and never return it. The feed numbers entries at commit instead.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from registry.models import Change, Firm
from tests.concurrency import race
from tests.factories import FirmFactory, caseworker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WRITERS = 6
WRITES_EACH = 12


def test_a_polling_reader_sees_every_concurrent_change_exactly_once():
    city = caseworker(None, "race-city")
    firms = [FirmFactory(name=f"并发变更{n}") for n in range(WRITERS)]
    start = int(Change.objects.order_by("-seq").values_list("seq", flat=True).first() or 0)
    done = threading.Event()
    finished = []

    def writer(firm: Firm):
        def attempt() -> int:
            rng = random.Random(firm.pk)
            for n in range(WRITES_EACH):
                with transaction.atomic():
                    firm.contact_name = f"联系人{n}"
                    firm.save()
                    time.sleep(rng.uniform(0, 0.03))  # commit later than transactions that wrote after
            finished.append(firm.pk)
            if len(finished) == WRITERS:
                done.set()
            return WRITES_EACH

        return attempt

    def reader() -> list[dict]:
        client = APIClient()
        client.force_authenticate(city)
        seen, cursor, last_round = [], str(start), False
        while True:
            page = client.get("/api/changes/", {"since": cursor, "limit": 7}).json()
            seen.extend(page["results"])
            cursor = page["next"]
            if not page["results"] and not page["has_more"]:
                if last_round:
                    return seen
                last_round = done.is_set()  # one more empty answer after every writer committed
            time.sleep(0.005)

    *writes, seen = race(*(writer(firm) for firm in firms), reader, timeout=120)
    assert writes == [WRITES_EACH] * WRITERS, writes
    assert isinstance(seen, list), seen
    cursors = [int(entry["cursor"]) for entry in seen]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors), "out of order or repeated"
    committed = set(Change.objects.filter(seq__gt=start).values_list("seq", flat=True))
    assert set(cursors) == committed, f"missed {sorted(committed - set(cursors))[:10]}"
    codes = {firm.credit_code for firm in firms}
    by_firm = {code: sum(entry["key"] == code for entry in seen) for code in codes}
    assert by_firm == dict.fromkeys(codes, WRITES_EACH)
