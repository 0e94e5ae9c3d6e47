"""Two caseworkers admit the same firm at once: one member, one clear refusal, never a 500.

Each admission runs in its own thread and connection, released together by a barrier, through the admin's
add page as people use it. The service locks the firm row, so the second sees the first's member.
"""

from __future__ import annotations

import pytest
from django.test import Client

from cultivation.models import PoolMembership
from tests.concurrency import race
from tests.factories import FiguresFactory, FirmFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ADD_URL = "/admin/cultivation/poolmembership/add/"
PEOPLE = 2


def test_concurrent_admissions_of_one_firm_admit_it_once():
    firm = FirmFactory()
    FiguresFactory(firm=firm, year=2024)  # fails the entry rule: the city overrides, with a reason
    users = [
        UserFactory(username=f"cw-city-{index}", roles=["caseworker"], is_staff=True)
        for index in range(PEOPLE)
    ]

    def admit(index: int):
        def attempt() -> tuple[int, str]:
            client = Client()
            client.force_login(users[index])
            data = {"firm": firm.pk, "entered_on": "2025-06-01", "override_reason": f"并发测试 {index}"}
            response = client.post(ADD_URL, data)
            return response.status_code, response.content.decode()

        return attempt

    answers = race(*(admit(i) for i in range(PEOPLE)))

    statuses = sorted(a[0] if isinstance(a, tuple) else repr(a)[:300] for a in answers)
    assert statuses == [200, 302], statuses
    refused = next(a[1] for a in answers if a[0] == 200)
    assert "该企业已在硬科技帮扶库中" in refused
    assert PoolMembership.objects.filter(firm=firm).count() == 1
