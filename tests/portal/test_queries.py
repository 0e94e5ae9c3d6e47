"""The queues read a fixed number of queries however many applications they list."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cultivation.services import application_transition, assign_reviewers, create_application
from tests.factories import UserFactory, eligible_firm

pytestmark = pytest.mark.django_db


def submitted_applications(start: int, count: int, reviewer, caseworker) -> None:
    for index in range(start, start + count):
        firm = eligible_firm(name=f"重庆队列测试有限公司{index}")
        user = UserFactory(username=f"queue-firm-{index}", roles=["firm"], firm=firm)
        application = create_application(firm=firm, tier="innovative_sme", actor=user)
        application_transition(application=application, action="submit", actor=user)
        if index % 2:
            application_transition(application=application, action="accept", actor=caseworker)
            application_transition(application=application, action="recommend", actor=caseworker)
            due = timezone.localdate() + datetime.timedelta(days=7)
            assign_reviewers(application=application, reviewers=[reviewer], due_at=due, actor=caseworker)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["portal:case-queue", "portal:review-queue"])
def test_queue_queries_do_not_grow_with_the_queue(client, caseworker, reviewer, name):
    user = reviewer if name == "portal:review-queue" else caseworker
    client.force_login(user)
    submitted_applications(0, 2, reviewer, caseworker)
    few = queries(client, reverse(name))
    submitted_applications(2, 6, reviewer, caseworker)
    assert queries(client, reverse(name)) == few
